// Package review computes what a supervisor sees first on the server: the flags of each
// interview (the same NIK twice in a wave, conflicting resubmissions, interviews finished
// much faster than the form's median, and the cross-field checks of docs/INDICATORS.md) and
// the coverage of the roster (traced and approved by kejuruan, batch, funding and regency,
// and per enumerator today). Both are pure functions of records, reviews and the roster.
package review

import (
	"bytes"
	"cmp"
	"encoding/binary"
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

// flagLabels are the flags' names for people, in Bahasa Indonesia then English, each of at
// most 20 characters (the review queue's filter).
var flagLabels = map[string][2]string{
	FlagDuplicateNIK:       {"NIK ganda", "duplicate NIK"},
	FlagSecondInterview:    {"wawancara kedua", "second interview"},
	FlagConflict:           {"isi berbeda", "differing content"},
	FlagFast:               {"terlalu cepat", "too fast"},
	FlagTrainingAfterIntvw: {"tgl lulus janggal", "late training end"},
	FlagJobAfterInterview:  {"tgl kerja janggal", "late job start"},
	FlagJobBeforeTraining:  {"kerja sebelum latih", "job before training"},
	FlagStatusInconsistent: {"status tak cocok", "status mismatch"},
	FlagAbroadInIndonesia:  {"LN tapi Indonesia", "abroad in Indonesia"},
	FlagIncomeOutlier:      {"pendapatan ekstrem", "income outlier"},
	FlagIncomeBelowUMK:     {"pendapatan < UMK", "income below UMK"},
}

// FlagLabel returns the name for people of the flag called name in the UI language lang
// ("id" or "en"); a name it does not know (a newer server's flag) comes back as it is.
func FlagLabel(name, lang string) string {
	l, ok := flagLabels[name]
	if !ok {
		return name
	}
	if lang == "id" {
		return l[0]
	}
	return l[1]
}

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

// field numbers the questions the flags read; fields[f] is f's name.
type field uint8

const (
	fNIK field = iota
	fInterviewDate
	fTrainingEndDate
	fJobStartDate
	fStatusBefore
	fMainStatus
	fWorkLastWeek
	fTempAbsent
	fWorkCountry
	fIncomeExact
	fHoursWeek
	fWorkRegency
	fKejuruan
	nFields
)

// fields are the questions the flags read, by name.
var fields = [nFields]string{
	fNIK: builtin.NIK, fInterviewDate: builtin.InterviewDate, fTrainingEndDate: builtin.TrainingEndDate,
	fJobStartDate: builtin.JobStartDate, fStatusBefore: builtin.StatusBefore, fMainStatus: builtin.MainStatus,
	fWorkLastWeek: builtin.WorkLastWeek, fTempAbsent: builtin.TempAbsent, fWorkCountry: builtin.WorkCountry,
	fIncomeExact: builtin.IncomeExact, fHoursWeek: builtin.HoursWeek, fWorkRegency: builtin.WorkRegency,
	fKejuruan: builtin.Kejuruan,
}

// Fields are the questions, by name, the flags read of a record: a store may give a
// Flagger records with these answers alone (survey.RecordFilter.Names).
func Fields() []string { return slices.Clone(fields[:]) }

// Compute returns the flags of each interview by id; interviews without flags are left
// out. Items are the latest revision of each interview (one per id). It is a Flagger
// given every item.
func Compute(items []Item, cfg Config) map[string][]survey.Flag {
	f := NewFlagger(cfg)
	for _, it := range items {
		f.Add(it)
	}
	return f.Flags()
}

// A Flagger computes the flags of interviews given one at a time, for a server that reads
// them from its store: the checks within one interview are made as it comes, and what the
// flags across interviews need is kept in a few dozen bytes per interview (its id,
// respondent and NIK in one growing text, numbers for the rest), never the record.
//
// A wave is a form id and the calendar year of interview_date (of FinalizedAt when the date
// is missing): the same normalised NIK in two interviews of one wave flags both. The fast
// flag looks at first revisions only: a corrected revision's FinalizedAt − StartedAt spans
// the return, so it is neither flagged nor counted in the median.
type Flagger struct {
	cfg   Config
	paths map[*forms.Form]*[nFields]string // each field's path in a form, "" when absent
	rows  [][]flagRow                      // in chunks of rowChunk: growing never copies
	n     int
	text  [][]byte // id, respondent id and NIK of each row, length-prefixed, in chunks
	// Form ids, form versions (id and version) and kejuruan names, numbered.
	formIDs  names[string]
	versions names[[2]string]
	kejuruan names[string]
	// durations holds the minutes of each first revision by form version.
	durations map[uint32][]float64
	// byResp holds the rows with a respondent id, sorted by it (then wave, start, id), once
	// RosterKejuruan or Flags needs them.
	byResp []int32
	// checks holds the flags of the checks within one interview, by row.
	checks map[int32][]survey.Flag
}

// flagRow is what a Flagger keeps of one interview.
type flagRow struct {
	chunk, at int32 // where its id, respondent id and NIK are in text
	form      uint32
	version   uint32
	kejuruan  uint32
	year      int32 // of its wave
	revision  int32
	conflicts int32
	nanos     int32
	started   int64   // StartedAt, in seconds and nanoseconds
	income    float64 // NaN when there is none
	minutes   float64 // FinalizedAt − StartedAt, 0 when a time is missing
}

const (
	rowChunk  = 1 << 13
	textChunk = 1 << 18
)

// names numbers the distinct values it is given.
type names[K comparable] struct {
	index map[K]uint32
	list  []K
}

func (n *names[K]) id(k K, clone func(K) K) uint32 {
	if i, ok := n.index[k]; ok {
		return i
	}
	if n.index == nil {
		n.index = map[K]uint32{}
	}
	k = clone(k)
	n.index[k] = uint32(len(n.list))
	n.list = append(n.list, k)
	return n.index[k]
}

func cloneString(s string) string { return strings.Clone(s) }

func clonePair(p [2]string) [2]string { return [2]string{strings.Clone(p[0]), strings.Clone(p[1])} }

// NewFlagger returns an empty Flagger.
func NewFlagger(cfg Config) *Flagger {
	return &Flagger{cfg: cfg.withDefaults(), paths: map[*forms.Form]*[nFields]string{},
		durations: map[uint32][]float64{}, checks: map[int32][]survey.Flag{}}
}

// values reads the questions the flags need from a record, "" for those unanswered.
func (f *Flagger) values(it Item) (v [nFields]string) {
	if it.Form != nil {
		paths, ok := f.paths[it.Form]
		if !ok {
			paths = new([nFields]string)
			for i, name := range fields {
				if n := it.Form.Node(name); n != nil {
					paths[i] = n.Path()
				}
			}
			f.paths[it.Form] = paths
		}
		for i, p := range paths {
			if p != "" {
				v[i] = it.Record.Answers[p]
			}
		}
		return v
	}
	for k, x := range it.Record.Answers {
		name, ok := survey.QuestionName(k)
		if !ok || x == "" {
			continue
		}
		for i, f := range fields {
			if f == name {
				v[i] = x
			}
		}
	}
	return v
}

// row returns the i-th row.
func (f *Flagger) row(i int32) *flagRow { return &f.rows[i/rowChunk][i%rowChunk] }

// strings returns the id, respondent id and normalised NIK of row r.
func (f *Flagger) strings(r *flagRow) (id, resp, nik []byte) {
	b := f.text[r.chunk][r.at:]
	next := func() []byte {
		n, k := binary.Uvarint(b)
		s := b[k : k+int(n)]
		b = b[k+int(n):]
		return s
	}
	return next(), next(), next()
}

// id returns the interview id of row i.
func (f *Flagger) id(i int32) string {
	id, _, _ := f.strings(f.row(i))
	return string(id)
}

// store appends the strings of a row to text and says where they are.
func (f *Flagger) store(r *flagRow, ss ...string) {
	need := 0
	for _, s := range ss {
		need += binary.MaxVarintLen64 + len(s)
	}
	last := len(f.text) - 1
	if last < 0 || cap(f.text[last])-len(f.text[last]) < need {
		f.text = append(f.text, make([]byte, 0, max(textChunk, need)))
		last++
	}
	b := f.text[last]
	r.chunk, r.at = int32(last), int32(len(b))
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	f.text[last] = b
}

// Add reads one interview: its latest revision, one per interview id.
func (f *Flagger) Add(it Item) {
	rec := it.Record
	v := f.values(it)
	if f.n%rowChunk == 0 {
		f.rows = append(f.rows, make([]flagRow, 0, rowChunk))
	}
	i := int32(f.n)
	f.rows[len(f.rows)-1] = append(f.rows[len(f.rows)-1], flagRow{})
	f.n++
	r := f.row(i)
	f.byResp = nil

	nik := survey.NormalizeNIK(v[fNIK])
	if len(nik) < 8 {
		nik = ""
	}
	f.store(r, rec.ID, rec.RespondentID, nik)
	interview := parseDate(v[fInterviewDate])
	year := interview.Year()
	if interview.IsZero() {
		year = rec.FinalizedAt.Year()
	}
	r.form = f.formIDs.id(rec.FormID, cloneString)
	r.version = f.versions.id([2]string{rec.FormID, rec.FormVersion}, clonePair)
	r.year, r.revision, r.conflicts = int32(year), int32(rec.Revision), int32(it.Conflicts)
	r.started, r.nanos = rec.StartedAt.Unix(), int32(rec.StartedAt.Nanosecond())
	if d := duration(rec); d > 0 {
		r.minutes = d.Minutes()
		if rec.Revision == 1 {
			f.durations[r.version] = append(f.durations[r.version], r.minutes)
		}
	}
	kej := it.Kejuruan
	if kej == "" {
		kej = v[fKejuruan]
	}
	r.kejuruan = f.kejuruan.id(kej, cloneString)

	// The checks within the interview (docs/INDICATORS.md).
	var out []survey.Flag
	add := func(name, format string, args ...any) {
		out = append(out, survey.NewFlag(name, format, args...))
	}
	trainEnd, jobStart := parseDate(v[fTrainingEndDate]), parseDate(v[fJobStartDate])
	if !interview.IsZero() && !trainEnd.IsZero() && !trainEnd.Before(interview) {
		add(FlagTrainingAfterIntvw, "Training end date %s is not before the interview date %s.", v[fTrainingEndDate], v[fInterviewDate])
	}
	if !interview.IsZero() && !jobStart.IsZero() && jobStart.After(interview) {
		add(FlagJobAfterInterview, "Job start date %s is after the interview date %s.", v[fJobStartDate], v[fInterviewDate])
	}
	if !trainEnd.IsZero() && !jobStart.IsZero() && jobStart.Before(trainEnd) && in(v[fStatusBefore], "4", "5", "6", "7") {
		add(FlagJobBeforeTraining, "Job started %s, before the training ended (%s), but status before training was %s (not working).",
			v[fJobStartDate], v[fTrainingEndDate], v[fStatusBefore])
	}
	if ms, ok := atoi(v[fMainStatus]); ok && v[fWorkLastWeek] != "" {
		working := v[fWorkLastWeek] == "yes" || v[fTempAbsent] == "yes"
		if working != (ms <= 5) {
			add(FlagStatusInconsistent, "Main status %d disagrees with worked last week %q / temporarily absent %q.",
				ms, v[fWorkLastWeek], v[fTempAbsent])
		}
	}
	if v[fMainStatus] == "2" && strings.EqualFold(v[fWorkCountry], "ID") {
		add(FlagAbroadInIndonesia, "Main status 2 (working abroad) with Indonesia as the country of work.")
	}
	r.income = math.NaN()
	if income, ok := atof(v[fIncomeExact]); ok {
		r.income = income
		hours, _ := atoi(v[fHoursWeek])
		if v[fMainStatus] == "1" && hours >= 35 {
			if umk, ok := f.cfg.UMK.Wage(v[fWorkRegency], year); ok && income < f.cfg.UMKShare*umk {
				add(FlagIncomeBelowUMK, "Full-time employee earning Rp%.0f, under %.2f × the UMK of %s in %d (Rp%.0f).",
					income, f.cfg.UMKShare, v[fWorkRegency], year, umk)
			}
		}
	}
	if out != nil {
		f.checks[i] = out
	}
}

// RosterKejuruan gives, after the interviews are added, the roster's kejuruan of one
// respondent: it takes the place of the kejuruan of every interview of that respondent
// (the item's, else its answer) for the income percentiles. A server reads its roster a
// page at a time and calls it for each row; "" changes nothing.
func (f *Flagger) RosterKejuruan(rosterID, kejuruan string) {
	if kejuruan == "" {
		return
	}
	is := f.respondents()
	id := []byte(rosterID)
	n, _ := slices.BinarySearchFunc(is, id, func(i int32, id []byte) int { return bytes.Compare(f.resp(f.row(i)), id) })
	k := uint32(0)
	for ; n < len(is) && bytes.Equal(f.resp(f.row(is[n])), id); n++ {
		if k == 0 {
			k = f.kejuruan.id(kejuruan, cloneString) + 1
		}
		f.row(is[n]).kejuruan = k - 1
	}
}

// resp returns the respondent id of row r.
func (f *Flagger) resp(r *flagRow) []byte {
	_, resp, _ := f.strings(r)
	return resp
}

// respondents returns the rows with a respondent id, sorted by it, then by wave, start
// and id: the interviews of one respondent in one wave are a run, earliest first.
func (f *Flagger) respondents() []int32 {
	if f.byResp != nil {
		return f.byResp
	}
	is := []int32{}
	for i := range int32(f.n) {
		if len(f.resp(f.row(i))) > 0 {
			is = append(is, i)
		}
	}
	slices.SortFunc(is, func(a, b int32) int {
		ra, rb := f.row(a), f.row(b)
		ida, respA, _ := f.strings(ra)
		idb, respB, _ := f.strings(rb)
		return cmp.Or(bytes.Compare(respA, respB), cmp.Compare(ra.form, rb.form), cmp.Compare(ra.year, rb.year),
			cmp.Compare(ra.started, rb.started), cmp.Compare(ra.nanos, rb.nanos), bytes.Compare(ida, idb))
	})
	f.byResp = is
	return is
}

// Flags returns the flags of each interview added, by id; interviews without flags are
// left out. Each interview's flags come in the same order: the same NIK, a second
// interview, a conflict, fast, the checks within it, an income outlier.
func (f *Flagger) Flags() map[string][]survey.Flag {
	cfg := f.cfg
	out := map[string][]survey.Flag{}
	add := func(i int32, name, format string, args ...any) {
		id := f.id(i)
		out[id] = append(out[id], survey.NewFlag(name, format, args...))
	}
	// runs calls each with every run of two or more rows of is that are the same.
	runs := func(is []int32, same func(a, b *flagRow) bool, each func(run []int32)) {
		for len(is) > 0 {
			n := 1
			for n < len(is) && same(f.row(is[0]), f.row(is[n])) {
				n++
			}
			if n > 1 {
				each(is[:n])
			}
			is = is[n:]
		}
	}
	nikOf := func(r *flagRow) []byte { _, _, nik := f.strings(r); return nik }
	inWave := func(a, b *flagRow) bool { return a.form == b.form && a.year == b.year }

	// The same NIK twice in a wave: the rows with a NIK sorted by wave and NIK.
	var byNIK []int32
	for i := range int32(f.n) {
		if len(nikOf(f.row(i))) > 0 {
			byNIK = append(byNIK, i)
		}
	}
	slices.SortFunc(byNIK, func(a, b int32) int {
		ra, rb := f.row(a), f.row(b)
		return cmp.Or(cmp.Compare(ra.form, rb.form), cmp.Compare(ra.year, rb.year), bytes.Compare(nikOf(ra), nikOf(rb)))
	})
	runs(byNIK, func(a, b *flagRow) bool { return inWave(a, b) && bytes.Equal(nikOf(a), nikOf(b)) }, func(run []int32) {
		r := f.row(run[0])
		nik := nikOf(r)
		for _, i := range run {
			var others []string
			for _, j := range run {
				if j != i {
					others = append(others, survey.ShortID(f.id(j)))
				}
			}
			sort.Strings(others)
			add(i, FlagDuplicateNIK, "NIK ending %s is also in interview %s of wave %s %d.",
				nik[len(nik)-4:], strings.Join(others, ", "), f.formIDs.list[r.form], r.year)
		}
	})

	// One interview per roster alumnus per form per wave: every later one is flagged.
	runs(f.respondents(), func(a, b *flagRow) bool { return inWave(a, b) && bytes.Equal(f.resp(a), f.resp(b)) }, func(run []int32) {
		r := f.row(run[0])
		first := f.id(run[0])
		for _, i := range run[1:] {
			add(i, FlagSecondInterview, "Alumnus %s already has interview %s of wave %s %d: one interview per alumnus per wave; correct the first through a return instead.",
				f.resp(r), survey.ShortID(first), f.formIDs.list[r.form], r.year)
		}
	})

	// Conflicting resubmissions.
	for i := range int32(f.n) {
		if r := f.row(i); r.conflicts > 0 {
			add(i, FlagConflict, "%d differing content{s} {was|were} received for a stored revision; both are kept.", r.conflicts)
		}
	}

	// Much faster than the form version's median.
	medians := map[uint32]float64{}
	for k, ds := range f.durations {
		if len(ds) >= cfg.FastMin {
			medians[k] = quantile(ds, 0.5)
		}
	}
	for i := range int32(f.n) {
		r := f.row(i)
		med, ok := medians[r.version]
		if !ok || r.revision != 1 || r.minutes <= 0 {
			continue
		}
		if r.minutes < cfg.FastShare*med {
			add(i, FlagFast, "Finished in %.0f min; the median of form version %s is %.0f min (n=%d).",
				r.minutes, f.versions.list[r.version][1], med, len(f.durations[r.version]))
		}
	}

	// The checks within each interview.
	for i := range int32(f.n) {
		if fs := f.checks[i]; fs != nil {
			id := f.id(i)
			out[id] = append(out[id], fs...)
		}
	}

	// Incomes beyond the kejuruan's percentiles.
	incomes := map[uint32][]float64{}
	for i := range int32(f.n) {
		if r := f.row(i); !math.IsNaN(r.income) {
			incomes[r.kejuruan] = append(incomes[r.kejuruan], r.income)
		}
	}
	type bounds struct{ lo, hi float64 }
	limits := map[uint32]bounds{}
	for k, xs := range incomes {
		if len(xs) >= cfg.IncomeMin {
			limits[k] = bounds{quantile(xs, cfg.IncomeLow), quantile(xs, cfg.IncomeHigh)}
		}
	}
	for i := range int32(f.n) {
		r := f.row(i)
		b, ok := limits[r.kejuruan]
		if math.IsNaN(r.income) || !ok {
			continue
		}
		if r.income < b.lo || r.income > b.hi {
			add(i, FlagIncomeOutlier, "Income Rp%.0f is outside Rp%.0f–Rp%.0f, the %g–%g percentiles of kejuruan %q (n=%d).",
				r.income, b.lo, b.hi, cfg.IncomeLow*100, cfg.IncomeHigh*100, f.kejuruan.list[r.kejuruan], len(incomes[r.kejuruan]))
		}
	}
	return out
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
