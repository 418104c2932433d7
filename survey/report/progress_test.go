package report_test

import (
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/report"
)

// TestComputeProgress: counts today and in all per enumerator, a call-back overdue only
// while it is the latest outcome, alumni never tried.
func TestComputeProgress(t *testing.T) {
	loc := time.FixedZone("WITA", 8*3600)
	now := time.Date(2026, 11, 30, 14, 0, 0, 0, loc)
	yesterday := now.AddDate(0, 0, -1)
	roster := []*survey.Respondent{{RosterID: "R1"}, {RosterID: "R2"}, {RosterID: "R3"}, {RosterID: "R4"}}
	at := func(id, who, code string, when time.Time, cb time.Time) *survey.Attempt {
		return &survey.Attempt{ID: survey.NewID(), RosterID: id, Enumerator: who, At: when, Mode: survey.ModePhone, Outcome: code, Callback: cb}
	}
	attempts := []*survey.Attempt{
		at("R1", "ani", "3.13", yesterday, time.Time{}),
		at("R1", "ani", "2.21", yesterday.Add(time.Hour), now.Add(-2*time.Hour)), // overdue
		at("R2", "ani", "2.21", now.Add(-3*time.Hour), now.Add(-time.Hour)),      // then completed: not overdue
		at("R2", "ani", "1.1", now.Add(-30*time.Minute), time.Time{}),
		at("R3", "eko", "2.11", yesterday, time.Time{}),
		at("R3", "eko", "2.21", now.Add(-time.Hour), now.Add(time.Hour)), // not due yet
	}
	none := func(func(*survey.Record, error) bool) {}
	p, err := report.ComputeProgress(roster, attempts, none, map[string]string{"R1": "ani", "R2": "ani", "R3": "eko", "R4": "eko"}, now, loc)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Enumerators) != 2 {
		t.Fatalf("enumerators %+v", p.Enumerators)
	}
	ani, eko := p.Enumerators[0], p.Enumerators[1]
	want := report.EnumeratorProgress{Enumerator: "ani", Assigned: 2, Attempts: 4, AttemptsToday: 2, Contacts: 3, ContactsToday: 2,
		Completes: 1, CompleteToday: 1}
	if ani != want {
		t.Errorf("ani %+v\nwant %+v", ani, want)
	}
	want = report.EnumeratorProgress{Enumerator: "eko", Assigned: 2, Attempts: 2, AttemptsToday: 1, Contacts: 2, ContactsToday: 1, Refusals: 1}
	if eko != want {
		t.Errorf("eko %+v\nwant %+v", eko, want)
	}
	if len(p.Overdue) != 1 || p.Overdue[0].RosterID != "R1" || p.Overdue[0].Enumerator != "ani" {
		t.Errorf("overdue %+v", p.Overdue)
	}
	if len(p.NotTried) != 1 || p.NotTried[0].RosterID != "R4" || p.NotTried[0].Enumerator != "eko" {
		t.Errorf("not tried %+v", p.NotTried)
	}
	if p.Day != "2026-11-30" {
		t.Errorf("day %s", p.Day)
	}
}
