package survey_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"tracer/forms"
	"tracer/survey"
)

// A name that two groups use (pyxform allows it) is one question per group: each carries
// over to the question at its own path, and one a new version drops is a misfit.
func TestFitAnswersNameInTwoGroups(t *testing.T) {
	form := func(version, extra string) *forms.Form {
		t.Helper()
		f, err := forms.Parse("twice.md", []byte(`
| settings |
| | form_id | version |
| | twice | `+version+` |

| survey |
| | type | name | label |
| | begin group | job | Job |
| | text | phone | Employer's phone |
| | end group | | |
| | begin group | referee | Referee |
| | text | phone | Referee's phone |
| | end group | | |
`+extra))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	v1 := form("1", "| | begin group | kin | Kin |\n| | integer | phone | Kin's phone |\n| | end group | | |\n")
	v2 := form("2", "")
	keep, misfits := survey.FitAnswers(v1, v2, []survey.Answer{
		{Path: "job/phone", Value: "0541-123456"}, {Path: "referee/phone", Value: "0857-1224-451"}, {Path: "kin/phone", Value: "3"},
	})
	if diff := cmp.Diff([]survey.Answer{{Path: "job/phone", Value: "0541-123456"}, {Path: "referee/phone", Value: "0857-1224-451"}}, keep); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]survey.Misfit{{Path: "kin/phone", Value: "3", Reason: "question removed in version 2"}}, misfits); diff != "" {
		t.Errorf("misfits (-want +got):\n%s", diff)
	}
}
