package report

import (
	"bytes"
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"time"

	"tracer/survey"
)

// Roster is the roster as the report keeps it while it streams the interviews: the roster
// id and NIK of each row as bytes in one buffer, and the attributes the report reads
// (kejuruan, programme, batch, funding, sex, regency, training end, completion, age group,
// certification columns) shared by every row that has the same ones. A million rows take
// about 40 bytes each besides their ids; nothing of a row's name, phone or other columns
// is kept. Build it with NewRoster and Add, row by row in roster order.
type Roster struct {
	ids, niks strbuf
	attr      chunked[uint32] // per row, into attrs
	attrs     []rowAttrs
	attrIndex map[rowAttrs]uint32
	// byID holds the row indexes sorted by roster id, then row, and byNIK those of the rows
	// with a NIK sorted by NIK, then row; each made on first use, under byIDMu: the
	// indicators and the response rates look rows up on two goroutines.
	byIDMu sync.Mutex
	byID   []int32
	byNIK  []int32
	// idSlots finds a roster id's run in byID by its hash (open addressing, linear
	// probing): the place in byID of the run's first row, -1 for an empty slot. Made with
	// byID; a lookup reads a slot or two instead of a binary search's twenty scattered
	// ids, which interviews in the field's order (not the roster's) make cache misses.
	idSlots []int32
	seed    maphash.Seed
}

// rowAttrs are the attributes of a roster row the report and the response rates read.
type rowAttrs struct {
	kejuruan, program, institution, batch, budgetYear, funding, sex, regency, education string
	trainingEndText                                                                     string
	completion, certAssessed, certResult                                                string
	ageGroup                                                                            string
	trainingEnd                                                                         time.Time
}

// strbuf holds many short strings in chunks of bytes: 5 bytes besides each string's own.
// A string never spans two chunks.
type strbuf struct {
	b     [][]byte
	start chunked[uint32] // chunk × bufChunk + offset
	size  chunked[uint8]  // longString: the length is in long
	long  map[int32]int
}

const (
	bufChunk   = 1 << 18
	longString = 255
)

func (t *strbuf) add(s string) {
	if len(s) > bufChunk {
		s = s[:bufChunk] // no roster id or NIK is this long
	}
	if len(t.b) == 0 || len(t.b[len(t.b)-1])+len(s) > bufChunk {
		t.b = append(t.b, make([]byte, 0, bufChunk))
	}
	last := &t.b[len(t.b)-1]
	t.start.push(uint32((len(t.b)-1)*bufChunk + len(*last)))
	*last = append(*last, s...)
	if len(s) >= longString {
		if t.long == nil {
			t.long = map[int32]int{}
		}
		t.long[t.size.push(longString)] = len(s)
	} else {
		t.size.push(uint8(len(s)))
	}
}

func (t *strbuf) bytes(i int32) []byte {
	at := *t.start.at(i)
	n := int(*t.size.at(i))
	if n == longString {
		n = t.long[i]
	}
	c, off := at/bufChunk, at%bufChunk
	return t.b[c][off : int(off)+n]
}

func (t *strbuf) str(i int32) string { return string(t.bytes(i)) }

// NewRoster returns an empty roster.
func NewRoster() *Roster {
	return &Roster{attrIndex: map[rowAttrs]uint32{}}
}

// RosterOf returns the roster of rows.
func RosterOf(rows []*survey.Respondent) *Roster {
	ro := NewRoster()
	for _, r := range rows {
		ro.Add(r)
	}
	return ro
}

// RosterExtra are the roster columns beyond survey.Respondent's fields that the report
// reads: the certification record of indicator 19, which wins over the answers. The export
// joins them to each interview (roster_cert_assessed, roster_cert_result), so that an
// analyst recomputes the indicator from the export.
var RosterExtra = []string{"cert_assessed", "cert_result"}

// Add appends roster row r.
func (ro *Roster) Add(r *survey.Respondent) {
	end := parseDate(r.TrainingEnd)
	completion := r.Completion
	if c, ok := survey.ParseCompletion(completion); ok && c != completion {
		completion = c // a row stored before uploads read the words rosters use
	}
	a := rowAttrs{kejuruan: r.Kejuruan, program: r.ProgramName, institution: r.Institution, batch: r.BatchID,
		budgetYear: r.BudgetYear, funding: r.Funding, sex: r.Sex, regency: r.Regency, education: r.Education,
		trainingEndText: r.TrainingEnd, completion: completion, certAssessed: r.Extra[RosterExtra[0]],
		certResult: r.Extra[RosterExtra[1]], ageGroup: ageGroup(r.BirthDate, end), trainingEnd: end}
	i, ok := ro.attrIndex[a]
	if !ok {
		// r's strings may share its row's bytes (survey.RosterScanner): the set kept
		// holds copies of its own, not the row.
		for _, p := range [...]*string{&a.kejuruan, &a.program, &a.institution, &a.batch, &a.budgetYear, &a.funding,
			&a.sex, &a.regency, &a.education, &a.trainingEndText, &a.completion, &a.certAssessed, &a.certResult} {
			*p = strings.Clone(*p)
		}
		i = uint32(len(ro.attrs))
		ro.attrs = append(ro.attrs, a)
		ro.attrIndex[a] = i
	}
	ro.attr.push(i)
	ro.ids.add(r.RosterID)
	ro.niks.add(r.NIK)
	ro.byID, ro.byNIK, ro.idSlots = nil, nil, nil
}

// ID returns the roster id of row i.
func (ro *Roster) ID(i int32) string { return ro.ids.str(i) }

// Len is the number of rows.
func (ro *Roster) Len() int { return ro.attr.len() }

func (ro *Roster) row(i int32) *rowAttrs { return &ro.attrs[*ro.attr.at(i)] }

// inPeriod is Config.InPeriod of row i.
func (ro *Roster) inPeriod(cfg Config, i int32) bool {
	if cfg.From.IsZero() && cfg.To.IsZero() {
		return true
	}
	end := ro.row(i).trainingEnd
	if end.IsZero() {
		return false
	}
	return !(!cfg.From.IsZero() && end.Before(cfg.From) || !cfg.To.IsZero() && end.After(cfg.To))
}

// sortedByID returns the row indexes sorted by roster id, then row.
func (ro *Roster) sortedByID() []int32 { return ro.sortedOnce(&ro.byID, &ro.ids, false) }

// sortedByNIK returns the indexes of the rows with a NIK sorted by NIK, then row.
func (ro *Roster) sortedByNIK() []int32 { return ro.sortedOnce(&ro.byNIK, &ro.niks, true) }

// sortedOnce returns *index, made by sortedBy(t, nonEmpty) on first use, under byIDMu.
func (ro *Roster) sortedOnce(index *[]int32, t *strbuf, nonEmpty bool) []int32 {
	ro.byIDMu.Lock()
	defer ro.byIDMu.Unlock()
	if *index == nil {
		*index = ro.sortedBy(t, nonEmpty)
	}
	return *index
}

// sortedBy returns the row indexes sorted by their string in t, then row; without the
// rows whose string is empty when nonEmpty.
func (ro *Roster) sortedBy(t *strbuf, nonEmpty bool) []int32 {
	s := make([]int32, 0, ro.Len())
	for i := range int32(ro.Len()) {
		if !nonEmpty || len(t.bytes(i)) > 0 {
			s = append(s, i)
		}
	}
	sortRows(s, func(a, b int32) int { return compareBytes(t.bytes(a), t.bytes(b)) })
	return s
}

// rowsWithID returns the rows whose roster id is id, in roster order.
func (ro *Roster) rowsWithID(id string) []int32 {
	byID, slots := ro.idIndex()
	mask := len(slots) - 1
	for i := int(maphash.String(ro.seed, id)) & mask; slots[i] >= 0; i = (i + 1) & mask {
		if p := slots[i]; string(ro.ids.bytes(byID[p])) == id {
			j := p + 1
			for int(j) < len(byID) && string(ro.ids.bytes(byID[j])) == id {
				j++
			}
			return byID[p:j]
		}
	}
	return nil
}

// idIndex returns sortedByID and idSlots, made on first use under byIDMu.
func (ro *Roster) idIndex() ([]int32, []int32) {
	byID := ro.sortedByID()
	ro.byIDMu.Lock()
	defer ro.byIDMu.Unlock()
	if ro.idSlots == nil {
		// A power of two at least twice the rows, so that probes stay short.
		n := 2
		for n < 2*len(byID) {
			n *= 2
		}
		slots := make([]int32, n)
		for i := range slots {
			slots[i] = -1
		}
		ro.seed = maphash.MakeSeed()
		for p := range byID {
			id := ro.ids.bytes(byID[p])
			if p > 0 && bytes.Equal(ro.ids.bytes(byID[p-1]), id) {
				continue // not the first row of its run
			}
			i := int(maphash.Bytes(ro.seed, id)) & (n - 1)
			for slots[i] >= 0 {
				i = (i + 1) & (n - 1)
			}
			slots[i] = int32(p)
		}
		ro.idSlots = slots
	}
	return byID, ro.idSlots
}

// rowsWithNIK returns the rows whose NIK is nik, in roster order.
func (ro *Roster) rowsWithNIK(nik string) []int32 { return rowsWith(ro.sortedByNIK(), &ro.niks, nik) }

// rowsWith returns the run of s, rows sorted by their string in t, whose string is v.
func rowsWith(s []int32, t *strbuf, v string) []int32 {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if string(t.bytes(s[m])) < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	j := lo
	for j < len(s) && string(t.bytes(s[j])) == v {
		j++
	}
	return s[lo:j]
}

// personKey is the key that makes roster rows one person: the NIK, else the roster id.
func (ro *Roster) personKey(row int32) (byte, []byte) {
	if n := ro.niks.bytes(row); len(n) > 0 {
		return 'n', n
	}
	return 'i', ro.ids.bytes(row)
}

// comparePersons orders rows by personKey.
func (ro *Roster) comparePersons(a, b int32) int {
	ka, sa := ro.personKey(a)
	kb, sb := ro.personKey(b)
	return cmp.Or(cmp.Compare(ka, kb), compareBytes(sa, sb))
}

// eachPerson puts rows (distinct row indexes) in person order (comparePersons, then row)
// and calls fn with each person's rows, in roster order. The order is read off the
// roster's indexes by roster id and by NIK, kept once made, instead of sorting rows: the
// persons of a roster id come before those of a NIK, as personKey's kinds compare.
func (ro *Roster) eachPerson(rows []int32, fn func(person []int32)) {
	in := make([]uint64, (ro.Len()+63)/64)
	for _, r := range rows {
		in[r/64] |= 1 << (r % 64)
	}
	rows = rows[:0]
	for _, r := range ro.sortedByID() {
		if in[r/64]&(1<<(r%64)) != 0 && len(ro.niks.bytes(r)) == 0 {
			rows = append(rows, r)
		}
	}
	for _, r := range ro.sortedByNIK() {
		if in[r/64]&(1<<(r%64)) != 0 {
			rows = append(rows, r)
		}
	}
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && ro.comparePersons(rows[i], rows[j]) == 0 {
			j++
		}
		fn(rows[i:j])
		i = j
	}
}

// describing returns, of one person's rows in roster order, the row that describes them:
// of the batches they passed (of all, when none) the one that ended last, the first of
// equal ones. It reports whether they passed any.
func (ro *Roster) describing(rows []int32) (int32, bool) {
	rep := rows[0]
	a := ro.row(rep)
	pass, end := a.completion == "pass", a.trainingEnd
	for _, r := range rows[1:] {
		b := ro.row(r)
		p := b.completion == "pass"
		if p && !pass || p == pass && b.trainingEnd.After(end) {
			rep, end = r, b.trainingEnd
		}
		pass = pass || p
	}
	return rep, pass
}

// LinkRow returns the roster row an interview counts for, -1 when none (docs/INDICATORS.md,
// "Linking an interview to the roster"): the last row of cfg's period with its respondent
// id, else with the roster id it confirms (the built-in form's roster_id question). A row
// it names outside the period stands for its person: the row that describes the person
// with that row's NIK in the period (describing: the latest batch they passed). An
// interview without respondent id that names no such row is linked by its own NIK answer
// the same way. The report, the response rates, the export's roster join and its alumni
// table all link an interview by this rule.
func (ro *Roster) LinkRow(cfg Config, respondentID, confirmed, nik string) int32 {
	if id := linkID(respondentID, confirmed); id != "" {
		rows := ro.rowsWithID(id)
		for k := len(rows) - 1; k >= 0; k-- {
			if ro.inPeriod(cfg, rows[k]) {
				return rows[k]
			}
		}
		if len(rows) > 0 {
			if r := ro.personRow(cfg, string(ro.niks.bytes(rows[len(rows)-1]))); r >= 0 {
				return r
			}
		}
	}
	if respondentID != "" {
		return -1
	}
	return ro.personRow(cfg, survey.NormalizeNIK(nik))
}

// WeightCell returns the kejuruan × sex cell of the non-response weights (Report.Weights)
// that an interview linked to the row with roster id rosterID counts in: the cell of the
// row describing that row's person in cfg's period (the batch they passed last), as the
// report weighs them. ok is false when no row of that id is in the period, or the person
// passed no batch of it: no graduate of the period, no weight.
func (ro *Roster) WeightCell(cfg Config, rosterID string) (kejuruan, sex string, ok bool) {
	row := int32(-1)
	rows := ro.rowsWithID(rosterID)
	for k := len(rows) - 1; k >= 0 && row < 0; k-- {
		if ro.inPeriod(cfg, rows[k]) {
			row = rows[k]
		}
	}
	if row < 0 {
		return "", "", false
	}
	person := rows
	if nik := ro.niks.bytes(row); len(nik) > 0 {
		person = ro.rowsWithNIK(string(nik))
	}
	in := make([]int32, 0, len(person))
	for _, r := range person {
		if ro.inPeriod(cfg, r) {
			in = append(in, r)
		}
	}
	slices.Sort(in) // describing reads a person's rows in roster order
	rep, pass := ro.describing(in)
	if !pass {
		return "", "", false
	}
	a := ro.row(rep)
	kejuruan, sex = a.kejuruan, a.sex
	if kejuruan == "" {
		kejuruan = Unknown
	}
	if sex == "" {
		sex = Unknown
	}
	return kejuruan, sex, true
}

// personRow returns the row that describes the person with NIK nik in cfg's period, -1
// when none (or nik is "").
func (ro *Roster) personRow(cfg Config, nik string) int32 {
	if nik == "" {
		return -1
	}
	var buf [4]int32
	in := buf[:0]
	for _, r := range ro.rowsWithNIK(nik) {
		if ro.inPeriod(cfg, r) {
			in = append(in, r)
		}
	}
	if len(in) == 0 {
		return -1
	}
	r, _ := ro.describing(in)
	return r
}

// ageGroup is the age group of someone born on birth at the end of training end.
func ageGroup(birth string, end time.Time) string {
	b := parseDate(birth)
	if b.IsZero() || end.IsZero() {
		return ""
	}
	age := end.Year() - b.Year()
	if end.Month() < b.Month() || end.Month() == b.Month() && end.Day() < b.Day() {
		age--
	}
	switch {
	case age < 15:
		return ""
	case age <= 24:
		return "15-24"
	case age <= 34:
		return "25-34"
	}
	return "35+"
}

func compareBytes(a, b []byte) int { return bytes.Compare(a, b) }

// chunked is a growing list kept in fixed chunks, so that growing it never copies what it
// holds (a slice of a million summaries would be copied into one a quarter larger, both
// alive at once).
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const chunkSize = 1 << 14

func (c *chunked[T]) push(v T) int32 {
	if c.n%chunkSize == 0 {
		c.chunks = append(c.chunks, make([]T, 0, chunkSize))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, v)
	c.n++
	return int32(c.n - 1)
}

func (c *chunked[T]) at(i int32) *T { return &c.chunks[i/chunkSize][i%chunkSize] }

func (c *chunked[T]) len() int { return c.n }
