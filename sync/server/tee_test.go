package server

import (
	"fmt"
	"iter"
	"testing"

	"tracer/survey"
)

func countedRecords(n int) iter.Seq2[*survey.Record, error] {
	return func(yield func(*survey.Record, error) bool) {
		for i := range n {
			if !yield(&survey.Record{ID: fmt.Sprint(i)}, nil) {
				return
			}
		}
	}
}

// The side reader gets every record the main reader reads, in order, across batch
// boundaries; when main stops early, side ends with an error instead of a short list.
func TestTeeRecords(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 1000} {
		main, side, done := teeRecords(countedRecords(n))
		got := make(chan []string, 1)
		go func() {
			var ids []string
			for r, err := range side {
				if err != nil {
					t.Errorf("n=%d: side: %v", n, err)
					break
				}
				ids = append(ids, r.ID)
			}
			got <- ids
		}()
		read := 0
		for r, err := range main {
			if err != nil || r.ID != fmt.Sprint(read) {
				t.Fatalf("n=%d: main read %v %v at %d", n, r, err, read)
			}
			read++
		}
		done()
		ids := <-got
		if read != n || len(ids) != n {
			t.Fatalf("n=%d: main read %d, side %d", n, read, len(ids))
		}
		for i, id := range ids {
			if id != fmt.Sprint(i) {
				t.Fatalf("n=%d: side's record %d is %s", n, i, id)
			}
		}
	}

	main, side, done := teeRecords(countedRecords(500))
	errc := make(chan error, 1)
	go func() {
		var last error
		n := 0
		for _, err := range side {
			if err != nil {
				last = err
				break
			}
			n++
		}
		if last == nil {
			last = fmt.Errorf("side ended after %d records without an error", n)
			errc <- last
			return
		}
		errc <- nil
	}()
	for r := range main {
		if r.ID == "100" {
			break
		}
	}
	done()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
