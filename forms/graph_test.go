package forms_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"tracer/forms"
)

// TestOneFormChecksInterviewsInParallel runs many interviews of one *Form at once, as the
// server does when it checks pushed interviews: run with -race, it fails if anything shared
// by the sessions is written after the form loaded.
func TestOneFormChecksInterviewsInParallel(t *testing.T) {
	f := mustParse(t, householdForm)
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for round := 0; round < 20; round++ {
				s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }})
				answers := map[string]any{
					"n":      "1",
					"member": []any{map[string]any{"mname": "Ani", "age": fmt.Sprint(20 + w), "works": "yes"}},
					"prov":   "64", "reg": "6474",
					"kid": []any{map[string]any{"kid_age": "3"}},
				}
				if errs2 := s.Fill(answers); len(errs2) > 0 {
					errs <- fmt.Errorf("worker %d: %v", w, errs2)
					return
				}
				if got, want := s.Value("total_age"), fmt.Sprint(20+w); got != want {
					errs <- fmt.Errorf("worker %d: total_age = %s, want %s", w, got, want)
					return
				}
				if p, _ := s.Set("member[1]/age", "130"); p == nil {
					errs <- fmt.Errorf("worker %d: age 130 accepted", w)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
