package report

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"tracer/survey"
)

// TestRowsWithIDConcurrent looks every roster id up from two goroutines at once, as the
// indicators and the response rates do over one roster: each finds its own row. The index
// sorted on first use must be complete before either reads it (with -race, a lookup racing
// the sort is reported; without, a binary search over a half-sorted index misses rows).
func TestRowsWithIDConcurrent(t *testing.T) {
	const n = 20000
	ro := NewRoster()
	ids := make([]string, n)
	for i, p := range rand.New(rand.NewPCG(1, 2)).Perm(n) {
		ids[i] = fmt.Sprintf("R%06d", p)
		ro.Add(&survey.Respondent{RosterID: ids[i]})
	}
	var wg sync.WaitGroup
	missed := make([]int, 2)
	for g := range missed {
		wg.Go(func() {
			for i, id := range ids {
				if rows := ro.rowsWithID(id); len(rows) != 1 || rows[0] != int32(i) {
					missed[g]++
				}
			}
		})
	}
	wg.Wait()
	for g, m := range missed {
		if m != 0 {
			t.Errorf("goroutine %d: %d of %d roster ids not found at their row", g, m, n)
		}
	}
}

// TestLinkRow checks each step of the linking rule (docs/INDICATORS.md, "Linking an
// interview to the roster") on a roster with people trained twice and a reporting period.
func TestLinkRow(t *testing.T) {
	const nik = "64080612020400"
	ro := RosterOf([]*survey.Respondent{
		{RosterID: "R1", NIK: nik + "71", Completion: "pass", TrainingEnd: "2025-06-30"},
		{RosterID: "R2", NIK: nik + "72", Completion: "pass", TrainingEnd: "2025-03-31"},
		{RosterID: "R3", NIK: nik + "72", Completion: "fail", TrainingEnd: "2025-09-30"},
		{RosterID: "R4", NIK: nik + "72", Completion: "pass", TrainingEnd: "2025-08-31"},
		{RosterID: "R5", NIK: nik + "75", Completion: "pass", TrainingEnd: "2023-06-30"},
		{RosterID: "R6", NIK: nik + "76", Completion: "fail", TrainingEnd: "2025-02-28"},
		{RosterID: "R7", NIK: nik + "76", Completion: "fail", TrainingEnd: "2025-05-31"},
		{RosterID: "R8", NIK: nik + "76", Completion: "fail", TrainingEnd: "2025-05-31"},
		{RosterID: "R9", NIK: nik + "72", Completion: "pass", TrainingEnd: "2024-05-31"},
	})
	cfg := Config{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		name                 string
		resp, confirmed, nik string
		want                 string
	}{
		{"respondent id", "R1", "R2", nik + "72", "R1"},
		{"respondent id out of the period, its person not in it, the NIK answer not tried", "R5", "", nik + "71", ""},
		{"respondent id out of the period: its person's row in it", "R9", "", "", "R4"},
		{"confirmed id out of the period: its person's row in it", "", "R9", nik + "71", "R4"},
		{"confirmed roster id", "", "R2", nik + "71", "R2"},
		{"confirmed id not in the roster: the NIK's latest passed batch", "", "R404", nik + "72", "R4"},
		{"confirmed id out of the period", "", "R5", nik + "71", "R1"},
		{"NIK written with spaces", "", "", "6408 0612 0204 0071", "R1"},
		{"NIK whose rows all failed: the latest, the first of equal ones", "", "", nik + "76", "R7"},
		{"NIK only out of the period", "", "", nik + "75", ""},
		{"NIK no row has", "", "", nik + "99", ""},
		{"nothing", "", "", "", ""},
	} {
		got := ""
		if r := ro.LinkRow(cfg, c.resp, c.confirmed, c.nik); r >= 0 {
			got = ro.ID(r)
		}
		if got != c.want {
			t.Errorf("%s: linked to %q, want %q", c.name, got, c.want)
		}
	}
}

// TestEachPersonOrder checks eachPerson, which reads the persons' order off the roster's
// indexes, against sorting the rows by person key and row: on a roster where NIKs and
// roster ids repeat, some rows have no NIK, and the rows given are a subset in any order.
func TestEachPersonOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	ro := NewRoster()
	for range 3000 {
		r := &survey.Respondent{RosterID: fmt.Sprintf("R%04d", rng.IntN(2500))}
		if rng.IntN(4) > 0 {
			r.NIK = fmt.Sprintf("3201%012d", rng.IntN(2000))
		}
		ro.Add(r)
	}
	for round := range 5 {
		var rows []int32
		for _, r := range rng.Perm(ro.Len()) {
			if round == 0 || rng.IntN(3) > 0 {
				rows = append(rows, int32(r))
			}
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, func(a, b int32) int { return cmp.Or(ro.comparePersons(a, b), cmp.Compare(a, b)) })
		var got []int32
		persons := 0
		ro.eachPerson(rows, func(person []int32) {
			persons++
			for _, r := range person[1:] {
				if ro.comparePersons(person[0], r) != 0 {
					t.Fatalf("round %d: rows %d and %d are two persons given as one", round, person[0], r)
				}
			}
			if len(got) > 0 && ro.comparePersons(got[len(got)-1], person[0]) == 0 {
				t.Fatalf("round %d: row %d's person given twice", round, person[0])
			}
			got = append(got, person...)
		})
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %d rows in %d persons, not in the order of person key and row", round, len(got), persons)
		}
	}
}
