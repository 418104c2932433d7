package report

import (
	"bytes"
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tracer/forms/builtin"
	"tracer/survey"
)

// member is one person of T as the report folds them: the roster row that describes them,
// whether they passed and were reached, and their counted interview (an index into the
// answers, -1 when none).
type member struct {
	rep      int32 // the roster row describing the person
	first    int32 // the person's first roster row
	ans      int32
	pass     bool
	reached  bool
	multiple bool // more than one valid interview: see the supersession list
}

// Bits of summary.flags: the person's statuses and what each indicator reads of the
// counted interview.
const (
	fA uint32 = 1 << iota
	fW
	fO
	fSE
	fOJT
	fU
	fED
	fUMKIn      // in indicator 17's denominator
	fUMKMet     // income ≥ UMK
	fUMK120     // income ≥ 1.2 × UMK
	fUMKUnknown // a full-time wage worker whose regency and year have no UMK
	fMatchAns
	fMatch12
	fMatch123
	fSkillAns
	fSkill12
	fJobSatAns
	fJobSat12
	fContractAns
	fFormal
	fCertAssessed // the interview's cert_assessed is yes
	fCertCompetent
	fBizOK
	fEntryDen
	fNPS
	fIDText     // the interview id is not a UUID: engine.idTexts
	fBigWorkers // engine.bigWorkers
)

// summary is the part of a counted (valid) interview the indicators read, without its
// answers: 72 bytes per respondent instead of the interview's answers.
type summary struct {
	id                       [16]byte // a canonical UUID's bytes; else engine.idTexts has it
	date                     int32    // days since 1970-01-01, noDate when not answered
	rev                      int32
	final                    int64 // FinalizedAt in Unix nanoseconds, noTime when zero
	flags                    uint32
	scores                   uint32 // 3 bits per satisfaction item, then recommend + 1 in 4 bits
	months, firstJob, income float64
	workers                  int32  // biz_paid_workers; engine.bigWorkers has it when it does not fit
	answers                  uint32 // the answers below, interned
}

// ivAnswers are the answers of a counted interview the breakdowns and distributions read.
type ivAnswers struct {
	domicile, workRegency, sector, occupation, employer, howFound string
}

const noTime = math.MinInt64

func timeNumber(t time.Time) int64 {
	if t.IsZero() {
		return noTime
	}
	return t.UnixNano()
}

func numberTime(n int64) time.Time {
	if n == noTime {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

const noDate = math.MinInt32

func dayNumber(t time.Time) int32 {
	if t.IsZero() {
		return noDate
	}
	return int32(t.Unix() / 86400)
}

func dayTime(d int32) time.Time {
	if d == noDate {
		return time.Time{}
	}
	return time.Unix(int64(d)*86400, 0).UTC()
}

func (s *summary) has(f uint32) bool { return s.flags&f != 0 }

// sat returns the 1-5 answer of satisfaction item i, 0 when not a score.
func (s *summary) sat(i int) int { return int(s.scores>>(3*i)) & 7 }

// recommend returns the 0-10 answer, -1 when not one.
func (s *summary) recommend() int { return int(s.scores>>12)&15 - 1 }

// dict interns strings: 0 is "".
type dict struct {
	index map[string]uint32
	strs  []string
}

func newDict() *dict { return &dict{index: map[string]uint32{"": 0}, strs: []string{""}} }

func (d *dict) id(s string) uint32 {
	if i, ok := d.index[s]; ok {
		return i
	}
	i := uint32(len(d.strs))
	d.strs = append(d.strs, s)
	d.index[s] = i
	return i
}

// lostInterview is a valid interview that competed for a person: the keys of later.
type lostInterview struct {
	person int32
	id     string
	date   int32
	final  time.Time
	rev    int
}

// HeapLimit is the soft limit of the Go heap (debug.SetMemoryLimit) for a report computed
// from a store, as tracer report sets it. What the report keeps grows with the roster and
// the respondents (docs/REPORT.md, Memory): about 150 MB at a million roster rows and a
// million interviews, besides the garbage of the records read, about 7 KB each. The limit
// collects that garbage before the heap grows to twice what is kept, and leaves it room: a
// limit only a little above what is kept makes the collector run almost without pause
// (under 160 MiB, 1,500 collections at a million interviews, a quarter of the report's CPU);
// tracer report raises it as the live heap grows, for a roster larger than that.
const HeapLimit = 192 << 20

// engine folds the interviews into the persons of T.
type engine struct {
	// scratch is the interview each record is read into in turn, through pick when the
	// record was read by name.
	scratch    interview
	pick       *picker
	ro         *Roster
	cfg        Config
	members    []member
	rowOf      []int32 // per roster row, its member; -1 outside the period
	answers    chunked[summary]
	idTexts    map[int32]string // by member, the ids that are not UUIDs
	bigWorkers map[int32]int64  // by member, biz_paid_workers beyond int32
	ivAnswers  []ivAnswers
	ivIndex    map[ivAnswers]uint32
	// competing are the valid interviews of persons with more than one.
	competing []lostInterview
	counts    Counts
	// valueBuf holds the values of one median at a time (values).
	valueBuf []float64
}

func sortRows(rows []int32, f func(a, b int32) int) {
	slices.SortFunc(rows, func(a, b int32) int { return cmp.Or(f(a, b), cmp.Compare(a, b)) })
}

// newEngine makes T from the roster rows in cfg's period: persons by NIK (else roster id),
// each described by a row they passed in, the latest such.
func newEngine(ro *Roster, cfg Config) *engine {
	e := &engine{pick: newPicker(questions[:]), ro: ro, cfg: cfg, idTexts: map[int32]string{}, bigWorkers: map[int32]int64{}, ivIndex: map[ivAnswers]uint32{}, rowOf: make([]int32, ro.Len())}
	// byKey are the rows of the period by person key (NIK, else roster id).
	byKey := make([]int32, 0, ro.Len())
	e.counts.RosterRows = ro.Len()
	for i := range e.rowOf {
		e.rowOf[i] = -1
		if ro.inPeriod(cfg, int32(i)) {
			byKey = append(byKey, int32(i))
		}
	}
	ro.eachPerson(byKey, func(rows []int32) {
		m := member{first: rows[0], ans: -1}
		m.rep, m.pass = ro.describing(rows)
		for _, r := range rows {
			e.rowOf[r] = int32(len(e.members))
		}
		if e.members == nil {
			e.members = make([]member, 0, len(byKey))
		}
		e.members = append(e.members, m)
	})
	return e
}

// add counts one interview record (the one revision of its interview that counts).
func (e *engine) add(rec *survey.Record) {
	e.counts.Records++
	e.counts.Interviews++
	iv := &e.scratch
	extractInto(iv, rec, e.pick)
	p := int32(-1)
	if r := e.ro.LinkRow(e.cfg, iv.resp, iv.v[qRosterID], iv.v[qNIK]); r >= 0 {
		p = e.rowOf[r]
	}
	if p < 0 {
		e.counts.Unlinked++
		return
	}
	m := &e.members[p]
	m.reached = true
	if !iv.valid {
		return
	}
	if m.ans < 0 {
		m.ans = e.answers.push(e.summarize(p, iv))
		return
	}
	e.counts.Superseded++
	cur := e.answers.at(m.ans)
	if !m.multiple {
		m.multiple = true
		e.competing = append(e.competing, lostInterview{person: p, id: e.idOf(p, cur), date: cur.date, final: numberTime(cur.final), rev: int(cur.rev)})
	}
	e.competing = append(e.competing, lostInterview{person: p, id: iv.id, date: dayNumber(iv.date), final: iv.final, rev: iv.rev})
	if e.later(iv, p, cur) {
		*cur = e.summarize(p, iv)
	}
}

// later is the package's later with b, the summary of member p's interview.
func (e *engine) later(a *interview, p int32, b *summary) bool {
	return later(a, &interview{id: e.idOf(p, b), rev: int(b.rev), date: dayTime(b.date), final: numberTime(b.final)})
}

func (e *engine) idOf(p int32, s *summary) string {
	if s.has(fIDText) {
		return e.idTexts[p]
	}
	return formatUUID(s.id)
}

// summarize derives what the indicators read of the valid interview iv of member m.
func (e *engine) summarize(p int32, iv *interview) summary {
	m := &e.members[p]
	a := e.ro.row(m.rep)
	ps := &person{row: &survey.Respondent{}, pass: m.pass, trainingEnd: a.trainingEnd, iv: iv, reached: true}
	var c Counts
	derive(ps, e.cfg, &c)
	v := &iv.v
	s := summary{date: dayNumber(iv.date), rev: int32(iv.rev), final: timeNumber(iv.final),
		months: ps.months, firstJob: ps.firstJob, income: ps.income}
	delete(e.idTexts, p)
	delete(e.bigWorkers, p)
	if u, ok := parseUUID(iv.id); ok {
		s.id = u
	} else {
		s.flags |= fIDText
		e.idTexts[p] = iv.id
	}
	set := func(f uint32, b bool) {
		if b {
			s.flags |= f
		}
	}
	set(fA, ps.a)
	set(fW, ps.w)
	set(fO, ps.o)
	set(fSE, ps.se)
	set(fOJT, ps.ojt)
	set(fU, ps.u)
	set(fED, ps.ed)
	set(fUMKUnknown, c.UMKUnknown > 0)
	if wage, ok := umkOf(ps, e.cfg); ok {
		s.flags |= fUMKIn
		set(fUMKMet, ps.income >= wage)
		set(fUMK120, ps.income >= 1.2*wage)
	}
	if x := v[qJobMatch]; x != "" {
		s.flags |= fMatchAns
		set(fMatch12, in(x, "1", "2"))
		set(fMatch123, in(x, "1", "2", "3"))
	}
	if x := v[qSkillUse]; x != "" {
		s.flags |= fSkillAns
		set(fSkill12, in(x, "1", "2"))
	}
	if x := v[qJobSatisfaction]; x != "" {
		s.flags |= fJobSatAns
		set(fJobSat12, in(x, "1", "2"))
	}
	if x := v[qContract]; x != "" {
		s.flags |= fContractAns
		set(fFormal, in(x, "pkwtt", "pkwt"))
	}
	set(fCertAssessed, v[qCertAssessed] == "yes")
	set(fCertCompetent, v[qCertResult] == "competent")
	if w, ok := atoi(v[qBizPaidWorkers]); ok {
		s.flags |= fBizOK
		if int(int32(w)) == w {
			s.workers = int32(w)
		} else {
			s.flags |= fBigWorkers
			e.bigWorkers[p] = int64(w)
		}
	}
	set(fEntryDen, in(v[qStatusBefore], "4", "5", "6", "7"))
	for i, item := range satItems {
		if sc, ok := atoi(v[item.field]); ok && sc >= 1 && sc <= 5 {
			s.scores |= uint32(sc) << (3 * i)
		}
	}
	if r, ok := atoi(v[qRecommend]); ok && r >= 0 && r <= 10 {
		s.flags |= fNPS
		s.scores |= uint32(r+1) << 12
	}
	ans := ivAnswers{domicile: v[qDomicileRegency], workRegency: v[qWorkRegency], sector: v[qSectorKBLI],
		occupation: v[qOccupationKBJI], employer: v[qEmployerType], howFound: v[qHowFound]}
	k, ok := e.ivIndex[ans]
	if !ok {
		k = uint32(len(e.ivAnswers))
		e.ivAnswers = append(e.ivAnswers, ans)
		e.ivIndex[ans] = k
	}
	s.answers = k
	return s
}

// attr is member m's breakdown attribute d, Unknown when missing.
func (e *engine) attr(m *member, d Dimension, asOf time.Time) string {
	a := e.ro.row(m.rep)
	var s *summary
	if m.ans >= 0 {
		s = e.answers.at(m.ans)
	}
	var v string
	switch d {
	case ByKejuruan:
		v = a.kejuruan
	case ByProgram:
		v = a.program
	case ByInstitution:
		v = a.institution
	case ByBatch:
		v = a.batch
	case ByBudgetYear:
		v = a.budgetYear
	case ByFunding:
		v = a.funding
	case BySex:
		v = a.sex
	case ByEducation:
		v = a.education
	case ByRegency:
		v = a.regency
		if s != nil && e.ivAnswers[s.answers].domicile != "" {
			v = e.ivAnswers[s.answers].domicile
		}
	case ByWorkRegency:
		if s != nil {
			v = e.ivAnswers[s.answers].workRegency
		}
	case ByYear:
		if !a.trainingEnd.IsZero() {
			v = strconv.Itoa(a.trainingEnd.Year())
		}
	case ByAge:
		v = a.ageGroup
	case ByWindow:
		mo := math.NaN()
		if s != nil {
			mo = s.months
		}
		if math.IsNaN(mo) && !a.trainingEnd.IsZero() && !asOf.IsZero() {
			mo = monthsBetween(a.trainingEnd, asOf)
		}
		v = window(mo, e.cfg.Windows)
	}
	if v == "" {
		return Unknown
	}
	return v
}

// rosterOnly reports whether engine.attr of d reads only the person's describing roster
// row, not the interview nor the date the windows count to.
func (d Dimension) rosterOnly() bool {
	switch d {
	case ByKejuruan, ByProgram, ByInstitution, ByBatch, ByBudgetYear, ByFunding, BySex, ByEducation, ByYear, ByAge:
		return true
	}
	return false
}

// acc accumulates the indicators of one cell, person by person.
type acc struct {
	n                                                Populations
	wa, ws                                           float64
	atCompletion, nt                                 int
	within                                           [][2]int
	match12, match123, matchDen, skill, skillDen     int
	jobSat, jobSatDen, umk, umk120, umkDen           int
	formal, contractDen, assessed, competent, bizDen int
	workers                                          int
	entry, entryDen, promoters, detractors, npsDen   int
	satSum                                           [4]float64
	satTop, satDen                                   [4]int
	// ts, incA, incW and incSE are the members whose months to the first job and
	// incomes the medians read (engine.values), 4 bytes each instead of the value's 8.
	ts, incA, incW, incSE []int32
	keepValues            bool
}

// add counts member p, weighted w.
func (c *acc) add(e *engine, p int32, w float64) {
	m := &e.members[p]
	var s *summary
	if m.ans >= 0 {
		s = e.answers.at(m.ans)
	}
	n := &c.n
	n.T++
	if m.pass {
		a := e.ro.row(m.rep)
		ca, cr := a.certAssessed, a.certResult
		if ca == "" && s != nil {
			ca, cr = "", ""
			if s.has(fCertAssessed) {
				ca = "yes"
			}
			if s.has(fCertCompetent) {
				cr = "competent"
			}
		}
		if ca == "yes" {
			c.assessed++
			if cr == "competent" {
				c.competent++
			}
		}
	}
	if !m.pass {
		return
	}
	n.G++
	if m.reached {
		n.Reached++
	}
	if s == nil {
		return
	}
	n.S++
	a, u, ojt := s.has(fA), s.has(fU), s.has(fOJT)
	if a {
		n.A++
	}
	if s.has(fW) {
		n.W++
	}
	if s.has(fO) {
		n.O++
	}
	if s.has(fSE) {
		n.SE++
	}
	if ojt {
		n.OJT++
	}
	if u {
		n.U++
	}
	if s.has(fED) {
		n.ED++
	}
	if !a && !u && !(ojt && !e.cfg.PaidOJTAbsorbed) {
		n.I++
	}
	c.ws += w
	if a {
		c.wa += w
	}
	if !math.IsNaN(s.firstJob) {
		t := s.firstJob
		if t <= 0 {
			t = 0
			c.atCompletion++
		}
		c.nt++
		if c.keepValues {
			c.ts = append(c.ts, p)
		}
	}
	if c.within == nil {
		c.within = make([][2]int, len(e.cfg.Windows))
	}
	for i, k := range e.cfg.Windows {
		if math.IsNaN(s.months) || s.months < float64(k) {
			continue
		}
		c.within[i][1]++
		if !math.IsNaN(s.firstJob) && math.Max(s.firstJob, 0) <= float64(k) {
			c.within[i][0]++
		}
	}
	if a {
		if s.has(fMatchAns) {
			c.matchDen++
			if s.has(fMatch12) {
				c.match12++
			}
			if s.has(fMatch123) {
				c.match123++
			}
		}
		if s.has(fSkillAns) {
			c.skillDen++
			if s.has(fSkill12) {
				c.skill++
			}
		}
		if s.has(fJobSatAns) {
			c.jobSatDen++
			if s.has(fJobSat12) {
				c.jobSat++
			}
		}
		if !math.IsNaN(s.income) && c.keepValues {
			c.incA = append(c.incA, p)
			if s.has(fW) {
				c.incW = append(c.incW, p)
			}
			if s.has(fSE) {
				c.incSE = append(c.incSE, p)
			}
		}
	}
	if s.has(fUMKIn) {
		c.umkDen++
		if s.has(fUMKMet) {
			c.umk++
		}
		if s.has(fUMK120) {
			c.umk120++
		}
	}
	if s.has(fW) && s.has(fContractAns) {
		c.contractDen++
		if s.has(fFormal) {
			c.formal++
		}
	}
	if s.has(fSE) && s.has(fBizOK) {
		if s.has(fBigWorkers) {
			c.workers += int(e.bigWorkers[p])
		} else {
			c.workers += int(s.workers)
		}
		c.bizDen++
	}
	if s.has(fEntryDen) {
		c.entryDen++
		if a {
			c.entry++
		}
	}
	for i := range satItems {
		if sc := s.sat(i); sc >= 1 {
			c.satDen[i]++
			c.satSum[i] += float64(6 - sc)
			if sc <= 2 {
				c.satTop[i]++
			}
		}
	}
	if s.has(fNPS) {
		c.npsDen++
		switch r := s.recommend(); {
		case r >= 9:
			c.promoters++
		case r <= 6:
			c.detractors++
		}
	}
}

// values returns the months to the first job (0 for a job at completion) of members ps
// when firstJob, else their incomes, in a buffer the next call reuses.
func (e *engine) values(ps []int32, firstJob bool) []float64 {
	xs := slices.Grow(e.valueBuf[:0], len(ps))[:len(ps)]
	e.valueBuf = xs
	for i, p := range ps {
		s := e.answers.at(e.members[p].ans)
		if !firstJob {
			xs[i] = s.income
			continue
		}
		t := s.firstJob
		if t <= 0 {
			t = 0
		}
		xs[i] = t
	}
	return xs
}

// cell returns the cell's indicators in report order; its medians come from the members
// kept (keepValues), whose values are read from e one median at a time.
func (c *acc) cell(e *engine, key string, cfg Config) Cell {
	out := Cell{Key: key, N: c.n}
	n := &out.N
	add := func(v Value) { out.Values = append(out.Values, v) }
	add(rate("response_rate", n.S, n.G))
	add(rate("contact_rate", n.Reached, n.G))
	add(rate("absorption", n.A, n.S))
	if cfg.Weights {
		// The weighted absorbed are counted on the respondents' scale (their share of
		// the weighted respondents times S), so that Num / Den is the percentage.
		v := Value{ID: "absorption_weighted", Den: n.S, Flag: flag(n.S)}
		if c.ws > 0 {
			v.Num = c.wa / c.ws * float64(n.S)
		}
		if n.S >= 10 && c.ws > 0 {
			pct := 100 * c.wa / c.ws
			v.Pct = &pct
		}
		add(v)
	}
	add(rate("absorption_cohort", n.A, n.G))
	add(rate("absorption_trainee", n.A, n.T))
	add(rate("wage_employment", n.W, n.S))
	add(rate("self_employment", n.SE, n.S))
	add(rate("absorbed_industry", n.W, n.A))
	add(rate("absorbed_self", n.SE, n.A))
	if cfg.PaidOJTAbsorbed {
		add(rate("absorbed_ojt", n.OJT, n.A))
	}
	add(rate("overseas", n.O, n.S))
	add(rate("overseas_absorbed", n.O, n.A))
	add(rate("unemployment", n.U, n.A+n.U))
	add(rate("neet", neet(n), n.S))
	add(median("first_job_months", e.values(c.ts, true)))
	add(rate("employed_at_completion", c.atCompletion, c.nt))
	for i, k := range cfg.Windows {
		var w [2]int
		if c.within != nil {
			w = c.within[i]
		}
		add(rate("employed_within_"+strconv.Itoa(k), w[0], w[1]))
	}
	add(rate("job_match", c.match12, c.matchDen))
	add(rate("job_match_top3", c.match123, c.matchDen))
	add(rate("relevant_employment", c.match12, n.S))
	add(rate("skill_use", c.skill, c.skillDen))
	add(median("income_median", e.values(c.incA, false)))
	add(median("income_median_wage", e.values(c.incW, false)))
	add(median("income_median_self", e.values(c.incSE, false)))
	add(rate("umk", c.umk, c.umkDen))
	add(rate("umk_120", c.umk120, c.umkDen))
	add(rate("formal_contract", c.formal, c.contractDen))
	add(rate("cert_coverage", c.assessed, n.G))
	add(rate("cert_pass", c.competent, c.assessed))
	mean := math.NaN()
	if c.bizDen > 0 {
		mean = float64(c.workers) / float64(c.bizDen)
	}
	add(stat("biz_jobs", float64(c.workers), c.bizDen, mean))
	add(rate("net_entry", c.entry, c.entryDen))
	for i, item := range satItems {
		mean := math.NaN()
		if c.satDen[i] > 0 {
			mean = c.satSum[i] / float64(c.satDen[i])
		}
		add(stat(item.id+"_mean", c.satSum[i], c.satDen[i], mean))
		add(rate(item.id+"_top2", c.satTop[i], c.satDen[i]))
	}
	nps := math.NaN()
	if c.npsDen > 0 {
		nps = 100 * float64(c.promoters-c.detractors) / float64(c.npsDen)
	}
	add(stat("nps", float64(c.promoters-c.detractors), c.npsDen, nps))
	add(rate("job_sat_top2", c.jobSat, c.jobSatDen))
	return out
}

// ComputeRoster builds the report from the roster and the interview records, one record
// per interview (the revision that counts, as a store's approved or latest revisions
// give), in any order. It holds the roster compactly and, per person of T, a summary of
// the interview that counts (about 130 bytes), never the records: the medians keep the
// values of one breakdown at a time. It stops at an error yielded by records.
func ComputeRoster(ro *Roster, records iter.Seq2[*survey.Record, error], cfg Config) (*Report, error) {
	f, err := FoldRoster(ro, records, cfg)
	if err != nil {
		return nil, err
	}
	return f.Report()
}

// Folded is what ComputeRoster keeps once the records are read: the roster, the persons of
// T and a summary of each respondent's counted interview. Its Report computes the cells.
type Folded struct {
	e *engine
}

// FoldRoster reads the records as ComputeRoster does and returns what it keeps, so that a
// caller can let go of other memory (say, the response rates' state, computed beside it)
// before Report holds the medians' values.
func FoldRoster(ro *Roster, records iter.Seq2[*survey.Record, error], cfg Config) (*Folded, error) {
	cfg = withDefaults(cfg)
	e := newEngine(ro, cfg)
	for rec, err := range records {
		if err != nil {
			return nil, fmt.Errorf("read records: %w", err)
		}
		e.add(rec)
	}
	return &Folded{e: e}, nil
}

// Report computes the report from what was folded.
func (f *Folded) Report() (*Report, error) { return f.e.report() }

// withDefaults fills the defaults of cfg's tables, windows and breakdowns.
func withDefaults(cfg Config) Config {
	if cfg.UMK == nil {
		cfg.UMK, cfg.UMKName = DefaultUMK(), builtinUMK
	}
	if cfg.BandMidpoints == nil {
		cfg.BandMidpoints = DefaultBandMidpoints()
	}
	if len(cfg.Windows) == 0 {
		cfg.Windows = []int{3, 6, 12}
	}
	cfg.Windows = append([]int(nil), cfg.Windows...)
	sort.Ints(cfg.Windows)
	if cfg.By == nil {
		cfg.By = Dimensions
	}
	return cfg
}

// comparePersonsByID orders members a and b by their describing rows' roster ids, then
// their first rows.
func (e *engine) comparePersonsByID(a, b int32) int {
	ma, mb := &e.members[a], &e.members[b]
	return cmp.Or(compareBytes(e.ro.ids.bytes(ma.rep), e.ro.ids.bytes(mb.rep)), cmp.Compare(ma.first, mb.first))
}

// personsByID returns the members in comparePersonsByID's order, then by index. It is read
// off the roster's index by roster id, which linking made, instead of sorting the members:
// each member comes at its describing row, and only members whose describing rows share
// a roster id are sorted among themselves.
func (e *engine) personsByID() []int32 {
	order := make([]int32, 0, len(e.members))
	byID := e.ro.sortedByID()
	for i := 0; i < len(byID); {
		id := e.ro.ids.bytes(byID[i])
		j := i + 1
		for j < len(byID) && bytes.Equal(e.ro.ids.bytes(byID[j]), id) {
			j++
		}
		start := len(order)
		for _, r := range byID[i:j] {
			if p := e.rowOf[r]; p >= 0 && e.members[p].rep == r {
				order = append(order, p)
			}
		}
		if len(order)-start > 1 {
			sortRows(order[start:], e.comparePersonsByID)
		}
		i = j
	}
	return order
}

// answersInOrder moves the summaries, in place, into the order in which the cells read
// them (order, every member once): interviews come in the field's order, not the
// roster's, and each of the fourteen folds would otherwise read every summary at random
// in memory. A swap or two per summary, 4 bytes per summary while it runs.
func (e *engine) answersInOrder(order []int32) {
	dest := make([]int32, e.answers.len())
	k := int32(0)
	for _, p := range order {
		if m := &e.members[p]; m.ans >= 0 {
			dest[m.ans] = k
			k++
		}
	}
	if int(k) != len(dest) {
		return // not a permutation: leave the summaries where they are
	}
	for _, p := range order {
		if m := &e.members[p]; m.ans >= 0 {
			m.ans = dest[m.ans]
		}
	}
	for i := range dest {
		for int(dest[i]) != i {
			j := dest[i]
			a, b := e.answers.at(int32(i)), e.answers.at(j)
			*a, *b = *b, *a
			dest[i], dest[j] = dest[j], dest[i]
		}
	}
}

func (e *engine) report() (*Report, error) {
	cfg := e.cfg
	rep := &Report{Settings: Settings{PaidOJTAbsorbed: cfg.PaidOJTAbsorbed, Windows: cfg.Windows, BandMidpoints: cfg.BandMidpoints,
		UMK: cfg.UMKName, Study: cfg.Study}, Counts: e.counts}
	if !cfg.From.IsZero() {
		rep.Settings.From = cfg.From.Format(time.DateOnly)
	}
	if !cfg.To.IsZero() {
		rep.Settings.To = cfg.To.Format(time.DateOnly)
	}
	// Persons in the order of their describing rows' roster ids (then their first rows),
	// as the cells sum them.
	order := e.personsByID()
	e.answersInOrder(order)
	rep.Superseded = e.supersessions(order)
	asOf, source := cfg.AsOf, "study"
	if asOf.IsZero() {
		asOf, source = e.medianDate(), "median interview date"
	}
	if !asOf.IsZero() {
		rep.Settings.AsOf, rep.Settings.AsOfSource = asOf.Format(time.DateOnly), source
	}
	rep.Settings.Weights = cfg.Weights
	for i := range e.members {
		m := &e.members[i]
		if m.ans < 0 {
			continue
		}
		if !m.pass {
			continue // indicator 17 and time to first job are over the graduates' answers
		}
		s := e.answers.at(m.ans)
		if s.has(fUMKUnknown) {
			rep.Counts.UMKUnknown++
		}
		if !math.IsNaN(s.firstJob) {
			rep.FirstJob[firstJobBin(s.firstJob)]++
		}
	}
	weight := func(*member) float64 { return 0 }
	if cfg.Weights {
		rep.Weights, weight = e.weights()
	}
	// fold adds every person to the cell of its key, in order. With byAttrs, the key is
	// the same for every person described by one set of roster attributes: its cell is
	// found once per set, not hashed once per person.
	fold := func(key func(m *member) string, byAttrs bool) map[string]*acc {
		cells := map[string]*acc{}
		cellOf := func(m *member) *acc {
			k := key(m)
			c := cells[k]
			if c == nil {
				c = &acc{keepValues: true}
				cells[k] = c
			}
			return c
		}
		var ofAttrs []*acc
		if byAttrs {
			ofAttrs = make([]*acc, len(e.ro.attrs))
		}
		for _, i := range order {
			m := &e.members[i]
			var c *acc
			if byAttrs {
				j := *e.ro.attr.at(m.rep)
				if c = ofAttrs[j]; c == nil {
					c = cellOf(m)
					ofAttrs[j] = c
				}
			} else {
				c = cellOf(m)
			}
			c.add(e, i, weight(m))
		}
		return cells
	}
	total := fold(func(*member) string { return "total" }, true)["total"]
	if total == nil {
		total = &acc{}
	}
	rep.Total = total.cell(e, "total", cfg)
	for _, d := range cfg.By {
		// One breakdown at a time, so only its cells' median values are held.
		cells := fold(func(m *member) string { return e.attr(m, d, asOf) }, d.rosterOnly())
		keys := make([]string, 0, len(cells))
		for k := range cells {
			keys = append(keys, k)
		}
		sortKeys(d, keys)
		b := Breakdown{Dimension: d}
		for _, k := range keys {
			c := cells[k].cell(e, k, cfg)
			cells[k] = nil // its members' list can go
			if cfg.Labels != nil {
				c.Label = cfg.Labels(d, k)
			}
			b.Cells = append(b.Cells, c)
		}
		rep.Breakdowns = append(rep.Breakdowns, b)
	}
	rep.Distributions = e.distributions()
	return rep, nil
}

// supersessions lists the valid interviews that lost to a later one of the same person,
// as Compute always has: each person's competing interviews taken in id order.
func (e *engine) supersessions(order []int32) []Supersession {
	if len(e.competing) == 0 {
		return nil
	}
	slices.SortStableFunc(e.competing, func(a, b lostInterview) int {
		return cmp.Or(cmp.Compare(a.person, b.person), strings.Compare(a.id, b.id))
	})
	by := map[int32][]lostInterview{}
	for i := 0; i < len(e.competing); {
		j := i
		for j < len(e.competing) && e.competing[j].person == e.competing[i].person {
			j++
		}
		by[e.competing[i].person] = e.competing[i:j]
		i = j
	}
	var out []Supersession
	for _, p := range order {
		ivs := by[p]
		if len(ivs) == 0 {
			continue
		}
		key := func(l lostInterview) *interview {
			return &interview{id: l.id, rev: l.rev, date: dayTime(l.date), final: l.final}
		}
		cur := ivs[0]
		var lost []lostInterview
		for _, l := range ivs[1:] {
			if later(key(l), key(cur)) {
				lost = append(lost, cur)
				cur = l
			} else {
				lost = append(lost, l)
			}
		}
		rid := e.ro.ids.str(e.members[p].rep)
		for _, l := range lost {
			out = append(out, Supersession{RosterID: rid, Interview: l.id, Date: dateText(dayTime(l.date)), By: cur.id, ByDate: dateText(dayTime(cur.date))})
		}
	}
	return out
}

// medianDate returns the median interview date of the counted interviews of the
// graduates (the lower middle one of an even count), zero when none has a date.
func (e *engine) medianDate() time.Time {
	days := map[int32]int{}
	n := 0
	for i := range e.members {
		m := &e.members[i]
		if m.pass && m.ans >= 0 && e.answers.at(m.ans).date != noDate {
			days[e.answers.at(m.ans).date]++
			n++
		}
	}
	if n == 0 {
		return time.Time{}
	}
	ds := make([]int32, 0, len(days))
	for d := range days {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	k := (n - 1) / 2
	for _, d := range ds {
		if k < days[d] {
			return dayTime(d)
		}
		k -= days[d]
	}
	return time.Time{}
}

// weights returns |G_cell|/|S_cell| by kejuruan × sex and each member's weight.
func (e *engine) weights() ([]Weight, func(*member) float64) {
	type key struct{ k, s string }
	g, s := map[key]int{}, map[key]int{}
	keyOf := func(m *member) key {
		return key{e.attr(m, ByKejuruan, time.Time{}), e.attr(m, BySex, time.Time{})}
	}
	for i := range e.members {
		m := &e.members[i]
		if !m.pass {
			continue
		}
		k := keyOf(m)
		g[k]++
		if m.ans >= 0 {
			s[k]++
		}
	}
	var out []Weight
	for k, gn := range g {
		w := Weight{Kejuruan: k.k, Sex: k.s, G: gn, S: s[k]}
		if w.S > 0 {
			x := float64(gn) / float64(w.S)
			w.Weight = &x
		}
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kejuruan != out[j].Kejuruan {
			return out[i].Kejuruan < out[j].Kejuruan
		}
		return out[i].Sex < out[j].Sex
	})
	return out, func(m *member) float64 {
		if !m.pass || m.ans < 0 {
			return 0
		}
		k := keyOf(m)
		return float64(g[k]) / float64(s[k])
	}
}

// distributions computes indicator 24 over all respondents: KBLI category, KBJI group and
// employer type of the absorbed, and how the wage-employed found their job (multi-select:
// the share of W naming each option).
func (e *engine) distributions() []Distribution {
	var out []Distribution
	for _, q := range []struct {
		id, field string
		answer    func(*ivAnswers) string
		wage      bool
		multi     bool
	}{
		{"sector_kbli", builtin.SectorKBLI, func(a *ivAnswers) string { return a.sector }, false, false},
		{"occupation_kbji", builtin.OccupationKBJI, func(a *ivAnswers) string { return a.occupation }, false, false},
		{"employer_type", builtin.EmployerType, func(a *ivAnswers) string { return a.employer }, false, false},
		{"how_found", builtin.HowFound, func(a *ivAnswers) string { return a.howFound }, true, true},
	} {
		counts := map[string]int{}
		den := 0
		for i := range e.members {
			m := &e.members[i]
			if !m.pass || m.ans < 0 {
				continue
			}
			s := e.answers.at(m.ans)
			if !s.has(fA) || q.wage && !s.has(fW) {
				continue
			}
			v := q.answer(&e.ivAnswers[s.answers])
			if q.multi {
				den++
				for _, c := range strings.Fields(v) {
					counts[c]++
				}
				continue
			}
			if v != "" {
				den++
				counts[v]++
			}
		}
		d := Distribution{ID: q.id, Den: den, Flag: flag(den)}
		for code, num := range counts {
			sh := Share{Code: code, Num: num}
			if e.cfg.Labels != nil {
				sh.Label = e.cfg.Labels(Dimension(q.field), code)
			}
			if den >= 10 {
				pct := 100 * float64(num) / float64(den)
				sh.Pct = &pct
			}
			d.Items = append(d.Items, sh)
		}
		sort.Slice(d.Items, func(i, j int) bool {
			if d.Items[i].Num != d.Items[j].Num {
				return d.Items[i].Num > d.Items[j].Num
			}
			return d.Items[i].Code < d.Items[j].Code
		})
		out = append(out, d)
	}
	return out
}

// parseUUID reads a canonical lower-case UUID (8-4-4-4-12 hex digits) into bytes whose
// order is the text's order.
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; {
		if s[i] == '-' {
			i++
			continue
		}
		hi, ok1 := hexDigit(s[i])
		lo, ok2 := hexDigit(s[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func formatUUID(u [16]byte) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i, x := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, digits[x>>4], digits[x&15])
	}
	return string(b)
}
