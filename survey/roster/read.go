package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// MaxFileSize is the largest roster file read, far above any real roster.
const MaxFileSize = 64 << 20

// Table is a roster file as text: its header and its rows, each with the row number a
// spreadsheet user would see (the header is usually row 1).
type Table struct {
	HeaderRow int
	Header    []string
	Rows      []Row
}

// Row is one row of a Table.
type Row struct {
	N     int
	Cells []string
}

// ReadFile reads a roster from a .xlsx file or a delimited text file (.csv, .txt, .tsv).
func ReadFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var t *Table
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		t, err = ReadXLSX(f)
	} else {
		t, err = ReadCSV(f)
	}
	if err != nil {
		return nil, fmt.Errorf("read roster %s: %w", path, err)
	}
	return t, nil
}

// ReadCSV reads a delimited roster as spreadsheets write it: comma, semicolon or tab (sniffed
// from the header line), UTF-8 with or without a byte order mark, UTF-16 with one, or
// Windows-1252 when the bytes are not UTF-8; CRLF or LF line ends. Blank lines count as
// rows, as a spreadsheet shows them.
func ReadCSV(r io.Reader) (*Table, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("file is larger than %d MB", MaxFileSize>>20)
	}
	text := decodeText(b)
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sniffDelimiter(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var all []Row
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
		all = append(all, Row{N: row, Cells: rec})
	}
	return newTable(all)
}

// headerSearch is how many rows newTable looks through for the header.
const headerSearch = 20

// newTable splits rows into the header and the rows below it. The header is the first of
// the first rows that names at least two known columns (title rows above it are skipped),
// else the first non-blank row.
func newTable(rows []Row) (*Table, error) {
	h := -1
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
			h = i
			break
		}
	}
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
	return &Table{HeaderRow: rows[h].N, Header: rows[h].Cells, Rows: rows[h+1:]}, nil
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

// ReadXLSX reads a roster from the first sheet of an XLSX workbook. Cells are read raw, so
// dates come as Excel serial numbers and numbers keep all their digits (a NIK typed as a
// number stays sixteen digits). The first non-empty row is the header.
func ReadXLSX(r io.Reader) (*Table, error) {
	f, err := excelize.OpenReader(io.LimitReader(r, MaxFileSize), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []Row
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		all = append(all, Row{N: n, Cells: cells})
	}
	if err := rows.Error(); err != nil {
		return nil, err
	}
	t, err := newTable(all)
	if err != nil {
		return nil, fmt.Errorf("sheet %s: %w", sheets[0], err)
	}
	return t, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
