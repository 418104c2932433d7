package export_test

import (
	"bytes"
	"testing"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
)

// TestRosterJoinConfirmedID checks that an interview without a respondent id is joined to
// the roster row of the roster id it confirms (the built-in form's roster_id), as the report
// and the alumni table count it, and that a respondent id, when there is one, decides.
func TestRosterJoinConfirmedID(t *testing.T) {
	f, err := forms.Parse("t.md", []byte(`
| survey |
| | type | name | label |
| | begin group | grp_consent | Consent |
| | text | roster_id | Roster id |
| | end group | | |
| | text | name | Name |
`))
	if err != nil {
		t.Fatal(err)
	}
	recs := []*survey.Record{
		{ID: "a", Revision: 1, RespondentID: "BTG25-0001", Answers: map[string]string{"grp_consent/roster_id": "BTG25-0001"}},
		{ID: "b", Revision: 1, Answers: map[string]string{"grp_consent/roster_id": "BTG25-0001", "name": "x"}},
		{ID: "c", Revision: 1, RespondentID: "WALKIN-1", Answers: map[string]string{"grp_consent/roster_id": "BTG25-0001"}},
		{ID: "d", Revision: 1, Answers: map[string]string{"name": "y"}},
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, f, seq(recs), export.Options{Format: export.CSV, Roster: roster, TempDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	rows := readCSV(t, files["interviews.csv"])
	col := -1
	for i, h := range rows[0] {
		if h == "roster_full_name" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no roster_full_name in %q", rows[0])
	}
	want := map[string]string{"a": "Ani Lestari", "b": "Ani Lestari", "c": "", "d": ""}
	for _, r := range rows[1:] {
		if r[col] != want[r[0]] {
			t.Errorf("interview %s: roster_full_name %q, want %q", r[0], r[col], want[r[0]])
		}
	}
}
