package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"tracer/survey"
)

// testRosterDepartures: a laptop that pulled rows learns, on its next pull, which ones
// left its account's roster: at the roster's first assignment every row not assigned to
// the account, later a row assigned to another account. What it keeps comes whole, what it
// drops by roster id only, in one sequence with the cursor of Changes.
func testRosterDepartures(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	for _, u := range []struct {
		name string
		role survey.Role
	}{{"ani", survey.RoleEnumerator}, {"budi", survey.RoleEnumerator}} {
		if _, _, err := s.Users.CreateUser(ctx, u.name, u.role); err != nil {
			t.Fatal(err)
		}
	}
	dep, ok := s.Roster.(survey.RosterDepartures)
	if !ok {
		t.Fatalf("%T does not tell a laptop which rows left it (survey.RosterDepartures)", s.Roster)
	}
	if _, err := s.Roster.Upload(ctx, []*survey.Respondent{
		{RosterID: "R-1", Name: "Rina", BatchID: "B1"}, {RosterID: "R-2", Name: "Rudi", BatchID: "B1"},
		{RosterID: "R-3", Name: "Rosa", BatchID: "B2"}, {RosterID: "R-4", Name: "Rahmat", BatchID: "B2"},
	}); err != nil {
		t.Fatal(err)
	}
	// pull reads every page of size 2 after after, as a laptop does, and returns what it
	// keeps, what it drops and its new cursor.
	pull := func(after int64, account string) (keep, gone []string, cursor int64) {
		t.Helper()
		cursor = after
		for {
			page, err := dep.ChangesAndGone(ctx, cursor, 2, account)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				if r.Seq <= cursor {
					t.Fatalf("%s: row %s at %d, not after %d", account, r.Respondent.RosterID, r.Seq, cursor)
				}
				cursor = r.Seq
				switch {
				case !r.Gone && r.Respondent.Name == "":
					t.Fatalf("%s: kept row %s without its values", account, r.Respondent.RosterID)
				case r.Gone && (r.Respondent.Name != "" || r.Respondent.BatchID != ""):
					t.Fatalf("%s: a row that left gives its values: %+v", account, r.Respondent)
				case r.Gone:
					gone = append(gone, r.Respondent.RosterID)
				default:
					keep = append(keep, r.Respondent.RosterID)
				}
			}
			if len(page) < 2 {
				return keep, gone, cursor
			}
		}
	}
	same := func(what string, got []string, want ...string) {
		t.Helper()
		if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	keep, gone, ani := pull(0, "ani")
	same("ani before assignments keeps", keep, "R-1", "R-2", "R-3", "R-4")
	same("ani before assignments drops", gone)
	keep, _, budi := pull(0, "budi")
	same("budi before assignments keeps", keep, "R-1", "R-2", "R-3", "R-4")
	all, err := s.Roster.Changes(ctx, 0, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	whole, err := dep.ChangesAndGone(ctx, 0, 0, "")
	if err != nil || fmt.Sprint(rosterIDs(whole)) != fmt.Sprint(rosterIDs(all)) {
		t.Fatalf("every row: %v %v, want what Changes gives: %v", rosterIDs(whole), err, rosterIDs(all))
	}

	// The first assignment: ani keeps batch B1, every other row leaves both laptops.
	if _, err := s.Roster.Assign(ctx, survey.AssignSelector{Batch: "B1"}, "ani", "sri"); err != nil {
		t.Fatal(err)
	}
	keep, gone, ani = pull(ani, "ani")
	same("ani after the first assignment keeps", keep, "R-1", "R-2")
	same("ani after the first assignment drops", gone, "R-3", "R-4")
	keep, gone, budi = pull(budi, "budi")
	same("budi after the first assignment keeps", keep)
	same("budi after the first assignment drops", gone, "R-1", "R-2", "R-3", "R-4")
	if mine, err := s.Roster.Changes(ctx, 0, 0, "ani"); err != nil || !slices.Equal(slices.Sorted(slices.Values(rosterIDs(mine))), []string{"R-1", "R-2"}) {
		t.Fatalf("Changes of ani: %v %v", rosterIDs(mine), err)
	}

	// A reassignment: R-2 moves to budi, B2 goes to budi.
	if _, err := s.Roster.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"R-2"}}, "budi", "sri"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Roster.Assign(ctx, survey.AssignSelector{Batch: "B2"}, "budi", "sri"); err != nil {
		t.Fatal(err)
	}
	keep, gone, _ = pull(ani, "ani")
	same("ani after R-2 moved keeps", keep)
	same("ani after R-2 moved drops", gone, "R-2", "R-3", "R-4")
	keep, gone, _ = pull(budi, "budi")
	same("budi after R-2 moved keeps", keep, "R-2", "R-3", "R-4")
	same("budi after R-2 moved drops", gone)
	// A new laptop of ani's pulls her one row, and nothing to drop.
	keep, gone, _ = pull(0, "ani")
	same("a new laptop of ani keeps", keep, "R-1")
	same("a new laptop of ani drops", gone)
}
