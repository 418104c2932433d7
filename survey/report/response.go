package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
)

// Outcomes counts alumni by AAPOR outcome class (survey.Class): I complete, P partial,
// R refusal and break-off, NC non-contact, O other eligible, U unknown eligibility, NE
// not eligible.
type Outcomes struct {
	I  int `json:"I"`
	P  int `json:"P"`
	R  int `json:"R"`
	NC int `json:"NC"`
	O  int `json:"O"`
	U  int `json:"U"`
	NE int `json:"NE"`
}

// Add counts one alumnus of class c.
func (o *Outcomes) Add(c survey.Class) {
	switch c {
	case survey.ClassComplete:
		o.I++
	case survey.ClassPartial:
		o.P++
	case survey.ClassRefusal:
		o.R++
	case survey.ClassNonContact:
		o.NC++
	case survey.ClassOther:
		o.O++
	case survey.ClassUnknown:
		o.U++
	case survey.ClassIneligible:
		o.NE++
	}
}

// Total is every alumnus counted.
func (o Outcomes) Total() int { return o.I + o.P + o.R + o.NC + o.O + o.U + o.NE }

// EstimateE is AAPOR's proportion method for e, the share of the cases of unknown
// eligibility taken to be eligible: the eligible among the cases whose eligibility was
// determined, (I+P+R+NC+O) / (I+P+R+NC+O+NE). With no case determined it is 1 (every
// unknown case counted as eligible, the cautious choice).
func (o Outcomes) EstimateE() float64 {
	el := o.I + o.P + o.R + o.NC + o.O
	if el+o.NE == 0 {
		return 1
	}
	return float64(el) / float64(el+o.NE)
}

// Rates are AAPOR's outcome rates, as fractions; nil when the denominator is zero.
type Rates struct {
	RR1   *float64 `json:"RR1"`
	RR2   *float64 `json:"RR2"`
	RR3   *float64 `json:"RR3"`
	RR4   *float64 `json:"RR4"`
	RR5   *float64 `json:"RR5"`
	RR6   *float64 `json:"RR6"`
	COOP1 *float64 `json:"COOP1"`
	COOP2 *float64 `json:"COOP2"`
	COOP3 *float64 `json:"COOP3"`
	COOP4 *float64 `json:"COOP4"`
	REF1  *float64 `json:"REF1"`
	REF2  *float64 `json:"REF2"`
	REF3  *float64 `json:"REF3"`
	CON1  *float64 `json:"CON1"`
	CON2  *float64 `json:"CON2"`
	CON3  *float64 `json:"CON3"`
}

// RateNames lists the rates in report order.
var RateNames = []string{"RR1", "RR2", "RR3", "RR4", "RR5", "RR6", "COOP1", "COOP2", "COOP3", "COOP4",
	"REF1", "REF2", "REF3", "CON1", "CON2", "CON3"}

// Get returns the rate called name (one of RateNames), nil when it has no denominator.
func (r *Rates) Get(name string) *float64 {
	return map[string]*float64{"RR1": r.RR1, "RR2": r.RR2, "RR3": r.RR3, "RR4": r.RR4, "RR5": r.RR5, "RR6": r.RR6,
		"COOP1": r.COOP1, "COOP2": r.COOP2, "COOP3": r.COOP3, "COOP4": r.COOP4, "REF1": r.REF1, "REF2": r.REF2,
		"REF3": r.REF3, "CON1": r.CON1, "CON2": r.CON2, "CON3": r.CON3}[name]
}

func ratio(num, den float64) *float64 {
	if den <= 0 {
		return nil
	}
	x := num / den
	return &x
}

// Rates computes AAPOR's response, cooperation, refusal and contact rates (Standard
// Definitions) with e the share of unknown-eligibility cases taken as eligible. For a
// list of named alumni every unknown case is of the same kind, so AAPOR's UH and UO are
// one count, U.
func (o Outcomes) Rates(e float64) Rates {
	I, P, R, NC, O, U := float64(o.I), float64(o.P), float64(o.R), float64(o.NC), float64(o.O), float64(o.U)
	all := (I + P) + (R + NC + O) + U
	allE := (I + P) + (R + NC + O) + e*U
	known := (I + P) + (R + NC + O)
	contacted := (I + P) + R + O
	return Rates{
		RR1: ratio(I, all), RR2: ratio(I+P, all),
		RR3: ratio(I, allE), RR4: ratio(I+P, allE),
		RR5: ratio(I, known), RR6: ratio(I+P, known),
		COOP1: ratio(I, (I+P)+R+O), COOP2: ratio(I+P, (I+P)+R+O),
		COOP3: ratio(I, (I+P)+R), COOP4: ratio(I+P, (I+P)+R),
		REF1: ratio(R, all), REF2: ratio(R, allE), REF3: ratio(R, known),
		CON1: ratio(contacted, contacted+NC+U), CON2: ratio(contacted, contacted+NC+e*U), CON3: ratio(contacted, contacted+NC),
	}
}

// ResponseDimension is a breakdown of the response rates: the roster's kejuruan, batch,
// funding, sex and regency, and the enumerator the alumnus is assigned to.
type ResponseDimension string

// The breakdowns of the response rates.
const (
	RespByKejuruan   ResponseDimension = "kejuruan"
	RespByBatch      ResponseDimension = "batch"
	RespByFunding    ResponseDimension = "funding"
	RespBySex        ResponseDimension = "sex"
	RespByRegency    ResponseDimension = "regency"
	RespByEnumerator ResponseDimension = "enumerator"
)

// ResponseDimensions lists the breakdowns in report order.
var ResponseDimensions = []ResponseDimension{RespByKejuruan, RespByBatch, RespByFunding, RespBySex, RespByRegency, RespByEnumerator}

// ResponseConfig configures the response-rate section.
type ResponseConfig struct {
	// E is the share of unknown-eligibility cases taken as eligible, for RR3, RR4, REF2
	// and CON2; when negative (or NaN), it is estimated by the proportion method
	// (Outcomes.EstimateE) over the whole cohort.
	E float64
	// Threshold is the difference, in percentage points, between respondents and the
	// cohort above which the non-response table flags a category; 5 when zero.
	Threshold float64
	// Assignments gives the enumerator each roster id is assigned to; an alumnus not
	// assigned is counted under the enumerator of its latest attempt or interview.
	Assignments map[string]string
	// TempDir is where the attempts' and interviews' events go beyond a few MB (the
	// system's temporary folder when empty).
	TempDir string
	// Case, when set, is called with each case's roster id (of the row that describes the
	// person), final disposition and the enumerator whose cell counts it, in no particular
	// order; an error stops the computation with it. The export's alumni table marks its
	// cases with it.
	Case func(rosterID, code, enumerator string) error
}

// DispositionCount is one row of the disposition table: how many alumni ended with code.
type DispositionCount struct {
	Code  string       `json:"code"`
	Class survey.Class `json:"class"`
	ID    string       `json:"label_id"`
	EN    string       `json:"label_en"`
	N     int          `json:"n"`
}

// ResponseCell is the outcome counts and rates of one group of alumni.
type ResponseCell struct {
	Key      string   `json:"key"`
	N        int      `json:"n"`
	Outcomes Outcomes `json:"outcomes"`
	Rates    Rates    `json:"rates"`
}

// ResponseBreakdown is the rates of every cell of one breakdown.
type ResponseBreakdown struct {
	// Dimension names the breakdown, under the name the indicators' breakdowns give it.
	Dimension ResponseDimension `json:"dimension"`
	// By is Dimension again, under the name reports gave it before; kept for programs
	// that read it (docs/REPORT.md).
	By    ResponseDimension `json:"by"`
	Cells []ResponseCell    `json:"cells"`
}

// NonResponseRow compares, for one category, the share of respondents (I+P) with the
// share of the whole cohort; Flagged when they differ by more than the threshold.
type NonResponseRow struct {
	// Dimension and By (its earlier name, kept) name the breakdown, as in ResponseBreakdown.
	Dimension   ResponseDimension `json:"dimension"`
	By          ResponseDimension `json:"by"`
	Key         string            `json:"key"`
	Cohort      int               `json:"cohort"`
	Respondents int               `json:"respondents"`
	CohortPct   float64           `json:"cohort_pct"`
	RespPct     float64           `json:"respondents_pct"`
	DiffPP      float64           `json:"diff_pp"`
	Flagged     bool              `json:"flagged"`
}

// Response is the response-rate section: the disposition table, the rates overall and by
// cell, and the non-response comparison.
type Response struct {
	E            float64             `json:"e"`
	EEstimated   bool                `json:"e_estimated"`
	Threshold    float64             `json:"threshold_pp"`
	Dispositions []DispositionCount  `json:"dispositions"`
	Total        ResponseCell        `json:"total"`
	Breakdowns   []ResponseBreakdown `json:"breakdowns"`
	NonResponse  []NonResponseRow    `json:"nonresponse"`
	// Modes counts the completes (I) and partials (P) by the interview's mode question
	// (forms.ModeQuestion: event, phone, wa, visit, web ...; "" when not answered or when
	// only an attempt's outcome says so).
	Modes []ModeCount `json:"modes"`
}

// ModeCount is one row of the completes by interview mode.
type ModeCount struct {
	Mode      string `json:"mode"`
	Completes int    `json:"completes"`
	Partials  int    `json:"partials"`
}

// ComputeResponse computes the response-rate section over the roster (the cases are its
// persons of G, as ComputeResponseRoster's with no reporting period), the contact attempts
// and the interviews (the latest revision of each; records holds them). Each alumnus gets
// one final disposition (survey.FinalDisposition) from its attempts' outcomes and its
// interviews: an interview with consent and the main activity answered counts as a
// complete (1.1), one with consent but without the main activity as a partial (1.2), one
// with consent refused as a refusal (2.11). Where the alumnus has an interview, its record
// decides: attempts coded 1.1 or 1.2 are left out.
// It holds every record's latest revision while it reads them; ComputeResponseRoster
// reads one record per interview as it streams.
func ComputeResponse(roster []*survey.Respondent, attempts []*survey.Attempt, records iter.Seq2[*survey.Record, error], cfg ResponseConfig) (*Response, error) {
	latest := map[string]*survey.Record{}
	var ids []string
	for rec, err := range records {
		if err != nil {
			return nil, fmt.Errorf("read records: %w", err)
		}
		if old := latest[rec.ID]; old == nil || rec.Revision > old.Revision {
			if old == nil {
				ids = append(ids, rec.ID)
			}
			latest[rec.ID] = rec
		}
	}
	return ComputeResponseRoster(RosterOf(roster), Config{}, func(yield func(*survey.Attempt, error) bool) {
		for _, a := range attempts {
			if !yield(a, nil) {
				return
			}
		}
	}, func(yield func(*survey.Record, error) bool) {
		for _, id := range ids {
			if !yield(latest[id], nil) {
				return
			}
		}
	}, cfg)
}

// events are the disposition events of the alumni (attempts' outcomes, or interviews'),
// each in a list per alumnus linked by next (-1 ends it), newest first. They are kept
// field by field, so that no event pays for padding: 24 bytes an attempt, 32 an interview
// (with its mode and interview date).
type events struct {
	sec             chunked[int64]
	nsec, next      chunked[int32]
	code, who, mode chunked[uint32] // interned; mode only when withMode
	day             chunked[int32]  // the interview date (dayNumber); only when withMode
	withMode        bool
}

// push adds an event to the list whose head is *head.
func (l *events) push(head *int32, code, who, mode uint32, day int32, sec int64, nsec int32) {
	l.sec.push(sec)
	l.nsec.push(nsec)
	l.code.push(code)
	l.who.push(who)
	if l.withMode {
		l.mode.push(mode)
		l.day.push(day)
	}
	*head = l.next.push(*head)
}

func (l *events) at(i int32) time.Time { return time.Unix(*l.sec.at(i), int64(*l.nsec.at(i))).UTC() }

// indexes appends to dst the events of the list at h in the order they came.
func (l *events) indexes(dst []int32, h int32) []int32 {
	dst = dst[:0]
	for i := h; i >= 0; i = *l.next.at(i) {
		dst = append(dst, i)
	}
	slices.Reverse(dst)
	return dst
}

// eventLog holds the disposition events of the alumni as they come, eventSize bytes each:
// in memory up to responseSpill bytes, then in a temporary file. The events are read back
// a slice of the roster's rows at a time, so that at most about responseSpill bytes of
// them are held at once whatever the number of attempts and interviews.
type eventLog struct {
	buf []byte
	f   *os.File
	dir string
	n   int // events
}

// eventSize is an event's size in the log: row, attempt or interview, code, who, mode,
// interview date, seconds and nanoseconds.
const eventSize = 4 + 1 + 4 + 4 + 4 + 4 + 8 + 4

// responseSpill is how many bytes of events the response rates hold in memory.
var responseSpill = 4 << 20

func (l *eventLog) add(row int32, iv bool, code, who, mode uint32, day int32, at time.Time) error {
	b := binary.LittleEndian.AppendUint32(l.buf, uint32(row))
	if iv {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.LittleEndian.AppendUint32(b, code)
	b = binary.LittleEndian.AppendUint32(b, who)
	b = binary.LittleEndian.AppendUint32(b, mode)
	b = binary.LittleEndian.AppendUint32(b, uint32(day))
	b = binary.LittleEndian.AppendUint64(b, uint64(at.Unix()))
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(at.Nanosecond())))
	l.buf = b
	l.n++
	if len(l.buf) < responseSpill {
		return nil
	}
	if l.f == nil {
		f, err := os.CreateTemp(l.dir, "tracer-response-*")
		if err != nil {
			return fmt.Errorf("spill the response rates' events: %w", err)
		}
		l.f = f
	}
	if _, err := l.f.Write(l.buf); err != nil {
		return fmt.Errorf("spill the response rates' events: %w", err)
	}
	l.buf = l.buf[:0]
	return nil
}

// close removes the log's temporary file.
func (l *eventLog) close() {
	if l.f != nil {
		l.f.Close()
		os.Remove(l.f.Name())
	}
}

// read calls fn with each event in the order they came.
func (l *eventLog) read(fn func(row int32, iv bool, code, who, mode uint32, day int32, sec int64, nsec int32)) error {
	var r io.Reader = bytes.NewReader(l.buf)
	if l.f != nil {
		if _, err := l.f.Write(l.buf); err != nil {
			return fmt.Errorf("spill the response rates' events: %w", err)
		}
		l.buf = l.buf[:0]
		if _, err := l.f.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("read the response rates' events: %w", err)
		}
		r = bufio.NewReaderSize(l.f, 1<<16)
	}
	var e [eventSize]byte
	for range l.n {
		if _, err := io.ReadFull(r, e[:]); err != nil {
			return fmt.Errorf("read the response rates' events: %w", err)
		}
		le := binary.LittleEndian
		fn(int32(le.Uint32(e[0:])), e[4] == 1, le.Uint32(e[5:]), le.Uint32(e[9:]), le.Uint32(e[13:]), int32(le.Uint32(e[17:])), int64(le.Uint64(e[21:])), int32(le.Uint32(e[29:])))
	}
	return nil
}

// ComputeResponseRoster is ComputeResponse over the persons of G in ro (the graduates of
// study's reporting period, Config.InPeriod), the attempts as they stream and one record
// per interview (the revision that counts) as they stream. Besides the roster it holds 12
// bytes per roster row while it groups the rows by person, 8 after, and a few MB of
// events, never a record: the events go to a temporary file in cfg.TempDir beyond that
// and are read back a slice of the roster at a time. It stops at
// an error yielded by attempts or records.
func ComputeResponseRoster(ro *Roster, study Config, attempts iter.Seq2[*survey.Attempt, error], records iter.Seq2[*survey.Record, error], cfg ResponseConfig) (*Response, error) {
	if cfg.Threshold == 0 {
		cfg.Threshold = 5
	}
	strs := newDict()
	n := ro.Len()
	log := &eventLog{dir: cfg.TempDir}
	defer log.close()
	// The cases are the persons of G (docs/INDICATORS.md): rows with one NIK, else one
	// roster id, are one person, a case when a row of theirs in the period passed, and
	// described by the row that describes them (Roster.describing). A person's attempts
	// and interviews, on whichever of their rows, are kept at their first row: eventRow.
	// first holds, at each case's describing row, the case's first row; -1 elsewhere.
	eventRow, first := make([]int32, n), make([]int32, n)
	{
		all := make([]int32, n)
		for i := range all {
			all[i] = int32(i)
		}
		var in []int32
		ro.eachPerson(all, func(rows []int32) {
			in = in[:0]
			for _, r := range rows {
				eventRow[r], first[r] = rows[0], -1
				if ro.inPeriod(study, r) {
					in = append(in, r)
				}
			}
			if len(in) > 0 {
				if rep, pass := ro.describing(in); pass {
					first[rep] = rows[0]
				}
			}
		})
	}
	rowOf := func(id string) int32 {
		if rows := ro.rowsWithID(id); len(rows) > 0 {
			return eventRow[rows[0]]
		}
		return -1
	}
	for a, err := range attempts {
		if err != nil {
			return nil, fmt.Errorf("read attempts: %w", err)
		}
		r := rowOf(a.RosterID)
		if r < 0 {
			continue
		}
		if err := log.add(r, false, strs.id(a.Outcome), strs.id(a.Enumerator), 0, noDate, a.At); err != nil {
			return nil, err
		}
	}
	rates := newPicker(rateNames[:])
	var v [len(rateNames)]string
	for rec, err := range records {
		if err != nil {
			return nil, fmt.Errorf("read records: %w", err)
		}
		rates.pick(rec, v[:])
		code := survey.InterviewDisposition(v[0], v[1])
		if code == "" {
			continue
		}
		// The interview's events go to the first row of the person it counts for, as an
		// attempt's do.
		resp, confirmed, nik := rec.RespondentID, "", ""
		if resp == "" {
			confirmed, nik = v[4], v[5]
		}
		r := ro.LinkRow(study, resp, confirmed, nik)
		if r < 0 {
			continue
		}
		r = eventRow[r]
		day := dayNumber(parseDate(v[2]))
		if err := log.add(r, true, strs.id(code), strs.id(rec.Enumerator), strs.id(v[3]), day, rec.FinalizedAt); err != nil {
			return nil, err
		}
	}
	// The rows [lo, hi) of one slice: the heads of their attempts' and interviews' events
	// (at r-lo), linked newest first.
	var lo, hi int32
	var head, ivHead []int32
	var tried, ivs events

	var idx []int32
	// list returns the events of a list in the order they came.
	list := func(dst []survey.DispositionEvent, l *events, h int32) []survey.DispositionEvent {
		dst = dst[:0]
		idx = l.indexes(idx, h)
		for _, i := range idx {
			dst = append(dst, survey.DispositionEvent{Code: strs.strs[*l.code.at(i)], At: l.at(i)})
		}
		return dst
	}
	// lastSeen returns who saw row r last: the enumerator of its latest event that names
	// one (the last of equal times), its attempts taken before its interviews.
	lastSeen := func(r int32) string {
		var who uint32
		var sec int64
		var nsec int32
		for _, l := range []struct {
			ev *events
			h  int32
		}{{&tried, head[r-lo]}, {&ivs, ivHead[r-lo]}} {
			idx = l.ev.indexes(idx, l.h)
			for _, i := range idx {
				w := *l.ev.who.at(i)
				if w == 0 {
					continue
				}
				s, ns := *l.ev.sec.at(i), *l.ev.nsec.at(i)
				if who == 0 || s > sec || s == sec && ns >= nsec {
					who, sec, nsec = w, s, ns
				}
			}
		}
		return strs.strs[who]
	}

	res := &Response{Threshold: cfg.Threshold}
	finalCount := map[string]int{}
	var total Outcomes
	modes := map[string]*ModeCount{}
	cells := make([]map[string]*Outcomes, len(ResponseDimensions))
	for i := range cells {
		cells[i] = map[string]*Outcomes{}
	}
	var evs, ivEvs []survey.DispositionEvent
	// The rows in slices of equal width, as many as the events take of responseSpill: with
	// the events spread over the roster, each slice's take about responseSpill bytes.
	parts := 1 + int32(log.n*eventSize/responseSpill)
	width := max(1, (int32(n)+parts-1)/parts)
	for lo = 0; lo < int32(n); lo += width {
		hi = min(lo+width, int32(n))
		head, ivHead = make([]int32, hi-lo), make([]int32, hi-lo)
		for i := range head {
			head[i], ivHead[i] = -1, -1
		}
		tried, ivs = events{}, events{withMode: true}
		err := log.read(func(row int32, iv bool, code, who, mode uint32, day int32, sec int64, nsec int32) {
			if row < lo || row >= hi {
				return
			}
			if iv {
				ivs.push(&ivHead[row-lo], code, who, mode, day, sec, nsec)
			} else {
				tried.push(&head[row-lo], code, who, mode, day, sec, nsec)
			}
		})
		if err != nil {
			return nil, err
		}
		for i := range int32(n) {
			r := first[i]
			if r < lo || r >= hi {
				continue
			}
			rid := ro.ids.str(i)
			evs, ivEvs = list(evs, &tried, head[r-lo]), list(ivEvs, &ivs, ivHead[r-lo])
			final := survey.AlumnusDisposition(evs, ivEvs)
			enum := cfg.Assignments[rid]
			if enum == "" {
				enum = lastSeen(r)
			}
			if cfg.Case != nil {
				if err := cfg.Case(rid, final, enum); err != nil {
					return nil, err
				}
			}
			d, _ := survey.LookupDisposition(final)
			finalCount[final]++
			if d.Class == survey.ClassComplete || d.Class == survey.ClassPartial {
				// of the interviews with the final code, the one the indicators would count
				// says the mode: the latest interview date, then the latest finalized (the
				// last of equal times)
				var mode string
				var at time.Time
				var day int32
				found := false
				idx = ivs.indexes(idx, ivHead[r-lo])
				for _, k := range idx {
					d := *ivs.day.at(k)
					if strs.strs[*ivs.code.at(k)] == final && (!found || d > day || d == day && !ivs.at(k).Before(at)) {
						mode, at, day, found = strs.strs[*ivs.mode.at(k)], ivs.at(k), d, true
					}
				}
				mc := modes[mode]
				if mc == nil {
					mc = &ModeCount{Mode: mode}
					modes[mode] = mc
				}
				if d.Class == survey.ClassComplete {
					mc.Completes++
				} else {
					mc.Partials++
				}
			}
			total.Add(d.Class)
			a := ro.row(i)
			for k, v := range []string{a.kejuruan, a.batch, a.funding, a.sex, a.regency, enum} {
				o := cells[k][v]
				if o == nil {
					o = &Outcomes{}
					cells[k][v] = o
				}
				o.Add(d.Class)
			}
		}
	}
	res.E, res.EEstimated = cfg.E, false
	if cfg.E < 0 || math.IsNaN(cfg.E) {
		res.E, res.EEstimated = total.EstimateE(), true
	}
	if res.E > 1 {
		return nil, fmt.Errorf("e is %v: it is a share, from 0 to 1", res.E)
	}
	for _, d := range survey.Dispositions {
		if n := finalCount[d.Code]; n > 0 {
			res.Dispositions = append(res.Dispositions, DispositionCount{Code: d.Code, Class: d.Class, ID: d.ID, EN: d.EN, N: n})
		}
	}
	for _, mc := range modes {
		res.Modes = append(res.Modes, *mc)
	}
	// the unknown mode ("") last
	slices.SortFunc(res.Modes, func(a, b ModeCount) int {
		return cmp.Or(cmp.Compare(b1(a.Mode == ""), b1(b.Mode == "")), strings.Compare(a.Mode, b.Mode))
	})
	res.Total = ResponseCell{Key: "", N: total.Total(), Outcomes: total, Rates: total.Rates(res.E)}
	for di, dim := range ResponseDimensions {
		keys := make([]string, 0, len(cells[di]))
		for k := range cells[di] {
			keys = append(keys, k)
		}
		// the unknown cell ("") last
		slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(b1(a == ""), b1(b == "")), strings.Compare(a, b)) })
		bd := ResponseBreakdown{Dimension: dim, By: dim}
		for _, k := range keys {
			o := *cells[di][k]
			bd.Cells = append(bd.Cells, ResponseCell{Key: k, N: o.Total(), Outcomes: o, Rates: o.Rates(res.E)})
		}
		res.Breakdowns = append(res.Breakdowns, bd)
		if dim == RespByEnumerator {
			continue
		}
		resp := total.I + total.P
		for _, c := range bd.Cells {
			row := NonResponseRow{Dimension: dim, By: dim, Key: c.Key, Cohort: c.N, Respondents: c.Outcomes.I + c.Outcomes.P}
			if total.Total() > 0 {
				row.CohortPct = 100 * float64(row.Cohort) / float64(total.Total())
			}
			if resp > 0 {
				row.RespPct = 100 * float64(row.Respondents) / float64(resp)
			}
			row.DiffPP = row.RespPct - row.CohortPct
			row.Flagged = resp > 0 && math.Abs(row.DiffPP) > cfg.Threshold
			res.NonResponse = append(res.NonResponse, row)
		}
	}
	return res, nil
}

// AnswerNames are the questions, by name outside any repeat, that the report and the
// response rates read of a record: a store may give them records with these answers alone
// (survey.RecordFilter.Names).
func AnswerNames() []string {
	return slices.Concat(questions[:], []string{builtin.RosterID, builtin.Consent, builtin.MainStatus, forms.ModeQuestion})
}

// LinkedRosterID returns the roster id an interview names: its respondent id, else the
// roster id it confirms (the built-in form's roster_id question, outside any repeat).
// answers are r's answers sorted by path (as survey.Record.AnswerList gives them); when
// nil, r.Answers is read. The roster row it counts for is Roster.LinkRow's, which also
// links by NIK an interview without respondent id that names no row (LinkKeys).
func LinkedRosterID(r *survey.Record, answers []survey.Answer) string {
	switch {
	case r.RespondentID != "":
		return r.RespondentID // the answers are not read: most records stop here
	case answers == nil:
		return AnswerNamed(r, builtin.RosterID)
	}
	return answerNamedIn(answers, builtin.RosterID)
}

// LinkKeys returns what Roster.LinkRow links an interview by: its respondent id, else the
// roster id it confirms and its NIK answer (the built-in form's roster_id and nik, outside
// any repeat). answers are as LinkedRosterID's.
func LinkKeys(r *survey.Record, answers []survey.Answer) (respondentID, confirmed, nik string) {
	switch {
	case r.RespondentID != "":
		return r.RespondentID, "", ""
	case answers == nil:
		return "", AnswerNamed(r, builtin.RosterID), AnswerNamed(r, builtin.NIK)
	}
	return "", answerNamedIn(answers, builtin.RosterID), answerNamedIn(answers, builtin.NIK)
}

// linkID is LinkedRosterID's rule on values already read: the respondent id, else the
// confirmed roster id.
func linkID(respondentID, confirmed string) string {
	if respondentID != "" {
		return respondentID
	}
	return confirmed
}

// answerNamedIn is AnswerNamed over answers sorted by path.
func answerNamedIn(answers []survey.Answer, name string) string {
	i := sort.Search(len(answers), func(i int) bool { return answers[i].Path >= name })
	if i < len(answers) && answers[i].Path == name {
		return answers[i].Value
	}
	for _, a := range answers {
		if pathNamed(a.Path, name) {
			return a.Value
		}
	}
	return ""
}

// AnswerNamed returns the answer of r to the question called name outside any repeat
// (the last element of its path), "" when there is none.
func AnswerNamed(r *survey.Record, name string) string {
	if r.Named.Names != nil {
		v, _ := r.Named.Get(name)
		return v
	}
	if v, ok := r.Answers[name]; ok {
		return v
	}
	for k, v := range r.Answers {
		if pathNamed(k, name) {
			return v
		}
	}
	return ""
}

// rateNames are the questions the response rates read of an interview, in the order
// their picker gives them: its disposition, date and mode, and what links it (LinkKeys).
var rateNames = [...]string{builtin.Consent, builtin.MainStatus, builtin.InterviewDate, forms.ModeQuestion,
	builtin.RosterID, builtin.NIK}

// picker reads a record's answers to a few questions by name, as AnswerNamed would one by
// one: from a record read by name (survey.NamedValues) at the places of the names, found
// once per list of names read, else in one pass over its answers.
type picker struct {
	names []string
	of    *string // the first of the names read by that places are for
	at    []int   // per name, its place in those names, -1 when not among them
}

func newPicker(names []string) *picker {
	return &picker{names: names, at: make([]int, len(names))}
}

// pick sets out[i] to r's answer to the question called p.names[i], "" when none.
func (p *picker) pick(r *survey.Record, out []string) {
	clear(out)
	if r.Named.Names != nil {
		if len(r.Named.Names) == 0 {
			return
		}
		if f := &r.Named.Names[0]; f != p.of {
			for i, n := range p.names {
				p.at[i] = slices.Index(r.Named.Names, n)
			}
			p.of = f
		}
		for i, j := range p.at {
			if j >= 0 {
				out[i] = r.Named.Values[j]
			}
		}
		return
	}
	// A form names each question once, so a question's answer outside any repeat is
	// found at one path only.
	for path, v := range r.Answers {
		name, ok := survey.QuestionName(path)
		if !ok {
			continue
		}
		for i, n := range p.names {
			if n == name {
				out[i] = v
				break
			}
		}
	}
}

// pathNamed reports whether path is the path of the question called name outside any
// repeat: its last element is name and it has no index. It builds no string, since it is
// asked of every answer of every record a report reads.
func pathNamed(path, name string) bool {
	n := len(path) - len(name)
	return n > 0 && path[n-1] == '/' && path[n:] == name && strings.IndexByte(path, '[') < 0
}

func b1(b bool) int {
	if b {
		return 1
	}
	return 0
}
