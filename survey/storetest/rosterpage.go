package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"tracer/survey"
)

// testRosterPages: a page of roster changes is cut by the bytes of its rows (at least one
// row) and by the number of rows, says whether rows follow, and the pages in turn give
// what Changes and ChangesAndGone give, in order.
func testRosterPages(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	pager, ok := s.Roster.(survey.RosterPager)
	if !ok {
		t.Fatalf("%T does not cut roster pages by size (survey.RosterPager)", s.Roster)
	}
	if _, _, err := s.Users.CreateUser(ctx, "ani", survey.RoleEnumerator); err != nil {
		t.Fatal(err)
	}
	large := map[string]string{}
	for k := range 25 {
		large[fmt.Sprintf("col%02d", k)] = strings.Repeat("x", 4000) // about 100 KB a row
	}
	var rows []*survey.Respondent
	for i := range 12 {
		r := &survey.Respondent{RosterID: fmt.Sprintf("R-%02d", i), Name: "Alumni", BatchID: "B1"}
		if i%3 != 2 {
			r.Extra = large
		}
		if i >= 6 {
			r.BatchID = "B2"
		}
		rows = append(rows, r)
	}
	if _, err := s.Roster.Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	ids := func(rs []survey.RosterRow) []string {
		var out []string
		for _, r := range rs {
			id := r.Respondent.RosterID
			if r.Gone {
				id += " gone"
			}
			out = append(out, id)
		}
		return out
	}
	// pages reads every page after after and checks each against its bounds.
	pages := func(after int64, limit, maxBytes int, to string, gone bool) []survey.RosterRow {
		t.Helper()
		var all []survey.RosterRow
		for n := 0; ; n++ {
			if n > 20 {
				t.Fatal("the pages never end")
			}
			page, more, err := pager.ChangesPage(ctx, after, limit, maxBytes, to, gone)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 && more {
				t.Fatal("an empty page with more to follow")
			}
			if len(page) > limit {
				t.Fatalf("a page of %d rows, limit %d", len(page), limit)
			}
			if large := 0; len(page) > 1 {
				for _, r := range page {
					if len(r.Respondent.Extra) > 0 {
						large++
					}
				}
				if large > maxBytes/100_000 {
					t.Fatalf("a page of %d rows of about 100 KB, bound %d bytes: %v", large, maxBytes, ids(page))
				}
			}
			all = append(all, page...)
			if !more {
				return all
			}
			after = page[len(page)-1].Seq
		}
	}
	whole, err := s.Roster.Changes(ctx, 0, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []struct{ limit, maxBytes int }{{1000, 250_000}, {1000, 10}, {2, 1 << 30}, {5, 350_000}} {
		if got := pages(0, b.limit, b.maxBytes, "", false); !slices.Equal(ids(got), ids(whole)) {
			t.Errorf("pages of %d rows and %d bytes: %v, want %v", b.limit, b.maxBytes, ids(got), ids(whole))
		}
	}
	if page, more, err := pager.ChangesPage(ctx, 0, 1000, 250_000, "", false); err != nil || len(page) != 3 || !more {
		t.Errorf("the first page of rows of 100 KB within 250 KB: %v more %v (%v), want 3 rows (the third small) and more", ids(page), more, err)
	}

	// Once rows are assigned, an enumerator's pages hold hers and, with gone, the others
	// marked gone, as ChangesAndGone says.
	last := whole[len(whole)-1].Seq
	if _, err := s.Roster.Assign(ctx, survey.AssignSelector{Batch: "B1"}, "ani", "sri"); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []bool{false, true} {
		var want []survey.RosterRow
		if gone {
			want, err = s.Roster.(survey.RosterDepartures).ChangesAndGone(ctx, last, 0, "ani")
		} else {
			want, err = s.Roster.Changes(ctx, last, 0, "ani")
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := pages(last, 1000, 250_000, "ani", gone); !slices.Equal(ids(got), ids(want)) || len(want) == 0 {
			t.Errorf("ani's pages (gone %v): %v, want %v", gone, ids(got), ids(want))
		}
	}
}
