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
