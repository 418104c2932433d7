package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"tracer/survey"
	"tracer/survey/report"
)

// The hand-computed dataset. 31 roster rows: P01-P30 ended training on 2025-06-30, P31 in
// 2024 (outside the period, so not in T). P01-P20 passed (G = 20), P21-P25 finished without
// passing, P26-P30 dropped out (T = 30). Kejuruan LAS for P01-P10 and P21-P25, OTO for the
// rest; odd numbers are men (L), even numbers women (P).
//
// Valid interviews for P01-P15 (S = 15); P16 and P17 refused (reached = 17); P18-P20 were
// not interviewed. P01 has revisions 1 (status 7) and 2 (status 1): revision 2 counts. P02
// has an older interview (status 8) and a newer one (status 1): the newer counts
// (superseded = 1). P21 (not passed) and a walk-in have interviews that must not count.
//
// Main status: P01 1, P02 1, P03 1, P04 2 (overseas), P05 4, P06-P08 3, P09 5 (paid OJT),
// P10 6 searching and available, P11 6 not searching, P12 7 searching and available,
// P13 7 not available, P14 8, P15 1.
// So W = {1,2,3,4,5,15} = 6, O = 1, SE = 3, OJT = 1, A = W + SE = 9, U = {10,12} = 2,
// ED = {10,11} = 2, I = S - A - U - OJT = {11,13,14} = 3.
type resp struct {
	status, search, avail       string
	date                        string // interview date (training ended 2025-06-30)
	t                           string // months_to_first_job
	income, band, hours, region string
	contract, match, skill      string
	cert, certResult, workers   string
	before, sat, recommend      string
	jobSat, howFound, kbli      string
	instructor                  string // sat_instructor, given by P01-P04 only
}

var resps = []resp{
	/* P01 */ {status: "1", date: "2026-07-01", t: "2", income: "4000000", hours: "48", region: "6411", contract: "pkwtt", match: "1", skill: "1", cert: "yes", certResult: "competent", before: "4", sat: "1", recommend: "10", jobSat: "1", howFound: "blk_placement relation", kbli: "C", instructor: "1"},
	/* P02 */ {status: "1", date: "2026-07-01", t: "-1", band: "4", hours: "40", region: "6472", contract: "pkwt", match: "2", skill: "1", cert: "yes", certResult: "competent", before: "4", sat: "1", recommend: "9", jobSat: "2", howFound: "online", kbli: "C", instructor: "2"},
	/* P03 */ {status: "1", date: "2026-07-01", t: "4", income: "5200000", hours: "50", region: "6474", contract: "outsourcing", match: "3", skill: "2", cert: "yes", certResult: "not_yet", before: "1", sat: "2", recommend: "8", jobSat: "3", howFound: "blk_placement", kbli: "F", instructor: "4"},
	/* P04 */ {status: "2", date: "2026-07-01", t: "8", income: "9000000", hours: "60", contract: "pkwt", match: "4", skill: "3", cert: "yes", certResult: "competent", before: "1", sat: "2", recommend: "9", jobSat: "1", howFound: "p3mi", kbli: "C", instructor: "5"},
	/* P05 */ {status: "4", date: "2026-07-01", t: "0.5", band: "2", hours: "30", region: "6408", match: "5", skill: "4", cert: "no", before: "5", sat: "3", recommend: "6", jobSat: "4", howFound: "relation", kbli: "F"},
	/* P06 */ {status: "3", date: "2026-01-15", t: "1", income: "3000000", match: "1", skill: "2", cert: "yes", certResult: "waiting", workers: "2", before: "7", sat: "1", recommend: "10", jobSat: "2", kbli: "S"},
	/* P07 */ {status: "3", date: "2026-01-15", t: "6.2", band: "8", match: "2", skill: "5", workers: "0", before: "2", sat: "2", recommend: "7", jobSat: "5", kbli: "S"},
	/* P08 */ {status: "3", date: "2026-01-15", t: "-3", band: "99", skill: "1", workers: "5", before: "3", sat: "4", recommend: "3", jobSat: "1", kbli: "I"},
	/* P09 */ {status: "5", date: "2026-01-15", t: "3", income: "2000000", hours: "40", match: "1", skill: "1", before: "4", sat: "5", recommend: "0", jobSat: "1"},
	/* P10 */ {status: "6", search: "yes", avail: "yes", date: "2026-01-15", t: "5", cert: "yes", certResult: "competent", before: "4", sat: "2", recommend: "9"},
	/* P11 */ {status: "6", search: "no", date: "2025-10-15", before: "5", sat: "1", recommend: "8"},
	/* P12 */ {status: "7", search: "yes", avail: "yes", date: "2025-10-15", cert: "yes", certResult: "not_yet", before: "4", sat: "3", recommend: "5"},
	/* P13 */ {status: "7", search: "yes", avail: "no", date: "2025-10-15", t: "2.5", before: "6", sat: "2", recommend: "10"},
	/* P14 */ {status: "8", search: "no", avail: "no", date: "2025-10-15", before: "6"},
	/* P15 */ {status: "1", date: "2025-10-15", t: "1", income: "3800000", hours: "40", region: "6474", contract: "daily", match: "1", skill: "3", before: "1", sat: "1", recommend: "9", jobSat: "2", howFound: "walk_in", kbli: "C"},
}

func rosterRows() []*survey.Respondent {
	var out []*survey.Respondent
	for i := 1; i <= 31; i++ {
		r := &survey.Respondent{
			RosterID: fmt.Sprintf("P%02d", i), NIK: fmt.Sprintf("64740101010%05d", i), Name: fmt.Sprintf("Person %d", i),
			Sex: "L", BirthDate: "2000-01-01", Education: "5", Institution: "UPTD BLKI Kota Bontang",
			Kejuruan: "LAS", ProgramName: "Juru Las", BatchID: "B1", TrainingStart: "2025-05-01", TrainingEnd: "2025-06-30",
			BudgetYear: "2025", Funding: "apbd_kab_murni", Regency: "6474",
		}
		if i%2 == 0 {
			r.Sex = "P"
		}
		if i > 10 && i <= 20 || i > 25 {
			r.Kejuruan, r.ProgramName, r.BatchID = "OTO", "Otomotif", "B2"
		}
		switch {
		case i <= 20:
			r.Completion = "pass"
		case i <= 25:
			r.Completion = "finished_not_pass"
		default:
			r.Completion = "dropout"
		}
		if i == 18 { // roster certification records win over self-report
			r.Extra = map[string]string{"cert_assessed": "yes", "cert_result": "competent"}
		}
		if i == 31 {
			r.TrainingEnd, r.TrainingStart = "2024-12-20", "2024-11-01"
		}
		out = append(out, r)
	}
	return out
}

var base = time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)

func answers(r resp) map[string]string {
	m := map[string]string{
		"grp_consent/consent": "yes", "grp_consent/interview_date": r.date, "grp_status/main_status": r.status,
		"grp_search/searching_4w": r.search, "grp_search/available_2w": r.avail, "months_to_first_job": r.t,
		"grp_job/income_exact": r.income, "grp_job/income_band": r.band, "grp_job/hours_week": r.hours,
		"grp_job/work_regency": r.region, "grp_job/contract": r.contract, "grp_job/job_match": r.match,
		"grp_job/skill_use": r.skill, "grp_training/cert_assessed": r.cert, "grp_training/cert_result": r.certResult,
		"grp_business/biz_paid_workers": r.workers, "grp_training/status_before": r.before,
		"grp_assessment/sat_overall": r.sat, "grp_assessment/recommend": r.recommend,
		"grp_assessment/sat_instructor": r.instructor,
		"grp_job/job_satisfaction":      r.jobSat, "grp_job/how_found": r.howFound, "grp_job/sector_kbli": r.kbli,
		"grp_training/training_end_date": "2025-06-30",
	}
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

func records() []*survey.Record {
	var out []*survey.Record
	add := func(id string, rev int, who string, at time.Time, a map[string]string) {
		out = append(out, &survey.Record{ID: id, Revision: rev, RespondentID: who, FinalizedAt: at, Answers: a})
	}
	for i, r := range resps {
		add(fmt.Sprintf("iv-%02d", i+1), 1, fmt.Sprintf("P%02d", i+1), base.Add(time.Duration(i)*time.Hour), answers(r))
	}
	// P01 revision 2 is the status above; revision 1 said unemployed.
	old := answers(resps[0])
	old["grp_status/main_status"] = "7"
	out[0].Revision = 2
	add("iv-01", 1, "P01", base.Add(-time.Hour), old)
	// P02's older interview.
	older := answers(resps[1])
	older["grp_status/main_status"] = "8"
	add("iv-02-old", 1, "P02", base.Add(-48*time.Hour), older)
	// Refusals, a non-passed respondent, a walk-in.
	add("iv-16", 1, "P16", base, map[string]string{"grp_consent/consent": "no"})
	add("iv-17", 1, "P17", base, map[string]string{"grp_consent/consent": "no"})
	add("iv-21", 1, "P21", base, answers(resps[0]))
	add("iv-walkin", 1, "WALKIN", base, answers(resps[0]))
	return out
}

func seq(recs []*survey.Record) iter.Seq2[*survey.Record, error] {
	return func(yield func(*survey.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func compute(t *testing.T, cfg report.Config) *report.Report {
	t.Helper()
	cfg.From = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg.To = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	r, err := report.Compute(rosterRows(), seq(records()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type want struct {
	num  float64
	den  int
	pct  float64 // NaN: suppressed
	flag report.Flag
}

const sup = -1.0 // marks a suppressed percentage in the table below

func checkValue(t *testing.T, c *report.Cell, id string, w want) {
	t.Helper()
	v := c.Get(id)
	if v == nil {
		t.Errorf("%s: no %s", c.Key, id)
		return
	}
	if v.Num != w.num || v.Den != w.den {
		t.Errorf("%s %s = %v/%d, want %v/%d", c.Key, id, v.Num, v.Den, w.num, w.den)
	}
	if w.pct == sup {
		if v.Pct != nil || v.Flag != report.FlagSuppressed {
			t.Errorf("%s %s: pct %v flag %q, want suppressed", c.Key, id, v.Pct, v.Flag)
		}
		return
	}
	if v.Pct == nil || math.Abs(*v.Pct-w.pct) > 0.005 {
		t.Errorf("%s %s pct = %v, want %.2f", c.Key, id, v.Pct, w.pct)
	}
	if v.Flag != w.flag {
		t.Errorf("%s %s flag = %q, want %q", c.Key, id, v.Flag, w.flag)
	}
}

func TestPopulations(t *testing.T) {
	r := compute(t, report.Config{})
	if diff := cmp.Diff(report.Populations{T: 30, G: 20, Reached: 17, S: 15, A: 9, W: 6, O: 1, SE: 3, OJT: 1, U: 2, ED: 2, I: 3}, r.Total.N); diff != "" {
		t.Errorf("populations (-want +got):\n%s", diff)
	}
	// 21 records: 15 + P01 rev 1 + P02's older one + 2 refusals + P21 + walk-in; 20 ids.
	if diff := cmp.Diff(report.Counts{RosterRows: 31, Records: 21, Interviews: 20, Unlinked: 1, Superseded: 1}, r.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	// The median of the 15 respondents' interview dates: five each on 2025-10-15,
	// 2026-01-15 and 2026-07-01, so the 8th is 2026-01-15.
	if r.Settings.AsOf != "2026-01-15" || r.Settings.AsOfSource != "median interview date" {
		t.Errorf("as of = %s (%s), want the median interview date 2026-01-15", r.Settings.AsOf, r.Settings.AsOfSource)
	}
}

func TestIndicators(t *testing.T) {
	r := compute(t, report.Config{})
	n := report.FlagNone
	small := report.FlagSmall
	tests := []struct {
		id string
		w  want
	}{
		{"response_rate", want{15, 20, 75, small}},                 // S/G
		{"contact_rate", want{17, 20, 85, small}},                  // reached/G
		{"absorption", want{9, 15, 60, small}},                     // A/S
		{"absorption_cohort", want{9, 20, 45, small}},              // A/G
		{"absorption_trainee", want{9, 30, 30, n}},                 // A/T
		{"wage_employment", want{6, 15, 40, small}},                // W/S
		{"self_employment", want{3, 15, 20, small}},                // SE/S
		{"absorbed_industry", want{6, 9, sup, ""}},                 // W/A
		{"absorbed_self", want{3, 9, sup, ""}},                     // SE/A
		{"overseas", want{1, 15, 100.0 / 15, small}},               // O/S
		{"overseas_absorbed", want{1, 9, sup, ""}},                 // O/A
		{"unemployment", want{2, 11, 200.0 / 11, small}},           // U/(A+U)
		{"neet", want{4, 15, 100 * 4.0 / 15, small}},               // S - A - ED: P09 (paid OJT), P12, P13, P14
		{"employed_at_completion", want{2, 12, 200.0 / 12, small}}, // P02 (-1) and P08 (-3) of 12 with a first job
		// m: P01-P05 12.02 months, P06-P10 6.54, P11-P15 3.52.
		{"employed_within_3", want{8, 15, 800.0 / 15, small}}, // t<=3: P01 P02 P05 P06 P08 P09 P13 P15
		{"employed_within_6", want{8, 10, 80, small}},         // of P01-P10: not P04 (8), P07 (6.2)
		{"employed_within_12", want{5, 5, sup, ""}},           // P01-P05 all found work by 8 months
		{"job_match", want{5, 8, sup, ""}},                    // A with an answer (P08 none; P09 is OJT): 1,2,3,4,5,1,2,1
		{"job_match_top3", want{6, 8, sup, ""}},
		{"relevant_employment", want{5, 15, 100.0 / 3, small}}, // job_match 1-2 of A: not P09 (OJT, match 1)
		{"skill_use", want{5, 9, sup, ""}},                     // 1,1,2,3,4,2,5,1,3
		// Full-time W in Indonesia: P01 (6411 -> UMP 2026 3,762,431; 4.0 m >=), P02 (6472 2026
		// 3,983,882; 3.5 m <), P03 (6474 2026 3,799,480; 5.2 m >= 1.2x = 4,559,376), P15 (6474
		// 2025 3,780,012.66; 3.8 m >=). P05 works 30 hours, P04 is overseas.
		{"umk", want{3, 4, sup, ""}},
		{"umk_120", want{1, 4, sup, ""}},
		{"formal_contract", want{3, 5, sup, ""}}, // pkwtt, pkwt, outsourcing, pkwt, daily
		// Assessed: P01 P02 P03 P04 P06 P10 P12 (self-report) and P18 (roster) = 8 of G.
		{"cert_coverage", want{8, 20, 40, small}},
		{"cert_pass", want{5, 8, sup, ""}}, // P01 P02 P04 P10 P18
		// status_before 4-7: P01 P02 P05 P06 P09 P10 P11 P12 P13 P14; absorbed: P01 P02 P05 P06.
		{"net_entry", want{4, 10, 40, small}},
		// sat_overall of 14: 10 answered 1 or 2.
		{"training_sat_top2", want{10, 14, 1000.0 / 14, small}},
		{"job_sat_top2", want{6, 9, sup, ""}},
	}
	for _, tt := range tests {
		checkValue(t, &r.Total, tt.id, tt.w)
	}
	stat := func(id string, wantStat float64, den int) *report.Value {
		t.Helper()
		v := r.Total.Get(id)
		if v.Den != den {
			t.Errorf("%s n = %d, want %d", id, v.Den, den)
		}
		if math.IsNaN(wantStat) {
			if v.Stat != nil {
				t.Errorf("%s = %v, want suppressed", id, *v.Stat)
			}
			return v
		}
		if v.Stat == nil || math.Abs(*v.Stat-wantStat) > 1e-9 {
			t.Errorf("%s = %v, want %v", id, v.Stat, wantStat)
		}
		return v
	}
	// t clamped at 0, sorted: 0 0 0.5 1 1 2 2.5 3 4 5 6.2 8: median (2+2.5)/2, Q1 at 2.75 ->
	// 0.5 + 0.75*0.5, Q3 at 8.25 -> 4 + 0.25*1.
	v := stat("first_job_months", 2.25, 12)
	if v.Q1 == nil || *v.Q1 != 0.875 || *v.Q3 != 4.25 {
		t.Errorf("first_job_months IQR = %v-%v, want 0.875-4.25", v.Q1, v.Q3)
	}
	// Incomes of A: 4.0 3.5(band 4) 5.2 9.0 1.5(band 2) 3.0 12.5(band 8 = 1.25 x 10) 3.8; P08 refused.
	stat("income_median", math.NaN(), 8)
	stat("income_median_wage", math.NaN(), 6)
	stat("income_median_self", math.NaN(), 2)
	if v := r.Total.Get("biz_jobs"); v.Num != 7 || v.Den != 3 { // 2 + 0 + 5 workers
		t.Errorf("biz_jobs = %v over %d, want 7 over 3", v.Num, v.Den)
	}
	// 6 - score over 14: 5 5 4 4 3 5 4 2 1 4 5 3 4 5 = 54.
	stat("training_sat_mean", 54.0/14, 14)
	// sat_instructor of P01-P04: 1 2 4 5, scored 5 4 2 1 = 12 over 4 (mean 3, suppressed
	// as n < 10); two in the top 2.
	if v := stat("sat_instructor_mean", math.NaN(), 4); v.Num != 12 {
		t.Errorf("sat_instructor_mean sum = %v, want 12", v.Num)
	}
	if v := r.Total.Get("sat_instructor_top2"); v.Num != 2 || v.Den != 4 || v.Flag != report.FlagSuppressed {
		t.Errorf("sat_instructor_top2 = %v/%d %q, want 2/4 suppressed", v.Num, v.Den, v.Flag)
	}
	if v := r.Total.Get("sat_practice_mean"); v.Den != 0 {
		t.Errorf("sat_practice_mean over %d, want nobody (not asked in this dataset)", v.Den)
	}
	// NPS over 14: promoters P01 P02 P04 P06 P10 P13 P15 (7), detractors P05 P08 P09 P12 (4).
	stat("nps", 300.0/14, 14)
}

func TestPaidOJTAbsorbed(t *testing.T) {
	r := compute(t, report.Config{PaidOJTAbsorbed: true})
	if r.Total.N.A != 10 || r.Total.N.I != 3 {
		t.Errorf("with paid OJT: A = %d, I = %d, want 10 and 3", r.Total.N.A, r.Total.N.I)
	}
	checkValue(t, &r.Total, "absorption", want{10, 15, 200.0 / 3, report.FlagSmall})
	checkValue(t, &r.Total, "absorbed_ojt", want{1, 10, 10, report.FlagSmall})
	// P09's match (1) and skill use (1) now count.
	checkValue(t, &r.Total, "job_match", want{6, 9, sup, ""})
	checkValue(t, &r.Total, "skill_use", want{6, 10, 60, report.FlagSmall})
	checkValue(t, &r.Total, "neet", want{3, 15, 20, report.FlagSmall}) // S - A - ED with P09 in A
}

func TestBreakdowns(t *testing.T) {
	r := compute(t, report.Config{Weights: true})
	by := map[report.Dimension]map[string]*report.Cell{}
	for _, b := range r.Breakdowns {
		by[b.Dimension] = map[string]*report.Cell{}
		total := report.Populations{}
		for i := range b.Cells {
			c := &b.Cells[i]
			by[b.Dimension][c.Key] = c
			total.T += c.N.T
			total.G += c.N.G
			total.S += c.N.S
			total.A += c.N.A
		}
		// Every breakdown partitions T.
		if total.T != 30 || total.G != 20 || total.S != 15 || total.A != 9 {
			t.Errorf("%s cells add up to %+v", b.Dimension, total)
		}
	}
	if len(by) != len(report.Dimensions) {
		t.Errorf("%d breakdowns, want %d", len(by), len(report.Dimensions))
	}
	small := report.FlagSmall
	cells := []struct {
		d       report.Dimension
		key     string
		n       report.Populations
		resp    want
		absorbe want
	}{
		// LAS: P01-P10 and P21-P25.
		{report.ByKejuruan, "LAS", report.Populations{T: 15, G: 10, Reached: 10, S: 10, A: 8, W: 5, O: 1, SE: 3, OJT: 1, U: 1, ED: 1},
			want{10, 10, 100, small}, want{8, 10, 80, small}},
		{report.ByKejuruan, "OTO", report.Populations{T: 15, G: 10, Reached: 7, S: 5, A: 1, W: 1, U: 1, ED: 1, I: 3},
			want{5, 10, 50, small}, want{1, 5, sup, ""}},
		{report.BySex, "L", report.Populations{T: 15, G: 10, Reached: 9, S: 8, A: 5, W: 4, SE: 1, OJT: 1, ED: 1, I: 2},
			want{8, 10, 80, small}, want{5, 8, sup, ""}},
		{report.BySex, "P", report.Populations{T: 15, G: 10, Reached: 8, S: 7, A: 4, W: 2, O: 1, SE: 2, U: 2, ED: 1, I: 1},
			want{7, 10, 70, small}, want{4, 7, sup, ""}},
		// Windows: P01-P05 (and P21, not passed, interviewed 2026-07-01) 12+, P06-P10 6-12,
		// P11-P15 3-6; everyone not interviewed is measured from 2025-06-30 to the median
		// interview date 2026-01-15 (199 days, 6.5 months): 6-12.
		{report.ByWindow, "12+", report.Populations{T: 6, G: 5, Reached: 5, S: 5, A: 5, W: 5, O: 1},
			want{5, 5, sup, ""}, want{5, 5, sup, ""}},
		{report.ByWindow, "6-12", report.Populations{T: 19, G: 10, Reached: 7, S: 5, A: 3, SE: 3, OJT: 1, U: 1, ED: 1},
			want{5, 10, 50, small}, want{3, 5, sup, ""}},
		{report.ByWindow, "3-6", report.Populations{T: 5, G: 5, Reached: 5, S: 5, A: 1, W: 1, U: 1, ED: 1, I: 3},
			want{5, 5, sup, ""}, want{1, 5, sup, ""}},
		{report.ByYear, "2025", report.Populations{T: 30, G: 20, Reached: 17, S: 15, A: 9, W: 6, O: 1, SE: 3, OJT: 1, U: 2, ED: 2, I: 3},
			want{15, 20, 75, small}, want{9, 15, 60, small}},
		{report.ByAge, "25-34", report.Populations{T: 30, G: 20, Reached: 17, S: 15, A: 9, W: 6, O: 1, SE: 3, OJT: 1, U: 2, ED: 2, I: 3},
			want{15, 20, 75, small}, want{9, 15, 60, small}},
	}
	for _, tt := range cells {
		c := by[tt.d][tt.key]
		if c == nil {
			t.Errorf("%s: no cell %s", tt.d, tt.key)
			continue
		}
		if diff := cmp.Diff(tt.n, c.N); diff != "" {
			t.Errorf("%s %s populations (-want +got):\n%s", tt.d, tt.key, diff)
		}
		checkValue(t, c, "response_rate", tt.resp)
		checkValue(t, c, "absorption", tt.absorbe)
	}
	// Weights |G|/|S| by kejuruan x sex.
	ptr := func(x float64) *float64 { return &x }
	wantW := []report.Weight{
		{Kejuruan: "LAS", Sex: "L", G: 5, S: 5, Weight: ptr(1)}, {Kejuruan: "LAS", Sex: "P", G: 5, S: 5, Weight: ptr(1)},
		{Kejuruan: "OTO", Sex: "L", G: 5, S: 3, Weight: ptr(5.0 / 3)}, {Kejuruan: "OTO", Sex: "P", G: 5, S: 2, Weight: ptr(2.5)},
	}
	if diff := cmp.Diff(wantW, r.Weights); diff != "" {
		t.Errorf("weights (-want +got):\n%s", diff)
	}
	// Weighted absorption: (8 x 1 + 1 x 5/3) / (10 x 1 + 3 x 5/3 + 2 x 2.5) = 9.667/20.
	if v := r.Total.Get("absorption_weighted"); v == nil || v.Pct == nil || math.Abs(*v.Pct-100*(8+5.0/3)/20) > 1e-9 {
		t.Errorf("weighted absorption = %+v, want 48.33%%", v)
	}
	// Its numerator and denominator give its percentage: the weighted absorbed counted
	// on the respondents' scale (S = 15).
	if v := r.Total.Get("absorption_weighted"); v == nil || v.Pct == nil || v.Den != 15 || math.Abs(100*v.Num/float64(v.Den)-*v.Pct) > 1e-9 {
		t.Errorf("weighted absorption = %+v: num/den is not its percentage", v)
	}
}

func TestDistributions(t *testing.T) {
	r := compute(t, report.Config{})
	got := map[string]report.Distribution{}
	for _, d := range r.Distributions {
		got[d.ID] = d
	}
	hf := got["how_found"]
	if hf.Den != 6 || hf.Flag != report.FlagSuppressed {
		t.Errorf("how_found n = %d flag %q, want 6 suppressed", hf.Den, hf.Flag)
	}
	counts := map[string]int{}
	for _, it := range hf.Items {
		counts[it.Code] = it.Num
	}
	if diff := cmp.Diff(map[string]int{"blk_placement": 2, "relation": 2, "online": 1, "p3mi": 1, "walk_in": 1}, counts); diff != "" {
		t.Errorf("how_found (-want +got):\n%s", diff)
	}
	kbli := got["sector_kbli"]
	if kbli.Den != 9 || kbli.Items[0].Code != "C" || kbli.Items[0].Num != 4 {
		t.Errorf("sector_kbli = %+v, want 9 absorbed, C first with 4", kbli)
	}
}

func TestSuppressionRules(t *testing.T) {
	// 9 passed, none interviewed: response 0/9 is suppressed; 10 gives n kecil; 30 no flag.
	for _, tt := range []struct {
		g    int
		flag report.Flag
		pct  bool
	}{{9, report.FlagSuppressed, false}, {10, report.FlagSmall, true}, {29, report.FlagSmall, true}, {30, report.FlagNone, true}} {
		var roster []*survey.Respondent
		for i := range tt.g {
			roster = append(roster, &survey.Respondent{RosterID: fmt.Sprint(i), Completion: "pass", TrainingEnd: "2025-06-30"})
		}
		r, err := report.Compute(roster, seq(nil), report.Config{})
		if err != nil {
			t.Fatal(err)
		}
		v := r.Total.Get("response_rate")
		if v.Flag != tt.flag || (v.Pct != nil) != tt.pct {
			t.Errorf("G = %d: flag %q pct %v, want %q and pct shown %v", tt.g, v.Flag, v.Pct, tt.flag, tt.pct)
		}
	}
}

func TestUMKTable(t *testing.T) {
	u := report.DefaultUMK()
	for _, tt := range []struct {
		reg  string
		year int
		want float64
		ok   bool
	}{
		{"6474", 2025, 3780012.66, true}, {"6474", 2026, 3799480, true},
		{"6411", 2026, 3762431, true}, // Mahakam Ulu has no 2026 UMK: the UMP
		{"6499", 2025, 3579313.77, true}, {"3171", 2025, 0, false}, {"6474", 2024, 0, false},
	} {
		got, ok := u.Wage(tt.reg, tt.year)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Wage(%s, %d) = %v, %v; want %v, %v", tt.reg, tt.year, got, ok, tt.want, tt.ok)
		}
	}
	over, err := report.ReadUMK(strings.NewReader("\uFEFFregion,year,wage\n3171,2026,5729876\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := over.Wage("3171", 2026); !ok || w != 5729876 {
		t.Errorf("override: %v %v", w, ok)
	}
	if _, err := report.ReadUMK(strings.NewReader("region,year,wage\n6474,x,1\n")); err == nil {
		t.Error("a bad year is accepted")
	}
	for _, wage := range []string{"NaN", "nan", "Inf", "+Inf", "0", "-1"} {
		if _, err := report.ReadUMK(strings.NewReader("region,year,wage\n6474,2026,1\n6474,2025," + wage + "\n")); err == nil || !strings.Contains(err.Error(), "row 3: wage") {
			t.Errorf("wage %s: %v, want the row refused", wage, err)
		}
	}
}

// TestUMKUnknownCountsGraduates: the count of full-time wage earners whose regency has no
// minimum wage is over indicator 17's population, the wage earners among the respondents
// (S, graduates): a trainee who did not pass is in neither. P01 (graduate) and P21 (not
// passed) both work full time in 6411, which the study's table lacks; P15 was interviewed
// in 2025, a year the table lacks.
func TestUMKUnknownCountsGraduates(t *testing.T) {
	u, err := report.ReadUMK(strings.NewReader("region,year,wage\n6474,2026,3799480\n6472,2026,3983882\n6408,2026,3883812\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := compute(t, report.Config{UMK: u})
	if r.Counts.UMKUnknown != 2 {
		t.Errorf("umk_unknown %d, want 2 (P01 and P15; P21 did not pass)", r.Counts.UMKUnknown)
	}
	// P02 and P03 have a UMK; P05 works part time, P04 abroad.
	checkValue(t, &r.Total, "umk", want{1, 2, sup, ""})
}

// TestTextWithin80Columns: the text report stays within 80 columns with what the command
// adds to a computed report (the revisions counted, in both languages) and with interview
// ids as laptops make them (UUIDs of 36 characters) in the superseded interviews.
func TestTextWithin80Columns(t *testing.T) {
	recs := records()
	for _, r := range recs {
		r.ID = fmt.Sprintf("01a121f1-1878-78b7-b6ef-%012x", len(r.ID)*1000+int(r.ID[len(r.ID)-1]))
	}
	recs[len(recs)-1].ID = "01a121ec-1350-7fa4-baf3-0672770dc7a1"
	cfg := report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	r, err := report.Compute(rosterRows(), seq(recs), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Superseded) == 0 {
		t.Fatal("no superseded interview")
	}
	for _, revisions := range []string{"approved", "latest", "all"} {
		r.Settings.Revisions = revisions
		for _, lang := range []string{"id", "en"} {
			var b bytes.Buffer
			if err := report.WriteText(&b, r, lang); err != nil {
				t.Fatal(err)
			}
			for i, l := range strings.Split(b.String(), "\n") {
				if n := utf8.RuneCountInString(l); n > 80 {
					t.Errorf("%s, revisions %s: text line %d is %d columns: %q", lang, revisions, i+1, n, l)
				}
			}
			if !strings.Contains(b.String(), r.Superseded[0].By) {
				t.Errorf("%s: the superseded interview's replacement %s is not named", lang, r.Superseded[0].By)
			}
		}
	}
}

// TestWeightOfACellWithoutRespondents: a kejuruan × sex cell with graduates and no
// respondent has no weight G/S (its denominator is zero): JSON null, as a rate with a zero
// denominator, not 0, which reads as a weight.
func TestWeightOfACellWithoutRespondents(t *testing.T) {
	var recs []*survey.Record
	for _, r := range records() {
		if r.RespondentID != "P12" && r.RespondentID != "P14" { // OTO women: only P12 and P14 answered
			recs = append(recs, r)
		}
	}
	cfg := report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), Weights: true}
	r, err := report.Compute(rosterRows(), seq(recs), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Weights []struct {
			Kejuruan, Sex string
			G, S          int
			Weight        *float64 `json:"weight"`
		} `json:"weights"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range doc.Weights {
		switch {
		case w.Kejuruan == "OTO" && w.Sex == "P":
			found = true
			if w.G != 5 || w.S != 0 || w.Weight != nil {
				t.Errorf("OTO P: G %d, S %d, weight %v; want 5, 0, null", w.G, w.S, w.Weight)
			}
		case w.Weight == nil || *w.Weight != float64(w.G)/float64(w.S):
			t.Errorf("%s %s: weight %v, want %d/%d", w.Kejuruan, w.Sex, w.Weight, w.G, w.S)
		}
	}
	if !found {
		t.Errorf("no OTO P cell in %+v", doc.Weights)
	}
}

func TestWriters(t *testing.T) {
	r := compute(t, report.Config{Weights: true})
	for _, lang := range []string{"id", "en"} {
		var b bytes.Buffer
		if err := report.WriteText(&b, r, lang); err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(b.String(), "\n") {
			if n := utf8.RuneCountInString(l); n > 80 {
				t.Errorf("%s text line %d is %d columns: %q", lang, i+1, n, l)
			}
		}
		label := map[string]string{"id": "Tingkat penyerapan (A/S)", "en": "Absorption rate (A/S)"}[lang]
		if !strings.Contains(b.String(), label) || !strings.Contains(b.String(), "9/15") || !strings.Contains(b.String(), "█") {
			t.Errorf("%s text lacks the absorption line with its bar:\n%s", lang, b.String())
		}
	}
	var j bytes.Buffer
	if err := report.WriteJSON(&j, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Total struct {
			Values []struct {
				ID  string  `json:"id"`
				Num float64 `json:"num"`
				Den int     `json:"den"`
			} `json:"values"`
		} `json:"total"`
		Breakdowns []struct {
			Dimension string `json:"dimension"`
		} `json:"breakdowns"`
		Indicators []struct {
			ID, LabelID, LabelEN string
		} `json:"indicators"`
	}
	if err := json.Unmarshal(j.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Breakdowns) != len(report.Dimensions) || len(doc.Indicators) != len(doc.Total.Values) {
		t.Errorf("json: %d breakdowns, %d indicator labels for %d values", len(doc.Breakdowns), len(doc.Indicators), len(doc.Total.Values))
	}
	var x bytes.Buffer
	if err := report.WriteXLSX(&x, r, "en"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1+len(report.Dimensions)+2 || sheets[0] != "Summary" {
		t.Errorf("sheets = %q", sheets)
	}
	rows, _ := f.GetRows("kejuruan")
	if len(rows) != 3 || rows[1][0] != "LAS" || rows[1][2] != "10" {
		t.Errorf("kejuruan sheet rows = %q", rows)
	}
	zr, err := zip.NewReader(bytes.NewReader(x.Bytes()), int64(x.Len()))
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 1+len(report.Dimensions) { // summary + one per breakdown
		t.Errorf("%d charts, want %d", charts, 1+len(report.Dimensions))
	}
}

// TestWindowsFollowTheStudy checks that the window breakdown is cut at the study's windows:
// with 6 and 12 months (the order given does not matter), P11-P15 (3-6 months since
// training) fall in 0-6 beside the 19 people of 6-12 and the 6 of 12+ that TestBreakdowns
// counts, in the order of their lower bounds.
func TestWindowsFollowTheStudy(t *testing.T) {
	r := compute(t, report.Config{Windows: []int{12, 6}})
	var keys []string
	got := map[string]int{}
	for _, b := range r.Breakdowns {
		if b.Dimension != report.ByWindow {
			continue
		}
		for _, c := range b.Cells {
			keys = append(keys, c.Key)
			got[c.Key] = c.N.T
		}
	}
	if diff := cmp.Diff([]string{"0-6", "6-12", "12+"}, keys); diff != "" {
		t.Errorf("window cells (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"0-6": 5, "6-12": 19, "12+": 6}, got); diff != "" {
		t.Errorf("window T (-want +got):\n%s", diff)
	}
}

// TestBuiltinUMKNamedInTheReportsLanguage: the settings name the built-in UMK table in the
// report's language (the text, the workbook and the page share these lines); the JSON keeps
// its name "built-in", and a study's own table is named by its file.
func TestBuiltinUMKNamedInTheReportsLanguage(t *testing.T) {
	r := compute(t, report.Config{})
	umk := func(lang string) string {
		for _, kv := range report.SettingLines(r, lang) {
			if kv[0] == "Tabel UMK" || kv[0] == "UMK table" {
				return kv[1]
			}
		}
		return ""
	}
	if got := umk("id"); got != "bawaan" {
		t.Errorf("id: UMK table %q, want bawaan", got)
	}
	if got := umk("en"); got != "built-in" {
		t.Errorf("en: UMK table %q, want built-in", got)
	}
	if r.Settings.UMK != "built-in" {
		t.Errorf("settings UMK %q, want built-in", r.Settings.UMK)
	}
	own, err := report.ReadUMK(strings.NewReader("region,year,wage\n6474,2025,3500000\n"))
	if err != nil {
		t.Fatal(err)
	}
	r = compute(t, report.Config{UMK: own, UMKName: "umk-2025.csv"})
	if got := umk("id"); got != "umk-2025.csv" {
		t.Errorf("own table: %q", got)
	}
}

// TestParseDimensionsOnce: a breakdown named twice, or by two of its names, is one table of
// the report, not two.
func TestParseDimensionsOnce(t *testing.T) {
	got, err := report.ParseDimensions("kejuruan, KEJURUAN,batch,batch_id,program,program_name,,sex")
	want := []report.Dimension{report.ByKejuruan, report.ByBatch, report.ByProgram, report.BySex}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ParseDimensions = %v, %v; want %v", got, err, want)
	}
	if _, err := report.ParseDimensions("kejuruan,nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("an unknown breakdown: %v", err)
	}
	// docs/INDICATORS.md calls it the programme; a refusal names every breakdown.
	if got, err := report.ParseDimensions("programme"); err != nil || !slices.Equal(got, []report.Dimension{report.ByProgram}) {
		t.Errorf(`ParseDimensions("programme") = %v, %v`, got, err)
	}
	if _, err := report.ParseDimensions("funding_source"); err == nil || !strings.Contains(err.Error(), "kejuruan, program_name, institution, batch, budget_year, year, funding, sex, regency, work_regency, window, age_group, education") {
		t.Errorf("an unknown breakdown does not list the names: %v", err)
	}
}

// TestJSONKeysAlways: the JSON report has every key docs/REPORT.md names, an empty list
// where there is nothing (no interview superseded, no weights asked for), never a missing
// key, so a program reading r["superseded"] works on every report.
func TestJSONKeysAlways(t *testing.T) {
	var recs []*survey.Record
	for _, r := range records() {
		if r.ID != "iv-02-old" && !(r.ID == "iv-01" && r.Revision == 1) {
			recs = append(recs, r)
		}
	}
	r, err := report.Compute(rosterRows(), seq(recs), report.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Superseded) != 0 {
		t.Fatalf("superseded %+v, want none", r.Superseded)
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"settings", "counts", "superseded", "first_job_histogram", "total", "breakdowns", "distributions", "weights", "indicators"} {
		v, ok := doc[k]
		if !ok {
			t.Errorf("no key %q in the JSON report", k)
			continue
		}
		if string(v) == "null" {
			t.Errorf("%q is null, want a value", k)
		}
	}
	if string(doc["superseded"]) != "[]" || string(doc["weights"]) != "[]" {
		t.Errorf("superseded %s, weights %s; want [] and []", doc["superseded"], doc["weights"])
	}
}
