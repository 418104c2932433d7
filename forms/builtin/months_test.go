package builtin_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"tracer/forms/builtin"
	"tracer/forms/expr"
)

// monthsByDecimalDate is how months_to_first_job was written before it counted days from
// the dates' digits: the reference its value must keep, in tracer's engine and in ODK's.
const monthsByDecimalDate = "(decimal-date-time(coalesce(${first_job_date}, coalesce(${first_job_date_nw}, ${job_start_date}))) - decimal-date-time(${training_end_date})) div 30.4375"

// dateEnv answers ${name} from a map; the rest of an Env is never read by the calculation.
type dateEnv map[string]string

func (e dateEnv) Ref(name string) expr.Value                       { return expr.String(e[name]) }
func (e dateEnv) Path(*expr.PathNode) expr.Value                   { return expr.String("") }
func (e dateEnv) Current() expr.Value                              { return expr.String("") }
func (e dateEnv) Position() int                                    { return 0 }
func (e dateEnv) IndexedRepeat(string, []string, []int) expr.Value { return expr.String("") }
func (e dateEnv) ChoiceLabel(string, string) string                { return "" }
func (e dateEnv) Now() time.Time                                   { return now }
func (e dateEnv) UUID() string                                     { return "" }
func (e dateEnv) Random() float64                                  { return 0 }

// monthsDates are the dates the months_to_first_job test pairs: every first and last day of
// a month in years around century, leap and ordinary years, and random days of 1900-2100.
func monthsDates() []string {
	var out []string
	for _, y := range []int{1899, 1900, 1999, 2000, 2001, 2003, 2004, 2023, 2024, 2025, 2026, 2100} {
		for m := time.January; m <= time.December; m++ {
			first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			out = append(out, first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly))
		}
	}
	r := rand.New(rand.NewPCG(7, 2026))
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 150 {
		out = append(out, start.AddDate(0, 0, r.IntN(73_000)).Format(time.DateOnly))
	}
	return out
}

// TestMonthsToFirstJobKeepsItsValue: the built-in form's months_to_first_job, which ODK Web
// Forms must be able to compute, gives in tracer's engine exactly the number (to the bit) the
// decimal-date-time formula gives, for every pair of dates, whichever of the three first-job
// dates is answered, and nothing (NaN) when a date is missing.
func TestMonthsToFirstJobKeepsItsValue(t *testing.T) {
	f := load(t)
	n := f.Node(builtin.MonthsToFirstJob)
	if n == nil || n.Calculation == nil {
		t.Fatalf("%s is not a calculation", builtin.MonthsToFirstJob)
	}
	ref, err := expr.Parse(monthsByDecimalDate)
	if err != nil {
		t.Fatal(err)
	}
	check := func(env dateEnv) bool {
		t.Helper()
		got, want := expr.ToNumber(n.Calculation.Eval(env)), expr.ToNumber(ref.Eval(env))
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("%v: %s = %v, want %v", map[string]string(env), builtin.MonthsToFirstJob, got, want)
			return false
		}
		if g, w := expr.ToString(n.Calculation.Eval(env)), expr.ToString(ref.Eval(env)); g != w {
			t.Errorf("%v: %s = %q as text, want %q", map[string]string(env), builtin.MonthsToFirstJob, g, w)
			return false
		}
		return true
	}
	dates := monthsDates()
	pairs, fails := 0, 0
	for i, end := range dates {
		for j, first := range dates {
			if (i*31+j)%8 != 0 {
				continue // an eighth of all pairs, spread over every date
			}
			// Which first-job date holds the answer: first_job_date, else first_job_date_nw,
			// else job_start_date; the others are empty or, when coalesce passes them over, set.
			env := dateEnv{"training_end_date": end}
			switch (i + j) % 4 {
			case 0:
				env["first_job_date"] = first
				env["job_start_date"] = dates[(i*7+j)%len(dates)]
			case 1:
				env["first_job_date_nw"] = first
			case 2:
				env["job_start_date"] = first
			case 3:
				env["first_job_date_nw"] = first
				env["job_start_date"] = dates[(i*3+j)%len(dates)]
			}
			pairs++
			if !check(env) {
				if fails++; fails > 10 {
					t.Fatal("too many differences")
				}
			}
		}
	}
	for _, env := range []dateEnv{
		{},
		{"training_end_date": "2025-04-03"},
		{"job_start_date": "2025-04-03"},
		{"first_job_date": "2025-05-01", "training_end_date": ""},
	} {
		if !check(env) {
			continue
		}
		if v := expr.ToNumber(n.Calculation.Eval(env)); !math.IsNaN(v) {
			t.Errorf("%v: %s = %v, want nothing without both dates", map[string]string(env), builtin.MonthsToFirstJob, v)
		}
	}
	t.Logf("%d date pairs agree", pairs)
	// A known value, so that a broken reference cannot make both sides agree on nonsense:
	// 2025-04-03 to 2025-06-02 is 60 days.
	env := dateEnv{"training_end_date": "2025-04-03", "job_start_date": "2025-06-02"}
	if got := expr.ToNumber(n.Calculation.Eval(env)); got != 60/30.4375 {
		t.Errorf("%s from 2025-04-03 to 2025-06-02 = %v, want 60 days / 30.4375", builtin.MonthsToFirstJob, got)
	}
}
