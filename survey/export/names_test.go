package export_test

import (
	"bytes"
	"iter"
	"slices"
	"testing"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
)

// TestQuestionNamesFirst checks that a question whose name SPSS and Stata accept keeps it as
// its variable name when a made name (a choice's 0/1 column, a derived column) would be the
// same, wherever that comes in the table, and that the tables the export makes keep their
// names when a repeat has one of them.
func TestQuestionNamesFirst(t *testing.T) {
	f, err := forms.Parse("t.md", []byte(`
| survey |
| | type | name | label |
| | select_multiple src | how_found | How found |
| | text | how_found_other | Other, which |
| | text | d_score | A question named like the derived column |
| | begin repeat | alumni | Alumni met |
| | text | who | Who |
| | end repeat | | |
| choices |
| | list_name | name | label |
| | src | friend | Friend |
| | src | other | Other |
`))
	if err != nil {
		t.Fatal(err)
	}
	recs := []*survey.Record{{ID: "a", Revision: 1, Answers: map[string]string{"how_found": "other", "how_found_other": "radio", "alumni[1]/who": "x"}}}
	alumni := &export.Alumni{Columns: []export.DerivedColumn{{Name: "roster_id", Text: true}}, Rows: func() iter.Seq2[[]string, error] {
		return func(yield func([]string, error) bool) { yield([]string{"R1"}, nil) }
	}}
	derived := &export.Derived{Columns: []export.DerivedColumn{{Name: "d_score"}}, Values: func(*survey.Record, []survey.Answer, *survey.Respondent, []string) {}}
	for _, format := range []export.Format{export.CSV, export.SAV} {
		var buf bytes.Buffer
		if _, err := export.Write(&buf, f, seq(recs), export.Options{Format: format, Alumni: alumni, Derived: derived, TempDir: t.TempDir()}); err != nil {
			t.Fatal(err)
		}
		names, files := unzip(t, buf.Bytes())
		variable := map[string]string{} // the first column of that name
		derivedVar := ""
		for _, r := range readCSV(t, files["codebook.csv"])[1:] {
			if r[4] == "derived" {
				derivedVar = r[2]
			} else if _, ok := variable[r[0]+" "+r[1]]; !ok {
				variable[r[0]+" "+r[1]] = r[2]
			}
		}
		if derivedVar != "d_score_2" {
			t.Errorf("%s: the derived d_score's variable is %q, want d_score_2", format, derivedVar)
		}
		for col, want := range map[string]string{
			"interviews how_found_other": "how_found_other", "interviews how_found/other": "how_found_other_2",
			"interviews d_score": "d_score", "interviews how_found/friend": "how_found_friend",
		} {
			if variable[col] != want {
				t.Errorf("%s: variable of %s is %q, want %q", format, col, variable[col], want)
			}
		}
		// The tables the export makes keep their names; the repeat yields.
		ext := ".csv"
		if format == export.SAV {
			ext = ".sav"
		}
		if want := []string{"interviews" + ext, "alumni_2" + ext, "alumni" + ext, "codebook.csv"}; !slices.Equal(names, want) {
			t.Errorf("%s: files %q, want %q", format, names, want)
		}
		if variable["alumni roster_id"] != "roster_id" || variable["alumni_2 who"] != "who" {
			t.Errorf("%s: codebook tables: %v", format, variable)
		}
	}
}
