// Package export writes interviews as analysts read them: CSV (a zip of one file per table
// plus a codebook), XLSX (a sheet per table plus a codebook sheet), JSON Lines (one object
// per interview, repeats nested), SPSS or Stata (a zip of one .sav or .dta file per table,
// with variable and value labels, plus the codebook as CSV). docs/EXPORT.md describes them.
//
// The interview table has one row per record, metadata first (interview_id, revision,
// respondent_id, enumerator, form_version, started_at, finalized_at), then the joined roster
// fields (roster_<name>) when a roster lookup is given, then a column per question,
// calculation and metadata field in form order, named as forms.Record names them (the
// question name, or its group path where a name is used twice). A select_multiple has its
// own column plus one 0/1 column per choice (q/choice; empty when q has no answer). Each
// repeat is a separate table linked to the interview by interview_id and to its enclosing
// repeat by instance paths (see the codebook). In SPSS and Stata files a column has a
// variable name both accept (see varNames); the codebook maps one to the other.
//
// Spreadsheet safety: in CSV a text value that starts with = + - @, a tab or a carriage
// return is prefixed with a single quote ('), as OWASP's "CSV Injection" page advises, so
// that Excel or LibreOffice never runs it as a formula; a value that is a plain number (-5,
// +3.2) is left alone because it cannot be a formula. XLSX text cells are never evaluated,
// so they hold the exact value. JSON Lines values are written unchanged. CSV files are UTF-8
// with a byte-order mark so Excel detects the encoding, fields are quoted as RFC 4180 says
// and lines end in \n; a CR LF inside a value is written as LF, because encoding/csv (and
// RFC 4180 readers generally) read a quoted CR LF back as LF. With that, reading a file back
// with encoding/csv gives exactly the values written (the guarded ones with their quote,
// not the answers), and writing them again gives the same bytes. The excel-id dialect (CSVExcelID) trades that for Excel set to Indonesian.
//
// Output is streamed: one record is held at a time, rows go straight to the writer (CSV), to
// excelize's StreamWriter (XLSX, which spools to temporary files) or to temporary files
// (CSV repeat tables, SPSS and Stata tables, whose types and widths are known only at the
// end), so memory does not grow with the number of interviews.
package export

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"sort"
	"strconv"
	"strings"
	"time"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/report"
)

// Format is an export file format.
type Format string

// The export formats.
const (
	CSV   Format = "csv"
	XLSX  Format = "xlsx"
	JSONL Format = "jsonl"
	// SAV is a zip of one SPSS system file per table plus the codebook as CSV.
	SAV Format = "sav"
	// DTA is a zip of one Stata 118 dataset per table plus the codebook as CSV.
	DTA Format = "dta"
)

// ParseFormat returns the format named s (csv, xlsx, jsonl, sav or dta, any case).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, XLSX, JSONL, SAV, DTA:
		return f, nil
	}
	return "", fmt.Errorf("unknown export format %q: use csv, xlsx, jsonl, sav or dta", s)
}

// CSVDialect is how CSV files are written.
type CSVDialect string

// The CSV dialects.
const (
	// CSVStandard is RFC 4180: comma, decimal point, UTF-8 with a byte-order mark.
	CSVStandard CSVDialect = "standard"
	// CSVExcelID opens right in Excel set to Indonesian: semicolon, decimal comma, UTF-8
	// with a byte-order mark, and identifiers (NIK, phone numbers, codes with leading zeros)
	// kept as text by a leading tab.
	CSVExcelID CSVDialect = "excel-id"
)

// csvStandard is the dialect of codebooks inside SPSS and Stata exports.
const csvStandard = CSVStandard

// ParseCSVDialect returns the dialect named s (standard or excel-id); "" is standard.
func ParseCSVDialect(s string) (CSVDialect, error) {
	switch d := CSVDialect(strings.ToLower(strings.TrimSpace(s))); d {
	case "":
		return CSVStandard, nil
	case CSVStandard, CSVExcelID:
		return d, nil
	}
	return "", fmt.Errorf("unknown CSV dialect %q: use standard or excel-id", s)
}

// Options configure an export. Which revisions go in (latest approved, latest, all) is the
// caller's choice: Write writes every record it is given.
type Options struct {
	Format Format
	// Labels writes select answers as their labels in Lang instead of their codes.
	Labels bool
	// Lang is the label language (a form language's name or code); the form's default
	// language when empty or unknown.
	Lang string
	// Roster looks up a respondent by roster id; when set, the roster fields (RosterColumns
	// plus RosterExtra) are joined to each interview as roster_<name> columns, from the row
	// of report.LinkedRosterID (the respondent id, else the roster id the interview
	// confirms; an interview linked by its NIK needs the whole rule, report.Roster.LinkRow,
	// which the caller applies through WriteInterviews). Write calls it; WriteInterviews
	// never does (see RosterJoined).
	Roster func(rosterID string) (*survey.Respondent, bool)
	// RosterJoined joins the roster fields as Roster does, for WriteInterviews, whose
	// interviews bring their roster rows.
	RosterJoined bool
	// RosterExtra names extra roster columns (survey.Respondent.Extra keys) to join.
	RosterExtra []string
	// TempDir holds the temporary files of CSV repeat tables and of SPSS and Stata tables;
	// os.TempDir() when empty.
	TempDir string
	// Versions are the other versions of the form whose records are exported, oldest
	// first. The columns they have and the form written with does not are added after
	// the form's own, and the codebook gets a "versions" column naming the versions that
	// have each column.
	Versions []*forms.Form
	// Derived adds computed columns to the interview table, after the answers.
	Derived *Derived
	// Alumni, when set, adds the table "alumni" after the others (not in JSON Lines).
	Alumni *Alumni
	// CSVDialect is the CSV dialect; standard when empty.
	CSVDialect CSVDialect
	// Now dates the zip entries and the SPSS and Stata file headers; time.Now() when zero.
	Now time.Time
}

// Derived describes columns computed from each record and its roster row (the report's
// derived variables), so that a figure can be reproduced from the export alone.
type Derived struct {
	// Columns name the columns and describe them for the codebook.
	Columns []DerivedColumn
	// Values writes one value per column into dst (len(Columns) long, cleared) for record r,
	// its answers sorted by path (r.Answers is not read) and its roster row, nil when it
	// has none.
	Values func(r *survey.Record, answers []survey.Answer, row *survey.Respondent, dst []string)
}

// DerivedColumn is one derived or alumni column: its name and what it holds.
type DerivedColumn struct {
	Name, Desc string
	// Text marks a column of text; the others hold numbers.
	Text bool
}

// Alumni is a table of one row per roster row, written after the interviews: its columns
// and its rows, read once the interviews are written.
type Alumni struct {
	Columns []DerivedColumn
	Rows    func() iter.Seq2[[]string, error]
}

// Stats counts what an export wrote.
type Stats struct {
	// Interviews is the number of records written.
	Interviews int
	// Rows counts the data rows written per table (the interview table included).
	Rows map[string]int
	// Cut lists the variables of which values were cut to fit the format (strings over
	// 32,767 bytes in SPSS files), for the caller to tell; nil when none was.
	Cut []Cut
}

// Cut says that Values values of variable Variable in table Table were cut to Limit bytes.
type Cut struct {
	Table, Variable string
	Values, Limit   int
}

// ErrTooManyRows is returned when an XLSX sheet would exceed Excel's 1,048,576 rows.
var ErrTooManyRows = errors.New("xlsx sheet would exceed 1,048,576 rows: export as csv or jsonl")

// sink receives the rows of every table, then the codebook.
type sink interface {
	row(t *table, cells []string) error
	finish(codebook [][]string) error
	abort()
}

// Interview is one record to export: the record, its answers sorted by path with each path
// once (as survey.Record.AnswerList gives them; the record's Answers map is not read), and
// its roster row, nil when it has none: the row the interview counts for
// (report.Roster.LinkRow).
type Interview struct {
	Record     *survey.Record
	Answers    []survey.Answer
	Respondent *survey.Respondent
}

// Write exports the records of form f to w in opt.Format. It stops at the first error,
// including one yielded by records; the output is then incomplete.
func Write(w io.Writer, f *forms.Form, records iter.Seq2[*survey.Record, error], opt Options) (Stats, error) {
	var list []survey.Answer
	return WriteInterviews(w, f, func(yield func(Interview, error) bool) {
		for r, err := range records {
			if err != nil {
				yield(Interview{}, err)
				return
			}
			list = sortedAnswers(list[:0], r.Answers)
			iv := Interview{Record: r, Answers: list}
			if id := report.LinkedRosterID(r, list); opt.Roster != nil && id != "" {
				if p, ok := opt.Roster(id); ok {
					iv.Respondent = p
				}
			}
			if !yield(iv, nil) {
				return
			}
		}
	}, opt)
}

// WriteInterviews is Write for interviews whose answers come sorted, as a store reads
// them, and whose roster rows come with them: it reads every column of the interview table
// in one walk of the sorted answers. The roster columns are written when opt.RosterJoined
// or opt.Roster is set; opt.Roster is not called.
func WriteInterviews(w io.Writer, f *forms.Form, interviews iter.Seq2[Interview, error], opt Options) (Stats, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Format == SAV || opt.Format == DTA {
		// Select answers stay codes: the files carry their labels as value labels.
		opt.Labels = false
	}
	s := newSchema(f, opt)
	st := Stats{Rows: map[string]int{}}
	if opt.Format == JSONL {
		err := writeJSONL(w, s, interviews, &st)
		return st, err
	}
	var out sink
	var err error
	switch opt.Format {
	case CSV, "":
		out, err = newCSVSink(w, s, opt)
	case XLSX:
		out, err = newXLSXSink(w, s, opt.Now)
	case SAV, DTA:
		out, err = newStatSink(w, s, opt.Format, opt.TempDir, opt.Now)
	default:
		return st, fmt.Errorf("unknown export format %q", opt.Format)
	}
	if err != nil {
		return st, err
	}
	rw := newRowWriter(s, opt, out)
	for iv, err := range interviews {
		if err != nil {
			out.abort()
			return st, fmt.Errorf("read records: %w", err)
		}
		if err := rw.record(iv); err != nil {
			out.abort()
			return st, err
		}
		st.Interviews++
	}
	if s.alumni != nil {
		t := s.tables[len(s.tables)-1]
		for cells, err := range s.alumni.Rows() {
			if err != nil {
				out.abort()
				return st, fmt.Errorf("read alumni: %w", err)
			}
			if len(cells) != len(t.cols) {
				out.abort()
				return st, fmt.Errorf("alumni row of %d cells, want %d", len(cells), len(t.cols))
			}
			rw.rows[t.id]++
			if err := out.row(t, cells); err != nil {
				out.abort()
				return st, err
			}
		}
	}
	for _, t := range s.tables {
		st.Rows[t.name] = rw.rows[t.id]
	}
	if err := out.finish(s.codebook()); err != nil {
		return st, err
	}
	if c, ok := out.(interface{ cut() []Cut }); ok {
		st.Cut = c.cut()
	}
	return st, nil
}

// rowWriter turns records into table rows, reusing its buffers.
type rowWriter struct {
	s       *schema
	opt     Options
	out     sink
	cells   [][]string // per table
	meta    []string
	roster  []string
	row     *survey.Respondent // the roster row of the current record, nil when none
	derived []string
	inst    instances
	rows    []int
	// slots holds the answers the interview table's columns read, for one record.
	slots *slots
}

func newRowWriter(s *schema, opt Options, out sink) *rowWriter {
	rw := &rowWriter{s: s, opt: opt, out: out, meta: make([]string, len(metaColumns)), rows: make([]int, len(s.tables))}
	for _, t := range s.tables {
		rw.cells = append(rw.cells, make([]string, len(t.cols)))
	}
	rw.roster = make([]string, len(s.roster))
	if s.derived != nil {
		rw.derived = make([]string, len(s.derived.Columns))
	}
	if s.repeats {
		rw.inst = instances{}
	}
	rw.slots = newSlots(s.tables[0])
	return rw
}

// formatTime writes a time in UTC, RFC 3339, or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func metaValues(dst []string, r *survey.Record) {
	dst[0] = r.ID
	dst[1] = strconv.Itoa(r.Revision)
	dst[2] = r.RespondentID
	dst[3] = r.Enumerator
	dst[4] = r.FormVersion
	dst[5] = formatTime(r.StartedAt)
	dst[6] = formatTime(r.FinalizedAt)
	dst[7] = captureMode(r.Mode)
	dst[8] = r.Device
}

// captureMode names a record's capture mode in the export: "laptop" for a tracer laptop's
// (the record's empty mode), else the record's mode.
func captureMode(mode string) string {
	if mode == "" {
		return "laptop"
	}
	return mode
}

// rosterValues takes the roster row of iv and its roster columns. The row is the caller's
// join: the row the interview counts for (report.Roster.LinkRow), as the report and the
// alumni table link it.
func (rw *rowWriter) rosterValues(iv Interview) {
	clear(rw.roster)
	rw.row = nil
	if iv.Respondent == nil {
		return
	}
	rw.row = iv.Respondent
	for i, k := range rw.s.roster {
		rw.roster[i] = iv.Respondent.Value(k)
	}
}

func (rw *rowWriter) derivedValues(iv Interview) {
	if rw.derived == nil {
		return
	}
	clear(rw.derived)
	rw.s.derived.Values(iv.Record, iv.Answers, rw.row, rw.derived)
}

func (rw *rowWriter) record(iv Interview) error {
	metaValues(rw.meta, iv.Record)
	rw.rosterValues(iv)
	rw.derivedValues(iv)
	t := rw.s.tables[0]
	rw.slots.load(iv.Answers)
	if err := rw.fill(t, iv.Answers, "", nil); err != nil {
		return err
	}
	if !rw.s.repeats {
		return nil
	}
	rw.inst.collect(iv.Answers)
	return rw.repeats(iv.Answers, t, "", nil)
}

// repeats writes the rows of every repeat directly below the instance at prefix of table
// parent, then of the repeats nested in them.
func (rw *rowWriter) repeats(answers []survey.Answer, parent *table, prefix string, idx []int) error {
	for _, t := range rw.s.tables[1:] {
		if t.parent != parent {
			continue
		}
		holder := prefix + t.holders[0]
		for _, h := range t.holders {
			if len(rw.inst[prefix+h]) > 0 {
				holder = prefix + h
				break
			}
		}
		for _, i := range rw.inst[holder] {
			sub := append(idx[:len(idx):len(idx)], i)
			instPrefix := holder + "[" + strconv.Itoa(i) + "]/"
			if err := rw.fill(t, answers, instPrefix, sub); err != nil {
				return err
			}
			if err := rw.repeats(answers, t, instPrefix, sub); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinIdx(idx []int) string {
	var b strings.Builder
	for i, v := range idx {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}

// fill builds one row of table t for the instance at prefix and hands it to the sink. The
// interview table's answers are read from rw.slots, a repeat's from answers.
func (rw *rowWriter) fill(t *table, answers []survey.Answer, prefix string, idx []int) error {
	if t.id == 0 {
		return rw.fillInterview(t)
	}
	cells := rw.cells[t.id]
	for i := range t.cols {
		c := &t.cols[i]
		switch c.kind {
		case colMeta, colRoster, colDerived:
			cells[i] = rw.recordCell(c)
		case colKey:
			switch c.idx {
			case 0:
				cells[i] = rw.meta[0]
			case 1:
				cells[i] = joinIdx(idx)
			case 2:
				cells[i] = joinIdx(idx[:len(idx)-1])
			case 3:
				cells[i] = strconv.Itoa(idx[len(idx)-1])
			}
		case colValue, colDummy:
			// read again for a dummy: a choice only an older version had is not beside its
			// question
			v := answerOf(answers, prefix+c.rel)
			for _, alt := range c.alts {
				if v != "" {
					break
				}
				v = answerOf(answers, prefix+alt)
			}
			if c.kind == colValue {
				cells[i] = rw.s.label(c, v)
			} else {
				cells[i] = dummy(v, c.choice.Name)
			}
		}
	}
	rw.rows[t.id]++
	return rw.out.row(t, cells)
}

// recordCell is the cell of a column whose value is the record's, the same in every table:
// its metadata, its roster row's and the derived columns.
func (rw *rowWriter) recordCell(c *column) string {
	switch c.kind {
	case colMeta:
		return rw.meta[c.idx]
	case colRoster:
		return rw.roster[c.idx]
	}
	return rw.derived[c.idx]
}

// fillInterview builds the interview table's row of the record whose answers rw.slots
// holds and hands it to the sink.
func (rw *rowWriter) fillInterview(t *table) error {
	cells := rw.cells[t.id]
	sl := rw.slots
	for i := range t.cols {
		c := &t.cols[i]
		switch c.kind {
		case colMeta, colRoster, colDerived:
			cells[i] = rw.recordCell(c)
		case colValue, colDummy:
			v := sl.vals[sl.col[i]]
			for _, alt := range sl.alts[i] {
				if v != "" {
					break
				}
				v = sl.vals[alt]
			}
			if c.kind == colValue {
				cells[i] = rw.s.label(c, v)
			} else {
				cells[i] = dummy(v, c.choice.Name)
			}
		}
	}
	rw.rows[t.id]++
	return rw.out.row(t, cells)
}

// instances maps a repeat's holder path with its enclosing instances ("hh[2]/member") to the
// sorted indexes of its instances present in one record.
type instances map[string][]int

// collect finds every repeat instance an answer path names.
func (in instances) collect(answers []survey.Answer) {
	clear(in)
	for _, a := range answers {
		k := a.Path
		for p := 0; p < len(k); p++ {
			if k[p] != '[' {
				continue
			}
			end := strings.IndexByte(k[p:], ']')
			if end < 0 {
				break
			}
			n, err := strconv.Atoi(k[p+1 : p+end])
			if err == nil && n > 0 {
				holder := k[:p]
				if !containsInt(in[holder], n) {
					in[holder] = append(in[holder], n)
				}
			}
			p += end
		}
	}
	for _, v := range in {
		sort.Ints(v)
	}
}

func containsInt(s []int, n int) bool {
	for _, v := range s {
		if v == n {
			return true
		}
	}
	return false
}
