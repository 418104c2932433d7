package server_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/report"
	"tracer/survey/sqlite"
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

// TestExportWeightsPerWave: with waves, an interview's d_weight is the weight of the report
// of its own wave, never of the waves' interviews counted together. LAS men: 4
// graduates; in the first wave 2 answered (weight 2), in the second all 4 (weight 1).
func TestExportWeightsPerWave(t *testing.T) {
	var rows []*survey.Respondent
	for i := range 4 {
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R%d", i), Name: "x", Kejuruan: "LAS", Sex: "1", Completion: "pass"})
	}
	adb := newAnalysisDB(t, rows)
	waves := sqlite.NewWaveStore(adb.db)
	first, second := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, w := range []survey.Wave{{Name: "6 bulan", StartsAt: first}, {Name: "12 bulan", StartsAt: second}} {
		w.CreatedBy, w.CreatedAt = "sri", w.StartsAt
		if err := waves.AddWave(context.Background(), w); err != nil {
			t.Fatal(err)
		}
	}
	adb.src.Waves = waves
	var subs []*survey.Submission
	for i, r := range []string{"R0", "R1"} {
		at := first.Add(time.Duration(i+1) * 24 * time.Hour)
		subs = append(subs, adb.submission(i+1, r, r, "yes", at, at.Add(time.Hour)))
	}
	for i, r := range []string{"R0", "R1", "R2", "R3"} {
		at := second.Add(time.Duration(i+1) * 24 * time.Hour)
		subs = append(subs, adb.submission(i+3, r, r, "yes", at, at.Add(time.Hour)))
	}
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
	want := map[string]string{}
	for i, w := range []string{"2", "2", "1", "1", "1", "1"} {
		want[fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)] = w
	}
	if !maps.Equal(got, want) {
		t.Errorf("d_weight by interview %v, want %v", got, want)
	}
}
