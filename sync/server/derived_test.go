package server_test

import (
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/report"
	"tracer/sync/server"
)

func TestDerivedColumnsWeight(t *testing.T) {
	weights := []report.Weight{
		{Kejuruan: "LAS", Sex: "L", G: 10, S: 4, Weight: new(2.5)},
		{Kejuruan: report.Unknown, Sex: "P", G: 3, S: 3, Weight: new(1.0)},
		{Kejuruan: "TIK", Sex: "P", G: 6, S: 4, Weight: new(1.5)},
	}
	rows := []*survey.Respondent{
		{RosterID: "R1", Kejuruan: "LAS", Sex: "L", Completion: "pass", TrainingEnd: "2025-06-30"},
		{RosterID: "R2", Sex: "P", Completion: "pass", TrainingEnd: "2025-06-30"},
		{RosterID: "R3", Kejuruan: "LAS", Sex: "L", Completion: "fail", TrainingEnd: "2025-06-30"},
		{RosterID: "R4", Kejuruan: "LAS", Sex: "L", Completion: "pass", TrainingEnd: "2025-06-30"},
		// Sari passed TIK and dropped out of a later LAS batch: she weighs as TIK's graduate.
		{RosterID: "R5", NIK: "6408060101960001", Kejuruan: "TIK", Sex: "P", Completion: "pass", TrainingEnd: "2025-03-31"},
		{RosterID: "R6", NIK: "6408060101960001", Kejuruan: "LAS", Sex: "P", Completion: "dropout", TrainingEnd: "2025-09-30"},
		// A graduate of a batch before the study's period weighs nothing.
		{RosterID: "R7", Kejuruan: "LAS", Sex: "L", Completion: "pass", TrainingEnd: "2023-06-30"},
	}
	ro := report.NewRoster()
	byID := map[string]*survey.Respondent{}
	for _, r := range rows {
		ro.Add(r)
		byID[r.RosterID] = r
	}
	cfg := report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	d := server.DerivedColumns(cfg, server.WaveWeights{Weights: map[string][]report.Weight{"": weights}}, ro)
	names := map[string]int{}
	for i, c := range d.Columns {
		names[c.Name] = i
	}
	w, ok := names["d_weight"]
	if !ok {
		t.Fatalf("no d_weight column in %v", d.Columns)
	}
	resp := &survey.Record{ID: "a", Answers: map[string]string{"consent": "yes", "main_status": "3", "income_band": "2"}}
	for _, tt := range []struct {
		row  *survey.Respondent
		rec  *survey.Record
		want string
	}{
		{byID["R1"], resp, "2.5"},
		{byID["R2"], resp, "1"}, // an unknown kejuruan is its own cell
		{byID["R3"], resp, ""},  // not a graduate
		{byID["R4"], &survey.Record{ID: "b", Answers: map[string]string{"consent": "no"}}, ""},
		{byID["R6"], resp, "1.5"}, // joined to her dropout row, weighed as her person
		{byID["R7"], resp, ""},    // outside the period
		{nil, resp, ""},           // a walk-in
	} {
		dst := make([]string, len(d.Columns))
		d.Values(tt.rec, tt.rec.AnswerList(), tt.row, dst)
		if dst[w] != tt.want {
			t.Errorf("weight of %+v = %q, want %q", tt.row, dst[w], tt.want)
		}
		if tt.rec == resp && (dst[names["d_self_employed"]] != "1" || dst[names["d_income"]] != "1500000") {
			t.Errorf("derived of %+v = %q", tt.row, dst)
		}
	}
	// Without weights, no weight column.
	for _, c := range server.DerivedColumns(report.Config{}, server.WaveWeights{}, nil).Columns {
		if c.Name == "d_weight" {
			t.Error("d_weight without weights")
		}
	}
}
