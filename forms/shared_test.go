package forms_test

import (
	"testing"
	"time"

	"tracer/forms"
)

// A term written twice in one expression is computed once (expr's shared sub-expressions),
// and must still see what the session tells: pulldata()'s file, position() of an outer
// repeat, count() and last(). A lookup guarded against an empty cell, pulldata() written
// in the test and again in the result of an if(), gave 0 where ODK gives the cell.
func TestSharedTermsSeeTheSession(t *testing.T) {
	src := "| survey |\n| | type | name | label | calculation | repeat_count |\n" +
		"| | text | k | K | | |\n" +
		"| | calculate | umk | | if(pulldata('kab', 'umk', 'name', ${k}) = '', 0, pulldata('kab', 'umk', 'name', ${k})) | |\n" +
		"| | begin repeat | r | R | | 2 |\n" +
		"| | begin repeat | c | C | | 3 |\n" +
		"| | text | y | Y | | |\n" +
		"| | calculate | pp | | concat(position(../..), '.', position(..), '/', position(../..)) | |\n" +
		"| | calculate | n | | if(count(../../c) > 1, count(../../c), 0) | |\n" +
		"| | calculate | last_y | | concat(../../c[last()]/y, ':', ../../c[last()]/y) | |\n" +
		"| | end repeat | | | | |\n" +
		"| | end repeat | | | | |\n" +
		"| | csv-external | kab | | | |\n"
	f, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "kab.csv", "name,umk\n3201,4877211\n3273,4209309\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	set(t, s, "k", "3273")
	set(t, s, "r[2]/c[3]/y", "z")
	for path, want := range map[string]string{
		"umk":              "4209309",
		"r[2]/c[1]/pp":     "2.1/2",
		"r[1]/c[3]/pp":     "1.3/1",
		"r[2]/c[1]/n":      "3",
		"r[2]/c[1]/last_y": "z:z",
	} {
		if got := s.Value(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

// position() without a path is the context position: in a predicate or a choice filter
// the candidate's, anywhere else 1, in a repeat too, as ODK's engine gives it (the index of
// an instance is position(..)).
func TestBarePositionIsTheContextPosition(t *testing.T) {
	s := newSession(t, "| survey |\n| | type | name | label | calculation | relevant | repeat_count |\n"+
		"| | calculate | top | | position() | | |\n"+
		"| | begin repeat | r | R | | position() = 1 | 3 |\n"+
		"| | calculate | bare | | position() | | |\n"+
		"| | calculate | idx | | position(..) | | |\n"+
		"| | calculate | firsts | | count(../../r[position() < 3]) | | |\n"+
		"| | end repeat | | | | | |\n")
	for path, want := range map[string]string{
		"top": "1", "r[3]/bare": "1", "r[3]/idx": "3", "r[3]/firsts": "2",
	} {
		if got := s.Value(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if !s.Relevant("r[3]/bare") {
		t.Errorf("r[3] is not relevant: position() = 1 holds in every instance in ODK")
	}
}
