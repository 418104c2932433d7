package workbook_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tracer/forms"
	"tracer/forms/workbook"
)

// sheetPrefix and sheetSuffix wrap the one cell of a bomb's survey sheet.
const (
	sheetPrefix = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>`
	sheetSuffix = `</t></is></c></row></sheetData></worksheet>`
)

// deflated returns p compressed as non-final deflate blocks that end on a byte boundary,
// so that such pieces can be concatenated into one stream.
func deflated(tb testing.TB, p []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	if _, err := w.Write(p); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// bomb returns an .xlsx workbook whose sheet "survey" holds one cell of cellBytes letters,
// about 1 MB on disk for 1 GB of cell. When lie is set, the zip header declares the sheet
// 4 KB long. The compressed sheet is built from one deflated chunk repeated, so the test
// does not compress a gigabyte.
func bomb(tb testing.TB, cellBytes int64, lie bool) []byte {
	tb.Helper()
	// A real workbook with a sheet named survey, from which every part but the sheet is kept.
	x := excelize.NewFile()
	if err := x.SetSheetName("Sheet1", "survey"); err != nil {
		tb.Fatal(err)
	}
	var src bytes.Buffer
	if err := x.Write(&src); err != nil {
		tb.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(src.Bytes()), int64(src.Len()))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			continue
		}
		if err := zw.Copy(f); err != nil {
			tb.Fatal(err)
		}
	}
	const chunk = 1 << 20
	letters := bytes.Repeat([]byte("a"), chunk)
	piece := deflated(tb, letters)
	var raw bytes.Buffer
	raw.Write(deflated(tb, []byte(sheetPrefix)))
	crc := crc32.Update(0, crc32.IEEETable, []byte(sheetPrefix))
	for n := int64(0); n < cellBytes; n += chunk {
		raw.Write(piece)
		crc = crc32.Update(crc, crc32.IEEETable, letters)
	}
	raw.Write(deflated(tb, []byte(sheetSuffix)))
	crc = crc32.Update(crc, crc32.IEEETable, []byte(sheetSuffix))
	raw.Write([]byte{0x03, 0x00}) // an empty final block
	size := uint64(len(sheetPrefix)) + uint64(cellBytes) + uint64(len(sheetSuffix))
	if lie {
		size = 4 << 10
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: size})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Write(raw.Bytes()); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// TestBombIsRefusedWithBoundedMemory opens a 1 MB workbook whose survey sheet holds a 1 GB
// cell, honest about its size or lying in its zip header: it is refused, naming the limit,
// having allocated a bounded amount of memory (reported; the bound asserted is far below
// the gigabyte a reader without limits would hold).
func TestBombIsRefusedWithBoundedMemory(t *testing.T) {
	for _, lie := range []bool{false, true} {
		name := "declared"
		if lie {
			name = "lying header"
		}
		t.Run(name, func(t *testing.T) {
			data := bomb(t, 1<<30, lie)
			if len(data) > 2<<20 {
				t.Fatalf("bomb is %d bytes, want about 1 MB", len(data))
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			wb, err := workbook.Open(context.Background(), data, workbook.DefaultLimits)
			runtime.ReadMemStats(&after)
			if err == nil {
				wb.Close()
				t.Fatal("a workbook with a 1 GB cell opened")
			}
			want := "the workbook is too large: its part size is over 64 MB (xl/worksheets/sheet1.xml)"
			if lie {
				// The zip reader holds a part to the size its header declares.
				want = "not a readable .xlsx workbook: part xl/worksheets/sheet1.xml holds more than its header declares (a damaged or hostile file)"
				if !errors.Is(err, workbook.ErrCorrupt) {
					t.Fatalf("err = %v does not match ErrCorrupt", err)
				}
			} else {
				var le *workbook.LimitError
				if !errors.As(err, &le) || le.Limit != "part size" || le.Where != "xl/worksheets/sheet1.xml" || !errors.Is(err, workbook.ErrLimit) {
					t.Fatalf("err = %v, want a part size limit error on the sheet", err)
				}
			}
			if err.Error() != want {
				t.Fatalf("message = %q, want %q", err.Error(), want)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("bomb of %d bytes refused after allocating %.1f MB (heap in use %.1f MB)", len(data), float64(alloc)/(1<<20), float64(after.HeapInuse)/(1<<20))
			if alloc > 32<<20 {
				t.Fatalf("allocated %d bytes to refuse the bomb, want under 32 MB", alloc)
			}
		})
	}
}

// TestRowsColumnsAndCellsAreBounded reads sheets over each limit and a cancelled context.
func TestRowsColumnsAndCellsAreBounded(t *testing.T) {
	x := excelize.NewFile()
	for r := 1; r <= 10; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		_ = x.SetCellValue("Sheet1", cell, "row")
	}
	_ = x.SetCellValue("Sheet1", "C3", strings.Repeat("x", 2000))
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	read := func(lim workbook.Limits, ctx context.Context) error {
		wb, err := workbook.Open(ctx, data, lim)
		if err != nil {
			return err
		}
		defer wb.Close()
		return wb.Rows(ctx, "Sheet1", func(int, []string) error { return nil })
	}
	lim := workbook.DefaultLimits
	if err := read(lim, context.Background()); err != nil {
		t.Fatalf("within the limits: %v", err)
	}
	tests := []struct {
		name string
		lim  workbook.Limits
		want string
	}{
		{"rows", func() workbook.Limits { l := lim; l.Rows = 5; return l }(), "the workbook has more than 5 rows in a sheet (sheet Sheet1)"},
		{"columns", func() workbook.Limits { l := lim; l.Columns = 2; return l }(), "the workbook has more than 2 columns in a sheet (sheet Sheet1 row 3)"},
		{"cell", func() workbook.Limits { l := lim; l.CellBytes = 1024; return l }(), "a cell holds more than 1 KB of text (Sheet1!C3)"},
		{"file", func() workbook.Limits { l := lim; l.FileBytes = 1000; return l }(), "the workbook is too large: its file size is over 1000 bytes"},
		{"total", func() workbook.Limits { l := lim; l.TotalBytes = 3000; return l }(), "the workbook is too large: its total size is over 3000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := read(tt.lim, context.Background())
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := read(lim, ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v, want context.Canceled", err)
	}
}

// TestFormLoaderRefusesTheBomb: the XLSForm loader opens workbooks through this package, so
// a form whose survey sheet holds a 1 GB cell is a load error naming the limit, quickly and
// with bounded memory.
func TestFormLoaderRefusesTheBomb(t *testing.T) {
	data := bomb(t, 1<<30, false)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := forms.Parse("bomb.xlsx", data)
	runtime.ReadMemStats(&after)
	var le *forms.LoadError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "bomb.xlsx: the workbook is too large: its part size is over 64 MB (xl/worksheets/sheet1.xml)") {
		t.Fatalf("err = %v, want a load error naming the part size limit", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("form loader refused the bomb after allocating %.1f MB", float64(alloc)/(1<<20))
	if alloc > 32<<20 {
		t.Fatalf("allocated %d bytes to refuse the bomb, want under 32 MB", alloc)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := forms.ParseContext(ctx, "bomb.xlsx", data); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled load: err = %v, want context.Canceled", err)
	}
}
