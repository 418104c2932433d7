package export_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
)

func versionForm(t *testing.T, version, rows, choices string) *forms.Form {
	t.Helper()
	src := "| survey |\n| | type | name | label |\n" + rows + "| choices |\n| | list_name | name | label |\n" + choices +
		"| settings |\n| | form_id | version |\n| | vf | " + version + " |\n"
	f, err := forms.Parse("vf.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// An export of two versions has the union of their columns, each row filled from its own
// version, and the codebook names the versions that have each column.
func TestExportMergesVersions(t *testing.T) {
	v1 := versionForm(t, "1", "| | text | name | Name |\n| | text | old | Old |\n| | select_multiple c | pick | Pick |\n| | text | city | City |\n",
		"| | c | a | A |\n| | c | b | B |\n")
	v2 := versionForm(t, "2", "| | text | name | Name |\n| | integer | added | Added |\n| | select_multiple c | pick | Pick |\n"+
		"| | begin group | place | Place |\n| | text | city | City |\n| | end group | | |\n",
		"| | c | a | A |\n| | c | z | Z |\n")
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	recs := []*survey.Record{
		{ID: "11111111-1111-4111-8111-111111111111", Revision: 1, FormVersion: "1", StartedAt: t0, FinalizedAt: t0,
			Answers: map[string]string{"name": "Ani", "old": "kept", "pick": "a b", "city": "Bontang"}},
		{ID: "22222222-2222-4222-8222-222222222222", Revision: 1, FormVersion: "2", StartedAt: t0, FinalizedAt: t0,
			Answers: map[string]string{"name": "Budi", "added": "7", "pick": "z", "place/city": "Samarinda"}},
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, v2, seq(recs), export.Options{Format: export.CSV, TempDir: t.TempDir(), Versions: []*forms.Form{v1}}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	iv := readCSV(t, files["interviews.csv"])
	want := [][]string{
		{"interview_id", "revision", "respondent_id", "enumerator", "form_version", "started_at", "finalized_at", "name", "added", "pick", "pick/a", "pick/z", "city", "old", "pick/b"},
		{recs[0].ID, "1", "", "", "1", "2026-05-01T08:00:00Z", "2026-05-01T08:00:00Z", "Ani", "", "a b", "1", "0", "Bontang", "kept", "1"},
		{recs[1].ID, "1", "", "", "2", "2026-05-01T08:00:00Z", "2026-05-01T08:00:00Z", "Budi", "7", "z", "0", "1", "Samarinda", "", "0"},
	}
	if diff := cmp.Diff(want, iv); diff != "" {
		t.Errorf("interviews (-want +got):\n%s", diff)
	}
	cb := readCSV(t, files["codebook.csv"])
	if last := cb[0][len(cb[0])-1]; last != "versions" {
		t.Fatalf("codebook header ends with %q, want versions", last)
	}
	got := map[string]string{}
	for _, r := range cb[1:] {
		got[r[1]] = r[len(r)-1]
	}
	for col, versions := range map[string]string{"name": "1, 2", "added": "2", "old": "1", "pick": "1, 2", "pick/a": "1, 2", "pick/b": "1", "pick/z": "2", "city": "1, 2", "form_version": "all"} {
		if got[col] != versions {
			t.Errorf("codebook: %s is in versions %q, want %q", col, got[col], versions)
		}
	}
}
