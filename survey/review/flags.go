// Package review computes what a supervisor sees first on the server: the flags of each
// interview (the same NIK twice in a wave, conflicting resubmissions, interviews finished
// much faster than the form's median, and the cross-field checks of docs/INDICATORS.md) and
// the coverage of the roster (traced and approved by kejuruan, batch, funding and regency,
// and per enumerator today). Both are pure functions of records, reviews and the roster.
package review

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/report"
)

// The flag names.
const (
	FlagDuplicateNIK       = "duplicate_nik"       // the same NIK in another interview of the wave
	FlagSecondInterview    = "second_interview"    // a second interview of one roster alumnus in a wave
	FlagConflict           = "conflict"            // differing contents received for one revision
	FlagFast               = "fast"                // finished much faster than the form's median
	FlagTrainingAfterIntvw = "training_end_late"   // training_end_date is not before interview_date
	FlagJobAfterInterview  = "job_start_late"      // job_start_date is after interview_date
	FlagJobBeforeTraining  = "job_before_training" // job started before training ended though not working before
	FlagStatusInconsistent = "status_inconsistent" // main_status disagrees with work_last_week / temp_absent
	FlagAbroadInIndonesia  = "abroad_country_id"   // main_status 2 (abroad) with work_country ID
	FlagIncomeOutlier      = "income_outlier"      // income beyond the 1st/99th percentile of the kejuruan
	FlagIncomeBelowUMK     = "income_below_umk"    // full-time employee earning under a share of the UMK
)

// FlagNames lists every flag name.
var FlagNames = []string{FlagDuplicateNIK, FlagSecondInterview, FlagConflict, FlagFast, FlagTrainingAfterIntvw, FlagJobAfterInterview,
	FlagJobBeforeTraining, FlagStatusInconsistent, FlagAbroadInIndonesia, FlagIncomeOutlier, FlagIncomeBelowUMK}

// Config sets the thresholds of the flags. The zero value uses the defaults.
type Config struct {
	// FastShare flags a first revision finished in less than this share of its form
	// version's median duration (FinalizedAt − StartedAt); 0.4 when 0.
	FastShare float64
	// FastMin is the number of first revisions a form version needs before its median is
	// used; 5 when 0.
	FastMin int
	// IncomeLow and IncomeHigh are the percentiles of income_exact per kejuruan beyond
	// which an income is flagged; 0.01 and 0.99 when 0.
	IncomeLow, IncomeHigh float64
	// IncomeMin is the number of incomes a kejuruan needs before its percentiles are used;
	// 30 when 0 (below that the 1st percentile is the smallest income itself).
	IncomeMin int
	// UMKShare flags a full-time employee (main_status 1, hours_week ≥ 35) whose income is
	// under this share of the UMK of work_regency in the interview year; 0.25 when 0.
	UMKShare float64
	// UMK is the minimum-wage table; report.DefaultUMK() when nil.
	UMK *report.UMKTable
}

func (c Config) withDefaults() Config {
	if c.FastShare <= 0 {
		c.FastShare = 0.4
	}
	if c.FastMin <= 0 {
		c.FastMin = 5
	}
	if c.IncomeLow <= 0 {
		c.IncomeLow = 0.01
	}
	if c.IncomeHigh <= 0 {
		c.IncomeHigh = 0.99
	}
	if c.IncomeMin <= 0 {
		c.IncomeMin = 30
	}
	if c.UMKShare <= 0 {
		c.UMKShare = 0.25
	}
	if c.UMK == nil {
		c.UMK = report.DefaultUMK()
	}
	return c
}

// Item is one interview to flag: its latest stored revision and what the server knows
// around it.
type Item struct {
	Record *survey.Record
	// Form is the record's form version, used to find questions by name; when nil a
	// question is found by the last element of its path outside any repeat.
	Form *forms.Form
	// Kejuruan is the roster's kejuruan of the respondent; the record's kejuruan answer
	// when empty.
	Kejuruan string
	// Conflicts counts the differing contents received for the interview's revisions.
	Conflicts int
}

// fields are the questions the flags read, by name.
var fields = []string{builtin.NIK, builtin.InterviewDate, builtin.TrainingEndDate, builtin.JobStartDate, builtin.StatusBefore, builtin.MainStatus,
	builtin.WorkLastWeek, builtin.TempAbsent, builtin.WorkCountry, builtin.IncomeExact, builtin.HoursWeek, builtin.WorkRegency, builtin.Kejuruan}

// Fields are the questions, by name, the flags read of a record: a store may give Slim
// and Compute records with these answers alone (survey.RecordFilter.Names).
func Fields() []string { return slices.Clone(fields) }

// Slim returns it with its record cut down to what Compute reads: the record's identity,
// form, respondent and times, and the answers of the questions the flags look at, each
// copied. A server holds the slim items of every interview at once while it computes the
// flags; a whole record is a hundred answers.
func Slim(it Item) Item {
	r := it.Record
	out := &survey.Record{ID: strings.Clone(r.ID), Revision: r.Revision, FormID: strings.Clone(r.FormID),
		FormVersion: strings.Clone(r.FormVersion), RespondentID: strings.Clone(r.RespondentID),
		StartedAt: r.StartedAt, FinalizedAt: r.FinalizedAt, Answers: make(map[string]string, len(fields))}
	if it.Form != nil {
		for _, name := range fields {
			if n := it.Form.Node(name); n != nil {
				if x := r.Answers[n.Path()]; x != "" {
					out.Answers[n.Path()] = strings.Clone(x)
				}
			}
		}
	} else {
		for k, x := range r.Answers {
			if name, ok := survey.QuestionName(k); ok && x != "" && in(name, fields...) {
				out.Answers[strings.Clone(k)] = strings.Clone(x)
			}
		}
	}
	it.Record = out
	it.Kejuruan = strings.Clone(it.Kejuruan)
	return it
}

// values reads the questions the flags need from a record.
func values(it Item, paths map[*forms.Form]map[string]string) map[string]string {
	v := make(map[string]string, len(fields))
	if it.Form != nil {
		m, ok := paths[it.Form]
		if !ok {
			m = map[string]string{}
			for _, name := range fields {
				if n := it.Form.Node(name); n != nil {
					m[name] = n.Path()
				}
			}
			paths[it.Form] = m
		}
		for name, p := range m {
			if x := it.Record.Answers[p]; x != "" {
				v[name] = x
			}
		}
		return v
	}
	for k, x := range it.Record.Answers {
		name, ok := survey.QuestionName(k)
		if !ok || x == "" {
			continue
		}
		for _, f := range fields {
			if f == name {
				v[name] = x
			}
		}
	}
	return v
}

// Compute returns the flags of each interview by id; interviews without flags are left
// out. Items are the latest revision of each interview (one per id).
//
// A wave is a form id and the calendar year of interview_date (of FinalizedAt when the date
// is missing): the same normalised NIK in two interviews of one wave flags both. The fast
// flag looks at first revisions only: a corrected revision's FinalizedAt − StartedAt spans
// the return, so it is neither flagged nor counted in the median.
func Compute(items []Item, cfg Config) map[string][]survey.Flag {
	cfg = cfg.withDefaults()
	out := map[string][]survey.Flag{}
	add := func(id, name, format string, args ...any) {
		out[id] = append(out[id], survey.Flag{Name: name, Reason: fmt.Sprintf(format, args...)})
	}
	paths := map[*forms.Form]map[string]string{}
	vals := make([]map[string]string, len(items))
	for i, it := range items {
		vals[i] = values(it, paths)
	}

	// The same NIK twice in a wave.
	type waveNIK struct{ form, year, nik string }
	byNIK := map[waveNIK][]int{}
	for i, it := range items {
		nik := survey.NormalizeNIK(vals[i][builtin.NIK])
		if len(nik) < 8 {
			continue
		}
		year := ""
		if d := parseDate(vals[i][builtin.InterviewDate]); !d.IsZero() {
			year = strconv.Itoa(d.Year())
		} else {
			year = strconv.Itoa(it.Record.FinalizedAt.Year())
		}
		k := waveNIK{it.Record.FormID, year, nik}
		byNIK[k] = append(byNIK[k], i)
	}
	for k, is := range byNIK {
		if len(is) < 2 {
			continue
		}
		for _, i := range is {
			var others []string
			for _, j := range is {
				if j != i {
					others = append(others, short(items[j].Record.ID))
				}
			}
			sort.Strings(others)
			add(items[i].Record.ID, FlagDuplicateNIK, "NIK ending %s is also in interview %s of wave %s %s.",
				k.nik[len(k.nik)-4:], strings.Join(others, ", "), k.form, k.year)
		}
	}

	// One interview per roster alumnus per form per wave: every later one is flagged.
	type waveResp struct{ form, year, resp string }
	byResp := map[waveResp][]int{}
	for i, it := range items {
		if it.Record.RespondentID == "" {
			continue
		}
		k := waveResp{it.Record.FormID, waveYear(vals[i], it.Record), it.Record.RespondentID}
		byResp[k] = append(byResp[k], i)
	}
	for k, is := range byResp {
		if len(is) < 2 {
			continue
		}
		sort.Slice(is, func(a, b int) bool {
			ra, rb := items[is[a]].Record, items[is[b]].Record
			if !ra.StartedAt.Equal(rb.StartedAt) {
				return ra.StartedAt.Before(rb.StartedAt)
			}
			return ra.ID < rb.ID
		})
		first := items[is[0]].Record.ID
		for _, i := range is[1:] {
			add(items[i].Record.ID, FlagSecondInterview, "Alumnus %s already has interview %s of wave %s %s: one interview per alumnus per wave; correct the first through a return instead.",
				k.resp, short(first), k.form, k.year)
		}
	}

	// Conflicting resubmissions.
	for _, it := range items {
		if it.Conflicts > 0 {
			add(it.Record.ID, FlagConflict, "%d differing content(s) were received for a stored revision; both are kept.", it.Conflicts)
		}
	}

	// Much faster than the form version's median.
	type formKey struct{ id, version string }
	durations := map[formKey][]float64{}
	for _, it := range items {
		if d := duration(it.Record); it.Record.Revision == 1 && d > 0 {
			k := formKey{it.Record.FormID, it.Record.FormVersion}
			durations[k] = append(durations[k], d.Minutes())
		}
	}
	medians := map[formKey]float64{}
	for k, ds := range durations {
		if len(ds) >= cfg.FastMin {
			medians[k] = quantile(ds, 0.5)
		}
	}
	for _, it := range items {
		d := duration(it.Record)
		med, ok := medians[formKey{it.Record.FormID, it.Record.FormVersion}]
		if !ok || it.Record.Revision != 1 || d <= 0 {
			continue
		}
		if d.Minutes() < cfg.FastShare*med {
			add(it.Record.ID, FlagFast, "Finished in %.0f min; the median of form version %s is %.0f min (n=%d).",
				d.Minutes(), it.Record.FormVersion, med, len(durations[formKey{it.Record.FormID, it.Record.FormVersion}]))
		}
	}

	// Cross-field checks (docs/INDICATORS.md).
	incomes := map[string][]float64{}
	for i, it := range items {
		v := vals[i]
		id := it.Record.ID
		interview, trainEnd, jobStart := parseDate(v[builtin.InterviewDate]), parseDate(v[builtin.TrainingEndDate]), parseDate(v[builtin.JobStartDate])
		if !interview.IsZero() && !trainEnd.IsZero() && !trainEnd.Before(interview) {
			add(id, FlagTrainingAfterIntvw, "Training end date %s is not before the interview date %s.", v[builtin.TrainingEndDate], v[builtin.InterviewDate])
		}
		if !interview.IsZero() && !jobStart.IsZero() && jobStart.After(interview) {
			add(id, FlagJobAfterInterview, "Job start date %s is after the interview date %s.", v[builtin.JobStartDate], v[builtin.InterviewDate])
		}
		if !trainEnd.IsZero() && !jobStart.IsZero() && jobStart.Before(trainEnd) && in(v[builtin.StatusBefore], "4", "5", "6", "7") {
			add(id, FlagJobBeforeTraining, "Job started %s, before the training ended (%s), but status before training was %s (not working).",
				v[builtin.JobStartDate], v[builtin.TrainingEndDate], v[builtin.StatusBefore])
		}
		if ms, ok := atoi(v[builtin.MainStatus]); ok && v[builtin.WorkLastWeek] != "" {
			working := v[builtin.WorkLastWeek] == "yes" || v[builtin.TempAbsent] == "yes"
			if working != (ms <= 5) {
				add(id, FlagStatusInconsistent, "Main status %d disagrees with worked last week %q / temporarily absent %q.",
					ms, v[builtin.WorkLastWeek], v[builtin.TempAbsent])
			}
		}
		if v[builtin.MainStatus] == "2" && strings.EqualFold(v[builtin.WorkCountry], "ID") {
			add(id, FlagAbroadInIndonesia, "Main status 2 (working abroad) with Indonesia as the country of work.")
		}
		income, ok := atof(v[builtin.IncomeExact])
		if !ok {
			continue
		}
		kej := it.Kejuruan
		if kej == "" {
			kej = v[builtin.Kejuruan]
		}
		incomes[kej] = append(incomes[kej], income)
		hours, _ := atoi(v[builtin.HoursWeek])
		if v[builtin.MainStatus] == "1" && hours >= 35 {
			year := interview.Year()
			if interview.IsZero() {
				year = it.Record.FinalizedAt.Year()
			}
			if umk, ok := cfg.UMK.Wage(v[builtin.WorkRegency], year); ok && income < cfg.UMKShare*umk {
				add(id, FlagIncomeBelowUMK, "Full-time employee earning Rp%.0f, under %.2f × the UMK of %s in %d (Rp%.0f).",
					income, cfg.UMKShare, v[builtin.WorkRegency], year, umk)
			}
		}
	}
	type bounds struct{ lo, hi float64 }
	limits := map[string]bounds{}
	for k, xs := range incomes {
		if len(xs) >= cfg.IncomeMin {
			limits[k] = bounds{quantile(xs, cfg.IncomeLow), quantile(xs, cfg.IncomeHigh)}
		}
	}
	for i, it := range items {
		income, ok := atof(vals[i][builtin.IncomeExact])
		if !ok {
			continue
		}
		kej := it.Kejuruan
		if kej == "" {
			kej = vals[i][builtin.Kejuruan]
		}
		b, ok := limits[kej]
		if !ok {
			continue
		}
		if income < b.lo || income > b.hi {
			add(it.Record.ID, FlagIncomeOutlier, "Income Rp%.0f is outside Rp%.0f–Rp%.0f, the %g–%g percentiles of kejuruan %q (n=%d).",
				income, b.lo, b.hi, cfg.IncomeLow*100, cfg.IncomeHigh*100, kej, len(incomes[kej]))
		}
	}
	return out
}

// short returns the first 8 characters of an interview id.
func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func duration(r *survey.Record) time.Duration {
	if r.StartedAt.IsZero() || r.FinalizedAt.IsZero() {
		return 0
	}
	return r.FinalizedAt.Sub(r.StartedAt)
}

// quantile interpolates the q-quantile of xs (Excel QUARTILE.INC); it sorts xs.
func quantile(xs []float64, q float64) float64 {
	sort.Float64s(xs)
	if len(xs) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (pos-float64(lo))*(xs[hi]-xs[lo])
}

func parseDate(s string) time.Time {
	if len(s) > 10 {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

func atof(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

func in(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// waveYear is the year of an interview's wave: that of interview_date, else of FinalizedAt.
func waveYear(vals map[string]string, r *survey.Record) string {
	if d := parseDate(vals[builtin.InterviewDate]); !d.IsZero() {
		return strconv.Itoa(d.Year())
	}
	return strconv.Itoa(r.FinalizedAt.Year())
}
