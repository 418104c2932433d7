package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/survey"
)

// rowSink keeps the last row of each table.
type rowSink struct{ rows map[int][]string }

func (k *rowSink) row(t *table, cells []string) error {
	k.rows[t.id] = slices.Clone(cells)
	return nil
}
func (k *rowSink) finish([][]string) error { return nil }
func (k *rowSink) abort()                  {}

// mapRow is the interview table's row of a record as the export read it from an answer
// map, one lookup per column and per older path.
func mapRow(rw *rowWriter, t *table, answers map[string]string) []string {
	out := make([]string, len(t.cols))
	for i := range t.cols {
		c := &t.cols[i]
		switch c.kind {
		case colMeta:
			out[i] = rw.meta[c.idx]
		case colValue, colDummy:
			v := answers[c.rel]
			for _, alt := range c.alts {
				if v != "" {
					break
				}
				v = answers[alt]
			}
			if c.kind == colValue {
				out[i] = rw.s.label(c, v)
			} else {
				out[i] = dummy(v, c.choice.Name)
			}
		}
	}
	return out
}

func testForm(t *testing.T, version, rows string) *forms.Form {
	t.Helper()
	src := "| survey |\n| | type | name | label |\n" + rows + "| choices |\n| | list_name | name | label |\n" +
		"| | c | a | A |\n| | c | b | B |\n| | c | old | Old |\n| settings |\n| | form_id | version |\n| | vf | " + version + " |\n"
	f, err := forms.Parse("vf.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSlotsAgreeWithMap checks that the interview table's row read from the sorted answers
// through the slots is the row the per-column map lookups give, on records with answers
// missing, empty, at paths no column reads, inside repeats, under an older version's path
// (a question moved into a group, so the column reads either), and select_multiple answers
// with choices the lists have and have not.
func TestSlotsAgreeWithMap(t *testing.T) {
	v1 := testForm(t, "1", "| | text | name | Name |\n| | text | city | City |\n| | select_multiple c | pick | Pick |\n| | text | gone | Gone |\n")
	v2 := testForm(t, "2", "| | text | name | Name |\n| | begin group | place | Place |\n| | text | city | City |\n| | select_multiple c | pick | Pick |\n| | end group | | |\n"+
		"| | integer | age | Age |\n| | select_one c | one | One |\n| | begin repeat | kids | Kids |\n| | text | kid | Kid |\n| | end repeat | | |\n")
	paths := []string{"name", "city", "place/city", "pick", "place/pick", "gone", "age", "one", "kids[1]/kid", "kids[2]/kid",
		"a", "zz", "place", "place/", "place/zz", "nam", "name2", "city/x"}
	values := []string{"", "a", "b old", "a b", "x", "old", "12", "=1+2"}
	for _, labels := range []bool{false, true} {
		opt := Options{Labels: labels, Versions: []*forms.Form{v1}}
		s := newSchema(v2, opt)
		sink := &rowSink{rows: map[int][]string{}}
		rw := newRowWriter(s, opt, sink)
		r := rand.New(rand.NewPCG(1, 2))
		for n := range 3000 {
			answers := map[string]string{}
			for _, p := range paths {
				if r.IntN(3) > 0 {
					answers[p] = values[r.IntN(len(values))]
				}
			}
			rec := &survey.Record{ID: "r", Revision: 1, Answers: answers}
			list := sortedAnswers(nil, answers)
			if err := rw.record(Interview{Record: rec, Answers: list}); err != nil {
				t.Fatal(err)
			}
			if got, want := sink.rows[0], mapRow(rw, s.tables[0], answers); !slices.Equal(got, want) {
				t.Fatalf("record %d %v, labels %v: row\n%q\nwant\n%q", n, answers, labels, got, want)
			}
		}
	}
}

// TestFileListDummies: a select_multiple from an attached file gets one 0/1 column per
// choice while the file is short, and only its answer column when the file is longer than
// a table can take.
func TestFileListDummies(t *testing.T) {
	for _, n := range []int{3, maxFileDummies + 1} {
		var csv strings.Builder
		csv.WriteString("name,label\n")
		for i := range n {
			fmt.Fprintf(&csv, "v%d,Village %d\n", i, i)
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, file := range [][2]string{{"f.md", "| survey |\n| | type | name | label |\n| | select_multiple_from_file villages.csv | pick | Pick |\n"}, {"villages.csv", csv.String()}} {
			w, _ := zw.Create(file[0])
			w.Write([]byte(file[1]))
		}
		zw.Close()
		f, err := forms.Parse("f.zip", buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		dummies := 0
		for _, c := range newSchema(f, Options{}).tables[0].cols {
			if c.kind == colDummy {
				dummies++
			}
		}
		want := n
		if n > maxFileDummies {
			want = 0
		}
		if dummies != want {
			t.Errorf("%d villages: %d choice columns, want %d", n, dummies, want)
		}
	}
}
