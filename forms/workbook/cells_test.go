package workbook_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"tracer/forms/workbook"
)

// withCachedResults returns the .xlsx in data with the formula cells named in results
// holding the result Excel saves with a formula: results[cell] is the cell's type
// attribute and value ("e", "#N/A"; "str", "text"; "", "12"). excelize writes a formula
// without its result, as a program that does not calculate does.
func withCachedResults(tb testing.TB, data []byte, results map[string][2]string) []byte {
	tb.Helper()
	return rewriteSheet(tb, data, "xl/worksheets/sheet1.xml", func(xml []byte) []byte {
		for cell, res := range results {
			re := regexp.MustCompile(`<c r="` + cell + `"([^>]*?) t="str">(<f>[^<]*</f>)</c>`)
			if !re.Match(xml) {
				tb.Fatalf("no formula cell %s in the sheet", cell)
			}
			t := ""
			if res[0] != "" {
				t = ` t="` + res[0] + `"`
			}
			xml = re.ReplaceAll(xml, []byte(`<c r="`+cell+`"$1`+t+`>$2<v>`+res[1]+`</v></c>`))
		}
		return xml
	})
}

// TestTypedRows reads each kind of cell as Excel stores it: text, numbers (a 16-digit NIK
// among them), dates under built-in and custom formats, booleans, error values, formulas
// with and without their result; which columns are hidden; the date system.
func TestTypedRows(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		f := excelize.NewFile()
		if date1904 {
			must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
		}
		builtin, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(t, err)
		code := `[$-421]dd mmmm yyyy;@`
		custom, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		must(t, err)
		digits := `0`
		number, err := f.NewStyle(&excelize.Style{CustomNumFmt: &digits})
		must(t, err)
		set := func(cell string, v any, style int) {
			t.Helper()
			must(t, f.SetCellValue("Sheet1", cell, v))
			if style != 0 {
				must(t, f.SetCellStyle("Sheet1", cell, cell, style))
			}
		}
		day := time.Date(1991, 7, 3, 0, 0, 0, 0, time.UTC)
		set("A1", "Nama", 0)
		set("B1", int64(6474064307910001), number)
		set("C1", 81234567890.0, 0)
		set("D1", day, builtin)
		set("E1", day, custom)
		set("F1", true, 0)
		must(t, f.SetCellFormula("Sheet1", "G1", "VLOOKUP(A1,Data!A:B,2,0)"))
		must(t, f.SetCellFormula("Sheet1", "H1", "A1&\"\""))
		must(t, f.SetCellFormula("Sheet1", "I1", "B1+0"))
		must(t, f.SetCellFormula("Sheet1", "J1", "A1"))
		must(t, f.SetColVisible("Sheet1", "C", false))
		must(t, f.SetColVisible("Sheet1", "E:F", false))
		_, err = f.NewSheet("Arsip")
		must(t, err)
		must(t, f.SetSheetVisible("Arsip", false))
		var b bytes.Buffer
		must(t, f.Write(&b))
		data := withCachedResults(t, b.Bytes(), map[string][2]string{"G1": {"e", "#N/A"}, "H1": {"str", "Nama"}, "I1": {"", "6474064307910001"}})

		wb, err := workbook.Open(context.Background(), data, workbook.DefaultLimits)
		must(t, err)
		defer wb.Close()
		if wb.Date1904() != date1904 {
			t.Errorf("Date1904() = %v, want %v", wb.Date1904(), date1904)
		}
		var cells []string
		var kinds []workbook.Cell
		must(t, wb.TypedRows(context.Background(), "Sheet1", func(n int, c []string, k []workbook.Cell, hidden bool) error {
			cells, kinds = c, k
			return nil
		}))
		serial := "33422"
		if date1904 {
			serial = "31960"
		}
		if diff := cmp.Diff([]string{"Nama", "6474064307910001", "81234567890", serial, serial, "1", "#N/A", "Nama", "6474064307910001", ""}, cells); diff != "" {
			t.Errorf("date1904 %v: cells (-want +got):\n%s", date1904, diff)
		}
		want := []workbook.Cell{{Kind: workbook.Text}, {Kind: workbook.Number}, {Kind: workbook.Number}, {Kind: workbook.Date}, {Kind: workbook.Date}, {Kind: workbook.Bool},
			{Kind: workbook.Error, Formula: true}, {Kind: workbook.Text, Formula: true}, {Kind: workbook.Number, Formula: true}, {Formula: true}}
		if diff := cmp.Diff(want, kinds); diff != "" {
			t.Errorf("date1904 %v: kinds (-want +got):\n%s", date1904, diff)
		}
		if wb.SheetHidden("Sheet1") || !wb.SheetHidden("Arsip") {
			t.Errorf("hidden sheets: Sheet1 %v, Arsip %v", wb.SheetHidden("Sheet1"), wb.SheetHidden("Arsip"))
		}
		hidden, err := wb.HiddenColumns(context.Background(), "Sheet1")
		must(t, err)
		if diff := cmp.Diff([]int{3, 5, 6}, hidden); diff != "" {
			t.Errorf("hidden columns (-want +got):\n%s", diff)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rewriteSheet returns the .xlsx in data with its part name changed by fn.
func rewriteSheet(tb testing.TB, data []byte, name string, fn func([]byte) []byte) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if e.Name == name {
			b = fn(b)
		}
		w, err := zw.Create(e.Name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// TestTypedRowsOtherEncoding: a sheet whose XML declares another encoding than UTF-8,
// which excelize reads, is read by TypedRows as by RawRows, its cells' kinds left unknown.
func TestTypedRowsOtherEncoding(t *testing.T) {
	f := excelize.NewFile()
	must(t, f.SetCellValue("Sheet1", "A1", 42))
	must(t, f.SetCellValue("Sheet1", "A2", 43))
	var b bytes.Buffer
	must(t, f.Write(&b))
	data := rewriteSheet(t, b.Bytes(), "xl/worksheets/sheet1.xml", func(x []byte) []byte {
		x = bytes.Replace(x, []byte(`encoding="UTF-8"`), []byte(`encoding="ISO-8859-1"`), 1)
		if !bytes.Contains(x, []byte(`ISO-8859-1`)) {
			x = append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?>`), x...)
		}
		return x
	})
	wb, err := workbook.Open(context.Background(), data, workbook.DefaultLimits)
	must(t, err)
	defer wb.Close()
	var got []string
	err = wb.TypedRows(context.Background(), "Sheet1", func(n int, cells []string, kinds []workbook.Cell, hidden bool) error {
		if len(kinds) != len(cells) {
			t.Errorf("row %d: %d kinds for %d cells", n, len(kinds), len(cells))
		}
		got = append(got, cells...)
		return nil
	})
	if err != nil || !cmp.Equal([]string{"42", "43"}, got) {
		t.Errorf("TypedRows: %v, %q", err, got)
	}
}
