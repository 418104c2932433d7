package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

// TestSyncLateRefusalOfAnAttempt: ani records a contact attempt and syncs; the centre then
// keeps a late refusal of it (as when a relay had taken it and the centre refused it when
// forwarded). Her next "tracer sync" prints the refusal and exits 1, "tracer attempt list"
// shows the attempt refused with the reason, a later sync sends nothing again, and the
// supervisor's "tracer review refused" lists it with its kind.
func TestSyncLateRefusalOfAnAttempt(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan"}}); err != nil {
		t.Fatal(err)
	}
	ani, sri := t.TempDir(), t.TempDir()
	for _, u := range []struct {
		dir, name string
		role      survey.Role
	}{{ani, "ani", survey.RoleEnumerator}, {sri, "sri", survey.RoleSupervisor}} {
		_, code, err := env.Users.CreateUser(ctx, u.name, u.role)
		if err != nil {
			t.Fatal(err)
		}
		if out, _, err := runMain(t, u.dir, "login", env.URL, code); err != nil {
			t.Fatalf("login %s: %v %s", u.name, err, out)
		}
	}
	if out, _, err := runMain(t, ani, "sync"); err != nil {
		t.Fatalf("the first sync: %v %s", err, out)
	}
	if out, _, err := runMain(t, ani, "attempt", "add", "R1", "--mode", "phone", "--outcome", "3.13"); err != nil {
		t.Fatalf("attempt add: %v %s", err, out)
	}
	if out, _, err := runMain(t, ani, "sync"); err != nil || !strings.Contains(out, "attempts: pushed 1 new") {
		t.Fatalf("the attempt's sync: %v %s", err, out)
	}
	db, err := sqlite.Open(ctx, filepath.Join(ani, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	list, err := sqlite.NewAttemptStore(db).List(ctx, survey.AttemptFilter{})
	db.Close()
	if err != nil || len(list) != 1 {
		t.Fatalf("the laptop's attempts: %v %d", err, len(list))
	}
	id := list[0].ID
	if err := env.Subs.RecordLateRefusals(ctx, []survey.LateRefusal{{Kind: survey.ItemAttempt,
		Refusal:     survey.Refusal{InterviewID: id, Code: survey.ECONFLICT, Message: "Another content was stored for attempt " + id + " before."},
		SubmittedBy: "ani", Relay: "rina", Outcome: survey.OutcomeConflict}}); err != nil {
		t.Fatal(err)
	}

	out, _, err := runMain(t, ani, "sync")
	if err == nil || !strings.Contains(out, "refused at the centre after a relay took it: attempt "+id+": Another content was stored for attempt "+id+" before. (conflict); it stays on this laptop, not sent again") {
		t.Fatalf("the sync after the late refusal (%v):\n%s", err, out)
	}
	if out, _, err := runMain(t, ani, "attempt", "list"); err != nil || !strings.Contains(out, "refused: Another content was stored") {
		t.Fatalf("attempt list: %v\n%s", err, out)
	}
	if out, _, _ := runMain(t, ani, "sync"); strings.Contains(out, "refused at the centre") || strings.Contains(out, "attempts: pushed") {
		t.Fatalf("a later sync learnt it again or pushed it:\n%s", out)
	}
	out, _, err = runMain(t, sri, "review", "refused")
	if err != nil || !strings.Contains(out, "attempt  "+id+"  -    conflict  ani") || !strings.Contains(out, "1 refused at the centre after a relay took them") {
		t.Fatalf("review refused: %v\n%s", err, out)
	}
}
