package report_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/report"
)

// TestAnswerNamesSuffice checks that the report and the response rates computed from
// records cut down to AnswerNames are those computed from the whole records: the built-in
// form's personas, one linked only by the roster id it confirms, one captured on a phone.
func TestAnswerNamesSuffice(t *testing.T) {
	recs, roster := personaRecords(t)
	recs[1].RespondentID = "" // linked by its roster_id answer
	// Captured by ODK Collect: the mode answered at the path the form gives it (one answer
	// of that name, or which one AnswerNamed finds would depend on the map's order).
	modePath := forms.ModeQuestion
	for path := range recs[2].Answers {
		if name, ok := survey.QuestionName(path); ok && name == forms.ModeQuestion {
			modePath = path
		}
	}
	recs[2].Answers[modePath] = "collect"
	keep := survey.NamedAnswers(report.AnswerNames()...)
	var cut []*survey.Record
	skipped := 0
	for _, r := range recs {
		c := *r
		c.Answers = maps.Clone(r.Answers)
		maps.DeleteFunc(c.Answers, func(path, _ string) bool { return !keep(path) })
		skipped += len(r.Answers) - len(c.Answers)
		cut = append(cut, &c)
	}
	if skipped == 0 {
		t.Fatal("the personas have no answer the report does not read")
	}
	reportJSON := func(recs []*survey.Record) string {
		rep, err := report.Compute(roster, seq(recs), report.Config{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := report.WriteJSON(&b, rep); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	responseJSON := func(recs []*survey.Record) string {
		res, err := report.ComputeResponse(roster, nil, seq(recs), report.ResponseConfig{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if whole, part := reportJSON(recs), reportJSON(cut); whole != part {
		t.Errorf("report from the cut records differs:\n%s\nwhole:\n%s", part, whole)
	}
	if whole, part := responseJSON(recs), responseJSON(cut); whole != part {
		t.Errorf("response rates from the cut records differ:\n%s\nwhole:\n%s", part, whole)
	}
}

// TestAnswerNamed: an answer is found by its question's name at any depth outside a
// repeat, and only there: not a longer name ending in it, not inside a repeat, not a
// group of that name; a bare key is read as it is. LinkKeys finds the roster id by the
// same rule in the map and in the sorted list.
func TestAnswerNamed(t *testing.T) {
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{"/data/NAME"}, "/data/NAME"},
		{[]string{"/data/g/h/NAME"}, "/data/g/h/NAME"},
		{[]string{"NAME"}, "NAME"},
		{[]string{"/NAME"}, "/NAME"},
		{[]string{"/data/xNAME", "/data/NAMEx", "/data/x_NAME"}, ""},
		{[]string{"/data/r[1]/NAME", "/data/r[2]/g/NAME"}, ""},
		{[]string{"/data/NAME/q", "/data/NAME[1]/q"}, ""},
		{nil, ""},
	} {
		for _, name := range []string{"consent", builtin.RosterID} {
			answers := map[string]string{}
			want := strings.ReplaceAll(tc.want, "NAME", name)
			for _, p := range tc.paths {
				p = strings.ReplaceAll(p, "NAME", name)
				answers[p] = p // each answer's value is its path
			}
			r := &survey.Record{Answers: answers}
			if got := report.AnswerNamed(r, name); got != want {
				t.Errorf("AnswerNamed(%v, %s) = %q, want %q", tc.paths, name, got, want)
			}
			if name != builtin.RosterID {
				continue
			}
			if _, got, _ := report.LinkKeys(r, nil); got != want {
				t.Errorf("LinkKeys(%v) = %q, want %q", tc.paths, got, want)
			}
			if _, got, _ := report.LinkKeys(r, r.AnswerList()); got != want {
				t.Errorf("LinkKeys(%v, sorted) = %q, want %q", tc.paths, got, want)
			}
		}
	}
}
