package roster_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"tracer/survey/roster"
	"tracer/survey/sqlite"
)

// xlsxRoster is a workbook a test fills cell by cell, as an office's Excel would.
type xlsxRoster struct {
	t *testing.T
	f *excelize.File
}

func newXLSXRoster(t *testing.T, header ...string) *xlsxRoster {
	t.Helper()
	x := &xlsxRoster{t: t, f: excelize.NewFile()}
	for i, h := range header {
		x.set(i+1, 1, h)
	}
	return x
}

// set puts v (typed: a string, an int64, a float64, a time.Time) in column col of row n.
func (x *xlsxRoster) set(col, n int, v any) {
	x.t.Helper()
	cell, err := excelize.CoordinatesToCellName(col, n)
	must(x.t, err)
	must(x.t, x.f.SetCellValue("Sheet1", cell, v))
}

// style gives column col of row n a number format: a built-in id, or a custom code.
func (x *xlsxRoster) style(col, n int, format any) {
	x.t.Helper()
	s := &excelize.Style{}
	switch f := format.(type) {
	case int:
		s.NumFmt = f
	case string:
		s.CustomNumFmt = &f
	}
	id, err := x.f.NewStyle(s)
	must(x.t, err)
	cell, _ := excelize.CoordinatesToCellName(col, n)
	must(x.t, x.f.SetCellStyle("Sheet1", cell, cell, id))
}

// save writes the workbook; results gives formula cells the result Excel saves with them
// (see withResults).
func (x *xlsxRoster) save(results map[string][2]string) string {
	x.t.Helper()
	var b bytes.Buffer
	must(x.t, x.f.Write(&b))
	data := b.Bytes()
	if len(results) > 0 {
		data = withResults(x.t, data, results)
	}
	path := filepath.Join(x.t.TempDir(), "roster.xlsx")
	must(x.t, os.WriteFile(path, data, 0o600))
	return path
}

// withResults returns the .xlsx in data with the formula cells named in results holding
// the result Excel saves with a formula: results[cell] is the cell's type attribute and
// value ("e", "#N/A"; "str", "text"; "", "12"). excelize writes a formula without its
// result, as a program that does not calculate does.
func withResults(t *testing.T, data []byte, results map[string][2]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		rc, err := e.Open()
		must(t, err)
		b, err := io.ReadAll(rc)
		rc.Close()
		must(t, err)
		if e.Name == "xl/worksheets/sheet1.xml" {
			for cell, res := range results {
				re := regexp.MustCompile(`<c r="` + cell + `"([^>]*?) t="str">(<f>[^<]*</f>)(?:<v>[^<]*</v>)?</c>`)
				if !re.Match(b) {
					t.Fatalf("no formula cell %s in the sheet", cell)
				}
				typ := ""
				if res[0] != "" {
					typ = ` t="` + res[0] + `"`
				}
				b = re.ReplaceAll(b, []byte(`<c r="`+cell+`"$1`+typ+`>$2<v>`+res[1]+`</v></c>`))
			}
		}
		w, err := zw.Create(e.Name)
		must(t, err)
		w.Write(b)
	}
	must(t, zw.Close())
	return out.Bytes()
}

// importFile reads path and imports it into a new store, as "tracer roster import" does.
func importFile(t *testing.T, path string) (*roster.Report, []string, *sqlite.RosterStore) {
	t.Helper()
	tbl, err := roster.ReadFile(context.Background(), path)
	must(t, err)
	store := openStore(t)
	rep, err := roster.Import(context.Background(), store, tbl, ref)
	must(t, err)
	return rep, lines(rep.Problems), store
}

// TestXLSXNumberCells: a NIK typed as a number has lost its 16th digit to Excel's 15
// significant digits, whether or not it still looks valid: its row is refused, naming the
// cell, however the number is written in the file; a NIK typed as text is read. A phone
// number typed as a number has lost its leading 0: a mobile number (8...) gets it back
// and a warning says so; a number that is not a mobile one is refused, as is one with a
// fraction. The same digits typed as text are read as before.
func TestXLSXNumberCells(t *testing.T) {
	x := newXLSXRoster(t, "ID", "Nama", "NIK", "Kejuruan", "No HP")
	rows := []struct {
		nik, phone any
	}{
		{"3201010307910001", "081234567890"},            // row 2: text, read
		{int64(3201010307910010), "081234567891"},       // 3: the NIK 3201010307910011 as Excel saves it
		{6474064307910001.0, "081234567892"},            // 4: a float64 of 16 digits
		{int64(64740643079100012), "081234567893"},      // 5: 17 digits
		{int64(647406430791001), "081234567894"},        // 6: 15 digits: no NIK
		{"3201010307910005", int64(81234567895)},        // 7: the phone's 0 put back
		{"3201010307910006", 81234567896.0},             // 8: the same as a float64
		{"3201010307910007", int64(6281234567897)},      // 9: +62 without the +: nothing lost
		{"3201010307910008", int64(215551234)},          // 10: 021 555 1234: the 0 cannot be told
		{"3201010307910009", 8123456.5},                 // 11: a fraction
		{"3201010307910010", "81234567880"},             // 12: text, as a CSV keeps it
		{"3201010307910011", int64(812345678901234567)}, // 13: digits past Excel's 15
	}
	for i, r := range rows {
		n := i + 2
		x.set(1, n, "R"+strings.Repeat("0", 2)+string(rune('a'+i)))
		x.set(2, n, "Alumni "+string(rune('A'+i)))
		x.set(3, n, r.nik)
		x.set(4, n, "TIK")
		x.set(5, n, r.phone)
	}
	x.style(3, 4, "0") // shown with all its digits
	rep, got, store := importFile(t, x.save(nil))
	var refused, warned []string
	for _, l := range got {
		switch {
		case strings.Contains(l, "warning: stored as a number"):
			warned = append(warned, l)
		case !strings.Contains(l, "warning:"):
			refused = append(refused, l)
		}
	}
	fix := "Excel keeps only 15 digits of a number, so the NIK's last digit may be lost even where it looks right; format the column as Text and type the NIK again"
	wantRefused := []string{
		`sheet Sheet1 row 3: NIK: NIK stored as a number (cell C3, 3201010307910010): ` + fix,
		`sheet Sheet1 row 4: NIK: NIK stored as a number (cell C4, 6474064307910001): ` + fix,
		`sheet Sheet1 row 5: NIK: NIK stored as a number (cell C5, 64740643079100012): ` + fix,
		`sheet Sheet1 row 6: NIK: NIK must have 16 digits, got 15`,
		`sheet Sheet1 row 10: No HP: stored as a number (cell E10, 215551234), which loses the leading 0, and not a mobile number whose 0 can be put back: format the column as Text and type the number again`,
		`sheet Sheet1 row 11: No HP: stored as a number (cell E11, 8123456.5) that is not a phone number's digits: format the column as Text and type the number again`,
		`sheet Sheet1 row 13: No HP: stored as a number (cell E13, 812345678901234567) that is not a phone number's digits: format the column as Text and type the number again`,
	}
	if diff := cmp.Diff(wantRefused, refused); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
	wantWarned := []string{
		`sheet Sheet1 row 7: No HP: warning: stored as a number (cell E7), which drops the leading 0: read as 081234567895; format the column as Text to keep it`,
		`sheet Sheet1 row 8: No HP: warning: stored as a number (cell E8), which drops the leading 0: read as 081234567896; format the column as Text to keep it`,
	}
	if diff := cmp.Diff(wantWarned, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if got := rep.Summary(); got != "imported 5, rejected 7 (5 new, 0 updated, 0 unchanged)" {
		t.Errorf("summary %q", got)
	}
	for id, want := range map[string]string{"R00a": "+6281234567890", "R00f": "+6281234567895", "R00g": "+6281234567896", "R00h": "+6281234567897", "R00k": "+6281234567880"} {
		r, err := store.Get(context.Background(), id)
		if err != nil || r.Phone != want {
			t.Errorf("%s: phone %v (%v), want %s", id, r, err, want)
		}
	}
}

// TestXLSXDates: a date typed as a date (under a built-in or a custom format, the
// Indonesian locale's among them, with a time of day or none), a day number in a cell
// formatted General, and the date typed as text in its usual forms all import as the same
// date, in a workbook that counts its days from 1900 and in one that counts them from 1904.
func TestXLSXDates(t *testing.T) {
	day := time.Date(1991, 7, 3, 0, 0, 0, 0, time.UTC)
	for _, date1904 := range []bool{false, true} {
		x := newXLSXRoster(t, "ID", "Nama", "NIK", "Kejuruan", "Tgl Lahir", "Catatan")
		if date1904 {
			must(t, x.f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
		}
		serial := int64(33422)
		if date1904 {
			serial -= 1462
		}
		cases := []struct {
			v      any
			format any
		}{
			{day, 14},                         // m/d/yy
			{day, "dd/mm/yyyy"},               // custom
			{day, "[$-421]dd mmmm yyyy;@"},    // custom, Indonesian month names
			{day.Add(18 * time.Hour), 22},     // m/d/yy h:mm
			{serial, nil},                     // a day number, General
			{float64(serial) + 0.75, nil},     // with a time of day
			{"03/07/1991", nil},               // text
			{"3 Juli 1991", nil},              // text
			{"1991-07-03", nil},               // text
			{day, "dddd, d mmmm yyyy"},        // custom, long
			{day, `[Red]yyyy\-mm\-dd;"none"`}, // custom, with a colour and escapes
		}
		for i, c := range cases {
			n := i + 2
			x.set(1, n, "R"+string(rune('a'+i)))
			x.set(2, n, "Alumni "+string(rune('A'+i)))
			x.set(3, n, "64740643079100"+string(rune('1'+i/10))+string(rune('0'+i%10)))
			x.set(4, n, "TIK")
			x.set(5, n, c.v)
			if c.format != nil {
				x.style(5, n, c.format)
			}
		}
		x.set(6, 2, day) // an extra column keeps the date Excel shows
		x.style(6, 2, 14)
		x.set(6, 3, serial)    // and a number as the number
		last := len(cases) + 2 // a day number no roster date has
		x.set(1, last, "Rz")
		x.set(2, last, "Alumni Z")
		x.set(3, last, "6474064307910099")
		x.set(4, last, "TIK")
		x.set(5, last, int64(12))
		x.style(5, last, 14)
		path := x.save(nil)
		tbl, err := roster.ReadFile(context.Background(), path)
		must(t, err)
		p, err := roster.Parse(tbl, ref)
		must(t, err)
		var refused []string
		for _, l := range lines(p.Problems) {
			if !strings.Contains(l, "warning:") {
				refused = append(refused, l)
			}
		}
		want := []string{fmt.Sprintf(`sheet Sheet1 row %d: Tgl Lahir: 12 (cell E%d) is not a date from 1919 to 2099`, last, last)}
		if diff := cmp.Diff(want, refused); diff != "" {
			t.Errorf("date1904 %v: refusals (-want +got):\n%s", date1904, diff)
		}
		if len(p.Respondents) != len(cases) {
			t.Fatalf("date1904 %v: read %d rows, want %d", date1904, len(p.Respondents), len(cases))
		}
		for i, r := range p.Respondents {
			if r.BirthDate != "1991-07-03" {
				t.Errorf("date1904 %v: row %d (%v): birth date %s", date1904, i+2, cases[i].v, r.BirthDate)
			}
		}
		if got, want := p.Respondents[0].Extra["Catatan"], "1991-07-03"; got != want {
			t.Errorf("date1904 %v: extra date cell %q, want %q", date1904, got, want)
		}
		if got, want := p.Respondents[1].Extra["Catatan"], "33422"; !date1904 && got != want {
			t.Errorf("extra number cell %q, want %q", got, want)
		}
	}
}

// TestXLSXHiddenColumns: a column hidden in a sheet is read all the same, and a warning on
// the sheet's header row names the sheet and the column, as for a hidden row; a hidden
// column that holds nothing is not worth a word. A hidden sheet is warned of too.
func TestXLSXHiddenColumns(t *testing.T) {
	f := excelize.NewFile()
	must(t, f.SetSheetName("Sheet1", "Angkatan 1"))
	_, err := f.NewSheet("Angkatan 2")
	must(t, err)
	for _, sheet := range []string{"Angkatan 1", "Angkatan 2"} {
		for i, r := range [][]any{
			{"Daftar alumni " + sheet},
			{"ID", "Nama", "NIK", "Kejuruan", "No HP", "", "", "Catatan"},
			{sheet[8:] + "-1", "Ani", "647406430791000" + sheet[8:], "TIK", "08123456000" + sheet[8:]},
		} {
			must(t, f.SetSheetRow(sheet, "A"+string(rune('1'+i)), &r))
		}
	}
	must(t, f.SetCellValue("Angkatan 1", "F3", "pindah"))
	must(t, f.SetColVisible("Angkatan 1", "E:G", false)) // No HP, a value without a header, nothing
	must(t, f.SetColVisible("Angkatan 2", "H", false))   // Catatan, empty below its header
	must(t, f.SetSheetVisible("Angkatan 2", false))
	path := filepath.Join(t.TempDir(), "hidden.xlsx")
	must(t, f.SaveAs(path))
	rep, got, _ := importFile(t, path)
	want := []string{
		`sheet Angkatan 1 row 2: No HP: warning: column E is hidden in the sheet, read all the same; unhide it to check its values, or delete it if it is not roster data`,
		`sheet Angkatan 1 row 2: column F: warning: column F is hidden in the sheet, read all the same; unhide it to check its values, or delete it if it is not roster data`,
		`sheet Angkatan 1 row 3: column F: warning: value under a column with no header, not read; give the column a header`,
		`sheet Angkatan 2 row 2: sheet: warning: hidden in the workbook, read all the same; delete the sheet from the file if its rows are not alumni`,
		`sheet Angkatan 2 row 2: Catatan: warning: column H is hidden in the sheet, read all the same; unhide it to check its values, or delete it if it is not roster data`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if rep.Imported != 2 {
		t.Errorf("imported %d rows, want 2", rep.Imported)
	}
}

// TestXLSXFormulas: a formula's cell is read as the result Excel saved with it; a formula
// whose result is an error (#N/A of a VLOOKUP that found nothing, #REF!, #VALUE!), or an
// error value typed or pasted, refuses its row naming the cell rather than storing
// "#N/A"; so does a formula whose result the file does not hold.
func TestXLSXFormulas(t *testing.T) {
	x := newXLSXRoster(t, "ID", "Nama", "NIK", "Kejuruan", "Tgl Lahir", "Catatan")
	formula := func(cell, f string) { must(t, x.f.SetCellFormula("Sheet1", cell, f)) }
	for n := 2; n <= 7; n++ {
		x.set(1, n, "F"+string(rune('0'+n)))
		x.set(2, n, "Alumni "+string(rune('A'+n)))
		x.set(3, n, "647406430791000"+string(rune('0'+n)))
		x.set(4, n, "TIK")
	}
	formula("B2", `PROPER("budi santoso")`)
	formula("C2", `TEXT(6474064307910002,"0")`)
	formula("E2", `DATE(1991,7,3)`)
	x.style(5, 2, 14)
	formula("D3", `VLOOKUP(A3,Kejuruan!A:B,2,FALSE)`)
	formula("C4", `Data!C9`)
	formula("F5", `1/0+"x"`)
	x.set(2, 6, "#N/A") // text that reads #N/A is a name's text, however odd
	formula("F7", `A7&B7`)
	path := x.save(map[string][2]string{
		"B2": {"str", "Budi Santoso"}, "C2": {"str", "6474064307910002"}, "E2": {"", "33422"},
		"D3": {"e", "#N/A"}, "C4": {"e", "#REF!"}, "F5": {"e", "#VALUE!"},
	})
	rep, got, _ := importFile(t, path)
	var refused []string
	for _, l := range got {
		if !strings.Contains(l, "warning:") {
			refused = append(refused, l)
		}
	}
	want := []string{
		`sheet Sheet1 row 3: Kejuruan: cell D3: its formula gives the error #N/A, not a value: correct the formula, or type the value`,
		`sheet Sheet1 row 4: NIK: cell C4: its formula gives the error #REF!, not a value: correct the formula, or type the value`,
		`sheet Sheet1 row 5: Catatan: cell F5: its formula gives the error #VALUE!, not a value: correct the formula, or type the value`,
		`sheet Sheet1 row 7: Catatan: cell F7 holds a formula whose result the file does not keep (a program saved it without calculating): open the file in Excel or LibreOffice and save it again`,
	}
	if diff := cmp.Diff(want, refused); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
	if rep.Imported != 2 {
		t.Fatalf("imported %d, want 2", rep.Imported)
	}
	tbl, err := roster.ReadFile(context.Background(), path)
	must(t, err)
	p, err := roster.Parse(tbl, ref)
	must(t, err)
	r := p.Respondents[0]
	if r.Name != "Budi Santoso" || r.NIK != "6474064307910002" || r.BirthDate != "1991-07-03" {
		t.Errorf("the formulas' results: %q %q %q", r.Name, r.NIK, r.BirthDate)
	}
}

// TestXLSXSheetsColumnsOutside: a value right of a sheet's header is warned of naming the
// sheet's own column, and is never read as the column a later sheet has there (the first
// sheet's stray note under the second sheet's Tgl Lahir); nor is a value under a later
// sheet's column without a header named by another sheet's column.
func TestXLSXSheetsColumnsOutside(t *testing.T) {
	f := excelize.NewFile()
	must(t, f.SetSheetName("Sheet1", "Angkatan 1"))
	_, err := f.NewSheet("Angkatan 2")
	must(t, err)
	row := func(sheet, cell string, v ...any) {
		t.Helper()
		must(t, f.SetSheetRow(sheet, cell, &v))
	}
	row("Angkatan 1", "A1", "ID", "Nama", "NIK", "Kejuruan")
	row("Angkatan 1", "A2", "S-1", "Ani", "6474064307910001", "TIK", "", "catatan: pindah")
	row("Angkatan 2", "A1", "ID", "Nama", "NIK", "Kejuruan", "", "Tgl Lahir")
	row("Angkatan 2", "A2", "S-2", "Budi", "6474060307910002", "TIK", "x", "1991-07-03")
	path := filepath.Join(t.TempDir(), "sheets.xlsx")
	must(t, f.SaveAs(path))
	rep, got, store := importFile(t, path)
	want := []string{
		`sheet Angkatan 1 row 2: column F: warning: value outside the header's columns`,
		`sheet Angkatan 2 row 2: column E: warning: value under a column with no header, not read; give the column a header`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if rep.Imported != 2 {
		t.Fatalf("imported %d, want 2", rep.Imported)
	}
	r, err := store.Get(context.Background(), "S-1")
	must(t, err)
	if r.BirthDate != "" || len(r.Extra) != 0 {
		t.Errorf("S-1 took a value from outside its sheet's header: birth date %q, extra %v", r.BirthDate, r.Extra)
	}
}

// TestXLSXLongNumbersElsewhere: a number of 16 or more digits has lost digits to Excel in
// any column, not only the NIK's: as the roster id it refuses its row (two ids could have
// become one); in another column (the family card's number) a warning names the cell.
func TestXLSXLongNumbersElsewhere(t *testing.T) {
	x := newXLSXRoster(t, "ID", "Nama", "NIK", "Kejuruan", "No KK")
	x.set(1, 2, int64(6474010101010001))
	x.set(2, 2, "Ani")
	x.set(3, 2, "6474064307910001")
	x.set(4, 2, "TIK")
	x.set(1, 3, "L-2")
	x.set(2, 3, "Budi")
	x.set(3, 3, "6474060307910002")
	x.set(4, 3, "TIK")
	x.set(5, 3, int64(6474010101010002))
	x.set(1, 4, int64(1001)) // a short id typed as a number is its digits
	x.set(2, 4, "Citra")
	x.set(3, 4, "6474064307910003")
	x.set(4, 4, "TIK")
	x.set(5, 4, int64(647401010101))
	rep, got, store := importFile(t, x.save(nil))
	want := []string{
		`sheet Sheet1 row 2: ID: stored as a number (cell A2, 6474010101010001): Excel keeps only 15 digits of a number, so its last digits may be lost; format the column as Text and type the values again`,
		`sheet Sheet1 row 3: No KK: warning: stored as a number (cell E3, 6474010101010002): Excel keeps only 15 digits of a number, so its last digits may be lost; format the column as Text and type the values again`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if rep.Imported != 2 {
		t.Errorf("imported %d, want 2", rep.Imported)
	}
	if r, err := store.Get(context.Background(), "1001"); err != nil || r.Extra["No KK"] != "647401010101" {
		t.Errorf("row 1001: %+v, %v", r, err)
	}
}
