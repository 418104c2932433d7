package review

import (
	"sort"
	"strconv"
	"strings"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
)

// values reads the questions the flags need from a record.
func referenceValues(it Item, paths map[*forms.Form]map[string]string) map[string]string {
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

// referenceCompute is the flags computation as it was before Flagger, holding every item:
// the oracle TestFlaggerAgrees compares Flagger with. It returns the flags of each interview by id; interviews without flags are left
// out. Items are the latest revision of each interview (one per id).
//
// A wave is a form id and the calendar year of interview_date (of FinalizedAt when the date
// is missing): the same normalised NIK in two interviews of one wave flags both. The fast
// flag looks at first revisions only: a corrected revision's FinalizedAt − StartedAt spans
// the return, so it is neither flagged nor counted in the median.
func referenceCompute(items []Item, cfg Config) map[string][]survey.Flag {
	cfg = cfg.withDefaults()
	out := map[string][]survey.Flag{}
	add := func(id, name, format string, args ...any) {
		out[id] = append(out[id], survey.NewFlag(name, format, args...))
	}
	paths := map[*forms.Form]map[string]string{}
	vals := make([]map[string]string, len(items))
	for i, it := range items {
		vals[i] = referenceValues(it, paths)
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
					others = append(others, survey.ShortID(items[j].Record.ID))
				}
			}
			sort.Strings(others)
			add(items[i].Record.ID, FlagDuplicateNIK, "NIK ending %s is also in interview %s of wave %s %d.",
				k.nik[len(k.nik)-4:], strings.Join(others, ", "), k.form, atoiYear(k.year))
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
			add(items[i].Record.ID, FlagSecondInterview, "Alumnus %s already has interview %s of wave %s %d: one interview per alumnus per wave; correct the first through a return instead.",
				k.resp, survey.ShortID(first), k.form, atoiYear(k.year))
		}
	}

	// Conflicting resubmissions.
	for _, it := range items {
		if it.Conflicts > 0 {
			add(it.Record.ID, FlagConflict, "%d differing content{s} {was|were} received for a stored revision; both are kept.", it.Conflicts)
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

// waveYear is the year of an interview's wave: that of interview_date, else of FinalizedAt.
func waveYear(vals map[string]string, r *survey.Record) string {
	if d := parseDate(vals[builtin.InterviewDate]); !d.IsZero() {
		return strconv.Itoa(d.Year())
	}
	return strconv.Itoa(r.FinalizedAt.Year())
}

// atoiYear is a wave's year as a number, as the flags print it.
func atoiYear(y string) int {
	n, _ := strconv.Atoi(y)
	return n
}
