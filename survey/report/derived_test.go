package report

import (
	"math"
	"testing"

	"tracer/survey"
)

func TestDerive(t *testing.T) {
	row := &survey.Respondent{RosterID: "R1", TrainingEnd: "2025-11-20", Completion: "pass"}
	wage := &survey.Record{ID: "a", Revision: 1, Answers: map[string]string{
		"consent": "yes", "interview_date": "2026-11-20", "main_status": "1", "grp_job/hours_week": "40",
		"grp_job/income_exact": "3800000", "grp_job/work_regency": "6474", "grp_job/first_job_date": "2026-01-20",
	}}
	d := Derive(wage, row, Config{})
	// 365 days / 30.4375; 61 days to the first job; Bontang's 2026 UMK is 3,799,480.
	if !d.Respondent || !d.Absorbed || !d.Wage || d.SelfEmployed || d.Unemployed {
		t.Errorf("flags = %+v", d)
	}
	if math.Abs(d.Months-365/30.4375) > 1e-9 || math.Abs(d.FirstJob-61/30.4375) > 1e-9 {
		t.Errorf("months = %v, first job = %v", d.Months, d.FirstJob)
	}
	if d.Income != 3800000 || d.UMK != 3799480 || !d.UMKMet {
		t.Errorf("income %v, UMK %v, met %v", d.Income, d.UMK, d.UMKMet)
	}

	// Self-employed with an income band: the band's midpoint, no UMK.
	self := &survey.Record{ID: "b", Revision: 1, Answers: map[string]string{"consent": "yes", "main_status": "3", "income_band": "3"}}
	d = Derive(self, row, Config{})
	if !d.Absorbed || !d.SelfEmployed || d.Wage || d.Income != 2_500_000 || !math.IsNaN(d.UMK) || d.UMKMet {
		t.Errorf("self-employed = %+v", d)
	}
	// Paid OJT counts as absorbed only when the setting says so.
	ojt := &survey.Record{ID: "c", Revision: 1, Answers: map[string]string{"consent": "yes", "main_status": "5"}}
	if Derive(ojt, row, Config{}).Absorbed || !Derive(ojt, row, Config{PaidOJTAbsorbed: true}).Absorbed {
		t.Error("paid OJT absorbed regardless of the setting")
	}
	// Unemployed: not working, searching and available.
	u := &survey.Record{ID: "d", Revision: 1, Answers: map[string]string{"consent": "yes", "main_status": "7", "searching_4w": "yes", "available_2w": "yes"}}
	if d := Derive(u, nil, Config{}); !d.Unemployed || d.Absorbed {
		t.Errorf("unemployed = %+v", d)
	}
	// A refusal is no respondent: no flags, nothing known.
	if d := Derive(&survey.Record{ID: "e", Answers: map[string]string{"consent": "no", "main_status": "1"}}, row, Config{}); d.Respondent || d.Wage || !math.IsNaN(d.Months) {
		t.Errorf("refusal = %+v", d)
	}
}
