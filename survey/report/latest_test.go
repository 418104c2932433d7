package report_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/report"
)

// TestLatestByInterviewDate: of a person's valid interviews the one with the latest
// interview date counts, whatever the order of entry; a refusal entered last replaces
// nothing; the report lists what was superseded and by which interview.
func TestLatestByInterviewDate(t *testing.T) {
	recs := records()
	// P03: a paper interview dated 2025-09-01 (unemployed), entered after iv-03 (2026-07-01).
	paper := answers(resps[2])
	paper["grp_consent/interview_date"] = "2025-09-01"
	paper["grp_status/main_status"] = "7"
	recs = append(recs, &survey.Record{ID: "iv-03-paper", Revision: 1, RespondentID: "P03", FinalizedAt: base.Add(100 * time.Hour), Answers: paper})
	// P04: a refusal entered last.
	recs = append(recs, &survey.Record{ID: "iv-04-refusal", Revision: 1, RespondentID: "P04", FinalizedAt: base.Add(200 * time.Hour),
		Answers: map[string]string{"grp_consent/consent": "no", "grp_consent/interview_date": "2026-09-01"}})
	// P05: a newer interview (2026-07-20, self-employed) entered before iv-05.
	newer := answers(resps[4])
	newer["grp_consent/interview_date"] = "2026-07-20"
	newer["grp_status/main_status"] = "3"
	recs = append(recs, &survey.Record{ID: "iv-05-new", Revision: 1, RespondentID: "P05", FinalizedAt: base.Add(-100 * time.Hour), Answers: newer})

	r, err := report.Compute(rosterRows(), seq(recs), report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	// P03 stays employed (the paper interview is older), P04 stays overseas (the refusal
	// does not count), P05 moves from freelance (W) to self-employed (SE): W 6 -> 5, SE 3 -> 4.
	if diff := cmp.Diff(report.Populations{T: 30, G: 20, Reached: 17, S: 15, A: 9, W: 5, O: 1, SE: 4, OJT: 1, U: 2, ED: 2, I: 3}, r.Total.N); diff != "" {
		t.Errorf("populations (-want +got):\n%s", diff)
	}
	want := []report.Supersession{
		{RosterID: "P02", Interview: "iv-02-old", Date: "2026-07-01", By: "iv-02", ByDate: "2026-07-01"},
		{RosterID: "P03", Interview: "iv-03-paper", Date: "2025-09-01", By: "iv-03", ByDate: "2026-07-01"},
		{RosterID: "P05", Interview: "iv-05", Date: "2026-07-01", By: "iv-05-new", ByDate: "2026-07-20"},
	}
	if diff := cmp.Diff(want, r.Superseded); diff != "" {
		t.Errorf("superseded (-want +got):\n%s", diff)
	}
	if r.Counts.Superseded != 3 {
		t.Errorf("superseded count = %d, want 3", r.Counts.Superseded)
	}
}

// TestReferenceDate: people not interviewed are placed in a window by their roster training
// end date and the reference date, not by anyone's interview.
func TestReferenceDate(t *testing.T) {
	r := compute(t, report.Config{AsOf: time.Date(2025, 8, 15, 0, 0, 0, 0, time.UTC)})
	if r.Settings.AsOf != "2025-08-15" || r.Settings.AsOfSource != "study" {
		t.Errorf("as of = %s (%s), want 2025-08-15 from the study", r.Settings.AsOf, r.Settings.AsOfSource)
	}
	// 2025-06-30 to 2025-08-15 is 46 days, 1.5 months: P16-P20 (G, P16 and P17 refused) and
	// P22-P30 (not passed, not interviewed) are in 0-3; no respondent is.
	var got *report.Cell
	for _, b := range r.Breakdowns {
		if b.Dimension == report.ByWindow {
			for i := range b.Cells {
				if b.Cells[i].Key == "0-3" {
					got = &b.Cells[i]
				}
			}
		}
	}
	if got == nil {
		t.Fatal("no 0-3 window cell")
	}
	if diff := cmp.Diff(report.Populations{T: 14, G: 5, Reached: 2}, got.N); diff != "" {
		t.Errorf("0-3 populations (-want +got):\n%s", diff)
	}
}

// TestRegency: the domicile answered in the interview wins over the roster's; work_regency
// is a breakdown of its own.
func TestRegency(t *testing.T) {
	recs := records()
	recs[0].Answers["grp_identity/domicile_regency"] = "6472" // P01, roster says 6474
	r, err := report.Compute(rosterRows(), seq(recs), report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	cells := map[report.Dimension]map[string]report.Populations{}
	for _, b := range r.Breakdowns {
		cells[b.Dimension] = map[string]report.Populations{}
		for _, c := range b.Cells {
			cells[b.Dimension][c.Key] = c.N
		}
	}
	if diff := cmp.Diff(map[string]report.Populations{
		"6472": {T: 1, G: 1, Reached: 1, S: 1, A: 1, W: 1},
		"6474": {T: 29, G: 19, Reached: 16, S: 14, A: 8, W: 5, O: 1, SE: 3, OJT: 1, U: 2, ED: 2, I: 3},
	}, cells[report.ByRegency]); diff != "" {
		t.Errorf("regency cells (-want +got):\n%s", diff)
	}
	// work_regency: P01 6411 (and P21, not passed, with P01's answers), P02 6472, P03 and
	// P15 6474, P05 6408; the other 24 unknown.
	wr := cells[report.ByWorkRegency]
	if diff := cmp.Diff(report.Populations{T: 2, G: 2, Reached: 2, S: 2, A: 2, W: 2}, wr["6474"]); diff != "" {
		t.Errorf("work_regency 6474 (-want +got):\n%s", diff)
	}
	if len(wr) != 5 || wr[report.Unknown].T != 24 || wr["6411"].T != 2 || wr["6411"].G != 1 {
		t.Errorf("work_regency cells = %v, want 4 regencies and 24 unknown", wr)
	}
}

// TestFormLabelsOrOther: the "other" choice that or_other adds is named like any other.
func TestFormLabelsOrOther(t *testing.T) {
	const form = `
| survey |
| | type | name | label::English (en) | label::Bahasa Indonesia (id) |
| | select_one kbli or_other | sector_kbli | Sector | Sektor |
| choices |
| | list_name | name | label::English (en) | label::Bahasa Indonesia (id) |
| | kbli | C | Manufacturing | Industri pengolahan |
`
	f, err := forms.Parse("other.md", []byte(form))
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"en": "Other", "id": "Lainnya"} {
		labels := report.FormLabels(f, lang)
		if got := labels(report.Dimension("sector_kbli"), "other"); got != want {
			t.Errorf("%s: label of other = %q, want %q", lang, got, want)
		}
		if got := labels(report.Dimension("sector_kbli"), "C"); got == "" {
			t.Errorf("%s: C has no label", lang)
		}
	}
}

// TestFinalizedToTheSecond: of two interviews of one date, the later finalized counts as
// the export shows finalized_at, to the second; finalized within the same second, the
// higher revision, then the higher id counts, so that the choice is made again from an
// export (docs/EXPORT.md sorts by interview_date, finalized_at, revision, interview_id).
func TestFinalizedToTheSecond(t *testing.T) {
	recs := records()
	// P06: iv-06 finalized 0.7 s into a second, iv-06-b 0.2 s into it: iv-06-b counts.
	at := base.Add(5*time.Hour + 700*time.Millisecond)
	recs[5].FinalizedAt = at
	b := answers(resps[5])
	b["grp_status/main_status"] = "3"
	recs = append(recs, &survey.Record{ID: "iv-06-b", Revision: 1, RespondentID: "P06", FinalizedAt: at.Add(-500 * time.Millisecond), Answers: b})
	// P07: iv-07-b finalized a second later counts, whatever its id.
	c := answers(resps[6])
	recs = append(recs, &survey.Record{ID: "iv-07-a", Revision: 1, RespondentID: "P07", FinalizedAt: recs[6].FinalizedAt.Add(time.Second), Answers: c})
	r, err := report.Compute(rosterRows(), seq(recs), report.Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range r.Superseded {
		got[s.Interview] = s.By
	}
	if got["iv-06"] != "iv-06-b" || got["iv-07"] != "iv-07-a" {
		t.Errorf("superseded %+v, want iv-06 by iv-06-b and iv-07 by iv-07-a", r.Superseded)
	}
}
