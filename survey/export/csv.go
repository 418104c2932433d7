package export

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tracer/survey"
)

// bom is the UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8.
const bom = "\uFEFF"

// csvTable is one table's CSV writer: the open zip entry for the interview table, a
// temporary file for a repeat table.
type csvTable struct {
	w    *csvWriter
	buf  *bufio.Writer
	file *os.File
}

type csvSink struct {
	s       *schema
	zw      *zip.Writer
	tables  []*csvTable
	cells   []string
	dialect CSVDialect
	now     time.Time
}

func newCSVSink(w io.Writer, s *schema, opt Options) (*csvSink, error) {
	tempDir := opt.TempDir
	zw := zip.NewWriter(w)
	fastDeflate(zw)
	k := &csvSink{s: s, zw: zw, dialect: opt.CSVDialect, now: opt.Now}
	for i, t := range s.tables {
		var out io.Writer
		ct := &csvTable{}
		if i == 0 {
			entry, err := createEntry(zw, t.name+".csv", opt.Now)
			if err != nil {
				return nil, err
			}
			out = entry
		} else {
			f, err := os.CreateTemp(tempDir, "tracer-export-*.csv")
			if err != nil {
				k.abort()
				return nil, fmt.Errorf("export %s: %w", t.name, err)
			}
			ct.file = f
			ct.buf = bufio.NewWriterSize(f, 64<<10)
			out = ct.buf
		}
		k.tables = append(k.tables, ct)
		ct.w = newCSVWriter(out, k.dialect)
		ct.w.lf = true
		if i == 0 {
			// The zip entry is written to by the csvWriter's own buffer.
			if _, err := io.WriteString(out, bom); err != nil {
				return nil, err
			}
		} else if _, err := ct.buf.WriteString(bom); err != nil {
			return nil, err
		}
		header := make([]string, len(t.cols))
		for j, c := range t.cols {
			header[j] = c.name
		}
		if err := k.write(ct.w, nil, header); err != nil {
			k.abort()
			return nil, err
		}
	}
	return k, nil
}

// createEntry adds a deflated zip entry dated now.
func createEntry(zw *zip.Writer, name string, now time.Time) (io.Writer, error) {
	return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
}

func newCSVWriter(w io.Writer, d CSVDialect) *csvWriter {
	cw := &csvWriter{w: w, comma: ','}
	if d == CSVExcelID {
		cw.comma = ';'
	}
	for _, c := range []byte{'\n', '\r', '"', cw.comma} {
		cw.quoted[c] = true
	}
	return cw
}

// csvWriter writes CSV records exactly as encoding/csv's Writer does with an ASCII comma
// and lines ending in \n: a field is quoted when it holds the comma, a quote, CR or LF,
// starts with a space (unicode.IsSpace) or is \., and a quote inside is doubled. Records
// are appended to one buffer, written out past csvFlushSize.
type csvWriter struct {
	w      io.Writer
	comma  byte
	quoted [256]bool // the bytes that make a field quoted: the comma, a quote, CR, LF
	lf     bool      // write CR LF inside a field as LF
	buf    []byte
	err    error
}

// csvFlushSize is how much a csvWriter holds before writing it out.
const csvFlushSize = 32 << 10

// Write writes one record.
func (w *csvWriter) Write(record []string) error {
	if w.err != nil {
		return w.err
	}
	b := w.buf
	for n, f := range record {
		if n > 0 {
			b = append(b, w.comma)
		}
		if !w.needsQuotes(f) {
			b = append(b, f...)
			continue
		}
		// A field with CR is quoted before and after CR LF becomes LF.
		if w.lf && strings.Contains(f, "\r\n") {
			f = strings.ReplaceAll(f, "\r\n", "\n")
		}
		b = append(b, '"')
		for {
			i := strings.IndexByte(f, '"')
			if i < 0 {
				break
			}
			b = append(b, f[:i+1]...)
			b = append(b, '"')
			f = f[i+1:]
		}
		b = append(b, f...)
		b = append(b, '"')
	}
	w.buf = append(b, '\n')
	if len(w.buf) >= csvFlushSize {
		w.Flush()
	}
	return w.err
}

// Flush writes out what the writer holds.
func (w *csvWriter) Flush() {
	if w.err == nil && len(w.buf) > 0 {
		_, w.err = w.w.Write(w.buf)
	}
	w.buf = w.buf[:0]
}

// Error returns the first error of a write.
func (w *csvWriter) Error() error { return w.err }

// needsQuotes reports whether encoding/csv quotes field f with w's comma.
func (w *csvWriter) needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	i := 0
	// Eight bytes at a time while none is a control byte, a quote or the comma.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quotes, commas := uint64(ones*'"'), uint64(ones)*uint64(w.comma)
	for ; i+8 <= len(f); i += 8 {
		x := uint64(f[i]) | uint64(f[i+1])<<8 | uint64(f[i+2])<<16 | uint64(f[i+3])<<24 |
			uint64(f[i+4])<<32 | uint64(f[i+5])<<40 | uint64(f[i+6])<<48 | uint64(f[i+7])<<56
		control := (x - ones*0x20) &^ x
		quote := (x ^ quotes - ones) &^ (x ^ quotes)
		comma := (x ^ commas - ones) &^ (x ^ commas)
		if (control|quote|comma)&highs != 0 {
			break
		}
	}
	for ; i < len(f); i++ {
		if w.quoted[f[i]] {
			return true
		}
	}
	if c := f[0]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\v' || c == '\f' || f == `\.`
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}

// write writes one CSV record of a table with columns cols (nil for a header or the
// codebook), neutralising formulas and turning CR LF into LF.
func (k *csvSink) write(w *csvWriter, cols []column, cells []string) error {
	if cap(k.cells) < len(cells) {
		k.cells = make([]string, len(cells))
	}
	out := k.cells[:len(cells)]
	for i, v := range cells {
		if k.dialect == CSVExcelID && cols != nil {
			out[i] = excelIDValue(&cols[i], v)
		} else {
			out[i] = survey.Neutralize(v) // the writer turns CR LF into LF (w.lf)
		}
	}
	return w.Write(out)
}

func csvValue(v string) string {
	v = survey.Neutralize(v)
	if strings.IndexByte(v, '\r') >= 0 && strings.Contains(v, "\r\n") {
		v = strings.ReplaceAll(v, "\r\n", "\n")
	}
	return v
}

// excelIDValue writes a value for Excel set to Indonesian: a number of a numeric column with
// a decimal comma; a text value that Excel would change by reading it as a number or a date
// (a NIK of 16 digits, a phone number, a code with leading zeros, 2026.11.1) after a tab,
// which makes Excel keep it as text; any other text neutralised as in standard CSV. Dates
// (YYYY-MM-DD) are left for Excel to read as dates, and small whole numbers in text columns
// (select codes) as numbers, since Excel shows them unchanged.
func excelIDValue(c *column, v string) string {
	if c.num && survey.PlainNumber(v) {
		return strings.Replace(v, ".", ",", 1)
	}
	n := csvValue(v)
	if n == v && numberLike(v) && !excelKeeps(v) && !(dateKind(c) == varDate && len(v) == 10) {
		return "\t" + v
	}
	return n
}

// excelKeeps reports whether Excel shows v unchanged after reading it as a number: a whole
// number of at most 15 digits (Excel's precision) without a sign or a leading zero.
func excelKeeps(v string) bool {
	if len(v) == 0 || len(v) > 15 || (v[0] == '0' && len(v) > 1) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

func (k *csvSink) row(t *table, cells []string) error {
	return k.write(k.tables[t.id].w, t.cols, cells)
}

func (k *csvSink) finish(codebook [][]string) error {
	defer k.abort()
	main := k.tables[0].w
	main.Flush()
	if err := main.Error(); err != nil {
		return fmt.Errorf("export interviews: %w", err)
	}
	for i, t := range k.s.tables[1:] {
		ct := k.tables[i+1]
		ct.w.Flush()
		if err := ct.w.Error(); err != nil {
			return fmt.Errorf("export %s: %w", t.name, err)
		}
		if err := ct.buf.Flush(); err != nil {
			return fmt.Errorf("export %s: %w", t.name, err)
		}
		entry, err := createEntry(k.zw, t.name+".csv", k.now)
		if err != nil {
			return err
		}
		if _, err := ct.file.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(entry, ct.file); err != nil {
			return fmt.Errorf("export %s: %w", t.name, err)
		}
	}
	if err := writeCSVCodebook(k.zw, codebook, k.now, k.dialect); err != nil {
		return err
	}
	return k.zw.Close()
}

// writeCSVCodebook adds the codebook to a zip as codebook.csv.
func writeCSVCodebook(zw *zip.Writer, codebook [][]string, now time.Time, d CSVDialect) error {
	entry, err := createEntry(zw, "codebook.csv", now)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(entry, bom); err != nil {
		return err
	}
	k := &csvSink{dialect: d}
	cw := newCSVWriter(entry, d)
	for _, r := range codebook {
		if err := k.write(cw, nil, r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// abort removes the temporary files.
func (k *csvSink) abort() {
	for _, ct := range k.tables {
		if ct.file != nil {
			ct.file.Close()
			os.Remove(ct.file.Name())
			ct.file = nil
		}
	}
}

// numberLike reports whether Excel could take text v for a number, a date or a time: a
// plain number, or a digit followed only by digits, spaces and . , / : - characters.
func numberLike(v string) bool {
	if survey.PlainNumber(v) {
		return true
	}
	if v == "" || v[0] < '0' || v[0] > '9' {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || strings.IndexByte(" .,/:-", c) >= 0) {
			return false
		}
	}
	return true
}
