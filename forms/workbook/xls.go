package workbook

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
)

// The legacy .xls format (Excel 97-2003): a compound file (OLE2) holding a "Workbook"
// stream of BIFF8 records. The reader takes what a form or a roster needs, each cell's
// value, and nothing of the formatting but which numbers are dates. Its references are
// Microsoft's [MS-CFB] and [MS-XLS]; docs/XLSFORM.md says what it reads.

// cfbMagic starts every compound file.
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// isLegacy reports whether data is a compound file (an .xls workbook, or another Office
// 97-2003 document).
func isLegacy(data []byte) bool { return bytes.HasPrefix(data, cfbMagic) }

// BIFF8 record types the reader uses.
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recColInfo    = 0x007D
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recRString    = 0x00D6
	recXF         = 0x00E0
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRow        = 0x0208
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
)

// cell kinds of a legacy sheet.
const (
	cellText = iota + 1
	cellNumber
	cellBool
	cellError
)

type xlsCell struct {
	row, col int
	kind     byte
	formula  bool
	xf       uint16
	num      float64
	text     string
}

type xlsSheet struct {
	name   string
	offset int  // of its BOF record in the stream
	hidden bool // hidden or very hidden (hsState)
}

// legacyBook is an open .xls workbook: its stream, its sheets, its shared strings and
// which of its cell formats (XF records) show dates.
type legacyBook struct {
	stream   []byte
	sheets   []xlsSheet
	sst      []string
	dateXF   []bool
	date1904 bool
}

// ErrCorruptXLS is matched by the errors of a file that is not a readable .xls workbook;
// they match ErrCorrupt too.
var ErrCorruptXLS error = corruptXLS{}

type corruptXLS struct{}

func (corruptXLS) Error() string        { return "not a readable .xls workbook" }
func (corruptXLS) Is(target error) bool { return target == ErrCorrupt }

// corrupt is an error of a file that is not a readable .xls workbook.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorruptXLS, fmt.Sprintf(format, args...))
}

// openLegacy reads the workbook stream of the compound file data and its globals: the
// sheets, the shared strings and the formats. A damaged file is refused with an error
// matching ErrCorrupt, never a panic.
func openLegacy(ctx context.Context, data []byte, lim Limits) (b *legacyBook, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, corrupt("damaged compound file (%v)", r)
		}
	}()
	if err := checkCFBHeader(data); err != nil {
		return nil, err
	}
	cf, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, corrupt("%v", err)
	}
	var stream []byte
	for f, err := cf.Next(); err == nil; f, err = cf.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		switch f.Name {
		case "Workbook":
			if f.Size > lim.EntryBytes {
				return nil, &LimitError{Limit: "part size", Max: lim.EntryBytes, Where: "Workbook"}
			}
			stream, err = io.ReadAll(io.LimitReader(f, lim.EntryBytes+1))
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, corrupt("workbook stream: %v", err)
			}
			if int64(len(stream)) > lim.EntryBytes {
				return nil, &LimitError{Limit: "part size", Max: lim.EntryBytes, Where: "Workbook"}
			}
		case "Book":
			if stream == nil {
				return nil, corrupt("an Excel 5.0/95 workbook, older than the .xls files tracer reads; open it in Excel or LibreOffice and save it as .xlsx")
			}
		}
		if stream != nil {
			break
		}
	}
	if stream == nil {
		return nil, corrupt("no workbook stream (not an Excel file)")
	}
	b = &legacyBook{stream: stream}
	if err := b.readGlobals(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// checkCFBHeader refuses a compound file whose header counts more sectors of a kind than
// the file holds: the compound file reader sizes its tables from these counts, so a hostile
// header could make it ask for gigabytes.
func checkCFBHeader(data []byte) error {
	if len(data) < 512 {
		return corrupt("shorter than a compound file's header")
	}
	shift := binary.LittleEndian.Uint16(data[0x1E:])
	if shift != 9 && shift != 12 {
		return corrupt("sector size 2^%d", shift)
	}
	sectors := uint64(len(data))>>shift + 1
	for _, f := range []struct {
		off  int
		what string
	}{{0x28, "directory"}, {0x2C, "FAT"}, {0x40, "mini FAT"}, {0x48, "DIFAT"}} {
		if n := uint64(binary.LittleEndian.Uint32(data[f.off:])); n > sectors {
			return corrupt("the header counts %d %s sectors in a file of %d", n, f.what, sectors)
		}
	}
	return nil
}

// record is one BIFF record of the stream: its type, its data and where the next one starts.
type record struct {
	typ  uint16
	data []byte
	next int
}

// recordAt reads the record at offset off of the stream.
func (b *legacyBook) recordAt(off int) (record, error) {
	if off+4 > len(b.stream) {
		return record{}, corrupt("record header past the end of the stream at byte %d", off)
	}
	typ := binary.LittleEndian.Uint16(b.stream[off:])
	n := int(binary.LittleEndian.Uint16(b.stream[off+2:]))
	if off+4+n > len(b.stream) {
		return record{}, corrupt("record 0x%04X at byte %d runs past the end of the stream", typ, off)
	}
	return record{typ: typ, data: b.stream[off+4 : off+4+n], next: off + 4 + n}, nil
}

// continued returns the data of rec and of the CONTINUE records that follow it, each in
// its own segment (a string's characters that cross into the next one restart there with
// a flags byte), and where the record after them starts.
func (b *legacyBook) continued(rec record) ([][]byte, int, error) {
	segs := [][]byte{rec.data}
	next := rec.next
	for next+4 <= len(b.stream) && binary.LittleEndian.Uint16(b.stream[next:]) == recContinue {
		c, err := b.recordAt(next)
		if err != nil {
			return nil, 0, err
		}
		segs = append(segs, c.data)
		next = c.next
	}
	return segs, next, nil
}

// readGlobals reads the workbook globals substream: the BOF that says BIFF8, the sheets,
// the 1904 date system, the formats and cell formats, and the shared strings.
func (b *legacyBook) readGlobals(ctx context.Context) error {
	rec, err := b.recordAt(0)
	if err != nil {
		return err
	}
	if rec.typ != recBOF || len(rec.data) < 4 {
		return corrupt("the workbook stream does not start with a BOF record")
	}
	if v := binary.LittleEndian.Uint16(rec.data); v != 0x0600 {
		return corrupt("a workbook older than Excel 97 (BIFF version 0x%04X); open it in Excel or LibreOffice and save it as .xlsx", v)
	}
	var formatIDs []uint16 // each XF's number format, in order
	dateFormats := map[uint16]bool{}
	for off := rec.next; ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := b.recordAt(off)
		if err != nil {
			return err
		}
		off = rec.next
		d := rec.data
		switch rec.typ {
		case recEOF:
			b.dateXF = make([]bool, len(formatIDs))
			for i, f := range formatIDs {
				b.dateXF[i] = builtinDate(f) || dateFormats[f]
			}
			return nil
		case recFilePass:
			return corrupt("the workbook is protected by a password; remove the password in Excel or LibreOffice and save it again")
		case recDateMode:
			b.date1904 = len(d) >= 2 && binary.LittleEndian.Uint16(d) == 1
		case recBoundSheet:
			if len(d) < 8 {
				return corrupt("short sheet record")
			}
			if d[5] != 0 { // a chart, a macro sheet or a VBA module, not a worksheet
				continue
			}
			name, _, err := shortString(d[6:])
			if err != nil {
				return corrupt("sheet name: %v", err)
			}
			b.sheets = append(b.sheets, xlsSheet{name: name, offset: int(binary.LittleEndian.Uint32(d)), hidden: d[4]&3 != 0})
		case recFormat:
			if len(d) < 2 {
				return corrupt("short format record")
			}
			code, err := unicodeString(d[2:])
			if err != nil {
				return corrupt("number format: %v", err)
			}
			dateFormats[binary.LittleEndian.Uint16(d)] = isDateFormat(code)
		case recXF:
			if len(d) < 4 {
				return corrupt("short cell format record")
			}
			formatIDs = append(formatIDs, binary.LittleEndian.Uint16(d[2:]))
		case recSST:
			segs, next, err := b.continued(rec)
			if err != nil {
				return err
			}
			off = next
			if b.sst, err = readSST(segs); err != nil {
				return err
			}
		}
	}
}

// builtinDate reports whether Excel's built-in number format id shows a date or a time.
func builtinDate(id uint16) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
}

// isDateFormat reports whether a custom number format shows a date or a time: a d, m, y,
// h or s outside quoted text, escapes and brackets (colours, conditions, locales), where a
// format of digits has none.
func isDateFormat(code string) bool {
	if strings.HasPrefix(strings.ToLower(code), "[h") || strings.HasPrefix(strings.ToLower(code), "[m") || strings.HasPrefix(strings.ToLower(code), "[s") {
		return true // elapsed time
	}
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case quoted:
			quoted = c != '"'
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal, or padding
		case c == ';':
			return false // only the first section decides
		case strings.IndexByte("dmyhsDMYHS", c) >= 0:
			return true
		}
	}
	return false
}

// segments reads bytes across the data of a record and its CONTINUE records.
type segments struct {
	segs [][]byte
	i    int
	pos  int
}

func (s *segments) more() bool {
	for s.i < len(s.segs) && s.pos >= len(s.segs[s.i]) {
		s.i++
		s.pos = 0
	}
	return s.i < len(s.segs)
}

func (s *segments) byte() (byte, error) {
	if !s.more() {
		return 0, errors.New("string past the end of its record")
	}
	c := s.segs[s.i][s.pos]
	s.pos++
	return c, nil
}

func (s *segments) uint(n int) (uint32, error) {
	var v uint32
	for k := 0; k < n; k++ {
		c, err := s.byte()
		if err != nil {
			return 0, err
		}
		v |= uint32(c) << (8 * k)
	}
	return v, nil
}

func (s *segments) skip(n int) error {
	for n > 0 {
		if !s.more() {
			return errors.New("string past the end of its record")
		}
		k := min(n, len(s.segs[s.i])-s.pos)
		s.pos += k
		n -= k
	}
	return nil
}

// chars reads n characters, one byte each (Latin-1) or two (UTF-16) as high says; where
// they cross into the next segment, that segment starts with a new flags byte.
func (s *segments) chars(n int, high bool) (string, error) {
	var sb strings.Builder
	var units []uint16
	for n > 0 {
		if s.pos >= len(s.segs[s.i]) {
			if s.i+1 >= len(s.segs) {
				return "", errors.New("string past the end of its record")
			}
			s.i, s.pos = s.i+1, 0
			flags, err := s.byte()
			if err != nil {
				return "", err
			}
			high = flags&1 != 0
		}
		seg := s.segs[s.i][s.pos:]
		if high {
			k := min(n, len(seg)/2)
			if k == 0 {
				return "", errors.New("a character split between records")
			}
			for j := 0; j < k; j++ {
				units = append(units, binary.LittleEndian.Uint16(seg[2*j:]))
			}
			s.pos += 2 * k
			n -= k
		} else {
			k := min(n, len(seg))
			flushUTF16(&sb, &units)
			for _, c := range seg[:k] {
				sb.WriteRune(rune(c))
			}
			s.pos += k
			n -= k
		}
	}
	flushUTF16(&sb, &units)
	return sb.String(), nil
}

func flushUTF16(sb *strings.Builder, units *[]uint16) {
	if len(*units) > 0 {
		sb.WriteString(string(utf16.Decode(*units)))
		*units = (*units)[:0]
	}
}

// richString reads an XLUnicodeRichExtendedString (a shared string, a formula's string
// result): a 16-bit length, flags, its characters, then formatting runs and phonetic data
// that are skipped.
func (s *segments) richString() (string, error) {
	n, err := s.uint(2)
	if err != nil {
		return "", err
	}
	flags, err := s.byte()
	if err != nil {
		return "", err
	}
	var runs, ext uint32
	if flags&0x08 != 0 {
		if runs, err = s.uint(2); err != nil {
			return "", err
		}
	}
	if flags&0x04 != 0 {
		if ext, err = s.uint(4); err != nil {
			return "", err
		}
	}
	str, err := s.chars(int(n), flags&1 != 0)
	if err != nil {
		return "", err
	}
	if err := s.skip(4*int(runs) + int(ext)); err != nil {
		return "", err
	}
	return str, nil
}

// readSST reads the shared string table.
func readSST(segs [][]byte) ([]string, error) {
	s := &segments{segs: segs}
	if err := s.skip(4); err != nil { // the total count of uses
		return nil, corrupt("shared strings: %v", err)
	}
	n, err := s.uint(4)
	if err != nil {
		return nil, corrupt("shared strings: %v", err)
	}
	total := 0
	for _, seg := range segs {
		total += len(seg)
	}
	out := make([]string, 0, min(int(n), total/3)) // each string takes at least 3 bytes
	for i := 0; i < int(n) && s.more(); i++ {
		str, err := s.richString()
		if err != nil {
			return nil, corrupt("shared string %d: %v", i, err)
		}
		out = append(out, str)
	}
	return out, nil
}

// shortString reads a ShortXLUnicodeString (a sheet's name): an 8-bit length, flags and
// the characters. It returns the string and the bytes it took.
func shortString(d []byte) (string, int, error) {
	if len(d) < 2 {
		return "", 0, errors.New("short string")
	}
	n, high := int(d[0]), d[1]&1 != 0
	s := &segments{segs: [][]byte{d[2:]}}
	str, err := s.chars(n, high)
	return str, 2 + s.pos, err
}

// unicodeString reads an XLUnicodeString (a number format, a LABEL cell): a 16-bit length,
// flags and the characters.
func unicodeString(d []byte) (string, error) {
	if len(d) < 3 {
		return "", errors.New("short string")
	}
	s := &segments{segs: [][]byte{d[3:]}}
	return s.chars(int(binary.LittleEndian.Uint16(d)), d[2]&1 != 0)
}

// rk decodes an RK number: a 30-bit integer or the high bits of a double, maybe divided by
// 100.
func rk(v uint32) float64 {
	var x float64
	if v&2 != 0 {
		x = float64(int32(v) >> 2)
	} else {
		x = math.Float64frombits(uint64(v&^3) << 32)
	}
	if v&1 != 0 {
		x /= 100
	}
	return x
}

// xlsSheetData is what sheetCells reads of a sheet.
type xlsSheetData struct {
	cells      []xlsCell    // in row, then column order
	hiddenRows map[int]bool // 0-based
	hiddenCols []int        // 1-based, in order
}

// sheetCells reads the cells of sheet in row, then column order, and which of its rows
// (ROW records) and columns (COLINFO records) are hidden.
func (b *legacyBook) sheetCells(ctx context.Context, sh xlsSheet, lim Limits) (*xlsSheetData, error) {
	rec, err := b.recordAt(sh.offset)
	if err != nil {
		return nil, err
	}
	if rec.typ != recBOF {
		return nil, corrupt("sheet %s does not start with a BOF record", sh.name)
	}
	var cells []xlsCell
	data := &xlsSheetData{}
	var hiddenCol []bool // by 0-based column
	pending := -1        // the formula cell whose string result the next STRING record holds
	add := func(c xlsCell) error {
		if c.col >= lim.Columns {
			return &LimitError{Limit: "columns", Max: int64(lim.Columns), Where: fmt.Sprintf("sheet %s row %d", sh.name, c.row+1)}
		}
		if c.row >= lim.Rows {
			return &LimitError{Limit: "rows", Max: int64(lim.Rows), Where: "sheet " + sh.name}
		}
		if len(c.text) > lim.CellBytes {
			name, _ := excelize.CoordinatesToCellName(c.col+1, c.row+1)
			return &LimitError{Limit: "cell length", Max: int64(lim.CellBytes), Where: fmt.Sprintf("%s!%s", sh.name, name)}
		}
		cells = append(cells, c)
		return nil
	}
	for off := rec.next; ; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := b.recordAt(off)
		if err != nil {
			return nil, err
		}
		off = rec.next
		d := rec.data
		if rec.typ == recEOF {
			break
		}
		if rec.typ == recBOF { // an embedded chart's substream: skip to its end
			for depth := 1; depth > 0; {
				r, err := b.recordAt(off)
				if err != nil {
					return nil, err
				}
				off = r.next
				switch r.typ {
				case recBOF:
					depth++
				case recEOF:
					depth--
				}
			}
			continue
		}
		var c xlsCell
		if len(d) >= 6 {
			c = xlsCell{row: int(binary.LittleEndian.Uint16(d)), col: int(binary.LittleEndian.Uint16(d[2:])), xf: binary.LittleEndian.Uint16(d[4:])}
		}
		short := func(n int) error {
			return corrupt("sheet %s: record 0x%04X shorter than %d bytes", sh.name, rec.typ, n)
		}
		switch rec.typ {
		case recRow:
			if len(d) >= 16 && binary.LittleEndian.Uint32(d[12:])&0x20 != 0 { // fDyZero
				if r := int(binary.LittleEndian.Uint16(d)); r < lim.Rows {
					if data.hiddenRows == nil {
						data.hiddenRows = map[int]bool{}
					}
					data.hiddenRows[r] = true
				}
			}
			continue
		case recColInfo:
			if len(d) >= 10 && binary.LittleEndian.Uint16(d[8:])&1 != 0 { // fHidden
				first, last := int(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:]))
				for c := first; c <= min(last, lim.Columns-1); c++ {
					if hiddenCol == nil {
						hiddenCol = make([]bool, lim.Columns)
					}
					hiddenCol[c] = true
				}
			}
			continue
		case recLabelSST:
			if len(d) < 10 {
				return nil, short(10)
			}
			i := binary.LittleEndian.Uint32(d[6:])
			if int(i) >= len(b.sst) {
				return nil, corrupt("sheet %s: shared string %d of %d", sh.name, i, len(b.sst))
			}
			c.kind, c.text = cellText, b.sst[i]
		case recLabel, recRString:
			if len(d) < 9 {
				return nil, short(9)
			}
			segs, next, err := b.continued(record{data: d[6:], next: off})
			if err != nil {
				return nil, err
			}
			off = next
			s := &segments{segs: segs}
			n, _ := s.uint(2)
			flags, _ := s.byte()
			if c.text, err = s.chars(int(n), flags&1 != 0); err != nil {
				return nil, corrupt("sheet %s: text cell: %v", sh.name, err)
			}
			c.kind = cellText
		case recNumber:
			if len(d) < 14 {
				return nil, short(14)
			}
			c.kind, c.num = cellNumber, math.Float64frombits(binary.LittleEndian.Uint64(d[6:]))
		case recRK:
			if len(d) < 10 {
				return nil, short(10)
			}
			c.kind, c.num = cellNumber, rk(binary.LittleEndian.Uint32(d[6:]))
		case recMulRK:
			if len(d) < 6 || (len(d)-6)%6 != 0 {
				return nil, short(12)
			}
			for i := 0; 4+6*i+6 <= len(d)-2; i++ {
				e := d[4+6*i:]
				m := xlsCell{row: c.row, col: c.col + i, kind: cellNumber, xf: binary.LittleEndian.Uint16(e), num: rk(binary.LittleEndian.Uint32(e[2:]))}
				if err := add(m); err != nil {
					return nil, err
				}
			}
			continue
		case recBoolErr:
			if len(d) < 8 {
				return nil, short(8)
			}
			if d[7] == 0 {
				c.kind, c.num = cellBool, float64(d[6])
			} else {
				c.kind, c.num = cellError, float64(d[6])
			}
		case recFormula:
			if len(d) < 14 {
				return nil, short(14)
			}
			c.formula = true
			v := d[6:14]
			if v[6] != 0xFF || v[7] != 0xFF {
				c.kind, c.num = cellNumber, math.Float64frombits(binary.LittleEndian.Uint64(v))
				break
			}
			switch v[0] {
			case 0: // a string, in the STRING record that follows
				pending = len(cells)
				c.kind = cellText
			case 1:
				c.kind, c.num = cellBool, float64(v[2])
			case 2:
				c.kind, c.num = cellError, float64(v[2])
			case 3:
				c.kind = cellText // the empty string
			default:
				continue
			}
		case recString:
			segs, next, err := b.continued(rec)
			if err != nil {
				return nil, err
			}
			off = next
			if pending < 0 || pending >= len(cells) {
				continue
			}
			s := &segments{segs: segs}
			n, _ := s.uint(2)
			flags, _ := s.byte()
			text, err := s.chars(int(n), flags&1 != 0)
			if err != nil {
				return nil, corrupt("sheet %s: formula's text: %v", sh.name, err)
			}
			if len(text) > lim.CellBytes {
				name, _ := excelize.CoordinatesToCellName(cells[pending].col+1, cells[pending].row+1)
				return nil, &LimitError{Limit: "cell length", Max: int64(lim.CellBytes), Where: fmt.Sprintf("%s!%s", sh.name, name)}
			}
			cells[pending].text = text
			pending = -1
			continue
		default:
			continue
		}
		if err := add(c); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(cells, func(i, j int) bool {
		if cells[i].row != cells[j].row {
			return cells[i].row < cells[j].row
		}
		return cells[i].col < cells[j].col
	})
	for c, h := range hiddenCol {
		if h {
			data.hiddenCols = append(data.hiddenCols, c+1)
		}
	}
	data.cells = cells
	return data, nil
}

// legacyRows calls fn with each row of the sheet named name, as workbook.Rows does:
// its 1-based number and its cells' text (raw: numbers with all their digits and dates as
// serial numbers), empty rows included, trailing empty cells left out.
func (b *legacyBook) legacyRows(ctx context.Context, name string, lim Limits, raw bool, fn func(row int, cells []string) error) error {
	return b.legacyTypedRows(ctx, name, lim, raw, func(row int, cells []string, _ []Cell, _ bool) error { return fn(row, cells) })
}

// sheet reads the sheet named name.
func (b *legacyBook) sheet(ctx context.Context, name string, lim Limits) (*xlsSheetData, error) {
	for _, sh := range b.sheets {
		if sh.name == name {
			return b.sheetCells(ctx, sh, lim)
		}
	}
	return nil, fmt.Errorf("read sheet %s: no such sheet", name)
}

// legacyTypedRows is legacyRows telling fn, too, each cell's kind and whether the row is
// hidden.
func (b *legacyBook) legacyTypedRows(ctx context.Context, name string, lim Limits, raw bool, fn func(row int, cells []string, kinds []Cell, hidden bool) error) error {
	data, err := b.sheet(ctx, name, lim)
	if err != nil {
		return err
	}
	cells := data.cells
	next := 0 // the next row number to give fn, 0-based
	for i := 0; i < len(cells); {
		r := cells[i].row
		for ; next < r; next++ {
			if err := fn(next+1, nil, nil, false); err != nil {
				return err
			}
		}
		var row []string
		var kinds []Cell
		for ; i < len(cells) && cells[i].row == r; i++ {
			c := cells[i]
			for len(row) < c.col {
				row = append(row, "")
				kinds = append(kinds, Cell{})
			}
			v, k := b.text(c, raw), b.kind(c)
			if len(row) == c.col {
				row, kinds = append(row, v), append(kinds, k)
			} else {
				row[c.col], kinds[c.col] = v, k // a second record for the same cell: the last one counts
			}
		}
		for len(row) > 0 && row[len(row)-1] == "" {
			row, kinds = row[:len(row)-1], kinds[:len(row)-1]
		}
		if err := fn(r+1, row, kinds, len(row) > 0 && data.hiddenRows[r]); err != nil {
			return err
		}
		next = r + 1
	}
	return nil
}

// text is a cell's value as pyxform reads an .xls cell: text as it is, numbers without a
// fraction as integers and others as Python prints them, booleans TRUE and FALSE, dates
// as "2006-01-02 15:04:05" (a time alone as "15:04:05"). Raw, a number is its value
// whatever its format.
func (b *legacyBook) text(c xlsCell, raw bool) string {
	switch c.kind {
	case cellText:
		return c.text
	case cellBool:
		if c.num != 0 {
			return "TRUE"
		}
		return "FALSE"
	case cellError:
		return errorText(byte(c.num))
	case cellNumber:
		if !raw && int(c.xf) < len(b.dateXF) && b.dateXF[c.xf] {
			if s, ok := dateText(c.num, b.date1904); ok {
				return s
			}
		}
		return numberText(c.num)
	}
	return ""
}

// kind is what cell c holds.
func (b *legacyBook) kind(c xlsCell) Cell {
	k := Cell{Formula: c.formula}
	switch c.kind {
	case cellText:
		k.Kind = Text
	case cellBool:
		k.Kind = Bool
	case cellError:
		k.Kind = Error
	case cellNumber:
		k.Kind = Number
		if int(c.xf) < len(b.dateXF) && b.dateXF[c.xf] {
			k.Kind = Date
		}
	}
	return k
}

// numberText prints x as Python's str() does after pyxform's int() test: an integer
// without a fraction, anything else in the shortest form that reads back the same.
func numberText(x float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return strconv.FormatFloat(x, 'g', -1, 64)
	case x == math.Trunc(x):
		if x == 0 {
			return "0"
		}
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	// Python: fixed notation for exponents from -4 to 15, else d.ddde+XX.
	e := strconv.FormatFloat(x, 'e', -1, 64)
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	if exp >= -4 && exp < 16 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	return fmt.Sprintf("%se%s%02d", mant, sign, exp)
}

// dateText prints an Excel serial date as pyxform does, rounded to the second.
func dateText(x float64, date1904 bool) (string, bool) {
	if x < 0 || x >= 2958466 || math.IsNaN(x) {
		return "", false
	}
	days := math.Floor(x)
	secs := math.Round((x - days) * 86400)
	if secs >= 86400 {
		days, secs = days+1, secs-86400
	}
	var base time.Time
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days == 0:
		t := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(secs) * time.Second)
		return t.Format("15:04:05"), true
	case days < 61:
		return "", false // 1900's first two months: Excel's calendar differs from the real one
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if date1904 && days == 0 {
		return t.Format("15:04:05"), true
	}
	return t.Format("2006-01-02 15:04:05"), true
}

// errorText is the text Excel shows for an error value.
func errorText(code byte) string {
	switch code {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	}
	return "#ERROR"
}
