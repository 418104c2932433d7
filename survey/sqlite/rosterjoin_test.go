package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// TestRosterRecords checks that the store joins each record's roster row, and none for a
// respondent the roster lacks, in sequence order.
func TestRosterRecords(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	roster := sqlite.NewServerRosterStore(db)
	if _, err := roster.Upload(ctx, []*survey.Respondent{
		{RosterID: "A-1", Name: "Ani", Kejuruan: "LAS"},
		{RosterID: "B-2", Name: "Budi", Kejuruan: "TIK"},
	}); err != nil {
		t.Fatal(err)
	}
	subs := sqlite.NewSubmissionStore(db)
	var want []string
	for _, rid := range []string{"B-2", "Z-9", "A-1"} {
		sub := submission(t, survey.NewID(), 1, "1")
		sub.RespondentID = rid
		if _, err := subs.Ingest(ctx, []*survey.Submission{sub}); err != nil {
			t.Fatal(err)
		}
		want = append(want, sub.InterviewID)
	}
	var got []string
	for rr, err := range sqlite.NewReviewStore(db).RosterRecords(ctx, survey.RecordFilter{Revisions: survey.RevisionsAll}) {
		if err != nil {
			t.Fatal(err)
		}
		name := "-"
		if rr.Respondent != nil {
			name = rr.Respondent.Name + "/" + rr.Respondent.Kejuruan
		}
		got = append(got, rr.Record.ID+" "+name)
	}
	wantRows := []string{want[0] + " Budi/TIK", want[1] + " -", want[2] + " Ani/LAS"}
	if len(got) != 3 || got[0] != wantRows[0] || got[1] != wantRows[1] || got[2] != wantRows[2] {
		t.Fatalf("joined %q, want %q", got, wantRows)
	}
}
