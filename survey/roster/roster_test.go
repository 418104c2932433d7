package roster_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"tracer/survey"
	"tracer/survey/roster"
	"tracer/survey/sqlite"
)

var ref = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// sharedData returns the path of a file in the project's shared data folder, next to the
// repository, and skips the test when it is absent.
func sharedData(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "data", name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared data %s not available: %v", name, err)
	}
	return path
}

func lines(ps []roster.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func openStore(t *testing.T) *sqlite.RosterStore {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return sqlite.NewRosterStore(db)
}

// TestDirtyRoster checks that every fault planted in roster-dirty.csv is reported on its
// row: the file itself is semicolon-separated UTF-8 with a BOM and CRLF line ends.
func TestDirtyRoster(t *testing.T) {
	tbl, err := roster.ReadFile(context.Background(), sharedData(t, "roster-dirty.csv"))
	if err != nil {
		t.Fatal(err)
	}
	store := openStore(t)
	rep, err := roster.Import(context.Background(), store, tbl, ref)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`row 3: nik: NIK must have 16 digits, got 9`,                                                         // short NIK
		`row 4: birth_date: warning: birth date 2003-12-23 differs from the NIK's 20-02-04 (day-month-year)`, // NIK of another person
		`row 5: nik: warning: same NIK as row 4; the same person in two batches is fine, else correct it`,    // duplicate NIK
		`row 6: nik: NIK birth day 32 is not 01-31 or 41-71`,                                                 // woman's day without +40
		`row 7: phone_main: warning: phone number looks made up (a run of consecutive digits)`,               // +62 812-3456-7890
		`row 8: phone_main: phone number must start with 0, 62 or +62`,                                       // 12345
		`row 9: birth_date: "31/02/1999" is not a real date (use YYYY-MM-DD, DD/MM/YYYY or 12 Agustus 2024)`, // 31 February
		`row 10: full_name: warning: unusual characters ')' ';'; check the name`,                             // SQL injection
		`row 11: kejuruan: required`,                                                                          // empty kejuruan
		`row 13: roster_id: duplicate roster id BTG25-0012, first on row 12`,                                  // duplicate id
		`row 14: birth_date: warning: birth date 1996-10-06 differs from the NIK's 15-05-99 (day-month-year)`, // spaced NIK
		`row 15: full_name: warning: unusual characters '–'; check the name`,                                  // en dash
		`row 15: full_name: warning: no-break space replaced by a space`,                                      // NBSP
		`row 16: nik: NIK serial number is 0000; a NIK typed as a number in Excel loses its last digit (Excel keeps 15): format the column as Text and type the NIK again`, // serial 0000
	}
	if diff := cmp.Diff(want, lines(rep.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if rep.Imported != 23 || rep.Rejected != 7 || rep.Result.Inserted != 23 {
		t.Errorf("report %+v, want 23 imported, 7 rejected", rep)
	}

	ctx := context.Background()
	for _, tt := range []struct {
		id   string
		want func(*survey.Respondent) bool
	}{
		{"BTG25-0006", func(r *survey.Respondent) bool {
			return r.Phone == "+6281234567890" && r.PhoneRaw == "+62 812-3456-7890"
		}},
		{"BTG25-0009", func(r *survey.Respondent) bool { return r.Name == "Robert'); DROP TABLE roster;--" }},
		{"BTG25-0012", func(r *survey.Respondent) bool { return r.Name == "Eko Kusuma" }},
		{"BTG25-0013", func(r *survey.Respondent) bool { return r.NIK == "6474011505990013" }},
		{"BTG25-0014", func(r *survey.Respondent) bool { return r.Name == "Sri Wahyuni Ningsih – Ibu" }},
		{"BTG25-0001", func(r *survey.Respondent) bool {
			return r.Sex == "L" && r.BirthDate == "1991-07-03" && r.Kejuruan == "ALB" && r.BatchID == "BTG-2025-01" &&
				r.Funding == "apbd_kab_murni" && r.Completion == "pass" && r.Regency == "6474" && r.Education == "5" &&
				r.TrainingStart == "2025-03-04" && r.TrainingEnd == "2025-03-29" && r.Phone == "+62899324611836"
		}},
	} {
		t.Run(tt.id, func(t *testing.T) {
			r, err := store.Get(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(r) {
				t.Errorf("stored %+v", r)
			}
		})
	}
	for _, id := range []string{"BTG25-0002", "BTG25-0005", "BTG25-0007", "BTG25-0008", "BTG25-0010", "BTG25-0015"} {
		if _, err := store.Get(ctx, id); survey.ErrorCode(err) != survey.ENOTFOUND {
			t.Errorf("rejected %s is stored (%v)", id, err)
		}
	}
	if ms, err := store.Search(ctx, "ningsih", 5); err != nil || len(ms) != 1 || ms[0].Respondent.RosterID != "BTG25-0014" {
		t.Errorf("search ningsih = %v, %v", ms, err)
	}

	// The same file again changes nothing and says the same.
	again, err := roster.Import(ctx, store, tbl, ref)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(lines(rep.Problems), lines(again.Problems)); diff != "" {
		t.Errorf("second import problems (-first +second):\n%s", diff)
	}
	if again.Result != (survey.UpsertResult{Unchanged: 23}) {
		t.Errorf("second import: %+v", again.Result)
	}
}

func TestCleanRoster(t *testing.T) {
	tbl, err := roster.ReadFile(context.Background(), sharedData(t, "roster-blki-bontang-2025.csv"))
	if err != nil {
		t.Fatal(err)
	}
	store := openStore(t)
	rep, err := roster.Import(context.Background(), store, tbl, ref)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 672 || rep.Rejected != 0 || len(rep.Problems) != 0 {
		t.Errorf("clean roster: %s\n%s", rep.Summary(), strings.Join(lines(rep.Problems), "\n"))
	}
	if n, _ := store.Count(context.Background()); n != 672 {
		t.Errorf("Count = %d", n)
	}
}

// TestSemicolonBOM reads what Excel in an Indonesian locale writes: a BOM, semicolons,
// CRLF, Indonesian headers, day-first dates, spaced NIKs and phones as people write them.
func TestSemicolonBOM(t *testing.T) {
	csv := "\ufeffNo Peserta;Nama Lengkap;NIK;Jenis Kelamin;Tanggal Lahir;No. HP;Kejuruan;Angkatan;Tahun Anggaran;Catatan\r\n" +
		"A-1;Siti Rahayu;6474 0643 0791 0001;Perempuan;03/07/1991;0812 9876 1234;TIK;2025-1;2025;pindah ke Samarinda\r\n" +
		"A-2;\"Budi; Santoso\";6474-0603-0791-0002;laki-laki;3-7-1991;62 813 1111 2223;TIK;2025-1;2025;\r\n" +
		"\r\n" +
		"A-3;José Ñandú;6474060307910003;X;1991-07-03;;TIK;2025-1;dua ribu;\r\n" +
		"A-4;Ani;6474060307910004;;;0541 123456;TIK;2025-1;;\r\n"
	p := parseCSV(t, csv)
	want := []string{
		`row 3: Nama Lengkap: warning: unusual characters ';'; check the name`,
		`row 5: Jenis Kelamin: "X" is not L or P (laki-laki, perempuan)`,
		`row 5: Tahun Anggaran: "dua ribu" is not a year`,
		`row 6: No. HP: a landline; the main phone must be a mobile number (08...)`,
	}
	if diff := cmp.Diff(want, lines(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	wantRows := []*survey.Respondent{
		{RosterID: "A-1", Name: "Siti Rahayu", NIK: "6474064307910001", Sex: "P", BirthDate: "1991-07-03",
			Phone: "+6281298761234", PhoneRaw: "0812 9876 1234", Kejuruan: "TIK", BatchID: "2025-1", BudgetYear: "2025",
			Extra: map[string]string{"Catatan": "pindah ke Samarinda"}},
		{RosterID: "A-2", Name: "Budi; Santoso", NIK: "6474060307910002", Sex: "L", BirthDate: "1991-07-03",
			Phone: "+6281311112223", PhoneRaw: "62 813 1111 2223", Kejuruan: "TIK", BatchID: "2025-1", BudgetYear: "2025"},
	}
	if diff := cmp.Diff(wantRows, p.Respondents); diff != "" {
		t.Errorf("respondents (-want +got):\n%s", diff)
	}
}

// TestXLSX writes a roster workbook as users make them (a title row above the header,
// a phone and a NIK typed as numbers, dates as date cells, a blank row) and imports it.
func TestXLSX(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	set := func(cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "Daftar Alumni BLK 2025")
	for i, h := range []string{"ID", "Nama", "NIK", "JK", "Tgl Lahir", "No HP", "Kejuruan", "Gelombang", "Sumber Dana"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(cell, h)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yy: only the serial is safe
	if err != nil {
		t.Fatal(err)
	}
	set("A4", "X-1")
	set("B4", "Dewi Lestari")
	set("C4", "6474064307910001")
	set("D4", "P")
	set("E4", time.Date(1991, 7, 3, 0, 0, 0, 0, time.UTC))
	must(t, f.SetCellStyle(sheet, "E4", "E4", dateStyle))
	set("F4", 81234561234)
	set("G4", "Menjahit")
	set("H4", 1)
	set("I4", "APBN")
	// row 5 blank
	set("A6", "X-2")
	set("B6", "Rudi")
	set("C6", "6474060307910000")
	set("G6", "Las")
	set("A7", "X-3")
	set("B7", "Sari")
	set("C7", 6474064307910003)
	set("G7", "Las")
	must(t, f.SaveAs(path))

	checkSpreadsheetRoster(t, path, sheet)
}

// TestXLS reads the roster of TestXLSX from a legacy .xls workbook that xlwt writes: the
// same respondents and the same problems, the date typed as a date, the phone and a NIK as
// numbers.
func TestXLS(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xlwt").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s cannot import xlwt: %v", py, err)
		}
		t.Skipf("%s with xlwt is needed (Debian's python3-xlwt): %v", py, err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "roster.xls")
	script := `import datetime, sys, xlwt
b = xlwt.Workbook(encoding="utf-8")
s = b.add_sheet("Alumni")
s.write(0, 0, "Daftar Alumni BLK 2025")
for i, h in enumerate(["ID", "Nama", "NIK", "JK", "Tgl Lahir", "No HP", "Kejuruan", "Gelombang", "Sumber Dana"]):
    s.write(2, i, h)
for i, v in enumerate(["X-1", "Dewi Lestari", "6474064307910001", "P"]):
    s.write(3, i, v)
s.write(3, 4, datetime.date(1991, 7, 3), xlwt.easyxf(num_format_str="m/d/yy"))
for i, v in enumerate([81234561234, "Menjahit", 1, "APBN"]):
    s.write(3, 5 + i, v)
for i, v in [(0, "X-2"), (1, "Rudi"), (2, "6474060307910000"), (6, "Las")]:
    s.write(5, i, v)
for i, v in [(0, "X-3"), (1, "Sari"), (2, 6474064307910003), (6, "Las")]:
    s.write(6, i, v)
b.add_sheet("Catatan").write(0, 0, "not read")
b.save(sys.argv[1])
`
	if out, err := exec.Command(py, "-c", script, path).CombinedOutput(); err != nil {
		t.Fatalf("xlwt: %v\n%s", err, out)
	}
	checkSpreadsheetRoster(t, path, "Alumni")
}

// TestXLSCellKinds reads a legacy .xls workbook by what its cells hold, as an .xlsx: a NIK
// and a phone number stored as numbers, a date cell in a workbook that counts its days from
// 1904, an error value, a hidden row, a hidden column and a hidden sheet.
func TestXLSCellKinds(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import xlwt").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s cannot import xlwt: %v", py, err)
		}
		t.Skipf("%s with xlwt is needed (Debian's python3-xlwt): %v", py, err)
	}
	path := filepath.Join(t.TempDir(), "roster.xls")
	script := `import datetime, sys, xlwt
b = xlwt.Workbook(encoding="utf-8")
b.dates_1904 = True
s = b.add_sheet("Alumni")
for i, h in enumerate(["ID", "Nama", "NIK", "Kejuruan", "No HP", "Tgl Lahir", "Catatan"]):
    s.write(0, i, h)
for i, v in enumerate(["L-1", "Ani", "6474064307910001", "TIK", 81234560001]):
    s.write(1, i, v)
s.write(1, 5, datetime.date(1991, 7, 3), xlwt.easyxf(num_format_str="dd/mm/yyyy"))
s.write(1, 6, "ok")
for i, v in enumerate(["L-2", "Budi", 6474060307910002, "TIK", "081234560002"]):
    s.write(2, i, v)
for i, v in enumerate(["L-3", "Citra", "6474064307910003", "TIK", "081234560003"]):
    s.write(3, i, v)
s.row(3).set_cell_error(6, 0x2A)  # #N/A
s.row(2).hidden = True
s.col(6).hidden = True
a = b.add_sheet("Arsip")
for i, h in enumerate(["ID", "Nama", "NIK", "Kejuruan"]):
    a.write(0, i, h)
a.visibility = 1
b.save(sys.argv[1])
`
	if out, err := exec.Command(py, "-c", script, path).CombinedOutput(); err != nil {
		t.Fatalf("xlwt: %v\n%s", err, out)
	}
	tbl, err := roster.ReadFile(context.Background(), path)
	must(t, err)
	p, err := roster.Parse(tbl, ref)
	must(t, err)
	want := []string{
		`sheet Alumni row 1: Catatan: warning: column G is hidden in the sheet, read all the same; unhide it to check its values, or delete it if it is not roster data`,
		`sheet Alumni row 2: No HP: warning: stored as a number (cell E2), which drops the leading 0: read as 081234560001; format the column as Text to keep it`,
		`sheet Alumni row 3: row: warning: hidden in the sheet, read all the same; delete the row from the file if it is not an alumnus`,
		`sheet Alumni row 3: NIK: NIK stored as a number (cell C3, 6474060307910002): Excel keeps only 15 digits of a number, so the NIK's last digit may be lost even where it looks right; format the column as Text and type the NIK again`,
		`sheet Alumni row 4: Catatan: cell G4 holds the error #N/A, not a value: type the value`,
		`sheet Arsip row 1: sheet: warning: hidden in the workbook, read all the same; delete the sheet from the file if its rows are not alumni`,
	}
	if diff := cmp.Diff(want, lines(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(p.Respondents) != 1 || p.Respondents[0].BirthDate != "1991-07-03" || p.Respondents[0].Phone != "+6281234560001" {
		t.Errorf("respondents: %+v", p.Respondents)
	}
}

// checkSpreadsheetRoster reads the roster TestXLSX and TestXLS write, from path, where it
// is on sheet.
func checkSpreadsheetRoster(t *testing.T, path, sheet string) {
	t.Helper()
	tbl, err := roster.ReadFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := roster.Parse(tbl, ref)
	if err != nil {
		t.Fatal(err)
	}
	wantProblems := []string{
		`sheet ` + sheet + ` row 4: No HP: warning: stored as a number (cell F4), which drops the leading 0: read as 081234561234; format the column as Text to keep it`,
		`sheet ` + sheet + ` row 6: NIK: NIK serial number is 0000; a NIK typed as a number in Excel loses its last digit (Excel keeps 15): format the column as Text and type the NIK again`,
		`sheet ` + sheet + ` row 7: NIK: NIK stored as a number (cell C7, 6474064307910003): Excel keeps only 15 digits of a number, so the NIK's last digit may be lost even where it looks right; format the column as Text and type the NIK again`,
	}
	if diff := cmp.Diff(wantProblems, lines(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	want := []*survey.Respondent{{RosterID: "X-1", Name: "Dewi Lestari", NIK: "6474064307910001", Sex: "P", BirthDate: "1991-07-03",
		Phone: "+6281234561234", PhoneRaw: "081234561234", Kejuruan: "Menjahit", BatchID: "1", Funding: "APBN"}}
	if diff := cmp.Diff(want, p.Respondents); diff != "" {
		t.Errorf("respondents (-want +got):\n%s", diff)
	}
}

func TestReadCSVRowNumbers(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		rows     []int
	}{
		{"LF", "nama,nik\na,1\nb,2\n", []int{2, 3}},
		{"blank lines", "nama,nik\n\na,1\n\n\nb,2", []int{3, 6}},
		{"quoted newline", "nama,nik\n\"a\nb\",1\nc,2\n", []int{2, 3}},
		{"tabs", "nama\tnik\na\t1\n", []int{2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tbl, err := roster.ReadCSV(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, r := range tbl.Rows {
				got = append(got, r.N)
			}
			if diff := cmp.Diff(tt.rows, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadCSVEncodings(t *testing.T) {
	utf16le := func(s string) string {
		var b bytes.Buffer
		b.Write([]byte{0xFF, 0xFE})
		for _, r := range s {
			b.WriteByte(byte(r))
			b.WriteByte(byte(r >> 8))
		}
		return b.String()
	}
	for _, tt := range []struct{ name, in string }{
		{"UTF-8", "nama;nik\nJosé;1\n"},
		{"UTF-8 BOM", "\ufeffnama;nik\nJosé;1\n"},
		{"UTF-16LE", utf16le("nama\tnik\r\nJosé\t1\r\n")},
		{"Windows-1252", "nama;nik\nJos\xe9;1\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tbl, err := roster.ReadCSV(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"nama", "nik"}, tbl.Header); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if len(tbl.Rows) != 1 || tbl.Rows[0].Cells[0] != "José" {
				t.Errorf("rows = %+v", tbl.Rows)
			}
		})
	}
}

func TestParseHeaderErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"no name", "roster_id,nik\nA,1\n", "header: no name (full_name, Nama) column"},
		{"no NIK", "roster_id,nama\nA,b\n", "header: no NIK column"},
		{"two name columns", "nama,full_name,nik\n", `header: columns "nama" and "full_name" mean the same`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tbl, err := roster.ReadCSV(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			_, err = roster.Parse(tbl, ref)
			if survey.ErrorCode(err) != survey.EINVALID || survey.ErrorMessage(err) != tt.want {
				t.Errorf("Parse: %v, want %q", err, tt.want)
			}
		})
	}
}

// TestNoRosterID: a minimal Indonesian roster without an id column uses the NIK as id.
func TestNoRosterID(t *testing.T) {
	p := parseCSV(t, "Nama,NIK,No HP,Jenis Kelamin,Kejuruan,Angkatan\nAni,6474064307910001,081298761234,P,TIK,3\n")
	if diff := cmp.Diff([]string{"row 1: header: warning: no roster id column; the NIK is used as roster id"}, lines(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(p.Respondents) != 1 || p.Respondents[0].RosterID != "6474064307910001" || p.Respondents[0].BatchID != "3" {
		t.Errorf("respondents = %+v", p.Respondents)
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"roster_id;nik;full_name\r\nA;6474060307910001;Ani\r\n",
		"\ufeffNama,NIK,No HP\n\"x\"\"y\",6474 0603 0791 0001,+62 812-3456-7890\n",
		"nama\tnik\tkejuruan\n\n\na\t1\t\n",
		"ID,Nama,NIK,Tgl Lahir\n1,a,6474060307910001,31/02/1999\n1,b,6474060307910001,33422\n",
	} {
		f.Add([]byte(s))
	}
	f.Add(bytes.Repeat([]byte("a,b,c,d\n"), 120_000)) // over the row limit
	f.Add(bytes.Repeat([]byte(","), 200_000))         // one row of empty cells
	f.Fuzz(func(t *testing.T, b []byte) {
		before := heapAllocated()
		tbl, err := roster.ReadCSV(context.Background(), bytes.NewReader(b))
		if took, most := heapAllocated()-before, 64*uint64(len(b))+1<<20; took > most {
			t.Fatalf("reading %d bytes allocated %d bytes; the bound is %d", len(b), took, most)
		}
		if err != nil {
			return
		}
		p, err := roster.Parse(tbl, ref)
		if err != nil {
			return
		}
		for _, r := range p.Respondents {
			if r.RosterID == "" || r.Name == "" {
				t.Fatalf("accepted a row without id or name: %+v", r)
			}
			if _, err := survey.ParseNIK(r.NIK); err != nil {
				t.Fatalf("accepted a bad NIK: %+v", r)
			}
		}
		for _, pr := range p.Problems {
			if pr.Row < 1 || pr.Column == "" {
				t.Fatalf("problem without row or column: %+v", pr)
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestCompletionWords checks that the training outcome, written as BLK spreadsheets write
// it, is read as the code the report counts (only pass is in G), and that a value that is
// none of them refuses its row with a message naming the codes.
func TestCompletionWords(t *testing.T) {
	csv := "Nama,NIK,Kejuruan,Status Kelulusan\n" +
		"Ani,6474064307910001,TIK,Lulus\n" +
		"Budi,6474060307910002,TIK,BELUM KOMPETEN\n" +
		"Citra,6474064307910003,TIK,\"Selesai, belum kompeten\"\n" +
		"Dedi,6474060307910004,TIK,Tidak menyelesaikan\n" +
		"Eka,6474064307910005,TIK,kompeten\n" +
		"Fajar,6474060307910006,TIK,cuti\n" +
		"Gita,6474064307910007,TIK,\n" +
		"Hadi,6474060307910008,TIK,Failed\n"
	p := parseCSV(t, csv)
	got := map[string]string{}
	for _, r := range p.Respondents {
		got[r.Name] = r.Completion
	}
	want := map[string]string{"Ani": "pass", "Budi": "finished_not_pass", "Citra": "finished_not_pass", "Dedi": "dropout", "Eka": "pass", "Gita": "", "Hadi": "finished_not_pass"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("completion (-want +got):\n%s", diff)
	}
	var refused []string
	for _, l := range lines(p.Problems) {
		if !strings.Contains(l, "warning:") {
			refused = append(refused, l)
		}
	}
	if diff := cmp.Diff([]string{`row 7: Status Kelulusan: "cuti" is not pass, finished_not_pass or dropout (lulus, belum kompeten, tidak menyelesaikan)`}, refused); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
}

// parseCSV reads text as a CSV roster and checks it by Parse.
func parseCSV(t *testing.T, text string) *roster.Parsed {
	t.Helper()
	tbl, err := roster.ReadCSV(context.Background(), strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	p, err := roster.Parse(tbl, ref)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRegencyNames checks that the regency of domicile, written as a BPS code or as a name
// in the ways rosters write it, is stored as its code, and that a value that is neither
// refuses its row naming it: a made-up code never reaches the roster.
func TestRegencyNames(t *testing.T) {
	csv := "Nama,NIK,Kejuruan,Kabupaten/Kota\n" +
		"Ani,6474064307910001,TIK,6474\n" +
		"Budi,6474060307910002,TIK,KOTA BANDUNG\n" +
		"Citra,6474064307910003,TIK,Kab. Bandung\n" +
		"Dedi,6474060307910004,TIK,abc\n" +
		"Eka,6474064307910005,TIK,Bandung\n" +
		"Fajar,6474060307910006,TIK,\n" +
		"Gita,6474064307910007,TIK,9999\n"
	p := parseCSV(t, csv)
	got := map[string]string{}
	for _, r := range p.Respondents {
		got[r.Name] = r.Regency
	}
	want := map[string]string{"Ani": "6474", "Budi": "3273", "Citra": "3204", "Fajar": ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("regency (-want +got):\n%s", diff)
	}
	var refused []string
	for _, l := range lines(p.Problems) {
		if !strings.Contains(l, "warning:") {
			refused = append(refused, l)
		}
	}
	wantRefused := []string{
		`row 5: Kabupaten/Kota: "abc" is not a regency or city of the Kepmendagri list: give its code (3273) or its name (Kota Bandung, Kab. Bandung)`,
		`row 6: Kabupaten/Kota: "Bandung" names more than one regency or city (3204 Kabupaten Bandung, 3273 Kota Bandung): give the code, or Kab. or Kota before the name`,
		`row 8: Kabupaten/Kota: "9999" is not the code of a regency or city of the Kepmendagri list (3204 Kabupaten Bandung, 3273 Kota Bandung)`,
	}
	if diff := cmp.Diff(wantRefused, refused); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
}

// TestXLSXSheets reads a workbook as offices keep one: a cover sheet first, then one sheet
// per batch, each with a merged title above its header, the second with its columns in
// another order and named otherwise. Every batch's rows are read, under the right columns,
// and each problem names its sheet.
func TestXLSXSheets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alumni.xlsx")
	f := excelize.NewFile()
	must(t, f.SetSheetName("Sheet1", "Petunjuk"))
	must(t, f.SetCellValue("Petunjuk", "A1", "Isi satu sheet per angkatan"))
	row := func(sheet, cell string, v ...any) {
		t.Helper()
		must(t, f.SetSheetRow(sheet, cell, &v))
	}
	for _, s := range []string{"Angkatan 1", "Angkatan 2"} {
		if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
		row(s, "A1", "DAFTAR ALUMNI "+strings.ToUpper(s))
		must(t, f.MergeCell(s, "A1", "E1"))
	}
	row("Angkatan 1", "A3", "No Peserta", "Nama", "NIK", "Kejuruan", "No HP")
	row("Angkatan 1", "A4", "B-1", "Ani", "6474064307910001", "TIK", "081234560001")
	row("Angkatan 1", "A5", "B-2", "Budi", "6474060307910002", "TIK", "0812")
	row("Angkatan 2", "A3", "NIK", "Nama Lengkap", "No Peserta", "Kejuruan", "Telepon")
	row("Angkatan 2", "A4", "6474064307910003", "Citra", "B-3", "LAS", "081234560003")
	row("Angkatan 2", "A5", "6474060307910004", "Dedi", "B-1", "LAS", "")
	must(t, f.SaveAs(path))

	tbl, err := roster.ReadFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := roster.Parse(tbl, ref)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`sheet Angkatan 1 row 5: No HP: mobile number must have 10-13 digits written as 08..., got 4`,
		`sheet Angkatan 2 row 5: No Peserta: duplicate roster id B-1, first on sheet Angkatan 1 row 4`,
	}
	if diff := cmp.Diff(want, lines(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	var got []string
	for i, r := range p.Respondents {
		got = append(got, p.Sheets[i]+" "+r.RosterID+" "+r.Name+" "+r.NIK+" "+r.Kejuruan+" "+r.Phone)
	}
	wantRows := []string{
		"Angkatan 1 B-1 Ani 6474064307910001 TIK +6281234560001",
		"Angkatan 2 B-3 Citra 6474064307910003 LAS +6281234560003",
	}
	if diff := cmp.Diff(wantRows, got); diff != "" {
		t.Errorf("respondents (-want +got):\n%s", diff)
	}
}

// TestDateForms reads the dates as BLK rosters write them: serial numbers, day first with
// any separator, month names in Bahasa Indonesia and English, two-digit years as Excel
// reads them; a date it cannot read is refused quoting the cell whole.
func TestDateForms(t *testing.T) {
	dates := []struct{ in, want string }{
		{"1991-07-03", "1991-07-03"},
		{"33422", "1991-07-03"},
		{"03/07/1991", "1991-07-03"},
		{"3-7-1991", "1991-07-03"},
		{"03.07.1991", "1991-07-03"},
		{"12 Agustus 2024", "2024-08-12"},
		{"12 AGUSTUS 2024", "2024-08-12"},
		{"3-Mar-24", "2024-03-03"},
		{"1 Nop 1999", "1999-11-01"},
		{"01-01-96", "1996-01-01"},
		{"5 Mei 2001", "2001-05-05"},
		{"7 July 1992", "1992-07-07"},
		{"1991-07-03 00:00:00", "1991-07-03"},
	}
	csv := "Nama;NIK;Kejuruan;Tgl Mulai\n"
	for i, d := range dates {
		csv += fmt.Sprintf("A%d;64740643079100%02d;TIK;%s\n", i, i+1, d.in)
	}
	csv += "Z1;6474064307910091;TIK;31 April 2024\nZ2;6474064307910092;TIK;12 Agst. 2024 (?)\n"
	p := parseCSV(t, csv)
	var got []string
	for _, r := range p.Respondents {
		got = append(got, r.TrainingStart)
	}
	var want []string
	for _, d := range dates {
		want = append(want, d.want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dates (-want +got):\n%s", diff)
	}
	n := len(dates) + 2
	wantProblems := []string{
		fmt.Sprintf(`row %d: Tgl Mulai: "31 April 2024" is not a real date (use YYYY-MM-DD, DD/MM/YYYY or 12 Agustus 2024)`, n),
		fmt.Sprintf(`row %d: Tgl Mulai: "12 Agst. 2024 (?)" is not a real date (use YYYY-MM-DD, DD/MM/YYYY or 12 Agustus 2024)`, n+1),
	}
	var refused []string
	for _, l := range lines(p.Problems) {
		if !strings.Contains(l, "warning:") {
			refused = append(refused, l)
		}
	}
	if diff := cmp.Diff(wantProblems, refused); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
}

// TestNumbersInScientificNotation: a NIK or phone number that Excel showed, and saved as
// CSV, in scientific notation has lost digits; its row is refused saying so, never stored
// with the digits Excel made up. A NIK whose last four digits Excel turned to zeros says
// why too.
func TestNumbersInScientificNotation(t *testing.T) {
	csv := "Nama;NIK;Kejuruan;No HP\n" +
		"Ani;6,47406E+15;TIK;081234560001\n" +
		"Budi;6.47406E+15;TIK;081234560002\n" +
		"Citra;6474064307910003;TIK;6,28123E+11\n" +
		"Dedi;6474060307910000;TIK;081234560004\n"
	p := parseCSV(t, csv)
	var refused []string
	for _, l := range lines(p.Problems) {
		if !strings.Contains(l, "warning:") {
			refused = append(refused, l)
		}
	}
	want := []string{
		`row 2: NIK: "6,47406E+15" is a number in scientific notation: Excel keeps only 15 digits of a number, so the NIK's last digits are lost; format the column as Text and type the NIKs again`,
		`row 3: NIK: "6.47406E+15" is a number in scientific notation: Excel keeps only 15 digits of a number, so the NIK's last digits are lost; format the column as Text and type the NIKs again`,
		`row 4: No HP: "6,28123E+11" is a number in scientific notation, whose digits may be lost: format the column as Text and type the number again`,
		`row 5: NIK: NIK serial number is 0000; a NIK typed as a number in Excel loses its last digit (Excel keeps 15): format the column as Text and type the NIK again`,
	}
	if diff := cmp.Diff(want, refused); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
	if len(p.Respondents) != 0 {
		t.Errorf("stored %d rows, want none", len(p.Respondents))
	}
}

// TestReimportKeepsValues imports a roster, then a corrected file that changes one phone
// number and lacks the regency column and a birth date: the new number replaces the old,
// and no stored value is erased by a column or a cell the file does not fill.
func TestReimportKeepsValues(t *testing.T) {
	ctx := context.Background()
	store := openStore(t)
	imp := func(csv string) *roster.Report {
		t.Helper()
		tbl, err := roster.ReadCSV(ctx, strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := roster.Import(ctx, store, tbl, ref)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	imp("ID;Nama;NIK;Kejuruan;No HP;Tgl Lahir;Kab/Kota\n" +
		"R1;Ani;6474064307910001;TIK;081234560001;03/07/1991;6474\n" +
		"R2;Budi;6474060307910002;TIK;081234560002;03/07/1991;6474\n")
	rep := imp("ID;Nama;NIK;Kejuruan;No HP;Tgl Lahir\n" +
		"R1;Ani;6474064307910001;TIK;081234569999;03/07/1991\n" +
		"R2;Budi;6474060307910002;TIK;081234560002;\n")
	if got := rep.Summary(); got != "imported 2, rejected 0 (0 new, 1 updated, 1 unchanged)" {
		t.Errorf("summary = %q", got)
	}
	r1, err := store.Get(ctx, "R1")
	must(t, err)
	r2, err := store.Get(ctx, "R2")
	must(t, err)
	if r1.Phone != "+6281234569999" || r1.Regency != "6474" || r2.BirthDate != "1991-07-03" || r2.Regency != "6474" {
		t.Errorf("after the re-import: R1 %s %s, R2 %s %s", r1.Phone, r1.Regency, r2.BirthDate, r2.Regency)
	}
}

// TestXLSXHiddenRow: a row hidden in the sheet (a dropout an office hid rather than
// deleted) is read, as every row is, and its warning says it was hidden, so the supervisor
// who never saw it in Excel learns it is in the roster.
func TestXLSXHiddenRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hidden.xlsx")
	f := excelize.NewFile()
	for i, r := range [][]any{
		{"ID", "Nama", "NIK", "Kejuruan"},
		{"H-1", "Ani", "6474064307910001", "TIK"},
		{"H-2", "Budi", "6474060307910002", "TIK"},
		{"H-3", "Citra", "6474064307910003", "TIK"},
	} {
		must(t, f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r))
	}
	must(t, f.SetRowVisible("Sheet1", 3, false))
	must(t, f.SaveAs(path))
	tbl, err := roster.ReadFile(context.Background(), path)
	must(t, err)
	p, err := roster.Parse(tbl, ref)
	must(t, err)
	want := []string{`sheet Sheet1 row 3: row: warning: hidden in the sheet, read all the same; delete the row from the file if it is not an alumnus`}
	if diff := cmp.Diff(want, lines(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(p.Respondents) != 3 {
		t.Errorf("read %d rows, want 3", len(p.Respondents))
	}
}

// TestTwoPhonesInACell: a cell holding two numbers refuses its row saying so, rather than
// naming the character between them.
func TestTwoPhonesInACell(t *testing.T) {
	p := parseCSV(t, "Nama;NIK;Kejuruan;No HP\n"+
		"Ani;6474064307910001;TIK;0812 3333 4444 / 0857 1111 2222\n"+
		"Budi;6474060307910002;TIK;0812-3333-5555 atau 0857-1111-6666\n"+
		"Citra;6474064307910003;TIK;0812 3333 4444 / kantor\n")
	want := []string{
		`row 2: No HP: "0812 3333 4444 / 0857 1111 2222" holds more than one number: keep the main one here and put the others in another column`,
		`row 3: No HP: "0812-3333-5555 atau 0857-1111-6666" holds more than one number: keep the main one here and put the others in another column`,
		`row 4: No HP: phone number may hold only digits, spaces and + - . ( ), got '/'`,
	}
	var refused []string
	for _, l := range lines(p.Problems) {
		if !strings.Contains(l, "warning:") {
			refused = append(refused, l)
		}
	}
	if diff := cmp.Diff(want, refused); diff != "" {
		t.Errorf("refusals (-want +got):\n%s", diff)
	}
}

// TestValueWithoutHeader: a value in a column whose header cell is empty is not read, and
// a warning says so rather than dropping it without a word.
func TestValueWithoutHeader(t *testing.T) {
	p := parseCSV(t, "ID,Nama,NIK,Kejuruan,,Catatan\r\n"+
		"R1,Ani,6474064307910001,TIK,pindah ke Samarinda,\r\n"+
		"R2,Budi,6474060307910002,TIK,,ok\r\n")
	want := []string{`row 2: column 5: warning: value under a column with no header, not read; give the column a header`}
	if diff := cmp.Diff(want, lines(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(p.Respondents) != 2 || p.Respondents[1].Extra["Catatan"] != "ok" {
		t.Errorf("respondents: %+v", p.Respondents)
	}
}

// TestUnder15Warned: an alumnus under 15 is warned of at the start of training, or at its
// end when the roster gives no start; a row with neither date, or 15 and over, is not.
func TestUnder15Warned(t *testing.T) {
	csv := "roster_id,nik,full_name,birth_date,kejuruan,batch_id,training_start_date,training_end_date\n" +
		"R1,6474061208120001,Budi Santoso,2012-08-12,TIK,B3,2025-09-01,2025-10-15\n" +
		"R2,6474065208120002,Sri Wahyuni,2012-08-12,TIK,B3,,2025-10-15\n" +
		"R3,6474065208120003,Dewi Lestari,2012-08-12,TIK,B3,,\n" +
		"R4,6474061208100004,Agus Salim,2010-08-12,TIK,B3,,2025-10-15\n"
	p := parseCSV(t, csv)
	want := []string{
		`row 2: birth_date: warning: aged 13 at the start of training, under 15`,
		`row 3: birth_date: warning: aged 13 at the end of training, under 15`,
	}
	if diff := cmp.Diff(want, lines(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
