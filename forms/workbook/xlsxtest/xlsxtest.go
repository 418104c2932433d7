// Package xlsxtest checks workbooks the program writes as readers that trust them read them.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
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
