package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestExportJoinsConfirmedRosterID checks that the export joins an interview without a
// respondent id to the roster row of the roster id it confirms, the row the report and the
// alumni table count it for, and computes its derived variables with that row.
func TestExportJoinsConfirmedRosterID(t *testing.T) {
	ctx := context.Background()
	db, err := testbed.OpenServerDB(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	roster := sqlite.NewServerRosterStore(db)
	if _, err := roster.Upload(ctx, []*survey.Respondent{
		{RosterID: "R001", Name: "Ani", Completion: "pass", TrainingEnd: "2025-06-30"},
		{RosterID: "R002", Name: "Budi", Completion: "pass", TrainingEnd: "2025-06-30"},
	}); err != nil {
		t.Fatal(err)
	}
	f, persona, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	subs := []*survey.Submission{
		personaSubmission(t, f, persona, 1, "R001", "R001", "yes", at, at),
		personaSubmission(t, f, persona, 2, "", "R002", "yes", at, at),
		personaSubmission(t, f, persona, 3, "", "R404", "yes", at, at),
	}
	if _, err := sqlite.NewSubmissionStore(db).Ingest(ctx, subs); err != nil {
		t.Fatal(err)
	}
	src := server.Sources{Reviews: sqlite.NewReviewStore(db), Forms: sqlite.NewFormStore(db), Roster: roster}
	var buf bytes.Buffer
	if _, err := server.WriteExport(ctx, &buf, src, server.ExportOptions{Format: export.CSV, Revisions: survey.RevisionsLatest, TempDir: t.TempDir()}, nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("interviews.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	rows, err := csv.NewReader(rc).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := map[string]string{"R001": "R001", "R002": "R002", "R404": ""}
	for _, r := range rows[1:] {
		confirmed := r[col["roster_id"]]
		if got := r[col["roster_roster_id"]]; got != want[confirmed] {
			t.Errorf("interview confirming %s (respondent id %q): roster_roster_id %q, want %q", confirmed, r[col["respondent_id"]], got, want[confirmed])
		}
		if got := r[col["roster_full_name"]]; (got == "") != (want[confirmed] == "") {
			t.Errorf("interview confirming %s: roster_full_name %q", confirmed, got)
		}
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 3 interviews", len(rows)-1)
	}
}
