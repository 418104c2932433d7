package workbook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tracer/forms/workbook"
)

// python returns the Debian Python that has xlrd and xlwt (.ci/run installs them), or skips.
func python(t *testing.T) string {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xlrd, xlwt").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s cannot import xlrd and xlwt: %v", py, err)
		}
		t.Skipf("%s with xlrd and xlwt is needed (Debian's python3-xlrd, python3-xlwt): %v", py, err)
	}
	return py
}

// madeXLS returns the bytes of the workbook testdata/xlwt_make.py writes.
func madeXLS(t *testing.T, py string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "made.xls")
	if b, err := exec.Command(py, "testdata/xlwt_make.py", path).CombinedOutput(); err != nil {
		t.Fatalf("xlwt_make: %v\n%s", err, b)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type dumpedSheet struct {
	Name string     `json:"name"`
	Rows [][]string `json:"rows"`
}

// xlrdDump reads path with xlrd, the reader pyxform uses for .xls.
func xlrdDump(t *testing.T, py, path string, raw bool) []dumpedSheet {
	t.Helper()
	args := []string{"testdata/xlrd_dump.py", path}
	if raw {
		args = append(args, "raw")
	}
	out, err := exec.Command(py, args...).Output()
	if err != nil {
		t.Fatalf("xlrd_dump %s: %v", path, err)
	}
	var sheets []dumpedSheet
	if err := json.Unmarshal(out, &sheets); err != nil {
		t.Fatal(err)
	}
	return sheets
}

// ourDump reads the workbook in data as Rows (or RawRows) gives it, without the empty rows
// at the end of a sheet (xlrd has no rows past the last cell either).
func ourDump(t *testing.T, data []byte, raw bool) []dumpedSheet {
	t.Helper()
	wb, err := workbook.Open(context.Background(), data, workbook.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var out []dumpedSheet
	for _, name := range wb.Sheets() {
		sh := dumpedSheet{Name: name}
		read := wb.Rows
		if raw {
			read = wb.RawRows
		}
		err := read(context.Background(), name, func(row int, cells []string) error {
			if row != len(sh.Rows)+1 {
				t.Fatalf("sheet %s: row %d after %d rows", name, row, len(sh.Rows))
			}
			sh.Rows = append(sh.Rows, append([]string{}, cells...))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sh)
	}
	return out
}

func compareDumps(t *testing.T, want, got []dumpedSheet) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d sheets, xlrd reads %d", len(got), len(want))
	}
	cells := 0
	for i := range want {
		w, g := want[i], got[i]
		if w.Name != g.Name {
			t.Errorf("sheet %d is %q, xlrd reads %q", i, g.Name, w.Name)
		}
		if len(w.Rows) != len(g.Rows) {
			t.Errorf("sheet %s: %d rows, xlrd reads %d", w.Name, len(g.Rows), len(w.Rows))
		}
		for r := range min(len(w.Rows), len(g.Rows)) {
			if strings.Join(w.Rows[r], "\x00") != strings.Join(g.Rows[r], "\x00") {
				t.Errorf("sheet %s row %d:\n got %q\nwant %q", w.Name, r+1, short(g.Rows[r]), short(w.Rows[r]))
			}
			cells += len(w.Rows[r])
		}
	}
	if cells == 0 {
		t.Fatal("no cells compared")
	}
}

func short(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		if len(c) > 80 {
			c = c[:80] + "…"
		}
		out[i] = c
	}
	return out
}

// TestXLSLikeXlrd reads every .xls of the shared corpus of public XLSForms, and workbooks
// that xlwt writes to hold what a reader of .xls trips on (shared strings across CONTINUE
// records, both encodings, dates, the 1904 date system), and compares every cell with what
// xlrd, the reader pyxform uses, reads: as pyxform turns cells into text, and raw.
func TestXLSLikeXlrd(t *testing.T) {
	py := python(t)
	files, _ := filepath.Glob("../../../shared/xlsforms/*.xls")
	dir := t.TempDir()
	for _, mode := range []string{"1900", "1904"} {
		out := filepath.Join(dir, "made-"+mode+".xls")
		if b, err := exec.Command(py, "testdata/xlwt_make.py", out, mode).CombinedOutput(); err != nil {
			t.Fatalf("xlwt_make: %v\n%s", err, b)
		}
		files = append(files, out)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, raw := range []bool{false, true} {
				want := xlrdDump(t, py, path, raw)
				got := ourDump(t, data, raw)
				for i := range got { // xlrd stops at the last row with a cell
					for len(got[i].Rows) > len(want[min(i, len(want)-1)].Rows) && len(got[i].Rows[len(got[i].Rows)-1]) == 0 {
						got[i].Rows = got[i].Rows[:len(got[i].Rows)-1]
					}
				}
				compareDumps(t, want, got)
			}
		})
	}
}

// TestXLSDamaged cuts and corrupts a real .xls in many places: each is refused with an
// error that matches ErrCorrupt (or a limit), never a panic, and reading the intact file
// again still works.
func TestXLSDamaged(t *testing.T) {
	py := python(t)
	data := madeXLS(t, py)
	readAll := func(d []byte) error {
		wb, err := workbook.Open(context.Background(), d, workbook.DefaultLimits)
		if err != nil {
			return err
		}
		defer wb.Close()
		for _, s := range wb.Sheets() {
			if err := wb.Rows(context.Background(), s, func(int, []string) error { return nil }); err != nil {
				return err
			}
		}
		return nil
	}
	if err := readAll(data); err != nil {
		t.Fatal(err)
	}
	refused := 0
	check := func(what string, d []byte) {
		err := readAll(d)
		if err == nil {
			return // damage in a part the reader skips
		}
		refused++
		if !errors.Is(err, workbook.ErrCorrupt) && !errors.Is(err, workbook.ErrLimit) {
			t.Errorf("%s: %v matches neither ErrCorrupt nor ErrLimit", what, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: the message is not one line: %q", what, err)
		}
	}
	for _, n := range []int{8, 100, 512, 1000, 4096, len(data) / 2, len(data) - 100} {
		check("cut", data[:n])
	}
	for off := 0; off < len(data); off += len(data)/400 + 1 {
		d := bytes.Clone(data)
		for k := 0; k < 4 && off+k < len(d); k++ {
			d[off+k] ^= 0xA5
		}
		check("flipped", d)
	}
	// A header that counts billions of sectors: the compound file reader would size its
	// tables from it.
	for _, off := range []int{0x28, 0x2C, 0x40, 0x48} {
		d := bytes.Clone(data)
		d[off], d[off+1], d[off+2], d[off+3] = 0xF0, 0xFF, 0xFF, 0x7F
		err := readAll(d)
		if !errors.Is(err, workbook.ErrCorruptXLS) || !strings.Contains(err.Error(), "the header counts 2147483632") {
			t.Errorf("header field at 0x%X: %v", off, err)
		}
	}
	if refused < 8 {
		t.Fatalf("only %d damaged files were refused", refused)
	}
	if !errors.Is(readAll(data[:100]), workbook.ErrCorruptXLS) {
		t.Errorf("a cut .xls is not reported as an unreadable .xls: %v", readAll(data[:100]))
	}
}

// TestXLSLimits refuses an .xls over the column and cell limits, naming the limit.
func TestXLSLimits(t *testing.T) {
	py := python(t)
	data := madeXLS(t, py)
	for _, c := range []struct {
		lim  workbook.Limits
		want string
	}{
		{func() workbook.Limits { l := workbook.DefaultLimits; l.CellBytes = 1000; return l }(), "a cell holds more than 1000 bytes of text (survey!C1402)"},
		{func() workbook.Limits { l := workbook.DefaultLimits; l.Columns = 3; return l }(), "the workbook has more than 3 columns in a sheet (sheet survey row 1)"},
		{func() workbook.Limits { l := workbook.DefaultLimits; l.EntryBytes = 10000; return l }(), "the workbook is too large: its part size is over 10000 bytes (Workbook)"},
	} {
		err := func() error {
			wb, err := workbook.Open(context.Background(), data, c.lim)
			if err != nil {
				return err
			}
			defer wb.Close()
			return wb.Rows(context.Background(), "survey", func(int, []string) error { return nil })
		}()
		if err == nil || err.Error() != c.want || !errors.Is(err, workbook.ErrLimit) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
}

// FuzzXLS feeds damaged compound files to the reader: it must never panic.
func FuzzXLS(f *testing.F) {
	files, _ := filepath.Glob("../../../shared/xlsforms/*.xls")
	for _, p := range files {
		if d, err := os.ReadFile(p); err == nil {
			f.Add(d)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := workbook.Open(context.Background(), data, workbook.DefaultLimits)
		if err != nil {
			return
		}
		defer wb.Close()
		for _, s := range wb.Sheets() {
			_ = wb.Rows(context.Background(), s, func(int, []string) error { return nil })
		}
	})
}
