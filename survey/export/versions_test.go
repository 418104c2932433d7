package export_test

import (
	"bytes"
	"slices"
	"strings"
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
		{"interview_id", "revision", "respondent_id", "enumerator", "form_version", "started_at", "finalized_at", "capture_mode", "device", "name", "added", "pick", "pick/a", "pick/z", "city", "old", "pick/b"},
		{recs[0].ID, "1", "", "", "1", "2026-05-01T08:00:00Z", "2026-05-01T08:00:00Z", "laptop", "", "Ani", "", "a b", "1", "0", "Bontang", "kept", "1"},
		{recs[1].ID, "1", "", "", "2", "2026-05-01T08:00:00Z", "2026-05-01T08:00:00Z", "laptop", "", "Budi", "7", "z", "0", "1", "Samarinda", "", "0"},
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

// What only an older version has is exported and documented: a repeat (with a repeat
// nested in it) gets its table, a choice only its list had is written with its label and
// listed in the codebook with the versions that offer it, and a repeat a later version
// moved into a group is one table read under either path. JSON Lines writes each record
// through its own version.
func TestExportOlderVersionsRepeatsAndChoices(t *testing.T) {
	v1 := versionForm(t, "1", "| | select_one c | q | Q |\n| | select_multiple c | m | M |\n"+
		"| | begin repeat | kids | Kids |\n| | text | kid | Kid |\n| | begin repeat | toys | Toys |\n| | text | toy | Toy |\n| | end repeat | | |\n| | end repeat | | |\n"+
		"| | begin repeat | jobs | Jobs |\n| | text | title | Title |\n| | end repeat | | |\n",
		"| | c | a | A |\n| | c | old | Old one |\n")
	v2 := versionForm(t, "2", "| | select_one c | q | Q |\n| | select_multiple c | m | M |\n"+
		"| | begin group | work | Work |\n| | begin repeat | jobs | Jobs |\n| | text | title | Title |\n| | end repeat | | |\n| | end group | | |\n",
		"| | c | a | A |\n| | c | new | New one |\n")
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	recs := []*survey.Record{
		{ID: "11111111-1111-4111-8111-111111111111", Revision: 1, FormVersion: "1", StartedAt: t0, FinalizedAt: t0,
			Answers: map[string]string{"q": "old", "m": "a old", "kids[1]/kid": "Ani", "kids[2]/kid": "Budi", "kids[2]/toys[1]/toy": "ball",
				"jobs[1]/title": "welder"}},
		{ID: "22222222-2222-4222-8222-222222222222", Revision: 1, FormVersion: "2", StartedAt: t0, FinalizedAt: t0,
			Answers: map[string]string{"q": "new", "m": "new", "work/jobs[1]/title": "cook"}},
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, v2, seq(recs), export.Options{Format: export.CSV, Labels: true, TempDir: t.TempDir(), Versions: []*forms.Form{v1}}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	iv := readCSV(t, files["interviews.csv"])
	wantIV := [][]string{
		{"interview_id", "revision", "respondent_id", "enumerator", "form_version", "started_at", "finalized_at", "capture_mode", "device", "q", "m", "m/a", "m/new", "m/old"},
		{recs[0].ID, "1", "", "", "1", "2026-05-01T08:00:00Z", "2026-05-01T08:00:00Z", "laptop", "", "Old one", "A; Old one", "1", "0", "1"},
		{recs[1].ID, "1", "", "", "2", "2026-05-01T08:00:00Z", "2026-05-01T08:00:00Z", "laptop", "", "New one", "New one", "0", "1", "0"},
	}
	if diff := cmp.Diff(wantIV, iv); diff != "" {
		t.Errorf("interviews (-want +got):\n%s", diff)
	}
	for name, want := range map[string][][]string{
		"kids.csv": {{"interview_id", "instance", "parent_instance", "index", "kid"},
			{recs[0].ID, "1", "", "1", "Ani"}, {recs[0].ID, "2", "", "2", "Budi"}},
		"toys.csv": {{"interview_id", "instance", "parent_instance", "index", "toy"}, {recs[0].ID, "2.1", "2", "1", "ball"}},
		"jobs.csv": {{"interview_id", "instance", "parent_instance", "index", "title"},
			{recs[0].ID, "1", "", "1", "welder"}, {recs[1].ID, "1", "", "1", "cook"}},
	} {
		if files[name] == nil {
			t.Errorf("no %s in the export", name)
			continue
		}
		if diff := cmp.Diff(want, readCSV(t, files[name])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	cb := readCSV(t, files["codebook.csv"])
	versions, choices := map[string]string{}, map[string]string{}
	for _, r := range cb[1:] {
		versions[r[0]+"."+r[1]] = r[len(r)-1]
		choices[r[0]+"."+r[1]] = r[len(r)-2]
	}
	for col, want := range map[string]string{"kids.kid": "1", "kids.instance": "1", "toys.toy": "1", "jobs.title": "1, 2", "jobs.instance": "1, 2",
		"interviews.q": "1, 2", "interviews.m/old": "1", "interviews.m/new": "2"} {
		if versions[col] != want {
			t.Errorf("codebook: %s in versions %q, want %q", col, versions[col], want)
		}
	}
	if want := "a = A\nnew = New one (versions 2)\nold = Old one (versions 1)"; choices["interviews.q"] != want {
		t.Errorf("codebook choices of q:\n%s\nwant\n%s", choices["interviews.q"], want)
	}

	buf.Reset()
	if _, err := export.Write(&buf, v2, seq(recs), export.Options{Format: export.JSONL, Labels: true, Versions: []*forms.Form{v1}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	for i, want := range []string{
		`"q":"Old one","m":"A; Old one","kids":[{"kid":"Ani"},{"kid":"Budi","toys":[{"toy":"ball"}]}],"jobs":[{"title":"welder"}]}`,
		`"q":"New one","m":"New one","jobs":[{"title":"cook"}]}`,
	} {
		if !strings.HasSuffix(lines[i], want) {
			t.Errorf("jsonl line %d:\n%s\nwant it to end with\n%s", i+1, lines[i], want)
		}
	}
}

// A name two groups use (pyxform allows it) is two columns, each found in every version by
// its path: a text-coded select of either is numbered with value labels in SPSS and Stata,
// the codebook gives each the versions that have it, and a code only an older version's
// list has is written with its label.
func TestExportNameInTwoGroups(t *testing.T) {
	rows := "| | begin repeat | kids | Kids |\n| | begin group | health | Health |\n| | select_one yn | ok | Well? |\n| | end group | | |\n" +
		"| | begin group | school | School |\n| | select_one yn | ok | Enrolled? |\n| | text | score | Score |\n| | end group | | |\n" +
		"| | begin group | health2 | Again |\n| | integer | ok | Times |\n| | end group | | |\n| | end repeat | | |\n"
	v1 := versionForm(t, "1", rows, "| | yn | yes | Yes |\n| | yn | no | No |\n| | yn | dk | Don't know |\n")
	v2 := versionForm(t, "2", rows, "| | yn | yes | Yes |\n| | yn | no | No |\n")
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	recs := []*survey.Record{
		{ID: "11111111-1111-4111-8111-111111111111", Revision: 1, FormVersion: "1", StartedAt: t0, FinalizedAt: t0,
			Answers: map[string]string{"kids[1]": "", "kids[1]/health/ok": "dk", "kids[1]/school/ok": "yes", "kids[1]/health2/ok": "7"}},
		{ID: "22222222-2222-4222-8222-222222222222", Revision: 1, FormVersion: "2", StartedAt: t0, FinalizedAt: t0,
			Answers: map[string]string{"kids[1]": "", "kids[1]/health/ok": "no", "kids[1]/school/ok": "no", "kids[1]/health2/ok": "8"}},
	}
	for _, f := range []export.Format{export.SAV, export.DTA} {
		var buf bytes.Buffer
		if _, err := export.Write(&buf, v2, seq(recs), export.Options{Format: f, TempDir: t.TempDir(), Versions: []*forms.Form{v1}}); err != nil {
			t.Fatal(err)
		}
		_, files := unzip(t, buf.Bytes())
		cb := readCSV(t, files["codebook.csv"])
		values, versions := slices.Index(cb[0], "stat_values"), slices.Index(cb[0], "versions")
		if values < 0 || versions < 0 {
			t.Fatalf("%s codebook header %q lacks stat_values or versions", f, cb[0])
		}
		got := map[string][2]string{}
		for _, r := range cb[1:] {
			got[r[0]+"."+r[1]] = [2]string{r[values], r[versions]}
		}
		for col, want := range map[string][2]string{
			"kids.health/ok":  {"1 = yes\n2 = no\n3 = dk", "1, 2"},
			"kids.school/ok":  {"1 = yes\n2 = no\n3 = dk", "1, 2"},
			"kids.health2/ok": {"", "1, 2"},
		} {
			if got[col] != want {
				t.Errorf("%s codebook: %s has stat_values and versions %q, want %q", f, col, got[col], want)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, v2, seq(recs), export.Options{Format: export.CSV, Labels: true, TempDir: t.TempDir(), Versions: []*forms.Form{v1}}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	kids := readCSV(t, files["kids.csv"])
	want := [][]string{
		{"interview_id", "instance", "parent_instance", "index", "health/ok", "school/ok", "score", "health2/ok"},
		{recs[0].ID, "1", "", "1", "Don't know", "Yes", "", "7"},
		{recs[1].ID, "1", "", "1", "No", "No", "", "8"},
	}
	if diff := cmp.Diff(want, kids); diff != "" {
		t.Errorf("kids (-want +got):\n%s", diff)
	}
}
