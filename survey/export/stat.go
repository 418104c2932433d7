package export

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tracer/forms"
	"tracer/survey"
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
	// text maps the codes of a list whose codes are not all whole numbers to the numbers
	// stored (1..n); nil for a list of whole-number codes, stored as they are
	text  map[string]int
	names []string // the text codes, in the order of their numbers
}

// number returns the stored value of cell c of a variable with labels vl: c itself, or
// the number of its text code.
func (vl *valueLabels) number(c string) string {
	if vl == nil || vl.text == nil || c == "" {
		return c
	}
	return strconv.Itoa(vl.text[c])
}

// statVar is one variable of a statistics file.
type statVar struct {
	name   string
	label  string
	kind   varKind
	width  int   // longest value in bytes
	filled int   // values not empty
	long   int   // values longer than an SPSS string holds (savMaxString), which are cut
	bytes  int64 // bytes of the values
	ints   bool  // every value is an integer that fits in 32 bits
	labels *valueLabels
	// outside is the first value of a text-coded select that is not one of its codes: the
	// variable is then a string holding the codes
	outside string
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
	zw := zip.NewWriter(w)
	fastDeflate(zw)
	k := &statSink{s: s, format: format, zw: zw, now: now}
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
		} else if s.roster[c.idx] == "sex" {
			v.kind, v.labels = varNumber, s.sexLabels(sets)
		}
	case colKey:
		if c.name == "index" {
			v.kind = varNumber
		}
	case colDerived, colAlumni:
		if c.kind == colAlumni && c.name == "sex" {
			v.kind, v.labels = varNumber, s.sexLabels(sets)
		} else if c.kind == colAlumni && (c.name == "disposition" || c.name == "last_attempt" || c.name == "case_disposition") {
			v.kind, v.labels = varNumber, s.dispositionLabels(sets)
		} else if c.num {
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
			sets["chosen_"], sets["name:chosen_"] = v.labels, v.labels
		}
	case colValue:
		switch {
		case dateKind(c) != varString:
			v.kind = dateKind(c)
		case c.num:
			v.kind = varNumber
		case c.single:
			if vl := s.intLabels(c, sets); vl != nil {
				v.kind, v.labels = varNumber, vl
			} else if vl := s.textLabels(c, sets); vl != nil {
				v.kind, v.labels = varNumber, vl
			}
		}
	}
	return v
}

// intLabels returns the value labels of select_one column c when the choices of its list
// are all whole numbers in every exported version, or nil: the union of the versions'
// choices, labelled by the first version that has each (oldest first).
func (s *schema) intLabels(c *column, sets map[string]*valueLabels) *valueLabels {
	versions := s.versions
	if versions == nil {
		versions = []*forms.Form{s.form}
	}
	vl := &valueLabels{}
	seen := map[string]bool{}
	var key strings.Builder
	for _, f := range versions {
		n := s.counterpart(f, c.node)
		if n == nil || n.Type != "select_one" || f.Lists[n.ListName] == nil {
			continue
		}
		for _, ch := range f.Lists[n.ListName].Choices {
			if seen[ch.Name] {
				continue
			}
			seen[ch.Name] = true
			v, err := strconv.ParseInt(ch.Name, 10, 32)
			if err != nil || strconv.FormatInt(v, 10) != ch.Name {
				return nil
			}
			l := oneLine(ch.Label.In(s.lang, f.Languages))
			vl.codes = append(vl.codes, int(v))
			vl.labels = append(vl.labels, l)
			key.WriteString(ch.Name + "\x00" + l + "\x00")
		}
	}
	if len(vl.codes) == 0 {
		return nil
	}
	// Questions offering the same choices share one set.
	if have, ok := sets["int:"+key.String()]; ok {
		return have
	}
	vl.name = varName(c.node.ListName)
	for i := 2; sets["name:"+strings.ToLower(vl.name)] != nil; i++ {
		vl.name = varName(c.node.ListName + "_" + strconv.Itoa(i))
	}
	sets["name:"+strings.ToLower(vl.name)] = vl
	sets["int:"+key.String()] = vl
	return vl
}

// textLabels returns the value labels of select_one column c whose list has codes that
// are not all whole numbers: the choices it offers in every exported version (the "other"
// of or_other included), numbered 1..n in the order they are first met, oldest version
// first, so that a number keeps its meaning when a later version adds choices. Each is
// labelled in the export's language (the code when the choice has no label there).
func (s *schema) textLabels(c *column, sets map[string]*valueLabels) *valueLabels {
	versions := s.versions
	if versions == nil {
		versions = []*forms.Form{s.form}
	}
	vl := &valueLabels{text: map[string]int{}}
	var key strings.Builder
	for _, f := range versions {
		n := s.counterpart(f, c.node)
		if n == nil || n.Type != "select_one" {
			continue
		}
		for _, ch := range offered(f, n, f.Lists[n.ListName]) {
			if _, ok := vl.text[ch.Name]; ok {
				continue
			}
			l := oneLine(ch.Label.In(s.lang, f.Languages))
			if l == "" {
				l = ch.Name
			}
			vl.names = append(vl.names, ch.Name)
			vl.codes = append(vl.codes, len(vl.names))
			vl.labels = append(vl.labels, l)
			vl.text[ch.Name] = len(vl.names)
			key.WriteString(ch.Name + "\x00" + l + "\x00")
		}
	}
	if len(vl.names) == 0 {
		return nil
	}
	// Questions offering the same choices share one set.
	if have, ok := sets["text:"+key.String()]; ok {
		return have
	}
	vl.name = varName(c.node.ListName)
	for i := 2; sets["name:"+strings.ToLower(vl.name)] != nil; i++ {
		vl.name = varName(c.node.ListName + "_" + strconv.Itoa(i))
	}
	sets["name:"+strings.ToLower(vl.name)] = vl
	sets["text:"+key.String()] = vl
	return vl
}

// sexLabels returns the value labels of the roster's sex codes (L, P), stored as 1 and 2.
func (s *schema) sexLabels(sets map[string]*valueLabels) *valueLabels {
	if vl := sets["sex_"]; vl != nil {
		return vl
	}
	labels := []string{"Male", "Female"}
	if forms.LangCode(s.lang) == "id" {
		labels = []string{"Laki-laki", "Perempuan"}
	}
	vl := &valueLabels{name: "sex_", codes: []int{1, 2}, labels: labels, text: map[string]int{"L": 1, "P": 2}, names: []string{"L", "P"}}
	sets["sex_"], sets["name:sex_"] = vl, vl
	return vl
}

// dispositionLabels returns the value labels of the AAPOR outcome codes: each code is
// stored as itself times 100 (2.11 as 211, 4.10 as 410), a whole number Stata can label.
func (s *schema) dispositionLabels(sets map[string]*valueLabels) *valueLabels {
	if vl := sets["disposition_"]; vl != nil {
		return vl
	}
	vl := &valueLabels{name: "disposition_", text: map[string]int{}}
	for _, d := range survey.Dispositions {
		whole, frac, _ := strings.Cut(d.Code, ".")
		frac = (frac + "00")[:2]
		n, err := strconv.Atoi(whole + frac)
		if err != nil {
			continue
		}
		l := d.EN
		if s.aapor == "id" {
			l = d.ID
		}
		vl.codes = append(vl.codes, n)
		vl.labels = append(vl.labels, l)
		vl.names = append(vl.names, d.Code)
		vl.text[d.Code] = n
	}
	sets["disposition_"], sets["name:disposition_"] = vl, vl
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
	v.filled++
	v.bytes += int64(len(s))
	if len(s) > savMaxString {
		v.long++
	}
	switch {
	case v.kind == varNumber && v.labels != nil && v.labels.text != nil:
		if _, ok := v.labels.text[s]; !ok {
			v.kind, v.outside = varString, s
		}
	case v.kind == varNumber:
		if n, err := strconv.ParseInt(s, 10, 32); err != nil || n > math.MaxInt32-27 {
			v.ints = false
			if _, ok := parseNumber(s); !ok {
				v.kind = varString
			}
		}
	case v.kind == varDate:
		if _, ok := parseDay(s); !ok {
			v.kind = varString
		}
	case v.kind == varDateTime:
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			v.kind = varString
		}
	}
	if v.kind == varString {
		v.labels = nil
	}
}

func parseNumber(s string) (float64, bool) {
	if !survey.PlainNumber(s) {
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
	ends  []int
	buf   []byte
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

// next reads the next row; its cells share one string.
func (sp *spooled) next() ([]string, error) {
	sp.buf, sp.ends = sp.buf[:0], sp.ends[:0]
	for range sp.cells {
		n, err := binary.ReadUvarint(sp.r)
		if err != nil {
			return nil, err
		}
		start := len(sp.buf)
		sp.buf = slices.Grow(sp.buf, int(n))[:start+int(n)]
		if _, err := io.ReadFull(sp.r, sp.buf[start:]); err != nil {
			return nil, err
		}
		sp.ends = append(sp.ends, len(sp.buf))
	}
	row, start := string(sp.buf), 0
	for i, end := range sp.ends {
		sp.cells[i], start = row[start:end], end
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

// statCodes adds the codebook column "stat_values": for a select with text codes, the
// number each code is stored as in the SPSS and Stata files ("1 = yes" lines), or why the
// variable holds the codes as text.
func (k *statSink) statCodes(codebook [][]string) [][]string {
	if len(codebook) == 0 {
		return codebook
	}
	vars := map[[2]string]*statVar{}
	for _, st := range k.tables {
		for i := range st.t.cols {
			vars[[2]string{st.t.name, st.t.cols[i].name}] = &st.vars[i]
		}
	}
	out := make([][]string, len(codebook))
	out[0] = append(slices.Clone(codebook[0]), "stat_values")
	for i, r := range codebook[1:] {
		val := ""
		if v := vars[[2]string{r[0], r[1]}]; v != nil {
			switch {
			case v.outside != "":
				val = fmt.Sprintf("text codes: %q is not a code of the list", truncate(v.outside, 100))
			case v.kind == varNumber && v.labels != nil && v.labels.text != nil:
				lines := make([]string, len(v.labels.names))
				for j, c := range v.labels.names {
					lines[j] = strconv.Itoa(v.labels.text[c]) + " = " + c
				}
				val = strings.Join(lines, "\n")
			}
		}
		out[i+1] = append(slices.Clone(r), val)
	}
	return out
}

func (k *statSink) finish(codebook [][]string) error {
	defer k.abort()
	codebook = k.statCodes(codebook)
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

// cut lists the variables whose values the files cut: in SPSS files, those over
// savMaxString bytes. Stata files hold every value whole (a strL past str#).
func (k *statSink) cut() []Cut {
	if k.format != SAV {
		return nil
	}
	var out []Cut
	for _, st := range k.tables {
		for _, v := range st.vars {
			if v.long > 0 {
				out = append(out, Cut{Table: st.t.name, Variable: v.name, Values: v.long, Limit: savMaxString})
			}
		}
	}
	return out
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
