package server

import (
	"strings"
	"testing"

	"tracer/forms"
	"tracer/survey"
)

// TestQuestionPaths checks how a return's comments name questions: a bare name outside
// repeats becomes its path, a question in a repeat needs its instance, a name two groups
// use needs its path, and a path or name the form lacks is refused.
func TestQuestionPaths(t *testing.T) {
	f, err := forms.Parse("q.md", []byte(`
| survey |
| | type | name | label |
| | begin group | g | G |
| | integer | age | Age |
| | end group | | |
| | begin repeat | members | Members |
| | text | mname | Name |
| | begin group | work | Work |
| | text | phone | Employer's phone |
| | end group | | |
| | end repeat | | |
| | begin group | referee | Referee |
| | text | phone | Referee's phone |
| | end group | | |
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want, err string }{
		{"age", "g/age", ""},
		{"g/age", "g/age", ""},
		{" age ", "g/age", ""},
		{"members[2]/mname", "members[2]/mname", ""},
		{"mname", "", `as in "members[1]/mname"`},
		{"members/mname", "", `as in "members[1]/mname"`},
		{"x/age", "", `age is at "g/age"`},
		{"nope", "", `no question "nope"`},
		// One name in two groups: each question by its path.
		{"referee/phone", "referee/phone", ""},
		{"members[3]/work/phone", "members[3]/work/phone", ""},
		{"phone", "", `more than one question "phone": name its path, as in "members[1]/work/phone"`},
		{"work/phone", "", `no question "work/phone"`},
		{"members/work/phone", "", `as in "members[1]/work/phone"`},
	} {
		got, err := questionPaths(f, []survey.QuestionComment{{Path: tc.in, Comment: "c"}})
		switch {
		case tc.err != "":
			if survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, want EINVALID saying %s", tc.in, err, tc.err)
			}
		case err != nil || got[0].Path != tc.want || got[0].Comment != "c":
			t.Errorf("%q: %+v %v, want %s", tc.in, got, err, tc.want)
		}
	}
}
