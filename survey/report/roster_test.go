package report

import (
	"fmt"
	"math/rand/v2"
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
