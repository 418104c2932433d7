package export_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"tracer/forms"
	"tracer/forms/workbook/xlsxtest"
	"tracer/survey"
	"tracer/survey/export"
)

// testForm has a bilingual select_one and select_multiple, a name used in two groups, and a
// repeat with a nested repeat.
const testForm = `
| survey |
| | type | name | label::Bahasa Indonesia (id) | label::English (en) |
| | text | name | Nama | Name |
| | select_one yn | consent | Setuju? | Agree? |
| | select_multiple fruit | fruits | Buah | Fruits |
| | integer | age | Umur | Age |
| | begin group | g1 | G1 | G1 |
| | text | remark | Catatan | Remark |
| | end group | | | |
| | begin group | g2 | G2 | G2 |
| | text | remark | Catatan 2 | Remark 2 |
| | end group | | | |
| | begin repeat | hh | Anggota | Member |
| | text | mname | Nama anggota | Member name |
| | select_one yn | works | Bekerja? | Works? |
| | begin repeat | job | Pekerjaan | Job |
| | text | jtitle | Jabatan | Title |
| | end repeat | | | |
| | end repeat | | | |
| choices |
| | list_name | name | label::Bahasa Indonesia (id) | label::English (en) |
| | yn | yes | Ya | Yes |
| | yn | no | Tidak | No |
| | fruit | apple | Apel | Apple |
| | fruit | mango | Mangga | Mango |
| | fruit | durian | Durian | Durian |
`

func parseForm(t testing.TB) *forms.Form {
	t.Helper()
	f, err := forms.Parse("t.md", []byte(testForm))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var t0 = time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)

func testRecords() []*survey.Record {
	return []*survey.Record{
		{
			ID: "11111111-1111-4111-8111-111111111111", Revision: 2, FormVersion: "v1", RespondentID: "BTG25-0001",
			Enumerator: "sari", StartedAt: t0, FinalizedAt: t0.Add(20 * time.Minute),
			Answers: map[string]string{
				"name": "Ani, \"Nona\" Lestari", "consent": "yes", "fruits": "apple durian", "age": "30",
				"g1/remark": "=1+2", "g2/remark": "line 1\r\nline 2\nline 3",
				"hh[1]": "", "hh[1]/mname": "Budi", "hh[1]/works": "yes",
				"hh[1]/job[1]/jtitle": "welder", "hh[1]/job[2]/jtitle": "-cmd|' /C calc'!A0",
				"hh[2]/mname": "Citra", "hh[2]/works": "no",
			},
		},
		{
			ID: "22222222-2222-4222-8222-222222222222", Revision: 1, FormVersion: "v1", RespondentID: "",
			Enumerator: "joko", StartedAt: t0, FinalizedAt: t0.Add(time.Hour),
			Answers: map[string]string{"name": "@SUM(A1)", "consent": "no", "age": "-5", "g1/remark": "\tx", "g2/remark": "+62 812"},
		},
	}
}

func seq(recs []*survey.Record) iter.Seq2[*survey.Record, error] {
	return func(yield func(*survey.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func roster(id string) (*survey.Respondent, bool) {
	if id != "BTG25-0001" {
		return nil, false
	}
	return &survey.Respondent{RosterID: id, Name: "Ani Lestari", Sex: "P", Kejuruan: "LAS", Funding: "apbn"}, true
}

// unzip returns the files of a zip in order, by name.
func unzip(t *testing.T, data []byte) ([]string, map[string][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
		files[f.Name] = b
	}
	return names, files
}

// readCSV reads a file written by the exporter: it must start with a BOM.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	body, ok := bytes.CutPrefix(b, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", b[:min(10, len(b))])
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func exportCSV(t *testing.T, opt export.Options) ([]string, map[string][][]string, map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	opt.Format = export.CSV
	opt.TempDir = t.TempDir()
	if _, err := export.Write(&buf, parseForm(t), seq(testRecords()), opt); err != nil {
		t.Fatal(err)
	}
	names, files := unzip(t, buf.Bytes())
	tables := map[string][][]string{}
	for n, b := range files {
		tables[n] = readCSV(t, b)
	}
	return names, tables, files
}

func TestCSVTables(t *testing.T) {
	names, tables, _ := exportCSV(t, export.Options{Roster: roster})
	if diff := cmp.Diff([]string{"interviews.csv", "hh.csv", "job.csv", "codebook.csv"}, names); diff != "" {
		t.Fatalf("zip entries (-want +got):\n%s", diff)
	}
	rosterHeader := []string{}
	for _, c := range export.RosterColumns {
		rosterHeader = append(rosterHeader, "roster_"+c)
	}
	header := append(append([]string{"interview_id", "revision", "respondent_id", "enumerator", "form_version", "started_at", "finalized_at", "capture_mode", "device"},
		rosterHeader...), "name", "consent", "fruits", "fruits/apple", "fruits/mango", "fruits/durian", "age", "g1/remark", "g2/remark")
	rosterVals := func(vals map[string]string) []string {
		out := make([]string, len(export.RosterColumns))
		for i, c := range export.RosterColumns {
			out[i] = vals[c]
		}
		return out
	}
	row1 := append(append([]string{"11111111-1111-4111-8111-111111111111", "2", "BTG25-0001", "sari", "v1", "2026-11-20T08:30:00Z", "2026-11-20T08:50:00Z", "laptop", ""},
		rosterVals(map[string]string{"roster_id": "BTG25-0001", "full_name": "Ani Lestari", "sex": "P", "kejuruan": "LAS", "funding": "apbn"})...),
		`Ani, "Nona" Lestari`, "yes", "apple durian", "1", "0", "1", "30", "'=1+2", "line 1\nline 2\nline 3")
	row2 := append(append([]string{"22222222-2222-4222-8222-222222222222", "1", "", "joko", "v1", "2026-11-20T08:30:00Z", "2026-11-20T09:30:00Z", "laptop", ""},
		rosterVals(nil)...),
		"'@SUM(A1)", "no", "", "", "", "", "-5", "'\tx", "'+62 812")
	if diff := cmp.Diff([][]string{header, row1, row2}, tables["interviews.csv"]); diff != "" {
		t.Errorf("interviews.csv (-want +got):\n%s", diff)
	}
	id1 := "11111111-1111-4111-8111-111111111111"
	wantHH := [][]string{
		{"interview_id", "instance", "parent_instance", "index", "mname", "works"},
		{id1, "1", "", "1", "Budi", "yes"},
		{id1, "2", "", "2", "Citra", "no"},
	}
	if diff := cmp.Diff(wantHH, tables["hh.csv"]); diff != "" {
		t.Errorf("hh.csv (-want +got):\n%s", diff)
	}
	wantJob := [][]string{
		{"interview_id", "instance", "parent_instance", "index", "jtitle"},
		{id1, "1.1", "1", "1", "welder"},
		{id1, "1.2", "1", "2", "'-cmd|' /C calc'!A0"},
	}
	if diff := cmp.Diff(wantJob, tables["job.csv"]); diff != "" {
		t.Errorf("job.csv (-want +got):\n%s", diff)
	}
}

// TestCSVRoundTrip reads every file back with encoding/csv and writes the values again: the
// bytes must be the same, so quotes, commas and newlines inside values survive.
func TestCSVRoundTrip(t *testing.T) {
	_, tables, files := exportCSV(t, export.Options{Roster: roster})
	for name, rows := range tables {
		var buf bytes.Buffer
		buf.WriteString("\uFEFF")
		w := csv.NewWriter(&buf)
		if err := w.WriteAll(rows); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), files[name]) {
			t.Errorf("%s does not round-trip:\nwritten %q\nagain   %q", name, files[name], buf.Bytes())
		}
	}
	// Quoted values really are in the file.
	if !bytes.Contains(files["interviews.csv"], []byte(`"Ani, ""Nona"" Lestari"`)) {
		t.Errorf("quotes and commas are not escaped as RFC 4180 says")
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		lang             string
		consent, fruits  string
		works1, codebook string
	}{
		{"en", "Yes", "Apple; Durian", "Yes", "Apple"},
		{"id", "Ya", "Apel; Durian", "Ya", "Apel"},
		{"", "Ya", "Apel; Durian", "Ya", "Apel"}, // the form's default language
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			_, tables, _ := exportCSV(t, export.Options{Labels: true, Lang: tt.lang})
			iv := tables["interviews.csv"]
			col := func(name string) int {
				for i, h := range iv[0] {
					if h == name {
						return i
					}
				}
				t.Fatalf("no column %s", name)
				return -1
			}
			if got := iv[1][col("consent")]; got != tt.consent {
				t.Errorf("consent = %q, want %q", got, tt.consent)
			}
			if got := iv[1][col("fruits")]; got != tt.fruits {
				t.Errorf("fruits = %q, want %q", got, tt.fruits)
			}
			// The 0/1 columns stay 0/1 and keep their code names.
			if got := iv[1][col("fruits/durian")]; got != "1" {
				t.Errorf("fruits/durian = %q, want 1", got)
			}
			if got := tables["hh.csv"][1][5]; got != tt.works1 {
				t.Errorf("hh works = %q, want %q", got, tt.works1)
			}
		})
	}
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+2", "'=1+2"},
		{"+62 812", "'+62 812"},
		{"-cmd", "'-cmd"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"-5", "-5"},
		{"+3.25", "+3.25"},
		{"-1e5", "-1e5"},
		{"-1+2", "'-1+2"},
		{"-", "'-"},
		{"-Inf", "'-Inf"},
		{"a=b", "a=b"},
		{"", ""},
		{"Ani", "Ani"},
	}
	for _, tt := range tests {
		if got := survey.Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCodebook(t *testing.T) {
	_, tables, _ := exportCSV(t, export.Options{})
	cb := tables["codebook.csv"]
	wantHeader := []string{"table", "column", "variable", "question", "type", "list", "choice", "label_id", "label_en", "choices_id", "choices_en"}
	if diff := cmp.Diff(wantHeader, cb[0]); diff != "" {
		t.Fatalf("codebook header (-want +got):\n%s", diff)
	}
	rows := map[string][]string{}
	for _, r := range cb[1:] {
		rows[r[0]+":"+r[1]] = r
	}
	for _, want := range [][]string{
		{"interviews", "consent", "consent", "consent", "select_one", "yn", "", "Setuju?", "Agree?", "yes = Ya\nno = Tidak", "yes = Yes\nno = No"},
		{"interviews", "fruits/mango", "fruits_mango", "fruits", "0/1", "fruit", "mango", "Mangga", "Mango",
			"1 = chosen, 0 = not chosen, empty = question not answered", "1 = chosen, 0 = not chosen, empty = question not answered"},
		{"interviews", "g2/remark", "g2_remark", "remark", "text", "", "", "Catatan 2", "Remark 2", "", ""},
		{"job", "jtitle", "jtitle", "jtitle", "text", "", "", "Jabatan", "Title", "", ""},
	} {
		if diff := cmp.Diff(want, rows[want[0]+":"+want[1]]); diff != "" {
			t.Errorf("codebook row %s (-want +got):\n%s", want[1], diff)
		}
	}
	// Every column of every table is described.
	for _, name := range []string{"interviews", "hh", "job"} {
		for _, c := range tables[name+".csv"][0] {
			if rows[name+":"+c] == nil {
				t.Errorf("codebook lacks %s.%s", name, c)
			}
		}
	}
}

func TestXLSX(t *testing.T) {
	var buf bytes.Buffer
	st, err := export.Write(&buf, parseForm(t), seq(testRecords()), export.Options{Format: export.XLSX, Labels: true, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"interviews": 2, "hh": 2, "job": 2}, st.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if n := xlsxtest.CheckDimensions(t, buf.Bytes()); n != 4 {
		t.Errorf("%d worksheets checked, want 4", n)
	}
	if empty := xlsxtest.EmptyTextCells(t, buf.Bytes()); len(empty) > 0 {
		t.Errorf("%d cells hold an empty text: %v", len(empty), empty)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if diff := cmp.Diff([]string{"interviews", "hh", "job", "codebook"}, x.GetSheetList()); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	rows, err := x.GetRows("interviews")
	if err != nil {
		t.Fatal(err)
	}
	// Text cells hold the exact value: Excel never evaluates them, so no quote is added.
	if got, want := rows[1][9:], []string{`Ani, "Nona" Lestari`, "Yes", "Apple; Durian", "1", "0", "1", "30", "=1+2", "line 1\r\nline 2\nline 3"}; !cmp.Equal(want, got) {
		t.Errorf("row 1 = %q, want %q", got, want)
	}
	if f, _ := x.GetCellFormula("interviews", "Q2"); f != "" {
		t.Errorf("Q2 has the formula %q, want text", f)
	}
	if v, _ := x.GetCellValue("interviews", "R3"); v != "+62 812" {
		t.Errorf("g2/remark of row 2 = %q, want +62 812 unchanged", v)
	}
	// Numbers are numbers.
	typ, err := x.GetCellType("interviews", "P3")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("interviews", "P3"); v != "-5" || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("age of row 2 = %q (type %v), want the number -5", v, typ)
	}
	job, _ := x.GetRows("job")
	if got := job[2]; !cmp.Equal([]string{"11111111-1111-4111-8111-111111111111", "1.2", "1", "2", "-cmd|' /C calc'!A0"}, got) {
		t.Errorf("job row 2 = %q", got)
	}
	cb, _ := x.GetRows("codebook")
	if len(cb) < 20 {
		t.Errorf("codebook has %d rows", len(cb))
	}
}

func TestJSONL(t *testing.T) {
	var buf bytes.Buffer
	_, err := export.Write(&buf, parseForm(t), seq(testRecords()), export.Options{Format: export.JSONL, Roster: roster})
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	want := `{"interview_id":"11111111-1111-4111-8111-111111111111","revision":2,"respondent_id":"BTG25-0001","enumerator":"sari","form_version":"v1",` +
		`"started_at":"2026-11-20T08:30:00Z","finalized_at":"2026-11-20T08:50:00Z","capture_mode":"laptop","device":"","roster_roster_id":"BTG25-0001","roster_full_name":"Ani Lestari",` +
		`"roster_sex":"P","roster_kejuruan":"LAS","roster_funding":"apbn","name":"Ani, \"Nona\" Lestari","consent":"yes","fruits":"apple durian","age":"30",` +
		`"g1/remark":"=1+2","g2/remark":"line 1\r\nline 2\nline 3","hh":[{"mname":"Budi","works":"yes","job":[{"jtitle":"welder"},{"jtitle":"-cmd|' /C calc'!A0"}]},` +
		`{"mname":"Citra","works":"no"}]}`
	if lines[0] != want {
		t.Errorf("line 1:\n got %s\nwant %s", lines[0], want)
	}
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Errorf("invalid JSON %s: %v", l, err)
		}
	}
}

func TestIteratorError(t *testing.T) {
	boom := errors.New("disk on fire")
	recs := func(yield func(*survey.Record, error) bool) {
		if !yield(testRecords()[0], nil) {
			return
		}
		yield(nil, boom)
	}
	for _, f := range []export.Format{export.CSV, export.XLSX, export.JSONL} {
		_, err := export.Write(io.Discard, parseForm(t), recs, export.Options{Format: f, TempDir: t.TempDir()})
		if !errors.Is(err, boom) {
			t.Errorf("%s: err = %v, want the iterator's error", f, err)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]export.Format{"csv": export.CSV, "XLSX": export.XLSX, " jsonl ": export.JSONL} {
		if got, err := export.ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := export.ParseFormat("pdf"); err == nil || !strings.Contains(err.Error(), "csv, xlsx, jsonl, sav or dta") {
		t.Errorf("ParseFormat(pdf) err = %v", err)
	}
}

// TestCaptureMode: every interview row says how its answers were captured (laptop for a
// tracer laptop's record, else the record's mode), and the codebook describes the column.
func TestCaptureMode(t *testing.T) {
	recs := testRecords()
	recs[1].Mode = survey.CaptureWeb
	var buf bytes.Buffer
	if _, err := export.Write(&buf, parseForm(t), seq(recs), export.Options{Format: export.CSV, TempDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	rows := readCSV(t, files["interviews.csv"])
	col := slices.Index(rows[0], "capture_mode")
	if col < 0 || len(rows) != 3 {
		t.Fatalf("interviews.csv header %q, %d rows", rows[0], len(rows))
	}
	if got := []string{rows[1][col], rows[2][col]}; !cmp.Equal([]string{"laptop", "web"}, got) {
		t.Errorf("capture_mode = %q, want laptop and web", got)
	}
	found := false
	for _, r := range readCSV(t, files["codebook.csv"]) {
		if r[0] == "interviews" && r[1] == "capture_mode" {
			found = strings.Contains(r[7], "collect") && strings.Contains(r[7], "web")
		}
	}
	if !found {
		t.Error("the codebook does not describe capture_mode")
	}
}

// TestDeviceColumn: an interview from ODK Collect says which phone captured it, and the
// codebook describes the column.
func TestDeviceColumn(t *testing.T) {
	recs := testRecords()
	recs[0].Mode, recs[0].Device = survey.CaptureCollect, "collect:gB4gWSUAGwN1ahyy"
	var buf bytes.Buffer
	if _, err := export.Write(&buf, parseForm(t), seq(recs), export.Options{Format: export.CSV, TempDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	rows := readCSV(t, files["interviews.csv"])
	mode, dev := slices.Index(rows[0], "capture_mode"), slices.Index(rows[0], "device")
	if mode < 0 || dev < 0 || len(rows) != 3 {
		t.Fatalf("interviews.csv header %q, %d rows", rows[0], len(rows))
	}
	if got := [][]string{{rows[1][mode], rows[1][dev]}, {rows[2][mode], rows[2][dev]}}; !cmp.Equal([][]string{{"collect", "collect:gB4gWSUAGwN1ahyy"}, {"laptop", ""}}, got) {
		t.Errorf("capture_mode and device = %q", got)
	}
	found := false
	for _, r := range readCSV(t, files["codebook.csv"]) {
		if r[0] == "interviews" && r[1] == "device" {
			found = strings.Contains(r[7], "Collect")
		}
	}
	if !found {
		t.Error("the codebook does not describe device")
	}
}
