package roster_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tracer/forms/workbook"
	"tracer/survey/roster"
)

// heapAllocated returns the bytes this process has allocated on the heap so far.
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// smallXLSX returns a one-sheet workbook with a roster header.
func smallXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, h := range []string{"ID", "Nama"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellValue("Sheet1", cell, h); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withSheet returns the workbook xlsx with its first sheet's XML replaced by what write
// writes, compressed as hard as zip can.
func withSheet(t testing.TB, xlsx []byte, write func(w io.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if e.Name == "xl/worksheets/sheet1.xml" {
			write(w)
			continue
		}
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sheetXML writes a worksheet of rows rows, each written by row.
func sheetXML(rows int, row func(w io.Writer, n int)) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for n := 1; n <= rows; n++ {
			row(w, n)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
}

// Workbooks and text files over a limit are refused with an error naming the limit and
// where, early and with bounded memory: a sheet that inflates past its part limit, more
// rows, columns or cells than a roster has, a cell longer than any roster value.
func TestRosterFileLimits(t *testing.T) {
	small := smallXLSX(t)
	inline := func(w io.Writer, ref, v string) {
		fmt.Fprintf(w, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, v)
	}
	bigRow := strings.Repeat("x", 1000)
	tests := []struct {
		name string
		file []byte
		xlsx bool
		want string
	}{
		{"sheet bomb", withSheet(t, small, sheetXML(200_000, func(w io.Writer, n int) {
			fmt.Fprintf(w, `<row r="%d">`, n)
			inline(w, fmt.Sprintf("A%d", n), bigRow)
			io.WriteString(w, `</row>`)
		})), true, "part size is over 64 MB (xl/worksheets/sheet1.xml)"},
		{"rows", withSheet(t, small, sheetXML(roster.Limits.Rows+1, func(w io.Writer, n int) {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>1</v></c></row>`, n, n)
		})), true, "more than 100000 rows"},
		{"columns", withSheet(t, small, sheetXML(2, func(w io.Writer, n int) {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>1</v></c><c r="JZ%d"><v>1</v></c></row>`, n, n, n)
		})), true, "more than 256 columns"},
		{"cells", withSheet(t, small, sheetXML(20_000, func(w io.Writer, n int) {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>1</v></c><c r="IV%d"><v>1</v></c></row>`, n, n, n)
		})), true, "more than 4000000 cells"},
		{"cell length", withSheet(t, small, sheetXML(2, func(w io.Writer, n int) {
			fmt.Fprintf(w, `<row r="%d">`, n)
			inline(w, fmt.Sprintf("B%d", n), strings.Repeat("y", 5000))
			io.WriteString(w, `</row>`)
		})), true, "more than 4 KB of text (Sheet1!B1)"},
		{"csv rows", []byte("ID,Nama\n" + strings.Repeat("a,b\n", 100_001)), false, "more than 100000 rows (row 100001)"},
		{"csv columns", []byte("ID,Nama" + strings.Repeat(",", 300) + "\n"), false, "more than 256 columns (row 1)"},
		{"csv cell length", []byte("ID,Nama\nA-1," + strings.Repeat("y", 5000) + "\n"), false, "more than 4 KB of text (row 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := heapAllocated()
			var err error
			if tt.xlsx {
				_, err = roster.ReadXLSX(context.Background(), bytes.NewReader(tt.file))
			} else {
				_, err = roster.ReadCSV(context.Background(), bytes.NewReader(tt.file))
			}
			took := heapAllocated() - before
			if !errors.Is(err, workbook.ErrLimit) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want a limit error with %q", err, tt.want)
			}
			t.Logf("%d bytes: %v; %d MB allocated", len(tt.file), err, took>>20)
			if took > 512<<20 {
				t.Errorf("refusing %d bytes allocated %d MB", len(tt.file), took>>20)
			}
		})
	}
}

// Reading stops when the context is cancelled, as when the user presses Ctrl-C.
func TestRosterReadStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	csv := []byte("ID,Nama\n" + strings.Repeat("a,b\n", 5000))
	if _, err := roster.ReadCSV(ctx, bytes.NewReader(csv)); !errors.Is(err, context.Canceled) {
		t.Errorf("csv: %v, want context.Canceled", err)
	}
	xlsx := withSheet(t, smallXLSX(t), sheetXML(5000, func(w io.Writer, n int) {
		fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>1</v></c></row>`, n, n)
	}))
	if _, err := roster.ReadXLSX(ctx, bytes.NewReader(xlsx)); !errors.Is(err, context.Canceled) {
		t.Errorf("xlsx: %v, want context.Canceled", err)
	}
}

// FuzzReadXLSX reads arbitrary bytes as a roster workbook: no panic, and the heap allocated
// stays within 64 bytes per input byte plus 32 MB, so a workbook that inflates (a bomb
// seed among them) fails the run.
func FuzzReadXLSX(f *testing.F) {
	small := smallXLSX(f)
	f.Add(small)
	f.Add(withSheet(f, small, sheetXML(100_000, func(w io.Writer, n int) {
		fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>`, n, n, strings.Repeat("x", 1000))
	})))
	f.Add(withSheet(f, small, sheetXML(3, func(w io.Writer, n int) {
		fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>`, n, n, strings.Repeat("y", 1<<20))
	})))
	f.Fuzz(func(t *testing.T, b []byte) {
		before := heapAllocated()
		roster.ReadXLSX(context.Background(), bytes.NewReader(b))
		if took, most := heapAllocated()-before, 64*uint64(len(b))+32<<20; took > most {
			t.Fatalf("reading %d bytes allocated %d MB; the bound is %d MB", len(b), took>>20, most>>20)
		}
	})
}
