package report_test

import (
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
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
	p, err := report.ComputeProgress(each(roster), each(attempts), none, map[string]string{"R1": "ani", "R2": "ani", "R3": "eko", "R4": "eko"}, now, loc)
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

// TestComputeProgressRecords: an interview counts by its latest revision only (a refusal
// corrected into a complete is a complete), an interview without a respondent id is found
// by its roster_id answer, and the records' answers are not kept while they stream: a
// server may hold a million of them.
func TestComputeProgressRecords(t *testing.T) {
	loc := time.UTC
	now := time.Date(2026, 11, 30, 14, 0, 0, 0, loc)
	roster := []*survey.Respondent{{RosterID: "R1"}, {RosterID: "R2"}, {RosterID: "R3"}}
	const many, pad = 400, 256 << 10 // 100 MiB of answers if they were kept
	var grew uint64
	records := func(yield func(*survey.Record, error) bool) {
		rec := func(id string, rev int, who, respondent string, answers map[string]string) *survey.Record {
			return &survey.Record{ID: id, Revision: rev, Enumerator: who, RespondentID: respondent, FinalizedAt: now.Add(-time.Hour), Answers: answers}
		}
		list := []*survey.Record{
			rec("I1", 2, "ani", "R1", map[string]string{"/data/consent": "yes", "/data/main_status": "employed"}),
			rec("I1", 1, "ani", "R1", map[string]string{"/data/consent": "no"}),
			rec("I2", 1, "eko", "", map[string]string{"/data/roster_id": "R2", "/data/consent": "no"}),
		}
		for _, r := range list {
			if !yield(r, nil) {
				return
			}
		}
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range many {
			big := map[string]string{"/data/consent": "yes", "/data/main_status": "employed", "/data/note": strings.Repeat("x", pad)}
			if !yield(rec(fmt.Sprintf("B%d", i), 1, "eko", "R3", big), nil) {
				return
			}
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		if after.HeapAlloc > before.HeapAlloc {
			grew = after.HeapAlloc - before.HeapAlloc
		}
	}
	p, err := report.ComputeProgress(each(roster), each[*survey.Attempt](nil), records, map[string]string{"R1": "ani", "R2": "eko", "R3": "eko"}, now, loc)
	if err != nil {
		t.Fatal(err)
	}
	want := []report.EnumeratorProgress{
		{Enumerator: "ani", Assigned: 1, Completes: 1, CompleteToday: 1},
		{Enumerator: "eko", Assigned: 2, Completes: 1, CompleteToday: 1, Refusals: 1, RefusalsToday: 1},
	}
	if !slices.Equal(p.Enumerators, want) {
		t.Errorf("enumerators %+v\nwant %+v", p.Enumerators, want)
	}
	if len(p.NotTried) != 0 {
		t.Errorf("not tried %+v", p.NotTried)
	}
	if grew > 16<<20 {
		t.Errorf("the heap grew by %d MiB while %d records of %d KiB streamed: they are kept", grew>>20, many, pad>>10)
	}
}

// each yields the elements of list with no error, as a store's paged reader would.
func each[T any](list []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range list {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// TestNotTriedOrder: the alumni never tried come by enumerator, the alumni not assigned
// first, then by roster id as people read it (R-2 before R-10), whatever order the roster
// streams in (an assignment or an upload rewrites its rows, which moves them in storage).
func TestNotTriedOrder(t *testing.T) {
	now := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	ids := []string{"R-10", "B-7", "R-2", "R-1", "R-010", "A-3", "R-9"}
	assigned := map[string]string{"R-10": "eko", "R-2": "eko", "B-7": "ani", "R-9": "ani"}
	want := "A-3 , R-1 , R-010 , B-7 ani, R-9 ani, R-2 eko, R-10 eko"
	none := func(func(*survey.Record, error) bool) {}
	noAttempts := func(func(*survey.Attempt, error) bool) {}
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1, 0}, {3, 0, 5, 2, 6, 1, 4}} {
		var roster []*survey.Respondent
		for _, i := range order {
			roster = append(roster, &survey.Respondent{RosterID: ids[i]})
		}
		p, err := report.ComputeProgress(each(roster), noAttempts, none, assigned, now, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range p.NotTried {
			got = append(got, n.RosterID+" "+n.Enumerator)
		}
		if g := strings.Join(got, ", "); g != want {
			t.Errorf("roster in order %v: not tried %s, want %s", order, g, want)
		}
	}
}
