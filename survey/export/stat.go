package export

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tracer/forms"
)

// This file holds what the SPSS and Stata writers share: rows are spooled to a temporary
// file per table while the widths and types of the columns are learnt, then each table is
// written as one .sav or .dta file of the zip, followed by the codebook as CSV.

// varKind is how a column is stored in a statistics file.
type varKind int

const (
	varString   varKind = iota
	varNumber           // a number; empty is missing
	varDate             // YYYY-MM-DD, stored as a date
	varDateTime         // RFC 3339, stored as a date and time
)

// valueLabels is a set of value labels: codes and their labels in the export's language.
type valueLabels struct {
	name   string
	codes  []int
	labels []string
}

// statVar is one variable of a statistics file.
type statVar struct {
	name   string
	label  string
	kind   varKind
	width  int  // longest value in bytes
	ints   bool // every value is an integer that fits in 32 bits
	labels *valueLabels
}

type statTable struct {
	t    *table
	vars []statVar
	file *os.File
	buf  *bufio.Writer
	n    int
}

type statSink struct {
	s       *schema
	format  Format
	zw      *zip.Writer
	tables  []*statTable
	now     time.Time
	scratch []byte
}

func newStatSink(w io.Writer, s *schema, format Format, tempDir string, now time.Time) (*statSink, error) {
	k := &statSink{s: s, format: format, zw: zip.NewWriter(w), now: now}
	sets := map[string]*valueLabels{}
	for _, t := range s.tables {
		st := &statTable{t: t}
		k.tables = append(k.tables, st)
		f, err := os.CreateTemp(tempDir, "tracer-export-*.spool")
		if err != nil {
			k.abort()
			return nil, fmt.Errorf("export %s: %w", t.name, err)
		}
		st.file = f
		st.buf = bufio.NewWriterSize(f, 64<<10)
		for _, c := range t.cols {
			st.vars = append(st.vars, s.statVar(&c, sets))
		}
	}
	return k, nil
}

// statVar describes column c as a variable; sets holds the value label sets made so far.
func (s *schema) statVar(c *column, sets map[string]*valueLabels) statVar {
	v := statVar{name: c.stat, label: s.varLabel(c), ints: true}
	switch c.kind {
	case colMeta:
		switch c.name {
		case "revision":
			v.kind = varNumber
		case "started_at", "finalized_at":
			v.kind = varDateTime
		}
	case colRoster:
		if strings.HasSuffix(c.name, "_date") {
			v.kind = varDate
		}
	case colKey:
		if c.name == "index" {
			v.kind = varNumber
		}
	case colDerived, colAlumni:
		if c.num {
			v.kind = varNumber
		} else if strings.HasSuffix(c.name, "_date") {
			v.kind = varDate
		}
	case colDummy:
		v.kind = varNumber
		v.labels = sets["chosen_"]
		if v.labels == nil {
			no, yes := "not chosen", "chosen"
			if forms.LangCode(s.lang) == "id" {
				no, yes = "tidak dipilih", "dipilih"
			}
			v.labels = &valueLabels{name: "chosen_", codes: []int{0, 1}, labels: []string{no, yes}}
			sets["chosen_"] = v.labels
		}
	case colValue:
		switch {
		case dateKind(c) != varString:
			v.kind = dateKind(c)
		case c.num:
			v.kind = varNumber
		case c.single:
			if vl := s.intLabels(c.node.ListName, sets); vl != nil {
				v.kind, v.labels = varNumber, vl
			}
		}
	}
	return v
}

// intLabels returns the value labels of a choice list whose codes are all integers, or nil.
func (s *schema) intLabels(list string, sets map[string]*valueLabels) *valueLabels {
	if vl, ok := sets["list:"+list]; ok {
		return vl
	}
	l := s.form.Lists[list]
	var vl *valueLabels
	if l != nil && len(l.Choices) > 0 {
		vl = &valueLabels{name: varName(list)}
		for _, ch := range l.Choices {
			n, err := strconv.ParseInt(ch.Name, 10, 32)
			if err != nil || strconv.FormatInt(n, 10) != ch.Name {
				vl = nil
				break
			}
			vl.codes = append(vl.codes, int(n))
			vl.labels = append(vl.labels, oneLine(ch.Label.In(s.lang, s.form.Languages)))
		}
	}
	sets["list:"+list] = vl
	return vl
}

// varLabel is the label of column c's variable in the export's language.
func (s *schema) varLabel(c *column) string {
	f := s.form
	switch c.kind {
	case colMeta:
		return metaColumns[c.idx].desc
	case colRoster:
		return "roster field " + s.roster[c.idx]
	case colKey:
		return keyColumns[c.idx].desc
	case colDerived:
		return s.derived.Columns[c.idx].Desc
	case colAlumni:
		return s.alumni.Columns[c.idx].Desc
	case colDummy:
		return oneLine(c.node.Label.In(s.lang, f.Languages) + ": " + c.choice.Label.In(s.lang, f.Languages))
	case colValue:
		if l := oneLine(c.node.Label.In(s.lang, f.Languages)); l != "" {
			return l
		}
		return c.name
	}
	return ""
}

// oneLine folds a label's line breaks and runs of spaces into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (k *statSink) row(t *table, cells []string) error {
	st := k.tables[t.id]
	b := k.scratch[:0]
	for i, v := range cells {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
		st.vars[i].see(v)
	}
	k.scratch = b
	st.n++
	if _, err := st.buf.Write(b); err != nil {
		return fmt.Errorf("export %s: %w", t.name, err)
	}
	return nil
}

// see widens the variable for v, and makes it a string when v does not fit its kind.
func (v *statVar) see(s string) {
	if len(s) > v.width {
		v.width = len(s)
	}
	if s == "" {
		return
	}
	switch v.kind {
	case varNumber:
		if n, err := strconv.ParseInt(s, 10, 32); err != nil || n > math.MaxInt32-27 {
			v.ints = false
			if _, ok := parseNumber(s); !ok {
				v.kind = varString
			}
		}
	case varDate:
		if _, ok := parseDay(s); !ok {
			v.kind = varString
		}
	case varDateTime:
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			v.kind = varString
		}
	}
	if v.kind == varString {
		v.labels = nil
	}
}

func parseNumber(s string) (float64, bool) {
	if !plainNumber(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0)
}

// parseDay parses YYYY-MM-DD.
func parseDay(s string) (time.Time, bool) {
	if len(s) != 10 {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// spooled reads back the rows of a table.
type spooled struct {
	r     *bufio.Reader
	cells []string
}

func (st *statTable) rows() (*spooled, error) {
	if err := st.buf.Flush(); err != nil {
		return nil, err
	}
	if _, err := st.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return &spooled{r: bufio.NewReaderSize(st.file, 64<<10), cells: make([]string, len(st.vars))}, nil
}

func (sp *spooled) next() ([]string, error) {
	for i := range sp.cells {
		n, err := binary.ReadUvarint(sp.r)
		if err != nil {
			return nil, err
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(sp.r, b); err != nil {
			return nil, err
		}
		sp.cells[i] = string(b)
	}
	return sp.cells, nil
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (k *statSink) finish(codebook [][]string) error {
	defer k.abort()
	for _, st := range k.tables {
		ext := ".sav"
		if k.format == DTA {
			ext = ".dta"
		}
		w, err := k.zw.CreateHeader(&zip.FileHeader{Name: st.t.name + ext, Method: zip.Deflate, Modified: k.now})
		if err != nil {
			return err
		}
		sp, err := st.rows()
		if err != nil {
			return fmt.Errorf("export %s: %w", st.t.name, err)
		}
		bw := bufio.NewWriterSize(w, 64<<10)
		if k.format == DTA {
			err = writeDTA(bw, st, sp, k.now)
		} else {
			err = writeSAV(bw, st, sp, k.now)
		}
		if err != nil {
			return fmt.Errorf("export %s: %w", st.t.name, err)
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	if err := writeCSVCodebook(k.zw, codebook, k.now, csvStandard); err != nil {
		return err
	}
	return k.zw.Close()
}

func (k *statSink) abort() {
	for _, st := range k.tables {
		if st.file != nil {
			st.file.Close()
			os.Remove(st.file.Name())
			st.file = nil
		}
	}
}
