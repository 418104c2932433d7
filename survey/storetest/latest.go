package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tracer/survey"
)

// testLatestRecords checks which revisions the stores read for "latest" (the highest
// stored revision of each interview, in the order the revisions were stored) and for
// "all", with and without the roster joined and a form named: interviews of one to four
// revisions stored out of order, two forms, a roster with gaps and respondents it lacks.
func testLatestRecords(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	var roster []*survey.Respondent
	names := map[string]string{}
	for i := 0; i < 12; i += 2 { // R0, R2, ... R10: the odd ones are not in the roster
		id := fmt.Sprintf("R%d", i)
		names[id] = "Name " + id
		roster = append(roster, &survey.Respondent{RosterID: id, Name: names[id]})
	}
	if _, err := s.Roster.Upload(ctx, roster); err != nil {
		t.Fatal(err)
	}
	type stored struct {
		id, form, respondent string
		rev                  int
	}
	// The order of storing: the revisions of interviews interleaved (each interview's in
	// order, as the stores require), and two interviews may share a respondent.
	plan := []stored{
		{"i1", "f", "R0", 1}, {"i2", "f", "R1", 1}, {"i3", "g", "R2", 1}, {"i1", "f", "R0", 2}, {"i4", "f", "R4", 1},
		{"i2", "f", "R1", 2}, {"i5", "g", "R3", 1}, {"i1", "f", "R0", 3}, {"i3", "g", "R2", 2}, {"i6", "f", "R2", 1},
		{"i4", "f", "R4", 2}, {"i7", "f", "", 1}, {"i5", "g", "R3", 2}, {"i8", "f", "R10", 1}, {"i5", "g", "R3", 3},
		{"i9", "g", "R9", 1}, {"i5", "g", "R3", 4},
	}
	for _, p := range plan {
		sub := Submission(t, p.id, p.rev, fmt.Sprint(p.rev))
		sub.RespondentID = p.respondent
		rec, err := survey.DecodeRecord(sub.Body)
		if err != nil {
			t.Fatal(err)
		}
		// Answers a reader by name skips: another question, the same name in a repeat.
		rec.FormID, rec.Answers["grp/note"], rec.Answers["rep[1]/income_exact"] = p.form, "n"+p.id, "9"
		if sub.Body, err = rec.Canonical(); err != nil {
			t.Fatal(err)
		}
		sub.Hash, sub.FormID = survey.HashBytes(sub.Body), p.form
		rc, err := s.Submissions.Ingest(ctx, []*survey.Submission{sub})
		if err != nil || len(rc) != 1 || rc[0].Status != survey.ReceiptStored {
			t.Fatalf("ingest %+v: %+v %v", p, rc, err)
		}
	}
	want := func(latest bool, form string) []string {
		top := map[string]int{}
		for _, p := range plan {
			top[p.id] = max(top[p.id], p.rev)
		}
		var out []string
		for _, p := range plan {
			if (!latest || p.rev == top[p.id]) && (form == "" || p.form == form) {
				name := "-"
				if n, ok := names[p.respondent]; ok {
					name = n
				}
				out = append(out, fmt.Sprintf("%s/%d %s", p.id, p.rev, name))
			}
		}
		return out
	}
	for _, revs := range []survey.RevisionSet{survey.RevisionsLatest, survey.RevisionsAll} {
		for _, form := range []string{"", "f", "g"} {
			f := survey.RecordFilter{Revisions: revs, FormID: form}
			var joined, plain []string
			for rr, err := range s.Reviews.RosterRecords(ctx, f) {
				if err != nil {
					t.Fatal(err)
				}
				name := "-"
				if rr.Respondent != nil {
					name = rr.Respondent.Name
				}
				joined = append(joined, fmt.Sprintf("%s/%d %s", rr.Record.ID, rr.Record.Revision, name))
			}
			var whole []*survey.Record
			for r, err := range s.Reviews.Records(ctx, f) {
				if err != nil {
					t.Fatal(err)
				}
				plain = append(plain, fmt.Sprintf("%s/%d", r.ID, r.Revision))
				whole = append(whole, r)
			}
			// By name: the same records with the one answer asked for.
			named := f
			named.Names = []string{"income_exact"}
			var n int
			for r, err := range s.Reviews.Records(ctx, named) {
				if err != nil {
					t.Fatal(err)
				}
				if n >= len(whole) {
					t.Fatalf("%s, form %q, by name: more records than %d", revs, form, len(whole))
				}
				w := *whole[n]
				w.Answers = map[string]string{"income_exact": whole[n].Answers["income_exact"]}
				if !reflect.DeepEqual(r, &w) || len(whole[n].Answers) != 3 {
					t.Errorf("%s, form %q, by name: %+v, want %+v", revs, form, r, &w)
				}
				n++
			}
			if n != len(whole) {
				t.Errorf("%s, form %q, by name: %d records, want %d", revs, form, n, len(whole))
			}
			// By name into a list: the same, the answer in Named.
			named.ByName, n = true, 0
			for r, err := range s.Reviews.Records(ctx, named) {
				if err != nil {
					t.Fatal(err)
				}
				if n >= len(whole) {
					t.Fatalf("%s, form %q, by name in a list: more records than %d", revs, form, len(whole))
				}
				w := *whole[n]
				w.Answers, w.Named = nil, survey.NamedValues{Names: []string{"income_exact"}, Values: []string{whole[n].Answers["income_exact"]}}
				if !reflect.DeepEqual(r, &w) || w.Named.Values[0] == "" {
					t.Errorf("%s, form %q, by name in a list: %+v, want %+v", revs, form, r, &w)
				}
				n++
			}
			if n != len(whole) {
				t.Errorf("%s, form %q, by name in a list: %d records, want %d", revs, form, n, len(whole))
			}
			w := want(revs == survey.RevisionsLatest, form)
			if !slices.Equal(joined, w) {
				t.Errorf("%s, form %q, roster joined: %q, want %q", revs, form, joined, w)
			}
			var wplain []string
			for _, s := range w {
				id, _, _ := strings.Cut(s, " ")
				wplain = append(wplain, id)
			}
			if !slices.Equal(plain, wplain) {
				t.Errorf("%s, form %q: %q, want %q", revs, form, plain, wplain)
			}
		}
	}
}
