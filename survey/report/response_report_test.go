package report_test

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"tracer/forms/workbook/xlsxtest"
	"tracer/survey"
	"tracer/survey/report"
)

// respondedReport is the report of compute(t, Config{}) with its response-rate section:
// the cases are the 20 graduates of the reporting period (P01-P20 passed; P21-P30 did not,
// P31 ended training in 2024), with the interviews of records() and two attempts. By hand:
// P01-P15 complete (I=15; P21's complete interview is not a graduate's), P16 and P17 refuse
// at consent (R=2), P18 is out of the cohort (4.10, NE=1), P19 asked for a message (2.22,
// NC=1), P20 was never tried (U=1). e by the proportion method = 18/19; RR1 = 15/19,
// RR3 = 15/(18+18/19), RR5 = 15/18, REF1 = 2/19, CON1 = 17/19, CON2 = 17/(18+18/19),
// CON3 = 17/18.
func respondedReport(t *testing.T) *report.Report {
	t.Helper()
	r := compute(t, report.Config{})
	cfg := report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	var rows []*survey.Respondent
	for _, row := range rosterRows() {
		if cfg.InPeriod(row) {
			rows = append(rows, row)
		}
	}
	at := base.Add(-24 * time.Hour)
	attempts := []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "P18", At: at, Enumerator: "ani", Mode: survey.ModeVisit, Outcome: "4.10"},
		{ID: survey.NewID(), RosterID: "P19", At: at, Enumerator: "ani", Mode: survey.ModeWhatsApp, Outcome: "2.22"},
	}
	res, err := report.ComputeResponse(rows, attempts, seq(records()), report.ResponseConfig{E: -1})
	if err != nil {
		t.Fatal(err)
	}
	r.Response = res
	return r
}

var handRates = map[string]float64{"RR1": 15.0 / 19, "RR3": 15 / (18 + 18.0/19), "RR5": 15.0 / 18, "REF1": 2.0 / 19, "CON1": 17.0 / 19}

// TestReportCarriesResponseText: the text report holds the response-rate section, with
// the hand-computed rates, in both languages, every line at most 80 columns.
func TestReportCarriesResponseText(t *testing.T) {
	r := respondedReport(t)
	if want := (report.Outcomes{I: 15, R: 2, NC: 1, U: 1, NE: 1}); r.Response.Total.Outcomes != want {
		t.Fatalf("outcomes %+v, want %+v", r.Response.Total.Outcomes, want)
	}
	for lang, want := range map[string][]string{
		"en": {`^RESPONSE RATES \(AAPOR\)$`, `^e = 0\.9474 \(estimated, proportion method\)$`, `^  4\.10 +NE +not in the cohort`,
			`^  All +20 +78\.9 +78\.9 +79\.2 +79\.2 +83\.3 +83\.3 +10\.5 +10\.6 +11\.1$`, `^  All +20 +15 +0 +2 +1 +0 +1 +1$`,
			`^  All +20 +88\.2 +88\.2 +88\.2 +88\.2 +89\.5 +89\.7 +94\.4$`, `^  By kejuruan \(vocation\)$`, `^    LAS `, `^  By enumerator$`,
			`^Respondents differ from the cohort in`, `^  RR3   = I / \(\(I\+P\) \+ \(R\+NC\+O\) \+ e·U\)$`},
		"id": {`^TINGKAT RESPONS \(AAPOR\)$`, `^e = 0,9474 \(diperkirakan, metode proporsi\)$`, `^  Semua +20 +78,9 +78,9 +79,2 `,
			`^  Menurut kejuruan`, `^Responden berbeda dari kohort pada`},
	} {
		var b bytes.Buffer
		if err := report.WriteText(&b, r, lang); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, re := range want {
			if !regexp.MustCompile(`(?m)` + re).MatchString(out) {
				t.Errorf("%s: no line matching %s", lang, re)
			}
		}
		for i, l := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(l); n > 80 {
				t.Errorf("%s: line %d is %d columns: %q", lang, i+1, n, l)
			}
		}
	}
}

// TestReportCarriesResponseJSON: the JSON report holds the response section with the
// disposition table and the hand-computed rates.
func TestReportCarriesResponseJSON(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteJSON(&b, respondedReport(t)); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Response struct {
			E            float64 `json:"e"`
			Dispositions []struct {
				Code string `json:"code"`
				N    int    `json:"n"`
			} `json:"dispositions"`
			Total struct {
				Rates map[string]*float64 `json:"rates"`
			} `json:"total"`
			Breakdowns []struct {
				Dimension string `json:"dimension"`
				By        string `json:"by"`
			} `json:"breakdowns"`
			NonResponse []struct {
				Dimension string `json:"dimension"`
				By        string `json:"by"`
				Flagged   bool   `json:"flagged"`
			} `json:"nonresponse"`
		} `json:"response"`
		Breakdowns []struct {
			Dimension string `json:"dimension"`
		} `json:"breakdowns"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Response.E != 18.0/19 {
		t.Errorf("e = %v, want 18/19", got.Response.E)
	}
	codes := map[string]int{}
	for _, d := range got.Response.Dispositions {
		codes[d.Code] = d.N
	}
	if want := map[string]int{"1.1": 15, "2.11": 2, "2.22": 1, "3.11": 1, "4.10": 1}; !mapsEqual(codes, want) {
		t.Errorf("dispositions %v, want %v", codes, want)
	}
	for name, w := range handRates {
		if g := got.Response.Total.Rates[name]; g == nil || math.Abs(*g-w) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, g, w)
		}
	}
	// Every breakdown, of the indicators and of the rates, names itself "dimension"; the
	// rates' keep "by", their earlier name, for the programs that read it.
	var bys []string
	for _, b := range got.Response.Breakdowns {
		bys = append(bys, b.Dimension)
		if b.By != b.Dimension {
			t.Errorf("response breakdown %q has by %q", b.Dimension, b.By)
		}
	}
	if want := []string{"kejuruan", "batch", "funding", "sex", "regency", "enumerator"}; !slices.Equal(bys, want) {
		t.Errorf("breakdowns %v, want %v", bys, want)
	}
	if len(got.Breakdowns) == 0 || got.Breakdowns[0].Dimension == "" {
		t.Errorf("indicator breakdowns %v name no dimension", got.Breakdowns)
	}
	if len(got.Response.NonResponse) == 0 {
		t.Error("no non-response table")
	}
	for _, n := range got.Response.NonResponse {
		if n.Dimension == "" || n.By != n.Dimension {
			t.Errorf("non-response row: dimension %q, by %q", n.Dimension, n.By)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestReportCarriesResponseXLSX: the workbook of the report has the response sheets after
// its own, with the rates as numbers.
func TestReportCarriesResponseXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := report.WriteXLSX(&b, respondedReport(t), "en"); err != nil {
		t.Fatal(err)
	}
	xlsxtest.CheckDimensions(t, b.Bytes())
	if empty := xlsxtest.EmptyTextCells(t, b.Bytes()); len(empty) > 0 {
		t.Errorf("%d cells hold an empty text: %v", len(empty), empty[:min(len(empty), 5)])
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) < 4 || !slices.Equal(sheets[len(sheets)-3:], []string{"Dispositions", "Rates", "Non-response"}) || sheets[0] != "Summary" {
		t.Fatalf("sheets %v", sheets)
	}
	cols, _ := f.GetRows("Rates", excelize.Options{RawCellValue: true})
	head, all := cols[0], cols[1]
	for name, w := range handRates {
		i := slices.Index(head, name)
		if i < 0 || i >= len(all) {
			t.Errorf("no column %s in %v", name, head)
			continue
		}
		if g, err := strconvParse(all[i]); err != nil || math.Abs(g-w) > 1e-12 {
			t.Errorf("%s = %q, want %v", name, all[i], w)
		}
	}
	if v, _ := f.GetCellValue("Dispositions", "A2"); v != "1.1" {
		t.Errorf("first disposition %q", v)
	}
}

func strconvParse(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

// TestNoGraduatesSaid: a roster without its completion column puts people in T and no one
// in G; the report's settings say why, in both languages, within 80 columns, and a report
// with graduates says nothing of it.
func TestNoGraduatesSaid(t *testing.T) {
	rows := rosterRows()
	for _, r := range rows {
		r.Completion = ""
	}
	r, err := report.Compute(rows, seq(records()), report.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total.N.T == 0 || r.Total.N.G != 0 {
		t.Fatalf("T %d, G %d: want people in T and no one in G", r.Total.N.T, r.Total.N.G)
	}
	for lang, want := range map[string]string{"en": "Warning:\n  G is 0: no alumnus of the period passed", "id": "Perhatian:\n  G = 0: tidak ada alumni periode ini yang lulus"} {
		var b bytes.Buffer
		if err := report.WriteText(&b, r, lang); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s: no line %q", lang, want)
		}
		for i, l := range strings.Split(b.String(), "\n") {
			if n := utf8.RuneCountInString(l); n > 80 {
				t.Errorf("%s: line %d is %d columns: %q", lang, i+1, n, l)
			}
		}
	}
	var b bytes.Buffer
	if err := report.WriteText(&b, compute(t, report.Config{}), "en"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "G is 0") {
		t.Error("a report with graduates says G is 0")
	}
}
