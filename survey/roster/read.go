package roster

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"tracer/forms/workbook"
)

// MaxFileSize is the largest roster file read, far above any real roster.
const MaxFileSize = 32 << 20

// Limits bound what a roster file may make the program read; a file over one is refused
// with an error naming the limit and where it was passed (a *workbook.LimitError). They fit
// a roster of 100,000 alumni with a few dozen columns.
var Limits = workbook.Limits{
	FileBytes:  MaxFileSize,
	EntryBytes: 64 << 20,
	TotalBytes: 96 << 20,
	Rows:       100000,
	Columns:    256,
	CellBytes:  4 << 10,
}

// MaxCells is the most cells a roster file may hold, counted up to each row's last cell.
const MaxCells = 4_000_000

// collector gathers a file's rows within Limits and MaxCells, and stops when ctx is done.
type collector struct {
	ctx   context.Context
	rows  []Row
	cells int
}

func (c *collector) add(n int, cells []string, where func() string) error {
	if len(c.rows)%1024 == 0 {
		if err := c.ctx.Err(); err != nil {
			return err
		}
	}
	over := func(what string, max int) error {
		return fmt.Errorf("%w: the file has more than %d %s (%s)", workbook.ErrLimit, max, what, where())
	}
	if len(c.rows) >= Limits.Rows {
		return over("rows", Limits.Rows)
	}
	if len(cells) > Limits.Columns {
		return over("columns", Limits.Columns)
	}
	for _, v := range cells {
		if len(v) > Limits.CellBytes {
			return fmt.Errorf("%w: a cell holds more than %d KB of text (%s)", workbook.ErrLimit, Limits.CellBytes>>10, where())
		}
	}
	if c.cells += len(cells); c.cells > MaxCells {
		return over("cells", MaxCells)
	}
	c.rows = append(c.rows, Row{N: n, Cells: cells})
	return nil
}

// Table is a roster file as text: its header and its rows, each with the row number a
// spreadsheet user would see (the header is usually row 1) and, in a workbook, its sheet.
type Table struct {
	HeaderSheet string
	HeaderRow   int
	Header      []string
	Rows        []Row
	// Date1904: the workbook counts its serial day numbers from 1904 (see
	// workbook.Workbook.Date1904).
	Date1904 bool
	// HiddenColumns are the columns hidden in the workbook's sheets that hold a header or
	// a value.
	HiddenColumns []HiddenColumn
	// HiddenSheets are the workbook's sheets read that are hidden in it, each with its
	// header row (Col 0).
	HiddenSheets []HiddenColumn
	// sheets are the workbook's sheets read, in order.
	sheets []string
	// layouts says, by sheet, where a workbook's sheets have the table's columns; nil for
	// a text file, whose columns are the table's.
	layouts map[string]*layout
}

// layout is where one sheet of a workbook has the columns of a Table.
type layout struct {
	cols   []int // by the table's column, the sheet's (1 for A); 0 where the sheet has none
	header int   // the columns of the sheet's header row
}

// column returns the column of row's sheet that holds the row's cell i (1 for A), 0 when
// the sheet has no such column. Cells from len(t.Header) on are those right of the
// sheet's header, in order.
func (t *Table) column(row Row, i int) int {
	l := t.layouts[row.Sheet]
	switch {
	case l == nil:
		return i + 1
	case i >= len(t.Header):
		return l.header + i - len(t.Header) + 1
	case i < len(l.cols):
		return l.cols[i]
	}
	return 0
}

// columnName names the column of row's sheet that holds the row's cell i: "column F" in a
// workbook, "column 6" in a text file.
func (t *Table) columnName(row Row, i int) string {
	if t.layouts[row.Sheet] == nil {
		return fmt.Sprintf("column %d", i+1)
	}
	return "column " + columnName(t.column(row, i))
}

// HiddenColumn is a column hidden in a sheet: its number (1 for A), the sheet's header
// row and the column's header there ("" when it has none).
type HiddenColumn struct {
	Sheet     string
	HeaderRow int
	Col       int
	Header    string
}

// Row is one row of a Table.
type Row struct {
	Sheet  string // the workbook's sheet, "" in a text file
	N      int
	Cells  []string
	Hidden bool // hidden in the workbook's sheet
	// Types says what each of Cells held in the workbook (a number, a date, an error
	// value, a formula's result), for Parse to judge the cell by its type and not only by
	// its text; nil in a text file and in a row of plain text.
	Types []workbook.Cell
}

// typeOf returns what cell i of the row held, the zero workbook.Cell for plain text or
// when unknown.
func (r Row) typeOf(i int) workbook.Cell {
	if i < len(r.Types) {
		return r.Types[i]
	}
	return workbook.Cell{}
}

// Where names the row as a spreadsheet user finds it: "row 5", or "sheet Angkatan 2 row 5".
func (r Row) Where() string { return where(r.Sheet, r.N) }

func where(sheet string, n int) string {
	if sheet == "" {
		return fmt.Sprintf("row %d", n)
	}
	return fmt.Sprintf("sheet %s row %d", sheet, n)
}

// ReadFile reads a roster from an .xlsx or .xls workbook or a delimited text file (.csv,
// .txt, .tsv), within Limits, stopping when ctx is cancelled.
func ReadFile(ctx context.Context, path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var t *Table
	if ext := filepath.Ext(path); strings.EqualFold(ext, ".xlsx") || strings.EqualFold(ext, ".xls") {
		t, err = ReadXLSX(ctx, f)
	} else {
		t, err = ReadCSV(ctx, f)
	}
	if err != nil {
		return nil, fmt.Errorf("read roster %s: %w", path, err)
	}
	return t, nil
}

// ReadCSV reads a delimited roster as spreadsheets write it: comma, semicolon or tab (sniffed
// from the header line), UTF-8 with or without a byte order mark, UTF-16 with one, or
// Windows-1252 when the bytes are not UTF-8; CRLF or LF line ends. Blank lines count as
// rows, as a spreadsheet shows them. It keeps within Limits and stops when ctx is cancelled.
func ReadCSV(ctx context.Context, r io.Reader) (*Table, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, &workbook.LimitError{Limit: "file size", Max: MaxFileSize}
	}
	text := decodeText(b)
	delim := sniffDelimiter(text)
	if err := checkColumns(text, delim); err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	all := collector{ctx: ctx}
	lastLine := 0 // the line the previous record ended on
	row := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		start, _ := cr.FieldPos(0)
		end, _ := cr.FieldPos(len(rec) - 1)
		end += strings.Count(rec[len(rec)-1], "\n")
		row += 1 + max(0, start-lastLine-1) // blank lines in between are rows too
		lastLine = end
		if err := all.add(row, rec, func() string { return fmt.Sprintf("row %d", row) }); err != nil {
			return nil, err
		}
	}
	return newTable(all.rows)
}

// checkColumns refuses text with a record of more than Limits.Columns fields before the CSV
// reader builds it: it counts delimiters outside quotes, record by record.
func checkColumns(text string, delim rune) error {
	fields, record, quoted := 1, 1, false
	for _, c := range text {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == delim:
			if fields++; fields > Limits.Columns {
				return fmt.Errorf("%w: the file has more than %d columns (row %d)", workbook.ErrLimit, Limits.Columns, record)
			}
		case c == '\n':
			fields = 1
			record++
		}
	}
	return nil
}

// headerSearch is how many rows newTable looks through for the header.
const headerSearch = 20

// newTable splits rows into the header and the rows below it. The header is the first of
// the first rows that names at least two known columns (title rows above it are skipped),
// else the first non-blank row.
func newTable(rows []Row) (*Table, error) {
	h := headerIndex(rows)
	if h < 0 {
		for i, r := range rows {
			if !blank(r.Cells) {
				h = i
				break
			}
		}
	}
	if h < 0 {
		return nil, errors.New("file is empty")
	}
	return &Table{HeaderSheet: rows[h].Sheet, HeaderRow: rows[h].N, Header: rows[h].Cells, Rows: rows[h+1:]}, nil
}

// headerIndex returns the index of the first of the first rows that names at least two
// known columns, -1 when none does.
func headerIndex(rows []Row) int {
	for i, r := range rows {
		if i == headerSearch {
			break
		}
		known := 0
		for _, c := range r.Cells {
			if aliases[headerKey(c)] != fieldNone {
				known++
			}
		}
		if known >= 2 {
			return i
		}
	}
	return -1
}

// decodeText turns file bytes into UTF-8 text without a byte order mark.
func decodeText(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return string(b[3:])
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		le := b[0] == 0xFF
		b = b[2:]
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			if le {
				u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
			} else {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			}
		}
		return string(utf16.Decode(u))
	case utf8.Valid(b):
		return string(b)
	}
	// Excel's "CSV" on Windows writes the ANSI code page, Windows-1252 in Indonesia.
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x80 && c < 0xA0 {
			sb.WriteRune(cp1252[c-0x80])
		} else {
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// cp1252 maps the bytes 0x80-0x9F of Windows-1252; the rest agree with Latin-1.
var cp1252 = [32]rune{
	'€', '\u0081', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u008d', 'Ž', '\u008f',
	'\u0090', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u009d', 'ž', 'Ÿ',
}

// sniffDelimiter picks the delimiter that occurs most often, outside quotes, in the first line.
func sniffDelimiter(text string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, c := range text {
		if c == '"' {
			quoted = !quoted
		}
		if quoted {
			continue
		}
		if c == '\n' {
			break
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// ReadXLSX reads a roster from an .xlsx (or .xls) workbook, opened within Limits (each
// part's declared and real size, rows, columns, cell length), stopping when ctx is
// cancelled. It reads every sheet whose header, in its first rows below any title rows,
// names at least two roster columns, so a workbook with a cover sheet, or one sheet per
// batch, is read whole; the other sheets (instructions, lists) are left out. The sheets'
// headers are joined by column: a column of a later sheet goes under the column of the
// first that means the same (Nama and Nama Lengkap alike), else after the others. A
// workbook with no such sheet is read from its first sheet. Cells are read raw, so dates
// come as Excel serial numbers and numbers as the workbook stores them, each with what the
// cell holds (Row.Types: a number, a date, an error value, a formula's result) for Parse
// to judge it by; the table says too which columns are hidden and the date system.
func ReadXLSX(ctx context.Context, r io.Reader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, Limits.FileBytes+1))
	if err != nil {
		return nil, err
	}
	wb, err := workbook.Open(ctx, data, Limits)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	sheets := wb.Sheets()
	if len(sheets) == 0 {
		return nil, errors.New("workbook has no sheet")
	}
	all := collector{ctx: ctx}
	var t *Table
	var union map[string]int // a column's key (columnKey) -> its place in t.Header
	for _, sheet := range sheets {
		start := len(all.rows)
		err = wb.TypedRows(ctx, sheet, func(n int, cells []string, kinds []workbook.Cell, hidden bool) error {
			if err := all.add(n, cells, func() string { return fmt.Sprintf("sheet %s row %d", sheet, n) }); err != nil {
				return err
			}
			row := &all.rows[len(all.rows)-1]
			row.Hidden = hidden
			for i, k := range kinds {
				if k.Kind != workbook.Unknown && k.Kind != workbook.Text || k.Formula { // text is the default
					if row.Types == nil {
						row.Types = make([]workbook.Cell, len(cells))
					}
					row.Types[i] = k
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		rows := all.rows[start:]
		for i := range rows {
			rows[i].Sheet = sheet
		}
		h := headerIndex(rows)
		if h < 0 {
			all.rows = all.rows[:start] // not a roster sheet
			continue
		}
		hiddenCols, err := wb.HiddenColumns(ctx, sheet)
		if err != nil {
			return nil, err
		}
		first := t == nil
		if first {
			t = &Table{HeaderSheet: sheet, HeaderRow: rows[h].N, Header: rows[h].Cells, Date1904: wb.Date1904(), layouts: map[string]*layout{}}
		}
		t.HiddenColumns = append(t.HiddenColumns, hiddenColumns(sheet, rows[h:], hiddenCols)...)
		t.sheets = append(t.sheets, sheet)
		if wb.SheetHidden(sheet) {
			t.HiddenSheets = append(t.HiddenSheets, HiddenColumn{Sheet: sheet, HeaderRow: rows[h].N})
		}
		if first {
			union = map[string]int{}
			for i, c := range t.Header {
				if k := columnKey(c); k != "" {
					union[k] = i
				}
			}
			t.Rows = slices.Clip(rows[h+1:]) // the later sheets' rows are appended to a copy
			l := &layout{header: len(t.Header)}
			for i := range t.Header {
				l.cols = append(l.cols, i+1)
			}
			t.layouts[sheet] = l
			continue
		}
		// Put the sheet's columns where the first sheet's header has them.
		header := rows[h].Cells
		place := make([]int, len(header))
		for i, c := range header {
			k := columnKey(c)
			j, ok := union[k]
			if !ok || k == "" {
				j = len(t.Header)
				t.Header = append(t.Header, c)
				if k != "" {
					union[k] = j
				}
			}
			place[i] = j
		}
		l := &layout{header: len(header), cols: make([]int, len(t.Header))}
		for i, j := range place {
			l.cols[j] = i + 1
		}
		t.layouts[sheet] = l
		for _, row := range rows[h+1:] {
			// The cells right of the sheet's header follow the table's columns, in order.
			width := len(t.Header) + max(0, len(row.Cells)-len(place))
			cells := make([]string, width)
			var types []workbook.Cell
			if row.Types != nil {
				types = make([]workbook.Cell, width)
			}
			for i, c := range row.Cells {
				j := len(t.Header) + i - len(place)
				if i < len(place) {
					j = place[i]
				}
				cells[j] = c
				if types != nil {
					types[j] = row.typeOf(i)
				}
			}
			row.Cells, row.Types = cells, types
			t.Rows = append(t.Rows, row)
		}
	}
	if t != nil {
		t.moveOutside()
		return t, nil
	}
	// No roster header anywhere: the first sheet, for Parse to say what its header lacks.
	all = collector{ctx: ctx}
	err = wb.RawRows(ctx, sheets[0], func(n int, cells []string) error {
		return all.add(n, cells, func() string { return fmt.Sprintf("sheet %s row %d", sheets[0], n) })
	})
	if err != nil {
		return nil, err
	}
	for i := range all.rows {
		all.rows[i].Sheet = sheets[0]
	}
	if t, err = newTable(all.rows); err != nil {
		return nil, fmt.Errorf("sheet %s: %w", sheets[0], err)
	}
	return t, nil
}

// moveOutside moves the cells right of their sheet's header past the last of the table's
// columns, where the columns a later sheet added to the table had put them.
func (t *Table) moveOutside() {
	for i := range t.Rows {
		r := &t.Rows[i]
		width := len(t.layouts[r.Sheet].cols) // the table's columns when the sheet was read
		if width == len(t.Header) || len(r.Cells) <= width {
			continue
		}
		cells := make([]string, len(t.Header)+len(r.Cells)-width)
		copy(cells, r.Cells[:width])
		copy(cells[len(t.Header):], r.Cells[width:])
		if r.Types != nil {
			types := make([]workbook.Cell, len(cells))
			copy(types, r.Types[:min(width, len(r.Types))])
			if len(r.Types) > width {
				copy(types[len(t.Header):], r.Types[width:])
			}
			r.Types = types
		}
		r.Cells = cells
	}
}

// hiddenColumns returns those of the columns hidden (their numbers) that hold a header or a
// value in rows, the sheet's header row first.
func hiddenColumns(sheet string, rows []Row, hidden []int) []HiddenColumn {
	var out []HiddenColumn
	for _, c := range hidden {
		header := ""
		if c <= len(rows[0].Cells) {
			header = strings.TrimSpace(rows[0].Cells[c-1])
		}
		used := header != ""
		for _, r := range rows[1:] {
			if used {
				break
			}
			used = c <= len(r.Cells) && strings.TrimSpace(r.Cells[c-1]) != ""
		}
		if used {
			out = append(out, HiddenColumn{Sheet: sheet, HeaderRow: rows[0].N, Col: c, Header: header})
		}
	}
	return out
}

// columnKey is what makes two header cells the same column: the roster field they name,
// else their folded text; "" for an empty header cell.
func columnKey(h string) string {
	k := headerKey(h)
	if f := aliases[k]; f != fieldNone {
		return fmt.Sprintf("field %d", f)
	}
	return k
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
