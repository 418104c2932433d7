package report

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

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
