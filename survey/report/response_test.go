package report_test

import (
	"bytes"

	"github.com/xuri/excelize/v2"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"tracer/forms/workbook/xlsxtest"
	"tracer/survey"
	"tracer/survey/report"
)

// TestRatesByHand checks every AAPOR rate (Standard Definitions, the formulas for RR1-RR6,
// COOP1-4, REF1-3 and CON1-3) against a table worked out by hand:
// I=40 P=10 R=15 NC=10 O=5 U=20 NE=10, e=0.8.
func TestRatesByHand(t *testing.T) {
	o := report.Outcomes{I: 40, P: 10, R: 15, NC: 10, O: 5, U: 20, NE: 10}
	r := o.Rates(0.8)
	// all cases but NE: 100; with e: 50+30+16 = 96; eligible known: 80;
	// contacted (I+P+R+O): 70.
	want := map[string]float64{
		"RR1": 40.0 / 100, "RR2": 50.0 / 100, "RR3": 40.0 / 96, "RR4": 50.0 / 96, "RR5": 40.0 / 80, "RR6": 50.0 / 80,
		"COOP1": 40.0 / 70, "COOP2": 50.0 / 70, "COOP3": 40.0 / 65, "COOP4": 50.0 / 65,
		"REF1": 15.0 / 100, "REF2": 15.0 / 96, "REF3": 15.0 / 80,
		"CON1": 70.0 / 100, "CON2": 70.0 / 96, "CON3": 70.0 / 80,
	}
	for _, name := range report.RateNames {
		got := r.Get(name)
		if got == nil || math.Abs(*got-want[name]) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want[name])
		}
	}
	if e := o.EstimateE(); math.Abs(e-80.0/90) > 1e-12 {
		t.Errorf("proportion-method e = %v, want 80/90", e)
	}
	// With e = 1 RR3 is RR1; with e = 0 it is RR5.
	if a, b := o.Rates(1).RR3, o.Rates(1).RR1; *a != *b {
		t.Errorf("e=1: RR3 %v RR1 %v", *a, *b)
	}
	if a, b := o.Rates(0).RR3, o.Rates(0).RR5; *a != *b {
		t.Errorf("e=0: RR3 %v RR5 %v", *a, *b)
	}
	// No case: no rate, not a division by zero.
	if x := (report.Outcomes{}).Rates(0.5).RR1; x != nil {
		t.Errorf("RR1 of nothing: %v", *x)
	}
}

// TestComputeResponse: final dispositions from attempts and interviews, the disposition
// table, the rates per cell and the non-response table, on a cohort of six worked by hand.
func TestComputeResponse(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	roster := []*survey.Respondent{
		{RosterID: "R1", Completion: "pass", Name: "a", Sex: "1", Kejuruan: "LAS"},
		{RosterID: "R2", Completion: "pass", Name: "b", Sex: "1", Kejuruan: "LAS"},
		{RosterID: "R3", Completion: "pass", Name: "c", Sex: "2", Kejuruan: "TIK"},
		{RosterID: "R4", Completion: "pass", Name: "d", Sex: "2", Kejuruan: "TIK"},
		{RosterID: "R5", Completion: "pass", Name: "e", Sex: "2", Kejuruan: "TIK"},
		{RosterID: "R6", Completion: "pass", Name: "f", Sex: "2", Kejuruan: "TIK"},
	}
	at := func(id, code string, h int) *survey.Attempt {
		return &survey.Attempt{ID: survey.NewID(), RosterID: id, At: t0.Add(time.Duration(h) * time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: code}
	}
	attempts := []*survey.Attempt{
		at("R1", "3.13", 0), at("R1", "2.21", 1), // then interviewed: 1.1
		at("R2", "2.11", 0), at("R2", "3.13", 2), // refusal stays
		at("R3", "3.13", 0), at("R3", "3.31", 1), // unknown eligibility
		at("R4", "4.10", 0), // not eligible
		at("R5", "2.22", 0), // non-contact
		// R6: never tried: 3.11
	}
	records := []*survey.Record{
		{ID: "iv1", Revision: 1, RespondentID: "R1", Enumerator: "ani", FinalizedAt: t0.Add(3 * time.Hour),
			Answers: map[string]string{"consent": "yes", "main_status": "1"}},
		// a later revision of an interview counts once
		{ID: "iv1", Revision: 2, RespondentID: "R1", Enumerator: "ani", FinalizedAt: t0.Add(4 * time.Hour),
			Answers: map[string]string{"consent": "yes", "main_status": "2"}},
	}
	seq := func(yield func(*survey.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
	res, err := report.ComputeResponse(roster, attempts, seq, report.ResponseConfig{E: -1, Assignments: map[string]string{"R6": "eko"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Dispositions {
		for range d.N {
			got = append(got, d.Code)
		}
	}
	if want := []string{"1.1", "2.11", "2.22", "3.11", "3.31", "4.10"}; !slices.Equal(got, want) {
		t.Fatalf("dispositions %v, want %v", got, want)
	}
	want := report.Outcomes{I: 1, R: 1, NC: 1, U: 2, NE: 1}
	if res.Total.Outcomes != want {
		t.Fatalf("outcomes %+v, want %+v", res.Total.Outcomes, want)
	}
	// e by the proportion method: eligible known 3 of 4 determined.
	if !res.EEstimated || res.E != 0.75 {
		t.Errorf("e = %v (estimated %v), want 0.75", res.E, res.EEstimated)
	}
	// RR1 = 1/5; RR3 = 1/(3 + 0.75*2) = 1/4.5; RR5 = 1/3; CON1 = 2/5.
	for name, w := range map[string]float64{"RR1": 1.0 / 5, "RR3": 1 / 4.5, "RR5": 1.0 / 3, "CON1": 2.0 / 5, "REF1": 1.0 / 5, "COOP1": 1.0 / 2} {
		if g := res.Total.Rates.Get(name); g == nil || math.Abs(*g-w) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, g, w)
		}
	}
	// By sex: the one respondent is a man (sex 1), 2 of 6 in the cohort: +66.7 points.
	var sex1 *report.NonResponseRow
	for i, r := range res.NonResponse {
		if r.By == report.RespBySex && r.Key == "1" {
			sex1 = &res.NonResponse[i]
		}
	}
	if sex1 == nil || sex1.Cohort != 2 || sex1.Respondents != 1 || math.Abs(sex1.DiffPP-(100-100.0/3)) > 1e-9 || !sex1.Flagged {
		t.Errorf("non-response by sex 1: %+v", sex1)
	}
	// Per enumerator: R6 is eko's by assignment, the rest ani's by their attempts.
	for _, b := range res.Breakdowns {
		if b.By != report.RespByEnumerator {
			continue
		}
		if len(b.Cells) != 2 || b.Cells[0].Key != "ani" || b.Cells[0].N != 5 || b.Cells[1].Key != "eko" || b.Cells[1].Outcomes.U != 1 {
			t.Errorf("by enumerator: %+v", b.Cells)
		}
	}
	// A fixed e is used as given.
	res2, err := report.ComputeResponse(roster, attempts, seq, report.ResponseConfig{E: 0.5})
	if err != nil || res2.EEstimated || math.Abs(*res2.Total.Rates.RR3-1/4.0) > 1e-12 {
		t.Errorf("e = 0.5: %+v %v", res2, err)
	}
}

// TestResponseXLSX: the workbook holds the dispositions, the rates as numbers (RR1 of the
// whole cohort in the first data row) and the non-response table.
func TestResponseXLSX(t *testing.T) {
	roster := []*survey.Respondent{{RosterID: "R1", Completion: "pass", Name: "a", Sex: "1"}, {RosterID: "R2", Completion: "pass", Name: "b", Sex: "2"}}
	attempts := []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "R1", At: time.Now(), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "1.1"},
		{ID: survey.NewID(), RosterID: "R2", At: time.Now(), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.11"},
	}
	none := func(func(*survey.Record, error) bool) {}
	res, err := report.ComputeResponse(roster, attempts, none, report.ResponseConfig{E: 1})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteResponseXLSX(&buf, res, "en"); err != nil {
		t.Fatal(err)
	}
	if n := xlsxtest.CheckDimensions(t, buf.Bytes()); n != 3 {
		t.Errorf("%d worksheets checked, want 3", n)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Dispositions", "Rates", "Non-response"}) {
		t.Fatalf("sheets %v", got)
	}
	head, _ := f.GetCellValue("Rates", "K1")
	rr1, _ := f.GetCellValue("Rates", "K2", excelize.Options{RawCellValue: true})
	if head != "RR1" || rr1 != "0.5" {
		t.Errorf("Rates K1..K2: %q %q, want RR1 0.5", head, rr1)
	}
	if by, cell := cellValue(f, "Rates", "A2"), cellValue(f, "Rates", "B2"); by != "all" || cell != "all" {
		t.Errorf("the whole cohort's row is %q %q, want all all (no cell of unknown key)", by, cell)
	}
	if v, _ := f.GetCellValue("Dispositions", "A2"); v != "1.1" {
		t.Errorf("first disposition %q", v)
	}
	if v, _ := f.GetCellValue("Non-response", "B2"); v != "(unknown)" { // kejuruan, not in this roster
		t.Errorf("first non-response cell %q", v)
	}
}

// TestInterviewDecides: an interview begun by phone is recorded as attempt 1.2; when the
// alumnus then refuses at the consent question, the interview's record decides: 2.11.
func TestInterviewDecides(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	roster := []*survey.Respondent{{RosterID: "R1", Completion: "pass", Name: "a"}, {RosterID: "R2", Completion: "pass", Name: "b"}}
	attempts := []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "R1", At: t0, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "1.2"},
		{ID: survey.NewID(), RosterID: "R2", At: t0, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "1.2"},
	}
	recs := func(yield func(*survey.Record, error) bool) {
		yield(&survey.Record{ID: "iv1", Revision: 1, RespondentID: "R1", FinalizedAt: t0.Add(time.Hour), Answers: map[string]string{"consent": "no"}}, nil)
	}
	res, err := report.ComputeResponse(roster, attempts, recs, report.ResponseConfig{E: 1})
	if err != nil {
		t.Fatal(err)
	}
	// R1: the interview's refusal; R2: no interview on the server, the attempt's partial.
	if want := (report.Outcomes{P: 1, R: 1}); res.Total.Outcomes != want {
		t.Errorf("outcomes %+v, want %+v", res.Total.Outcomes, want)
	}
}

// TestCompletesByMode: the completes and partials are counted by the mode question of the
// interview that made them (the newest revision's answer), once per alumnus; a partial
// known only from an attempt has no mode; the text report shows the table.
func TestCompletesByMode(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	roster := []*survey.Respondent{{RosterID: "R1", Completion: "pass"}, {RosterID: "R2", Completion: "pass"}, {RosterID: "R3", Completion: "pass"}, {RosterID: "R4", Completion: "pass"}, {RosterID: "R5", Completion: "pass"}}
	attempts := []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "R5", At: t0, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "1.2"},
	}
	done := map[string]string{"consent": "yes", "main_status": "1"}
	with := func(m map[string]string, mode string) map[string]string {
		out := maps.Clone(m)
		out["grp_consent/interview_mode"] = mode
		return out
	}
	records := []*survey.Record{
		{ID: "iv1", Revision: 1, RespondentID: "R1", FinalizedAt: t0, Answers: with(done, "event")},
		{ID: "iv1", Revision: 2, RespondentID: "R1", FinalizedAt: t0.Add(time.Hour), Answers: with(done, "phone")},
		{ID: "iv2", Revision: 1, RespondentID: "R2", FinalizedAt: t0, Answers: with(done, "phone")},
		{ID: "iv3", Revision: 1, RespondentID: "R3", FinalizedAt: t0, Mode: survey.CaptureWeb, Answers: with(done, "web")},
		{ID: "iv4", Revision: 1, RespondentID: "R4", FinalizedAt: t0, Answers: with(map[string]string{"consent": "yes"}, "wa")},
		{ID: "iv9", Revision: 1, RespondentID: "R9", FinalizedAt: t0, Answers: with(done, "visit")}, // not on the roster
	}
	seq := func(yield func(*survey.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
	res, err := report.ComputeResponse(roster, attempts, seq, report.ResponseConfig{E: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []report.ModeCount{{Mode: "phone", Completes: 2}, {Mode: "wa", Partials: 1}, {Mode: "web", Completes: 1}, {Mode: "", Partials: 1}}
	if !slices.Equal(res.Modes, want) {
		t.Fatalf("modes %+v, want %+v", res.Modes, want)
	}
	var buf bytes.Buffer
	if err := report.WriteResponseText(&buf, res, "en"); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, line := range []string{"Complete (I) and partial (P) interviews by interview mode", "  phone                   2      0", "  (unknown)               0      1"} {
		if !strings.Contains(text, line) {
			t.Errorf("the text has no %q:\n%s", line, text)
		}
	}
	buf.Reset()
	if err := report.WriteHTML(&buf, &report.Report{Response: res}, "en"); err != nil {
		t.Fatal(err)
	}
	if h := buf.String(); !strings.Contains(h, `id="response-modes"`) || !strings.Contains(h, `<td class="l">web</td><td>1</td><td>0</td>`) {
		t.Errorf("the HTML has no modes table:\n%s", h)
	}
	buf.Reset()
	if err := report.WriteResponseXLSX(&buf, res, "en"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("Dispositions")
	found := false
	for _, row := range rows {
		if slices.Equal(row, []string{"phone", "2", "0"}) {
			found = true
		}
	}
	if !found {
		t.Errorf("the XLSX Dispositions sheet has no phone row: %q", rows)
	}
}

// TestResponseLastSeen checks who an alumnus not assigned is counted under: the
// enumerator of its latest attempt or interview, read in any order; of equal times the
// interview (read after the attempts); an attempt without an enumerator names no one.
func TestResponseLastSeen(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	roster := []*survey.Respondent{{RosterID: "R1", Completion: "pass"}, {RosterID: "R2", Completion: "pass"}, {RosterID: "R3", Completion: "pass"}, {RosterID: "R4", Completion: "pass"}, {RosterID: "R5", Completion: "pass"}}
	at := func(id, by string, h int) *survey.Attempt {
		return &survey.Attempt{ID: survey.NewID(), RosterID: id, At: t0.Add(time.Duration(h) * time.Hour), Enumerator: by, Mode: survey.ModePhone, Outcome: "3.13"}
	}
	attempts := []*survey.Attempt{
		at("R1", "ani", 2), at("R1", "budi", 1), // the later one was read first
		at("R2", "ani", 1),
		at("R3", "budi", 5), at("R3", "", 9),
		at("R4", "", 1),
		at("R5", "budi", 4), at("R5", "ani", 2),
	}
	iv := func(id, rid, by string, h int) *survey.Record {
		return &survey.Record{ID: id, Revision: 1, RespondentID: rid, Enumerator: by, FinalizedAt: t0.Add(time.Duration(h) * time.Hour),
			Answers: map[string]string{"consent": "yes", "main_status": "1"}}
	}
	records := []*survey.Record{iv("iv2", "R2", "citra", 1), iv("iv3", "R3", "ani", 3), iv("iv4", "R4", "dewi", 0)}
	seq := func(yield func(*survey.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
	res, err := report.ComputeResponse(roster, attempts, seq, report.ResponseConfig{E: -1})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, b := range res.Breakdowns {
		if b.By == report.RespByEnumerator {
			for _, c := range b.Cells {
				got[c.Key] = c.N
			}
		}
	}
	// R1 ani (2h), R2 citra (the interview at the attempt's time), R3 budi (5h), R4 dewi,
	// R5 budi (4h).
	if want := map[string]int{"ani": 1, "budi": 2, "citra": 1, "dewi": 1}; !maps.Equal(got, want) {
		t.Errorf("by enumerator %v, want %v", got, want)
	}
}

// TestResponseCasesAreGraduates checks that the response rates' cases are the persons of G
// (docs/INDICATORS.md): a non-graduate's interview is no case, a person's two rows (one
// NIK) are one case described by the batch they passed last, with the attempts and
// interviews of both rows.
func TestResponseCasesAreGraduates(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	const nik = "64740101010000"
	roster := []*survey.Respondent{
		{RosterID: "A1", NIK: nik + "01", Completion: "pass", Kejuruan: "LAS", TrainingEnd: "2025-06-30"},
		{RosterID: "A2", NIK: nik + "01", Completion: "dropout", Kejuruan: "LAS", TrainingEnd: "2025-03-31"},
		{RosterID: "B1", Completion: "dropout", Kejuruan: "LAS", TrainingEnd: "2025-06-30"},
		{RosterID: "C1", NIK: nik + "03", Completion: "pass", Kejuruan: "LAS", TrainingEnd: "2025-03-31"},
		{RosterID: "C2", NIK: nik + "03", Completion: "pass", Kejuruan: "TIK", TrainingEnd: "2025-09-30"},
		{RosterID: "D1", Completion: "pass", Kejuruan: "TIK", TrainingEnd: "2025-06-30"},
	}
	attempts := []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "C1", At: t0, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.11"},
		{ID: survey.NewID(), RosterID: "A2", At: t0, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"},
	}
	records := func(yield func(*survey.Record, error) bool) {
		for _, id := range []string{"A1", "B1"} {
			r := &survey.Record{ID: "iv-" + id, Revision: 1, RespondentID: id, Enumerator: "ani", FinalizedAt: t0.Add(time.Hour),
				Answers: map[string]string{"consent": "yes", "main_status": "1"}}
			if !yield(r, nil) {
				return
			}
		}
	}
	res, err := report.ComputeResponse(roster, attempts, records, report.ResponseConfig{E: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, d := range res.Dispositions {
		got[d.Code] = d.N
	}
	if want := map[string]int{"1.1": 1, "2.11": 1, "3.11": 1}; !maps.Equal(got, want) {
		t.Errorf("dispositions %v, want %v (A complete, C refused on C1, D never tried)", got, want)
	}
	if want := (report.Outcomes{I: 1, R: 1, U: 1}); res.Total.Outcomes != want {
		t.Errorf("outcomes %+v, want %+v", res.Total.Outcomes, want)
	}
	for _, b := range res.Breakdowns {
		if b.By != report.ResponseDimensions[0] {
			continue
		}
		cells := map[string]report.Outcomes{}
		for _, c := range b.Cells {
			cells[c.Key] = c.Outcomes
		}
		if want := (map[string]report.Outcomes{"LAS": {I: 1}, "TIK": {R: 1, U: 1}}); !maps.Equal(cells, want) {
			t.Errorf("by %s: %+v, want %+v (C described by C2, TIK)", b.By, cells, want)
		}
	}
}

func cellValue(f *excelize.File, sheet, ref string) string {
	v, _ := f.GetCellValue(sheet, ref)
	return v
}

// TestModeOfTheInterviewThatCounts: an alumnus interviewed twice is counted under the mode
// of the interview the indicators count, the later interview date, not of the one entered
// last: a paper interview of October entered after a February phone interview leaves the
// complete a phone one, as the superseded list says (docs/INDICATORS.md). Of one date,
// the later finalized counts.
func TestModeOfTheInterviewThatCounts(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	roster := []*survey.Respondent{{RosterID: "R1", Completion: "pass"}, {RosterID: "R2", Completion: "pass"}}
	done := func(date, mode string) map[string]string {
		return map[string]string{"consent": "yes", "main_status": "1", "interview_date": date, "grp_consent/interview_mode": mode}
	}
	records := []*survey.Record{
		{ID: "feb", Revision: 1, RespondentID: "R1", FinalizedAt: t0, Answers: done("2026-02-10", "phone")},
		{ID: "paper", Revision: 1, RespondentID: "R1", FinalizedAt: t0.Add(time.Hour), Answers: done("2025-10-20", "visit")},
		{ID: "a", Revision: 1, RespondentID: "R2", FinalizedAt: t0.Add(time.Hour), Answers: done("2026-02-11", "wa")},
		{ID: "b", Revision: 1, RespondentID: "R2", FinalizedAt: t0, Answers: done("2026-02-11", "event")},
	}
	seq := func(yield func(*survey.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
	res, err := report.ComputeResponse(roster, nil, seq, report.ResponseConfig{E: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []report.ModeCount{{Mode: "phone", Completes: 1}, {Mode: "wa", Completes: 1}}
	if !slices.Equal(res.Modes, want) {
		t.Fatalf("modes %+v, want %+v", res.Modes, want)
	}
}
