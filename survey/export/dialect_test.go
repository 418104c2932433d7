package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
)

// idForm has what Indonesian Excel mangles: a NIK and a phone number as text, a decimal, a
// date and an or_other select.
const idForm = `
| survey |
| | type | name | label::Bahasa Indonesia (id) | label::English (en) |
| | text | nik | NIK | NIK |
| | text | phone | Telepon | Phone |
| | text | code | Kode | Code |
| | decimal | hours | Jam | Hours |
| | date | start | Mulai | Start |
| | text | remark | Catatan | Remark |
| | select_one yn or_other | agree | Setuju? | Agree? |
| | select_multiple fruit or_other | fruits | Buah | Fruits |
| choices |
| | list_name | name | label::Bahasa Indonesia (id) | label::English (en) |
| | yn | yes | Ya | Yes |
| | yn | no | Tidak | No |
| | fruit | apple | Apel | Apple |
`

func idRecords() []*survey.Record {
	return []*survey.Record{{
		ID: "3f333333-3333-4333-8333-333333333333", Revision: 1, FormVersion: "v1", Enumerator: "sari", StartedAt: t0, FinalizedAt: t0,
		Answers: map[string]string{"nik": "6474014101990001", "phone": "+6281234567890", "code": "007", "hours": "7.5",
			"start": "2026-02-01", "remark": "=HYPERLINK(\"x\")", "agree": "other", "agree_other": "maybe", "fruits": "apple other"},
	}}
}

func writeID(t *testing.T, opt export.Options) []byte {
	t.Helper()
	f, err := forms.Parse("t.md", []byte(idForm))
	if err != nil {
		t.Fatal(err)
	}
	opt.TempDir = t.TempDir()
	var buf bytes.Buffer
	if _, err := export.Write(&buf, f, seq(idRecords()), opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCSVExcelID(t *testing.T) {
	_, files := unzip(t, writeID(t, export.Options{Format: export.CSV, CSVDialect: export.CSVExcelID, Labels: true, Lang: "id"}))
	body, ok := bytes.CutPrefix(files["interviews.csv"], []byte("\uFEFF"))
	if !ok {
		t.Fatal("no byte-order mark")
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	for col, want := range map[string]string{
		"nik":          "\t6474014101990001", // a tab keeps Excel from turning it into 6.47401E+15
		"phone":        "\t+6281234567890",
		"code":         "\t007",
		"hours":        "7,5",                // decimal comma
		"remark":       "'=HYPERLINK(\"x\")", // still neutralised
		"agree":        "Lainnya",            // or_other's choice by its label
		"fruits":       "Apel; Lainnya",
		"fruits/other": "1",
		"interview_id": "3f333333-3333-4333-8333-333333333333",
	} {
		if got[col] != want {
			t.Errorf("%s = %q, want %q", col, got[col], want)
		}
	}
	if !bytes.Contains(body, []byte("interview_id;revision;")) {
		t.Errorf("header is not separated by semicolons: %q", body[:40])
	}
	// The standard dialect is unchanged: commas, decimal points, no tab.
	_, files = unzip(t, writeID(t, export.Options{Format: export.CSV}))
	std := readCSV(t, files["interviews.csv"])
	if i := index(std[0], "nik"); std[1][i] != "6474014101990001" {
		t.Errorf("standard nik = %q", std[1][i])
	}
	if i := index(std[0], "hours"); std[1][i] != "7.5" {
		t.Errorf("standard hours = %q", std[1][i])
	}
}

func index(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	return -1
}

func TestXLSXTypesAndFilter(t *testing.T) {
	now := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	data := writeID(t, export.Options{Format: export.XLSX, Now: now})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(now) {
			t.Errorf("zip entry %s dated %v, want %v", f.Name, f.Modified, now)
		}
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("interviews")
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) string {
		c, _ := excelize.CoordinatesToCellName(index(rows[0], name)+1, 2)
		return c
	}
	// Text stays text with the exact value.
	for name, want := range map[string]string{"nik": "6474014101990001", "phone": "+6281234567890", "code": "007", "remark": "=HYPERLINK(\"x\")"} {
		c := col(name)
		v, _ := x.GetCellValue("interviews", c)
		typ, _ := x.GetCellType("interviews", c)
		if v != want || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Errorf("%s = %q (type %v), want the text %q", name, v, typ, want)
		}
		if f, _ := x.GetCellFormula("interviews", c); f != "" {
			t.Errorf("%s has formula %q", name, f)
		}
	}
	// A date is a number with a date format; a number is a number.
	raw, _ := x.GetCellValue("interviews", col("start"), excelize.Options{RawCellValue: true})
	if raw != "46054" { // days since 1899-12-30
		t.Errorf("start raw = %q, want the serial 46054", raw)
	}
	if v, _ := x.GetCellValue("interviews", col("start")); v != "2026-02-01" {
		t.Errorf("start shown as %q, want 2026-02-01", v)
	}
	if raw, _ := x.GetCellValue("interviews", col("started_at"), excelize.Options{RawCellValue: true}); !strings.HasPrefix(raw, "46346.35") {
		t.Errorf("started_at raw = %q, want a date-time serial", raw)
	}
	if typ, _ := x.GetCellType("interviews", col("hours")); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("hours is text, want a number")
	}
	// Every table has a filter over its columns.
	tables, err := x.GetTables("interviews")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:") {
		t.Errorf("tables of interviews = %+v, want one from A1", tables)
	}
	if diff := cmp.Diff([]string{"interviews", "codebook"}, x.GetSheetList()); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
}

func TestDerivedColumns(t *testing.T) {
	var rows []*survey.Respondent
	d := &export.Derived{
		Columns: []export.DerivedColumn{{Name: "d_nik_len", Desc: "length of the NIK"}, {Name: "d_has_row", Desc: "1 = a roster row"}},
		Values: func(r *survey.Record, answers []survey.Answer, row *survey.Respondent, dst []string) {
			rows = append(rows, row)
			for _, a := range answers {
				if a.Path == "nik" {
					dst[0] = strconv.Itoa(len(a.Value))
				}
			}
			if row != nil {
				dst[1] = "1"
			}
		},
	}
	rec := idRecords()
	rec[0].RespondentID = "BTG25-0001"
	f, err := forms.Parse("t.md", []byte(idForm))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, f, seq(rec), export.Options{Format: export.CSV, Derived: d, Roster: roster, TempDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	tab := readCSV(t, files["interviews.csv"])
	if i := index(tab[0], "d_nik_len"); i < 0 || tab[1][i] != "16" || tab[1][i+1] != "1" {
		t.Errorf("derived columns: header %q, row %q", tab[0], tab[1])
	}
	if len(rows) != 1 || rows[0] == nil || rows[0].RosterID != "BTG25-0001" {
		t.Errorf("Values got roster rows %v", rows)
	}
	var found bool
	for _, r := range readCSV(t, files["codebook.csv"]) {
		if r[1] == "d_nik_len" {
			found = r[4] == "derived" && r[7] == "length of the NIK"
		}
	}
	if !found {
		t.Error("codebook does not describe d_nik_len as derived")
	}
}

func TestAlumniTable(t *testing.T) {
	alumni := &export.Alumni{
		Columns: []export.DerivedColumn{{Name: "roster_id", Desc: "roster id", Text: true}, {Name: "attempts", Desc: "attempts"}},
		Rows: func() iter.Seq2[[]string, error] {
			return func(yield func([]string, error) bool) {
				for _, r := range [][]string{{"R1", "0"}, {"R2", "3"}} {
					if !yield(r, nil) {
						return
					}
				}
			}
		},
	}
	for _, f := range []export.Format{export.CSV, export.XLSX, export.SAV, export.DTA} {
		data := writeID(t, export.Options{Format: f, Alumni: alumni})
		if f == export.XLSX {
			x, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows("alumni")
			x.Close()
			if diff := cmp.Diff([][]string{{"roster_id", "attempts"}, {"R1", "0"}, {"R2", "3"}}, rows); diff != "" {
				t.Errorf("xlsx alumni (-want +got):\n%s", diff)
			}
			continue
		}
		names, files := unzip(t, data)
		want := "alumni." + string(f)
		if !slices.Contains(names, want) {
			t.Errorf("%s: entries %q lack %s", f, names, want)
		}
		if f == export.CSV {
			if diff := cmp.Diff([][]string{{"roster_id", "attempts"}, {"R1", "0"}, {"R2", "3"}}, readCSV(t, files[want])); diff != "" {
				t.Errorf("csv alumni (-want +got):\n%s", diff)
			}
		}
	}
}
