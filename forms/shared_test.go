package forms_test

import (
	"strings"
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

// A filter on a question inside a repeat keeps the instances whose question passes it:
// count(${age}[. < 5]), as forms count a household's small children, is
// count(/data/member[age < 5]/age) in ODK. The load refused it ("a [...] filter may
// follow only a repeat"). A filter that picks by position on such a question is still
// refused: it picks among one node per instance.
func TestFilterOnAQuestionInARepeat(t *testing.T) {
	form := "| survey |\n| | type | name | label | calculation | repeat_count |\n" +
		"| | integer | thr | Thr | | |\n" +
		"| | begin repeat | member | M | | 3 |\n" +
		"| | integer | age | Age | | |\n" +
		"| | begin group | g | G | | |\n" +
		"| | decimal | inc | Income | | |\n" +
		"| | end group | | | | |\n" +
		"| | text | sex | Sex | | |\n" +
		"| | begin repeat | kid | K | | 2 |\n" +
		"| | integer | kage | Kid age | | |\n" +
		"| | end repeat | | | | |\n" +
		"| | end repeat | | | | |\n" +
		"| | calculate | small | | count(${age}[. < 5]) | |\n" +
		"| | calculate | above | | count(/data/member/age[. > ${thr}]) | |\n" +
		"| | calculate | inc_f | | sum(${inc}[../../sex = 'f']) | |\n" +
		"| | calculate | both | | count(/data/member[sex = 'f']/age[. > 10]) | |\n" +
		"| | calculate | kids | | count(${kage}[. < 3]) | |\n"
	s := newSession(t, form)
	for _, a := range [][2]string{{"thr", "10"}, {"member[1]/age", "3"}, {"member[2]/age", "30"}, {"member[3]/age", "12"},
		{"member[2]/g/inc", "100.5"}, {"member[3]/g/inc", "20"}, {"member[2]/sex", "f"}, {"member[3]/sex", "f"},
		{"member[1]/kid[2]/kage", "1"}, {"member[3]/kid[1]/kage", "2"}, {"member[3]/kid[2]/kage", "4"}} {
		set(t, s, a[0], a[1])
	}
	check := func(want map[string]string) {
		t.Helper()
		for path, v := range want {
			if got := s.Value(path); got != v {
				t.Errorf("%s = %q, want %q", path, got, v)
			}
		}
	}
	check(map[string]string{"small": "1", "above": "2", "inc_f": "120.5", "both": "2", "kids": "2"})
	set(t, s, "member[1]/age", "40")
	set(t, s, "thr", "35")
	check(map[string]string{"small": "0", "above": "1"})

	_, err := forms.Parse("f.md", []byte("| survey |\n| | type | name | label | calculation |\n"+
		"| | begin repeat | member | M | |\n| | integer | age | Age | |\n| | end repeat | | | |\n"+
		"| | calculate | c | | count(/data/member/age[1]) |\n"))
	if err == nil || !strings.Contains(err.Error(), "may follow only a repeat") {
		t.Errorf("a position on a question's step: %v, want it refused", err)
	}
}

// Two times compared with < or > are no numbers to ODK Web Forms, nor to tracer, which
// agrees with it: the comparison is always false, so a constraint . > ${start} refuses
// every answer. The load warns and names decimal-time(), which every engine computes.
func TestTimesComparedAreWarned(t *testing.T) {
	f := mustParse(t, "| survey |\n| | type | name | label | constraint | calculation |\n"+
		"| | time | start | Start | | |\n"+
		"| | time | stop | Stop | . > ${start} | |\n"+
		"| | calculate | morning | | | if(${start} < '12:00', 1, 0) |\n"+
		"| | calculate | fine | | | decimal-time(${stop}) > decimal-time(${start}) and ${start} != ${stop} |\n")
	var got []string
	for _, w := range f.Warnings {
		if strings.Contains(w.Error(), "decimal-time") {
			got = append(got, w.Error())
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], "constraint") || !strings.Contains(got[1], "calculation") {
		t.Errorf("warnings = %q, want one on stop's constraint and one on morning's calculation", got)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	set(t, s, "start", "08:00")
	if p, err := s.Set("stop", "10:30"); err != nil || p == nil {
		t.Errorf("stop 10:30 after start 08:00: %v %v, want it refused as ODK Web Forms refuses it", p, err)
	}
}
