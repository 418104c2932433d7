package report_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/report"
)

// TestMediansAgainstSort checks the report's medians and quartiles of the months to the
// first job (a job before completion counts as 0) and of the incomes (all absorbed, wage
// earners, self-employed), in the total and by sex, against a plain sort of the values of
// generated respondents (QUARTILE.INC).
func TestMediansAgainstSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 11))
	var rows []*survey.Respondent
	var recs []*survey.Record
	type vals struct{ ts, incA, incW, incSE []float64 }
	want := map[string]*vals{"total": {}, "L": {}, "P": {}}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 700 {
		sex := []string{"L", "P"}[i%2]
		id := fmt.Sprintf("G%04d", i)
		rows = append(rows, &survey.Respondent{RosterID: id, Name: "x", Sex: sex, Completion: "pass", TrainingEnd: "2025-06-30"})
		if i%7 == 3 {
			continue // not interviewed
		}
		status := []string{"1", "3", "6", "1", "2"}[rng.IntN(5)]
		a := map[string]string{"grp_consent/consent": "yes", "grp_consent/interview_date": "2026-03-01", "grp_status/main_status": status,
			"grp_training/training_end_date": "2025-06-30"}
		var ts, inc float64
		hasT, hasInc := rng.IntN(6) > 0, rng.IntN(5) > 0
		if hasT {
			ts = float64(rng.IntN(3500)-1000) / 100 // -10.00 to 24.99 months: some jobs before completion
			a["months_to_first_job"] = strconv.FormatFloat(ts, 'f', -1, 64)
		}
		if hasInc {
			inc = float64(500_000 + rng.IntN(80)*125_000)
			a["grp_job/income_exact"] = strconv.FormatFloat(inc, 'f', -1, 64)
		}
		recs = append(recs, &survey.Record{ID: survey.NewID(), Revision: 1, RespondentID: id, FinalizedAt: at.Add(time.Duration(i) * time.Minute), Answers: a})
		for _, k := range []string{"total", sex} {
			v := want[k]
			if hasT {
				v.ts = append(v.ts, math.Max(ts, 0))
			}
			if hasInc && status != "6" {
				v.incA = append(v.incA, inc)
				if status == "3" {
					v.incSE = append(v.incSE, inc)
				} else {
					v.incW = append(v.incW, inc)
				}
			}
		}
	}
	rep, err := report.ComputeRoster(report.RosterOf(rows), seq(recs), report.Config{By: []report.Dimension{report.BySex}})
	if err != nil {
		t.Fatal(err)
	}
	quantile := func(xs []float64, q float64) float64 {
		h := q * float64(len(xs)-1)
		lo := int(h)
		if lo+1 >= len(xs) {
			return xs[len(xs)-1]
		}
		return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
	}
	check := func(c *report.Cell, v *vals) {
		t.Helper()
		for id, xs := range map[string][]float64{"first_job_months": v.ts, "income_median": v.incA, "income_median_wage": v.incW, "income_median_self": v.incSE} {
			if len(xs) < 10 {
				t.Fatalf("%s %s: %d values, too few for a median", c.Key, id, len(xs))
			}
			xs = append([]float64(nil), xs...)
			sort.Float64s(xs)
			var got *report.Value
			for i := range c.Values {
				if c.Values[i].ID == id {
					got = &c.Values[i]
				}
			}
			if got == nil || got.Stat == nil || got.Q1 == nil || got.Q3 == nil || got.Den != len(xs) {
				t.Fatalf("%s %s = %+v, want a median of %d values", c.Key, id, got, len(xs))
			}
			for _, q := range []struct {
				name string
				got  float64
				p    float64
			}{{"q1", *got.Q1, 0.25}, {"median", *got.Stat, 0.5}, {"q3", *got.Q3, 0.75}} {
				if w := quantile(xs, q.p); math.Abs(q.got-w) > 1e-9*math.Max(1, math.Abs(w)) {
					t.Errorf("%s %s %s = %v, want %v", c.Key, id, q.name, q.got, w)
				}
			}
		}
	}
	check(&rep.Total, want["total"])
	if len(rep.Breakdowns) != 1 || len(rep.Breakdowns[0].Cells) != 2 {
		t.Fatalf("breakdowns %+v, want the two sexes", rep.Breakdowns)
	}
	for i := range rep.Breakdowns[0].Cells {
		c := &rep.Breakdowns[0].Cells[i]
		check(c, want[c.Key])
	}
}
