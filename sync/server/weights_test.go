package server_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/report"
	"tracer/sync/server"
)

// TestExportWeights checks the d_weight column of an export whose study turns the
// non-response weights on: the report is folded from the stored records first, and each
// graduate respondent gets G/S of their kejuruan × sex cell, counting a person's second
// interview and a refusal once.
func TestExportWeights(t *testing.T) {
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
	adb := newAnalysisDB(t, rows)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var subs []*survey.Submission
	interview := func(i int, rosterID, consent string) {
		subs = append(subs, adb.submission(i, rosterID, rosterID, consent, at, at.Add(time.Duration(i)*time.Minute)))
	}
	interview(1, "R0", "yes")
	interview(2, "R1", "yes")
	interview(3, "R2", "yes")
	interview(4, "R2", "yes") // R2 again: one respondent
	interview(5, "R6", "yes")
	interview(6, "R7", "no")
	adb.ingest(subs)
	var table [][]string
	for _, rows := range exportTables(t, adb.src, server.ExportOptions{Revisions: survey.RevisionsLatest, Study: report.Config{Weights: true}}) {
		if len(rows) > 0 && slices.Contains(rows[0], "d_weight") {
			table = rows
		}
	}
	if table == nil {
		t.Fatal("no table with d_weight in the export")
	}
	col := columns(table[0])
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
