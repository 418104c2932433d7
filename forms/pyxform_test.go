package forms_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"tracer/forms"
)

// This file holds cases of pyxform's own test suite (tests/*.py of XLSForm/pyxform): a form
// pyxform refuses is refused here with a message naming its sheet, row and column, and a
// form it compiles runs as the XForm it makes runs in ODK.

// loadIssue parses md and returns the whole text of its load error ("" when it loads).
func loadIssue(t *testing.T, md string) string {
	t.Helper()
	_, err := forms.Parse("test.md", []byte(md))
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestQuestionWithCalculationAndNoLabelIsNotAsked: pyxform writes no body control for a
// question that has a calculation or a trigger and neither label nor hint
// (test_trigger.py, test_typed_calculate_cant_be_trigger), so ODK never asks it: its
// calculation or trigger alone sets it, and it cannot trigger another question.
func TestQuestionWithCalculationAndNoLabelIsNotAsked(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | hint | calculation | trigger |
| | text | a | Enter text | | | |
| | integer | two | | | string-length(${a}) | |
| | integer | b | | | 1+1 | ${a} |
| | dateTime | c | | A hint | now() | ${a} |
| | decimal | e | | | | ${a} |
`)
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	var stops []string
	for _, st := range s.Stops() {
		stops = append(stops, st.Path)
	}
	if got := strings.Join(stops, " "); got != "a c" {
		t.Errorf("stops = %q, want \"a c\" (two, b and e have no control in ODK)", got)
	}
	runSteps(t, s, []step{
		{path: "a", value: "abc", want: "3", wantPath: "two"},
		{path: "a", value: "abcd", want: "4", wantPath: "two"},
		{wantPath: "b", want: "2"},
	})
	var x bytes.Buffer
	if err := forms.WriteXForm(&x, f); err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{`<input ref="/data/two"`, `<input ref="/data/b"`, `<input ref="/data/e"`} {
		if strings.Contains(x.String(), no) {
			t.Errorf("the XForm has %s, pyxform writes no control for it", no)
		}
	}
	if !strings.Contains(x.String(), `<input ref="/data/c"`) {
		t.Errorf("the XForm lacks c's control (it has a hint)")
	}

	for _, c := range []struct{ name, md, want string }{
		{"trigger on a calculate", `
| survey |
| | type | name | label | trigger | calculation |
| | calculate | one | | | 5 + 4 |
| | calculate | one-ts | | ${one} | now() |`, `line 5, sheet survey, column trigger: ${one} is not shown to the enumerator`},
		{"trigger on a typed calculation", `
| survey |
| | type | name | trigger | calculation |
| | integer | two | | 1 + 1 |
| | integer | two-ts | ${two} | now() |`, `line 5, sheet survey, column trigger: ${two} is not shown to the enumerator`},
		{"trigger that is no reference", `
| survey |
| | type | name | label | calculation | trigger |
| | dateTime | b | | now() | 6 |`, `line 4, sheet survey, column trigger: trigger "6" is not a reference`},
	} {
		if got := loadIssue(t, c.md); !strings.Contains(got, c.want) {
			t.Errorf("%s: load error %q, want it to contain %q", c.name, got, c.want)
		}
	}
}

// TestDuplicateChoiceNamesNeedTheSetting: pyxform refuses a choice list that names a choice
// twice unless the settings sheet sets allow_choice_duplicates to yes (test_fields.py).
func TestDuplicateChoiceNamesNeedTheSetting(t *testing.T) {
	form := `
| survey |
| | type | name | label |
| | select_one list | s1 | S1 |
| choices |
| | list name | name | label |
| | list | a | A |
| | list | b | B |
| | list | b | C |
`
	if got, want := loadIssue(t, form), `line 9, sheet choices, column name: choice "b" appears twice in list list (first on row 8)`; !strings.Contains(got, want) {
		t.Errorf("load error %q, want it to contain %q", got, want)
	}
	for _, setting := range []string{"yes", "Yes", "YES"} {
		f := mustParse(t, form+`| settings |
| | form_id | allow_choice_duplicates |
| | dups | `+setting+` |
`)
		if n := len(f.Lists["list"].Choices); n != 3 {
			t.Errorf("allow_choice_duplicates %s: %d choices, want 3", setting, n)
		}
	}
	if got := loadIssue(t, form+`| settings |
| | form_id | allow_choice_duplicates |
| | dups | Bob |
`); !strings.Contains(got, "appears twice") {
		t.Errorf("allow_choice_duplicates Bob: load error %q, want the duplicate refused", got)
	}
}
