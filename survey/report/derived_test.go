package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

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

// TestDeriveAnswersAgrees checks DeriveAnswers, reading a sorted answer list, against
// Derive, reading the answer map, on records with answers missing, empty, in groups,
// inside a repeat (not read) and at paths the report does not read.
func TestDeriveAnswersAgrees(t *testing.T) {
	row := &survey.Respondent{RosterID: "R1", TrainingEnd: "2025-11-20", Completion: "pass"}
	choices := map[string][]string{
		"grp_consent/consent": {"yes", "no", ""}, "grp_consent/interview_date": {"2026-11-20", "", "x"}, "grp_status/main_status": {"1", "2", "3", "5", "7", ""},
		"searching_4w": {"yes", "no"}, "available_2w": {"yes", ""}, "grp_job/hours_week": {"40", "20", " 35 "},
		"grp_job/income_exact": {"3800000", "", "abc"}, "income_band": {"3", "9"}, "grp_job/work_regency": {"6474", "6401", "9999"},
		"grp_job/first_job_date": {"2026-01-20", ""}, "months_to_first_job": {"2.5", ""}, "training_end_date": {"2025-05-01", ""},
		"jobs[1]/main_status": {"3"}, "grp_other/note": {"x"},
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 3000 {
		answers := map[string]string{}
		for p, vs := range choices {
			if r.IntN(3) > 0 {
				answers[p] = vs[r.IntN(len(vs))]
			}
		}
		rec := &survey.Record{ID: "a", Revision: 1, Answers: answers}
		want := Derive(rec, row, Config{PaidOJTAbsorbed: n%2 == 0})
		bare := *rec
		bare.Answers = nil
		got := DeriveAnswers(&bare, rec.AnswerList(), row, Config{PaidOJTAbsorbed: n%2 == 0})
		if got.Respondent != want.Respondent || got.Absorbed != want.Absorbed || got.Wage != want.Wage || got.SelfEmployed != want.SelfEmployed ||
			got.Unemployed != want.Unemployed || !same(got.Months, want.Months) || !same(got.FirstJob, want.FirstJob) ||
			!same(got.Income, want.Income) || !same(got.UMK, want.UMK) || got.UMKMet != want.UMKMet {
			t.Fatalf("answers %v: DeriveAnswers %+v, Derive %+v", answers, got, want)
		}
	}
}

// TestQuestionsByNumber checks that every question the report reads has its own number: a
// name given twice, or a number given no name, would leave an answer unread.
func TestQuestionsByNumber(t *testing.T) {
	if nQuestions >= noQuestion {
		t.Fatalf("%d questions: number %d means none", nQuestions, noQuestion)
	}
	if len(questionOf) != int(nQuestions) {
		t.Fatalf("%d question names for %d numbers", len(questionOf), nQuestions)
	}
	for q, name := range questions {
		if name == "" || questionOf[name] != question(q) {
			t.Errorf("question %d is named %q, which is number %d", q, name, questionOf[name])
		}
	}
	// An answer is kept under its question's number, whatever group the path names.
	var iv interview
	iv.start(&survey.Record{ID: "x"})
	iv.take("grp_job/"+questions[qHoursWeek], "40")
	iv.take("grp_rep[1]/"+questions[qNIK], "1") // inside a repeat: not read
	iv.take(questions[qConsent], "yes")
	iv.finish()
	if iv.v[qHoursWeek] != "40" || iv.v[qNIK] != "" || iv.v[qConsent] != "yes" || iv.v[qMainStatus] != "" {
		t.Errorf("answers by number: %q", iv.v)
	}
}

// TestExtractAnswersMatchesPaths reads lists of answers one after another through one memo,
// sorted as a store gives them or shuffled, with paths added, dropped, inside repeats and in
// other groups, and checks each reads what the answers' paths say, as take does.
func TestExtractAnswersMatchesPaths(t *testing.T) {
	var pool []string
	for _, name := range questions {
		pool = append(pool, name, "grp_a/"+name, "grp_b/c/"+name, "rep[2]/"+name)
	}
	pool = append(pool, "note", "grp_a/note", "a", "zz/zz", "grp_a/main_statusx", "")
	r := rand.New(rand.NewPCG(5, 6))
	var memo pathMemo
	var got, want interview
	for n := range 5000 {
		var answers []survey.Answer
		for _, p := range pool {
			if r.IntN(4) > 0 {
				answers = append(answers, survey.Answer{Path: p, Value: fmt.Sprint(r.IntN(3))})
			}
		}
		switch n % 3 {
		case 0:
			slices.SortFunc(answers, func(a, b survey.Answer) int { return strings.Compare(a.Path, b.Path) })
		case 1:
			r.Shuffle(len(answers), func(i, j int) { answers[i], answers[j] = answers[j], answers[i] })
		}
		rec := &survey.Record{ID: "a", Revision: 1}
		extractAnswers(&got, &memo, rec, answers)
		want.start(rec)
		for _, a := range answers {
			want.take(a.Path, a.Value)
		}
		want.finish()
		if got.v != want.v || got.valid != want.valid || !got.date.Equal(want.date) {
			t.Fatalf("list %d %v:\n got %q\nwant %q", n, answers, got.v, want.v)
		}
	}
}

// TestParseDateAsTimeParse checks parseDate against time.Parse on dates around the edges
// of months and leap years and on strings that are not dates.
func TestParseDateAsTimeParse(t *testing.T) {
	in := []string{"", "2026-11-30", "2026-11-30T08:00:00Z", "2024-02-29", "2025-02-29", "1900-02-29", "2000-02-29",
		"0000-01-01", "9999-12-31", "2026-13-01", "2026-00-10", "2026-04-31", "2026-04-00", "+026-01-01", "2026-1-01",
		"2026/01/01", "２０２６-01-01", "2026-01-1x", "20260101", "2026-01-01 ", " 2026-01-01"}
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		in = append(in, fmt.Sprintf("%04d-%02d-%02d", r.IntN(10000), r.IntN(14), r.IntN(33)))
	}
	for _, s := range in {
		want, err := time.Parse("2006-01-02", s[:min(len(s), 10)])
		if err != nil {
			want = time.Time{}
		}
		if got := parseDate(s); !got.Equal(want) || got.Location() != want.Location() {
			t.Fatalf("parseDate(%q) = %v, time.Parse %v", s, got, want)
		}
	}
}
