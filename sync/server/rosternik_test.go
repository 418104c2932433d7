package server_test

import (
	"context"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

// TestRosterUploadChecksNIK: the server applies the NIK rules to uploaded roster rows: an
// impossible NIK is refused naming its row, and a NIK written with separators is stored in
// its normalised form.
func TestRosterUploadChecksNIK(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	_, err := sup.UploadRoster(ctx, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas", NIK: "6408061202040071"},
		{RosterID: "R2", Name: "Sari", NIK: "6408063102040071"}, // 31 February
	})
	if survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(survey.ErrorMessage(err), "Row 2 (R2)") {
		t.Fatalf("an impossible NIK: %v", err)
	}
	roster := sqlite.NewServerRosterStore(env.DB)
	if rows, err := roster.Changes(ctx, 0, 10, ""); err != nil || len(rows) != 0 {
		t.Errorf("a refused upload stored rows: %+v %v", rows, err)
	}
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas", NIK: "6408 0612.0204-0071"}}); err != nil {
		t.Fatal(err)
	}
	rows, err := roster.Changes(ctx, 0, 10, "")
	if err != nil || len(rows) != 1 || rows[0].Respondent.NIK != "6408061202040071" {
		t.Errorf("stored rows: %+v %v", rows, err)
	}
}
