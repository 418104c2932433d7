// Package xlsxtest checks workbooks the program writes as the spreadsheets and readers that
// open them see them.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// CheckDimensions fails t when a worksheet of the .xlsx in data declares a used range
// (its <dimension ref>) that leaves out a cell it holds. Readers that stream a sheet
// (openpyxl in read-only mode, and what is built on it) read only the declared range: a
// sheet declared "A1" reads as one cell. A sheet without the element is read whole. It
// returns the number of worksheets checked.
func CheckDimensions(t testing.TB, data []byte) int {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	n := 0
	for _, f := range zr.File {
		if dir, _ := path.Split(f.Name); dir != "xl/worksheets/" || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		n++
		r, err := f.Open()
		if err != nil {
			t.Fatalf("xlsx %s: %v", f.Name, err)
		}
		declared, maxCol, maxRow := scanSheet(t, f.Name, r)
		r.Close()
		if declared == "" || maxRow == 0 {
			continue
		}
		last, _ := excelize.CoordinatesToCellName(maxCol, maxRow)
		_, end, _ := strings.Cut(declared, ":")
		if end == "" {
			end = declared
		}
		col, row, err := excelize.CellNameToCoordinates(end)
		if err != nil || col < maxCol || row < maxRow {
			t.Errorf("xlsx %s declares its cells as %q, holds cells up to %s", f.Name, declared, last)
		}
	}
	return n
}

// scanSheet returns a worksheet's declared range and the largest column and row of its
// cells.
func scanSheet(t testing.TB, name string, r io.Reader) (declared string, maxCol, maxRow int) {
	t.Helper()
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return declared, maxCol, maxRow
		}
		if err != nil {
			t.Fatalf("xlsx %s: %v", name, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "dimension" && se.Name.Local != "c" {
			continue
		}
		for _, a := range se.Attr {
			switch {
			case se.Name.Local == "dimension" && a.Name.Local == "ref":
				declared = a.Value
			case se.Name.Local == "c" && a.Name.Local == "r":
				col, row, err := excelize.CellNameToCoordinates(a.Value)
				if err != nil {
					t.Fatalf("xlsx %s: cell %q: %v", name, a.Value, err)
				}
				maxCol, maxRow = max(maxCol, col), max(maxRow, row)
			}
		}
	}
}

// EmptyTextCells returns the cells of the .xlsx in data that hold an empty text (a shared
// string "", an empty inline string, an empty formula string): Excel counts them as
// non-blank (COUNTA), where a cell with nothing to say should be no cell at all.
func EmptyTextCells(t testing.TB, data []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	emptyShared := map[string]bool{}
	if f, err := zr.Open("xl/sharedStrings.xml"); err == nil {
		d := xml.NewDecoder(f)
		i, text, in := 0, "", false
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			switch e := tok.(type) {
			case xml.StartElement:
				if e.Name.Local == "si" {
					text, in = "", true
				}
			case xml.CharData:
				if in {
					text += string(e)
				}
			case xml.EndElement:
				if e.Name.Local == "si" {
					if text == "" {
						emptyShared[strconv.Itoa(i)] = true
					}
					i, in = i+1, false
				}
			}
		}
		f.Close()
	}
	var out []string
	for _, f := range zr.File {
		if dir, _ := path.Split(f.Name); dir != "xl/worksheets/" || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatalf("xlsx %s: %v", f.Name, err)
		}
		var c struct {
			R  string `xml:"r,attr"`
			T  string `xml:"t,attr"`
			V  string `xml:"v"`
			Is string `xml:"is>t"`
		}
		d := xml.NewDecoder(r)
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "c" {
				c.R, c.T, c.V, c.Is = "", "", "", ""
				if err := d.DecodeElement(&c, &se); err != nil {
					t.Fatalf("xlsx %s: %v", f.Name, err)
				}
				if c.T == "s" && emptyShared[c.V] || c.T == "inlineStr" && c.Is == "" || c.T == "str" && c.V == "" {
					out = append(out, f.Name+"!"+c.R)
				}
			}
		}
		r.Close()
	}
	return out
}
