package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/export"
	"tracer/survey/report"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestExportWeights checks the d_weight column of an export whose study turns the
// non-response weights on: the report is folded from the stored records first, and each
// graduate respondent gets G/S of their kejuruan × sex cell, counting a person's second
// interview and a refusal once.
func TestExportWeights(t *testing.T) {
	ctx := context.Background()
	db, err := testbed.OpenServerDB(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	roster := sqlite.NewServerRosterStore(db)
	// LAS men: 6 graduates, 3 of them respondents (weight 2); TIK women: 3 graduates, 1
	// respondent (weight 3), one more refused.
	var rows []*survey.Respondent
	for i := range 9 {
		k, sex := "LAS", "1"
		if i >= 6 {
			k, sex = "TIK", "2"
		}
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R%d", i), Name: "x", Kejuruan: k, Sex: sex, Completion: "pass"})
	}
	if _, err := roster.Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	f, persona, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var subs []*survey.Submission
	interview := func(i int, rosterID, consent string) {
		subs = append(subs, personaSubmission(t, f, persona, i, rosterID, rosterID, consent, at, at.Add(time.Duration(i)*time.Minute)))
	}
	interview(1, "R0", "yes")
	interview(2, "R1", "yes")
	interview(3, "R2", "yes")
	interview(4, "R2", "yes") // R2 again: one respondent
	interview(5, "R6", "yes")
	interview(6, "R7", "no")
	if _, err := sqlite.NewSubmissionStore(db).Ingest(ctx, subs); err != nil {
		t.Fatal(err)
	}
	src := server.Sources{Reviews: sqlite.NewReviewStore(db), Forms: sqlite.NewFormStore(db), Roster: roster}
	var buf bytes.Buffer
	if _, err := server.WriteExport(ctx, &buf, src, server.ExportOptions{Format: export.CSV, Revisions: survey.RevisionsLatest,
		TempDir: t.TempDir(), Study: report.Config{Weights: true}}, nil); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var table [][]string
	for _, zf := range zr.File {
		if strings.Contains(zf.Name, "/") || !strings.HasSuffix(zf.Name, ".csv") || zf.Name == "codebook.csv" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		if table, err = csv.NewReader(rc).ReadAll(); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if len(table) > 0 && strings.Contains(strings.Join(table[0], ","), "d_weight") {
			break
		}
		table = nil
	}
	if table == nil {
		t.Fatal("no table with d_weight in the export")
	}
	col := map[string]int{}
	for i, c := range table[0] {
		col[strings.TrimPrefix(c, "\ufeff")] = i
	}
	got := map[string]string{}
	for _, r := range table[1:] {
		got[r[col["interview_id"]]] = r[col["d_weight"]]
	}
	// Both of R2's interviews are a respondent's rows; the refusal (6) has no weight.
	want := map[string]string{}
	for i, w := range []string{"2", "2", "2", "2", "3", ""} {
		want[fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)] = w
	}
	if !maps.Equal(got, want) {
		t.Errorf("d_weight by interview %v, want %v", got, want)
	}
}
