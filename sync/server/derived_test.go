package server_test

import (
	"testing"

	"tracer/survey"
	"tracer/survey/report"
	"tracer/sync/server"
)

func TestDerivedColumnsWeight(t *testing.T) {
	weights := []report.Weight{{Kejuruan: "LAS", Sex: "L", G: 10, S: 4, Weight: 2.5}, {Kejuruan: report.Unknown, Sex: "P", G: 3, S: 3, Weight: 1}}
	d := server.DerivedColumns(report.Config{}, weights)
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
		{&survey.Respondent{RosterID: "R1", Kejuruan: "LAS", Sex: "L", Completion: "pass"}, resp, "2.5"},
		{&survey.Respondent{RosterID: "R2", Sex: "P", Completion: "pass"}, resp, "1"},                 // an unknown kejuruan is its own cell
		{&survey.Respondent{RosterID: "R3", Kejuruan: "LAS", Sex: "L", Completion: "fail"}, resp, ""}, // not a graduate
		{&survey.Respondent{RosterID: "R4", Kejuruan: "LAS", Sex: "L", Completion: "pass"}, &survey.Record{ID: "b", Answers: map[string]string{"consent": "no"}}, ""},
		{nil, resp, ""}, // a walk-in
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
	for _, c := range server.DerivedColumns(report.Config{}, nil).Columns {
		if c.Name == "d_weight" {
			t.Error("d_weight without weights")
		}
	}
}
