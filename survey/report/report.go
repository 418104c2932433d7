// Package report computes the indicators of a tracer study of vocational-training alumni
// (docs/INDICATORS.md) from the alumni roster and the interviews, with every numerator
// and denominator, by the breakdowns analysts publish, and writes them as text, JSON or XLSX.
//
// Sources of the definitions: employment is the ILO's (at least one hour of work for pay or
// profit in the reference week), unemployment needs search in the last 4 weeks and
// availability within 2 weeks (ILO, Dikti f1001); the cohort and respondent bases, the
// right-censoring-safe "employed within k months" and the response-rate reporting follow the
// ETF/Cedefop/ILO guide "Carrying out tracer studies" (2016); placement windows follow EQAVET
// indicator 5; waiting time (f502), income (f505) and job-training match (f14) keep the Dikti
// tracer scales; the 35-hour full-time cut is BPS's; the UMK comparison uses the regency's
// minimum wage of the interview year, or the province's UMP.
//
// Populations (docs/INDICATORS.md): T are the distinct roster persons (by NIK, else roster id) whose batch
// ended in the reporting period; G those of T who passed; S those of G with a valid interview:
// consent given and main_status answered. Per interview only the highest revision counts, and
// per person the latest valid interview (by the interview date answered, then FinalizedAt,
// revision and id; a refusal is not valid and replaces nothing), so one status per person:
// give the records of one wave. Report.Superseded lists the interviews that lost. A person in two batches is one person,
// described by the latest batch they passed (else the latest batch).
//
// Breakdown attributes come from the roster for everyone (so a cell's G and S are counted
// the same way): kejuruan, programme, institution, batch, budget year, calendar year of the
// training end date, funding, sex, education, age group (age at the end of training) and the
// window since training (months from training end to the interview, or to the reference
// date Config.AsOf for people not interviewed). The regency of domicile is the one answered,
// else the roster's; the regency of work (work_regency) exists only for those who answered.
//
// Choices made where docs/INDICATORS.md leaves room, each documented at its indicator: numerators
// of "employed within k months" and "share earning ≥ UMK" are restricted to their
// denominators; NEET follows its formula S − A − ED, so paid OJT not counted as absorbed is
// NEET; the job-match, skill-use and job-satisfaction answers counted are the absorbed's, so
// relevant employment (14) is the numerator of the job-training match (13) over S and a paid
// OJT trainee not counted as absorbed is not in it; quartiles are interpolated (Excel
// QUARTILE.INC).
package report

import (
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

// Dimension is a breakdown of the report (docs/INDICATORS.md, Breakdowns).
type Dimension string

// The breakdowns.
const (
	ByKejuruan    Dimension = "kejuruan"
	ByProgram     Dimension = "program_name"
	ByInstitution Dimension = "institution"
	ByBatch       Dimension = "batch"
	ByBudgetYear  Dimension = "budget_year"
	ByYear        Dimension = "year"
	ByFunding     Dimension = "funding"
	BySex         Dimension = "sex"
	ByRegency     Dimension = "regency"
	ByWindow      Dimension = "window"
	ByAge         Dimension = "age_group"
	ByEducation   Dimension = "education"
	// ByWorkRegency is the regency of the workplace (work_regency), for the wage
	// indicators: only people who answered it have one, so its G and S are not comparable
	// across cells; everyone else is in the unknown cell.
	ByWorkRegency Dimension = "work_regency"
)

// Dimensions lists every breakdown in report order.
var Dimensions = []Dimension{ByKejuruan, ByProgram, ByInstitution, ByBatch, ByBudgetYear, ByYear,
	ByFunding, BySex, ByRegency, ByWorkRegency, ByWindow, ByAge, ByEducation}

// ParseDimensions reads a comma-separated list of breakdowns ("kejuruan,batch,sex").
// "regency" and "window" are accepted, "program", "programme" and "age" as short forms; an
// unknown name is refused with the list of the names.
func ParseDimensions(s string) ([]Dimension, error) {
	var out []Dimension
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		switch p {
		case "":
			continue
		case "program", "programme":
			p = string(ByProgram)
		case "age":
			p = string(ByAge)
		case "batch_id":
			p = string(ByBatch)
		}
		ok := false
		for _, d := range Dimensions {
			if string(d) == p {
				ok = true
				if !slices.Contains(out, d) { // named twice, or by two names: one table
					out = append(out, d)
				}
			}
		}
		if !ok {
			names := make([]string, len(Dimensions))
			for i, d := range Dimensions {
				names[i] = string(d)
			}
			return nil, fmt.Errorf("unknown breakdown %q (the breakdowns: %s)", p, strings.Join(names, ", "))
		}
	}
	return out, nil
}

// Config configures a report. The zero value is the default report over every roster row.
type Config struct {
	// EligibilityE is the response rates' e (the share of unknown-eligibility alumni taken
	// as eligible, docs/TRACING.md); nil: estimated by the proportion method.
	EligibilityE *float64
	// From and To bound the reporting period: roster rows whose training_end_date falls in
	// [From, To] make up T. Zero means open.
	From, To time.Time
	// PaidOJTAbsorbed counts paid apprenticeship/OJT (main_status 5) as absorbed. Off by
	// default (docs/INDICATORS.md, Populations).
	PaidOJTAbsorbed bool
	// UMK gives minimum wages by regency and year; DefaultUMK() when nil. UMKName names
	// it in the report's settings ("built-in" when nil).
	UMK     *UMKTable
	UMKName string
	// Study names the study file the settings came from, for the report's readers.
	Study string
	// BandMidpoints gives the income of each income_band code; DefaultBandMidpoints() when nil.
	BandMidpoints map[string]float64
	// Windows are the k of "employed within k months"; 3, 6 and 12 when empty.
	Windows []int
	// By lists the breakdowns; every one of Dimensions when nil.
	By []Dimension
	// Weights adds non-response weights |G_cell|/|S_cell| by kejuruan × sex, and the
	// absorption rate weighted with them.
	Weights bool
	// AsOf is the reference date: the window since training of people not interviewed (or
	// interviewed without a date) is measured from their roster training end date to it.
	// When zero, the median interview date of the latest valid interviews (the middle of
	// the fieldwork).
	AsOf time.Time
	// Labels names the codes of breakdown cells, and of distributions when given a question
	// name as the Dimension; FormLabels derives it from the form. Codes alone when nil.
	Labels func(d Dimension, code string) string
}

// InPeriod reports whether roster row r belongs to the reporting period: its training
// ended in [From, To]. With a bound set, a row without a training end date is outside.
func (c Config) InPeriod(r *survey.Respondent) bool {
	if c.From.IsZero() && c.To.IsZero() {
		return true
	}
	end := parseDate(r.TrainingEnd)
	if end.IsZero() {
		return false
	}
	return !(!c.From.IsZero() && end.Before(c.From) || !c.To.IsZero() && end.After(c.To))
}

// DefaultBandMidpoints returns the income of each income_band code (docs/QUESTIONNAIRE.md):
// the middle of the band, and 1.25 × the lower bound for the open top band (≥ 10 million).
// Code 99 (refused) has no income.
func DefaultBandMidpoints() map[string]float64 {
	return map[string]float64{
		"1": 500_000, "2": 1_500_000, "3": 2_500_000, "4": 3_500_000, "5": 4_500_000,
		"6": 6_250_000, "7": 8_750_000, "8": 12_500_000,
	}
}

// Populations are the counts of docs/INDICATORS.md (Populations) in one cell.
type Populations struct {
	T       int `json:"T"`
	G       int `json:"G"`
	Reached int `json:"reached"`
	S       int `json:"S"`
	A       int `json:"A"`
	W       int `json:"W"`
	O       int `json:"O"`
	SE      int `json:"SE"`
	OJT     int `json:"OJT"`
	U       int `json:"U"`
	ED      int `json:"ED"`
	I       int `json:"I"`
}

// Flag marks a value under the small-cell rules.
type Flag string

// The small-cell flags: no percentage below 10, a warning from 10 to 29.
const (
	FlagNone       Flag = ""
	FlagSuppressed Flag = "suppressed"
	FlagSmall      Flag = "n kecil"
)

// Value is one indicator in one cell. A rate has Num, Den and Pct; a statistic (median,
// mean, NPS, total) has Stat computed over Den people, and Num where it is a count or sum.
// Pct and Stat are nil when Den < 10 (Flag suppressed) or 0.
type Value struct {
	ID   string   `json:"id"`
	Num  float64  `json:"num"`
	Den  int      `json:"den"`
	Pct  *float64 `json:"pct"`
	Stat *float64 `json:"stat,omitempty"`
	Q1   *float64 `json:"q1,omitempty"`
	Q3   *float64 `json:"q3,omitempty"`
	Flag Flag     `json:"flag,omitempty"`
}

// Cell is one row of a breakdown (or the total): its populations and every indicator.
type Cell struct {
	Key string `json:"key"`
	// Label names the key's code in words ("Kota Bontang" for 6474) when Config.Labels knows it.
	Label  string      `json:"label,omitempty"`
	N      Populations `json:"n"`
	Values []Value     `json:"values"`
}

// Name returns the cell's code followed by its label, when it has one: "6474 Kota Bontang".
func (c *Cell) Name() string {
	if c.Label == "" || c.Label == c.Key {
		return c.Key
	}
	return c.Key + " " + c.Label
}

// Get returns the value with the given indicator id, or nil.
func (c *Cell) Get(id string) *Value {
	for i := range c.Values {
		if c.Values[i].ID == id {
			return &c.Values[i]
		}
	}
	return nil
}

// Breakdown is the report by one dimension: a cell per value, sorted by key.
type Breakdown struct {
	Dimension Dimension `json:"dimension"`
	Cells     []Cell    `json:"cells"`
}

// Share is one category of a distribution.
type Share struct {
	Code string `json:"code"`
	// Label names the code in words when Config.Labels knows it.
	Label string   `json:"label,omitempty"`
	Num   int      `json:"num"`
	Pct   *float64 `json:"pct"`
}

// Name returns the share's code followed by its label, when it has one.
func (s *Share) Name() string {
	if s.Label == "" || s.Label == s.Code {
		return s.Code
	}
	return s.Code + " " + s.Label
}

// Distribution is indicator 24: how a population splits by a question's answer.
type Distribution struct {
	ID    string  `json:"id"`
	Den   int     `json:"den"`
	Flag  Flag    `json:"flag,omitempty"`
	Items []Share `json:"items"`
}

// Weight is the non-response weight of one kejuruan × sex cell.
type Weight struct {
	Kejuruan string `json:"kejuruan"`
	Sex      string `json:"sex"`
	G        int    `json:"G"`
	S        int    `json:"S"`
	// Weight is G/S; nil (JSON null) when the cell has no respondent.
	Weight *float64 `json:"weight"`
}

// Settings records what the report was computed with, for its readers.
type Settings struct {
	From            string             `json:"from,omitempty"`
	To              string             `json:"to,omitempty"`
	AsOf            string             `json:"as_of,omitempty"`
	PaidOJTAbsorbed bool               `json:"paid_ojt_absorbed"`
	Windows         []int              `json:"windows"`
	BandMidpoints   map[string]float64 `json:"income_band_midpoints"`
	// AsOfSource says where AsOf came from: "study" (the study file or Config.AsOf) or
	// "median interview date".
	AsOfSource string `json:"as_of_source,omitempty"`
	// Weights says whether non-response weights were applied.
	Weights bool `json:"nonresponse_weights"`
	// UMK names the minimum-wage table used: the study's file, or "built-in".
	UMK string `json:"umk_table,omitempty"`
	// Study is the study file the settings were read from, "" for the defaults.
	Study string `json:"study,omitempty"`
	// Wave names the wave whose attempts and interviews the report counts, "" when the
	// study has no waves.
	Wave string `json:"wave,omitempty"`
	// Revisions names the revisions of each interview the report counts ("approved",
	// "latest" or "all"), "" when the caller did not say.
	Revisions string `json:"revisions,omitempty"`
}

// Counts says how the input was used.
type Counts struct {
	RosterRows int `json:"roster_rows"`
	Records    int `json:"records"`
	// Interviews is the number of distinct interview ids (latest revision each).
	Interviews int `json:"interviews"`
	// Unlinked interviews have a respondent id not in T (a walk-in, another period).
	Unlinked int `json:"unlinked"`
	// Superseded valid interviews lost to a later one of the same person.
	Superseded int `json:"superseded"`
	// UMKUnknown counts the full-time wage workers of indicator 17 (respondents of G, in
	// Indonesia, with an income) whose regency and year have no minimum wage: they are
	// left out of its denominator.
	UMKUnknown int `json:"umk_unknown"`
}

// Supersession records a valid interview that lost to a later one of the same person.
type Supersession struct {
	RosterID string `json:"roster_id"`
	// Interview and Date are the superseded interview and its interview date.
	Interview string `json:"interview"`
	Date      string `json:"interview_date"`
	// By and ByDate are the interview that counts and its interview date.
	By     string `json:"by"`
	ByDate string `json:"by_date"`
}

// Report is the computed indicator report.
type Report struct {
	Settings   Settings       `json:"settings"`
	Counts     Counts         `json:"counts"`
	Superseded []Supersession `json:"superseded"`
	// FirstJob counts the respondents with a first job by months to it: at completion
	// (t ≤ 0), then (0,3], (3,6], (6,12] and over 12.
	FirstJob      [5]int         `json:"first_job_histogram"`
	Total         Cell           `json:"total"`
	Breakdowns    []Breakdown    `json:"breakdowns"`
	Distributions []Distribution `json:"distributions"`
	Weights       []Weight       `json:"weights"`
	// Response is the response-rate section (ComputeResponse) over the same roster rows,
	// nil when it was not computed.
	Response *Response `json:"response,omitempty"`
	// Waves compares the study's waves side by side (CompareWave), when it has two or more.
	Waves []WaveColumn `json:"waves,omitempty"`
}

// person is one member of T with what the report needs.
type person struct {
	row  *survey.Respondent
	pass bool
	// reached: any interview at all; iv: the latest valid interview, nil if none.
	reached bool
	iv      *interview
	// derived
	status       int
	a, w, o, se  bool
	ojt, u, ed   bool
	months       float64 // m, NaN when unknown
	firstJob     float64 // t, NaN when no first job
	income       float64 // NaN when none
	trainingEnd  time.Time
	interviewDay time.Time
}

// interview is the part of a record the report reads.
type interview struct {
	id    string
	rev   int
	date  time.Time // the interview_date answer, zero when unanswered
	final time.Time
	resp  string
	valid bool
	v     [nQuestions]string // answers by question, "" when unanswered
}

// question numbers the questions the report reads; questions[q] is q's name. An
// interview keeps their answers in an array by number, read without a lookup.
type question uint8

const (
	qConsent question = iota
	qInterviewDate
	qTrainingEndDate
	qMainStatus
	qSearching4W
	qAvailable2W
	qMonthsToFirstJob
	qFirstJobDate
	qFirstJobDateNW
	qJobStartDate
	qJobMatch
	qSkillUse
	qIncomeExact
	qIncomeBand
	qWorkRegency
	qHoursWeek
	qContract
	qCertAssessed
	qCertResult
	qBizPaidWorkers
	qStatusBefore
	qSatOverall
	qSatInstructor
	qSatPractice
	qSatRelevance
	qRecommend
	qJobSatisfaction
	qSectorKBLI
	qOccupationKBJI
	qEmployerType
	qHowFound
	qRosterID
	qNIK
	qDomicileRegency
	nQuestions
)

var questions = [nQuestions]string{
	qConsent:          builtin.Consent,
	qInterviewDate:    builtin.InterviewDate,
	qTrainingEndDate:  builtin.TrainingEndDate,
	qMainStatus:       builtin.MainStatus,
	qSearching4W:      builtin.Searching4W,
	qAvailable2W:      builtin.Available2W,
	qMonthsToFirstJob: builtin.MonthsToFirstJob,
	qFirstJobDate:     builtin.FirstJobDate,
	qFirstJobDateNW:   builtin.FirstJobDateNW,
	qJobStartDate:     builtin.JobStartDate,
	qJobMatch:         builtin.JobMatch,
	qSkillUse:         builtin.SkillUse,
	qIncomeExact:      builtin.IncomeExact,
	qIncomeBand:       builtin.IncomeBand,
	qWorkRegency:      builtin.WorkRegency,
	qHoursWeek:        builtin.HoursWeek,
	qContract:         builtin.Contract,
	qCertAssessed:     builtin.CertAssessed,
	qCertResult:       builtin.CertResult,
	qBizPaidWorkers:   builtin.BizPaidWorkers,
	qStatusBefore:     builtin.StatusBefore,
	qSatOverall:       builtin.SatOverall,
	qSatInstructor:    builtin.SatInstructor,
	qSatPractice:      builtin.SatPractice,
	qSatRelevance:     builtin.SatRelevance,
	qRecommend:        builtin.Recommend,
	qJobSatisfaction:  builtin.JobSatisfaction,
	qSectorKBLI:       builtin.SectorKBLI,
	qOccupationKBJI:   builtin.OccupationKBJI,
	qEmployerType:     builtin.EmployerType,
	qHowFound:         builtin.HowFound,
	qRosterID:         builtin.RosterID,
	qNIK:              builtin.NIK,
	qDomicileRegency:  builtin.DomicileRegency,
}

// questionOf finds a question the report reads by its name.
var questionOf = func() map[string]question {
	m := make(map[string]question, nQuestions)
	for q, name := range questions {
		m[name] = question(q)
	}
	return m
}()

// extractInto reads into iv the answers the report reads, by question name (the last
// element of a path outside any repeat); the answers map of iv is emptied and used again.
// A record read by name is read through pick (a picker of questions; a new one when nil).
func extractInto(iv *interview, r *survey.Record, pick *picker) {
	iv.start(r)
	if r.Named.Names != nil {
		if pick == nil {
			pick = newPicker(questions[:])
		}
		pick.pick(r, iv.v[:])
	} else {
		for k, val := range r.Answers {
			iv.take(k, val)
		}
	}
	iv.finish()
}

// extractAnswers is extractInto for a record whose answers come as a list. The list's
// paths are matched with the previous list's in memo, so that records of one form, their
// answers sorted by path as a store's export reader gives them, seldom look a name up; the
// result does not depend on the order.
func extractAnswers(iv *interview, memo *pathMemo, r *survey.Record, answers []survey.Answer) {
	iv.start(r)
	prev, next := memo.paths, memo.spare[:0]
	j := 0
	for _, a := range answers {
		q, c := noQuestion, 1
		for j < len(prev) {
			if c = strings.Compare(prev[j].path, a.Path); c >= 0 {
				break
			}
			j++
		}
		if c == 0 {
			q = prev[j].q
			j++
		} else {
			q = questionAt(a.Path)
		}
		next = append(next, pathQuestion{a.Path, q})
		if q != noQuestion && a.Value != "" {
			iv.v[q] = a.Value
		}
	}
	memo.paths, memo.spare = next, prev
	iv.finish()
}

// pathMemo holds the answer paths of the last list extractAnswers read, with the question
// each one is.
type pathMemo struct {
	paths, spare []pathQuestion
}

type pathQuestion struct {
	path string
	q    question
}

// noQuestion is the question of a path the report does not read.
const noQuestion = question(255)

// questionAt returns the question the report reads at answer path k, noQuestion for
// another path: by the path's last element, outside any repeat.
func questionAt(k string) question {
	if name, ok := survey.QuestionName(k); ok {
		if q, ok := questionOf[name]; ok {
			return q
		}
	}
	return noQuestion
}

// start empties iv for record r's answers.
func (iv *interview) start(r *survey.Record) {
	iv.v = [nQuestions]string{}
	iv.id, iv.rev, iv.final, iv.resp = r.ID, r.Revision, r.FinalizedAt, r.RespondentID
}

// take keeps the answer val at path k when the report reads it.
func (iv *interview) take(k, val string) {
	if val == "" {
		return
	}
	if q := questionAt(k); q != noQuestion {
		iv.v[q] = val
	}
}

// finish sets what iv's answers decide.
func (iv *interview) finish() {
	iv.valid = iv.v[qConsent] == "yes" && iv.v[qMainStatus] != ""
	iv.date = parseDate(iv.v[qInterviewDate])
}

// later reports whether a is a later interview than b: by the interview date answered (so
// a paper interview entered after a newer one does not replace it; an undated interview
// loses to a dated one), then finalized later, to the second (as the export writes
// finalized_at, so that an analyst makes the same choice from it), then revision, then id.
// Only valid interviews compete, so a refusal never replaces a completed interview.
func later(a, b *interview) bool {
	if !a.date.Equal(b.date) {
		return a.date.After(b.date)
	}
	if af, bf := a.final.Truncate(time.Second), b.final.Truncate(time.Second); !af.Equal(bf) {
		return af.After(bf)
	}
	if a.rev != b.rev {
		return a.rev > b.rev
	}
	return a.id > b.id
}

// parseDate reads the date at the start of s (YYYY-MM-DD, as time.Parse reads it), the
// zero time when there is none.
func parseDate(s string) time.Time {
	if len(s) > 10 {
		s = s[:10]
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, m, d := digits(s[:4]), digits(s[5:7]), digits(s[8:])
		if y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(time.Month(m), y) {
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// digits returns the number s writes in decimal digits only, -1 when it holds another byte.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// daysIn returns the number of days of month m of year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// monthsBetween is (b − a) in days / 30.4375, as docs/INDICATORS.md defines m.
func monthsBetween(a, b time.Time) float64 {
	return b.Sub(a).Hours() / 24 / 30.4375
}

// atoi and atof read a number, leading and trailing space allowed; an empty answer, the
// most common, is turned away before strconv (whose error is an allocation).
func atoi(s string) (int, bool) {
	if s = strings.TrimSpace(s); s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func atof(s string) (float64, bool) {
	if s = strings.TrimSpace(s); s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// Compute builds the report from the roster and the interview records (any order, any
// revisions: the highest revision of each interview counts). It holds every record's
// highest revision while it reads them: a caller with one record per interview (a store's
// approved or latest revisions) and many of them calls ComputeRoster. It stops at an error
// yielded by records.
func Compute(roster []*survey.Respondent, records iter.Seq2[*survey.Record, error], cfg Config) (*Report, error) {
	latest := map[string]*survey.Record{}
	n := 0
	for rec, err := range records {
		if err != nil {
			return nil, fmt.Errorf("read records: %w", err)
		}
		n++
		if old := latest[rec.ID]; old != nil && old.Revision >= rec.Revision {
			continue
		}
		latest[rec.ID] = rec
	}
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rep, err := ComputeRoster(RosterOf(roster), func(yield func(*survey.Record, error) bool) {
		for _, id := range ids {
			if !yield(latest[id], nil) {
				return
			}
		}
	}, cfg)
	if err != nil {
		return nil, err
	}
	rep.Counts.Records = n
	return rep, nil
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// firstJobBin is the FirstJob histogram bin of t months to a first job.
func firstJobBin(t float64) int {
	switch {
	case t <= 0:
		return 0
	case t <= 3:
		return 1
	case t <= 6:
		return 2
	case t <= 12:
		return 3
	}
	return 4
}

// window is the window since training of m months, "" when m is unknown. The windows are
// bounded by the study's "employed within k months" windows ws (ascending): with 3, 6 and 12,
// "0-3", "3-6", "6-12" and "12+".
func window(m float64, ws []int) string {
	if math.IsNaN(m) {
		return ""
	}
	from := 0
	for _, k := range ws {
		if m < float64(k) {
			return strconv.Itoa(from) + "-" + strconv.Itoa(k)
		}
		from = k
	}
	return strconv.Itoa(from) + "+"
}

// Unknown is the key of a breakdown cell whose attribute is missing.
const Unknown = "(unknown)"

func sortKeys(d Dimension, keys []string) {
	rank := func(k string) int {
		if k == Unknown {
			return 1
		}
		return 0
	}
	// A window's key starts with its lower bound in months.
	windowRank := func(k string) int {
		n, _ := strconv.Atoi(strings.TrimRight(strings.SplitN(k, "-", 2)[0], "+"))
		return n
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		if d == ByWindow {
			return windowRank(a) < windowRank(b)
		}
		return a < b
	})
}

// derive fills a person's statuses, times and income, and counts a full-time wage earner
// whose minimum wage is unknown.
func derive(p *person, cfg Config, counts *Counts) {
	p.months, p.firstJob, p.income = math.NaN(), math.NaN(), math.NaN()
	end := p.trainingEnd
	if p.iv != nil {
		v := &p.iv.v
		if d := parseDate(v[qTrainingEndDate]); !d.IsZero() {
			end = d
		}
		p.interviewDay = p.iv.date
		p.status, _ = atoi(v[qMainStatus])
		s := p.status
		p.w = s == 1 || s == 2 || s == 4
		p.o = s == 2
		p.se = s == 3
		p.ojt = s == 5
		p.a = p.w || p.se || p.ojt && cfg.PaidOJTAbsorbed
		p.ed = s == 6
		p.u = s >= 6 && s <= 8 && v[qSearching4W] == "yes" && v[qAvailable2W] == "yes"
		if !end.IsZero() && !p.interviewDay.IsZero() {
			p.months = monthsBetween(end, p.interviewDay)
		}
		if t, ok := atof(v[qMonthsToFirstJob]); ok {
			p.firstJob = t
		} else if !end.IsZero() {
			for _, f := range []question{qFirstJobDate, qFirstJobDateNW, qJobStartDate} {
				if d := parseDate(v[f]); !d.IsZero() {
					p.firstJob = monthsBetween(end, d)
					break
				}
			}
		}
		if inc, ok := atof(v[qIncomeExact]); ok {
			p.income = inc
		} else if mid, ok := cfg.BandMidpoints[v[qIncomeBand]]; ok {
			p.income = mid
		}
	}
	if p.iv != nil && p.w && !p.o {
		if h, ok := atoi(p.iv.v[qHoursWeek]); ok && h >= 35 && !math.IsNaN(p.income) {
			if _, ok := cfg.UMK.Wage(p.iv.v[qWorkRegency], p.interviewDay.Year()); !ok {
				counts.UMKUnknown++
			}
		}
	}
}
