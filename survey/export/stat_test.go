package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
)

// statForm has what SPSS and Stata store differently: an integer-coded select_one (a
// number with value labels), a text-coded one with or_other (numbered 1..n with value
// labels), a text-coded one holding a code outside its list (a string), a select_multiple
// (0/1 variables), a date, a decimal, and names that need changing.
const statForm = `
| survey |
| | type | name | label::Bahasa Indonesia (id) | label::English (en) |
| | select_one status | main_status | Status utama | Main status |
| | select_one yn or_other | consent | Setuju? | Agree? |
| | select_one mode | work_mode | Cara kerja | Work mode |
| | select_multiple fruit | fruits | Buah | Fruits |
| | date | interview_date | Tanggal wawancara | Interview date |
| | decimal | income | Pendapatan | Income |
| | text | note_text | Catatan | Note |
| | begin group | g1 | G1 | G1 |
| | text | to | Ke | To |
| | end group | | | |
| | text | a_very_long_question_name_that_goes_beyond_thirty_two | Panjang | Long |
| | text | a_very_long_question_name_that_goes_beyond_thirty_two_too | Panjang 2 | Long 2 |
| choices |
| | list_name | name | label::Bahasa Indonesia (id) | label::English (en) |
| | status | 1 | Bekerja | Employed |
| | status | 3 | Wirausaha | Self-employed |
| | status | 8 | Tidak bekerja | Not working |
| | yn | yes | Ya | Yes |
| | yn | no | Tidak | No |
| | mode | wage | Upah | Wage |
| | mode | self | Sendiri | Self |
| | fruit | apple | Apel | Apple |
| | fruit | mango | Mangga | Mango |
`

var statNow = time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)

func statRecords() []*survey.Record {
	return []*survey.Record{
		{
			ID: "11111111-1111-4111-8111-111111111111", Revision: 1, FormVersion: "v1", RespondentID: "BTG25-0001",
			Enumerator: "sari", StartedAt: t0, FinalizedAt: t0.Add(20 * time.Minute),
			Answers: map[string]string{
				"main_status": "3", "consent": "yes", "work_mode": "wage", "fruits": "apple mango", "interview_date": "2026-11-20",
				"income": "2500000.5", "note_text": strings.Repeat("é", 200), "g1/to": "x",
				"a_very_long_question_name_that_goes_beyond_thirty_two": "one",
			},
		},
		{
			ID: "22222222-2222-4222-8222-222222222222", Revision: 2, FormVersion: "v1", RespondentID: "",
			Enumerator: "joko", StartedAt: t0, FinalizedAt: t0.Add(time.Hour),
			Answers: map[string]string{"main_status": "8", "consent": "other", "consent_other": "maybe", "work_mode": "freelance"},
		},
	}
}

func statRoster(id string) (*survey.Respondent, bool) {
	if id != "BTG25-0001" {
		return nil, false
	}
	return &survey.Respondent{RosterID: id, NIK: "6474014101990001", Name: "Ani Lestari", Sex: "P", TrainingEnd: "2026-03-31"}, true
}

// exportStat writes the stat form's records in format f and returns the path of the
// interview table's file, unzipped into a temporary folder.
func exportStat(t *testing.T, f export.Format) (string, [][]string) {
	t.Helper()
	form, err := forms.Parse("t.md", []byte(statForm))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	st, err := export.Write(&buf, form, seq(statRecords()), export.Options{Format: f, Lang: "en", Roster: statRoster, TempDir: t.TempDir(), Now: statNow})
	if err != nil {
		t.Fatal(err)
	}
	if st.Interviews != 2 {
		t.Errorf("%d interviews written, want 2", st.Interviews)
	}
	names, files := unzip(t, buf.Bytes())
	ext := "." + string(f)
	if diff := cmp.Diff([]string{"interviews" + ext, "codebook.csv"}, names); diff != "" {
		t.Fatalf("zip entries (-want +got):\n%s", diff)
	}
	path := filepath.Join(t.TempDir(), "interviews"+ext)
	if err := os.WriteFile(path, files["interviews"+ext], 0o600); err != nil {
		t.Fatal(err)
	}
	return path, readCSV(t, files["codebook.csv"])
}

// needTool skips the test when a reader is absent locally; CI installs them (.ci/run).
func needTool(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed in CI", path)
		}
		t.Skipf("%s is not installed", path)
	}
}

// TestSAVReadByPSPP has PSPP read the .sav back: names, variable labels, value labels,
// formats and the values, dates included.
func TestSAVReadByPSPP(t *testing.T) {
	needTool(t, "pspp")
	path, _ := exportStat(t, export.SAV)
	syntax := filepath.Join(t.TempDir(), "read.sps")
	// One value per line, so each can be asserted on its own.
	script := "GET FILE='" + path + "'.\nDISPLAY DICTIONARY.\n" +
		"STRING dstr (A11) /tstr (A20).\nCOMPUTE dstr = STRING(interview_date, DATE11).\nCOMPUTE tstr = STRING(started_at, DATETIME20).\n" +
		"PRINT /'ROW' main_status income dstr tstr roster_nik consent consent_other fruits_apple to_ work_mode roster_sex.\nEXECUTE.\n" +
		"STRING mid (A6).\nCOMPUTE nlen = LENGTH(RTRIM(note_text)).\nCOMPUTE mid = SUBSTR(note_text, 253, 6).\nPRINT /'NOTE' nlen mid.\nEXECUTE.\n"
	if err := os.WriteFile(syntax, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pspp", "-O", "format=txt", "-o", "-", syntax).CombinedOutput()
	if err != nil {
		t.Fatalf("pspp: %v\n%s", err, out)
	}
	text := string(out)
	if strings.Contains(text, "error") || strings.Contains(text, "warning") {
		t.Errorf("pspp complains:\n%s", text)
	}
	for _, want := range []string{
		"|main_status ", "|Main status", // a variable label
		"|fruits_apple ", "|to_ ", "|a_very_long_question_name_that_g|", "|a_very_long_question_name_that_2|", // names both accept
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pspp output lacks %q", want)
		}
	}
	for _, want := range []string{
		`\|interview_date +\|Input\| +\d+\|Right +\|DATE11 `, `\|started_at +\|Input\| +\d+\|Right +\|DATETIME20.0`,
		`\|note_text +\|Input\| +\d+\|Left +\|A400 `, // a very long string: two segments
		// value labels; the text codes of consent (or_other's "other" included) numbered in
		// the list's order, the roster's sex codes L and P as 1 and 2
		`\|Main status +1\|Employed +\|`, `\| +3\|Self-employed\|`, `\|Fruits: Apple +0\|not chosen +\|`,
		`\|Agree\? +1\|Yes +\|\n *\| +2\|No +\|\n *\| +3\|Other +\|`,
		`\|roster field sex +1\|Male +\|\n *\| +2\|Female +\|`,
		`\|consent +\| +\d+\|Agree\? +\|Nominal`, `\|work_mode +\|Input\| +\d+\|Left +\|A9 `, // a code outside the list: a string
		`\|main_status +\| +\d+\|Main status +\|Nominal`, `\|income +\| +\d+\|Income +\|Scale`,
	} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("pspp output lacks %s", want)
		}
	}
	// The cases, with runs of spaces folded: empty strings vanish, missing numbers are ".".
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"ROW 3 2500000.5000 20-NOV-2026 20-NOV-2026 08:30:00 6474014101990001 1 1 x wage 2 ROW",
		"ROW 8 . . 20-NOV-2026 08:30:00 3 maybe . freelance . ",
		"NOTE 400.00 ééé", // 200 two-byte characters, whole across the segments
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("pspp cases lack %q", want)
		}
	}
	if t.Failed() {
		t.Logf("pspp output:\n%s", text)
	}
}

// TestDTAReadByPandas has pandas read the .dta back with its value labels as categories.
func TestDTAReadByPandas(t *testing.T) {
	needTool(t, "/usr/bin/python3")
	if err := exec.Command("/usr/bin/python3", "-c", "import pandas").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pandas is not installed in CI")
		}
		t.Skip("pandas is not installed")
	}
	path, _ := exportStat(t, export.DTA)
	script := `
import json, sys
import pandas as pd
r = pd.io.stata.StataReader(sys.argv[1])
labels = r.variable_labels()
vl = r.value_labels()
r.close()
df = pd.read_stata(sys.argv[1], convert_categoricals=True)
rows = []
for rec in df.to_dict("records"):
    rows.append({k: (None if pd.isna(v) else str(v)) for k, v in rec.items()})
print(json.dumps({"labels": labels, "value_labels": {k: {str(c): l for c, l in v.items()} for k, v in vl.items()},
    "dtypes": {k: str(v) for k, v in df.dtypes.items()}, "rows": rows}))
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pandas: %v\n%s", err, out)
	}
	var got struct {
		Labels      map[string]string
		ValueLabels map[string]map[string]string `json:"value_labels"`
		Dtypes      map[string]string
		Rows        []map[string]*string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for name, want := range map[string]string{"main_status": "Main status", "fruits_mango": "Fruits: Mango", "to_": "To", "a_very_long_question_name_that_2": "Long 2"} {
		if got.Labels[name] != want {
			t.Errorf("label of %s = %q, want %q", name, got.Labels[name], want)
		}
	}
	if diff := cmp.Diff(map[string]map[string]string{
		"status":  {"1": "Employed", "3": "Self-employed", "8": "Not working"},
		"chosen_": {"0": "not chosen", "1": "chosen"},
		"yn":      {"1": "Yes", "2": "No", "3": "Other"},
		"sex_":    {"1": "Male", "2": "Female"},
	}, got.ValueLabels); diff != "" {
		t.Errorf("value labels (-want +got):\n%s", diff)
	}
	for name, want := range map[string]string{"main_status": "category", "consent": "category", "roster_sex": "category", "work_mode": "object", "income": "float64", "interview_date": "datetime64[ns]", "started_at": "datetime64[ns]", "roster_nik": "object"} {
		if got.Dtypes[name] != want {
			t.Errorf("dtype of %s = %q, want %q", name, got.Dtypes[name], want)
		}
	}
	if len(got.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(got.Rows))
	}
	str := func(p *string) string {
		if p == nil {
			return "<missing>"
		}
		return *p
	}
	for i, want := range []map[string]string{
		{"main_status": "Self-employed", "income": "2500000.5", "interview_date": "2026-11-20 00:00:00", "started_at": "2026-11-20 08:30:00",
			"roster_nik": "6474014101990001", "consent": "Yes", "roster_sex": "Female", "work_mode": "wage", "fruits_apple": "chosen", "note_text": strings.Repeat("é", 200), "to_": "x"},
		{"main_status": "Not working", "income": "<missing>", "interview_date": "<missing>", "finalized_at": "2026-11-20 09:30:00",
			"consent": "Other", "consent_other": "maybe", "work_mode": "freelance", "roster_sex": "<missing>", "fruits_apple": "<missing>"},
	} {
		for k, v := range want {
			if g := str(got.Rows[i][k]); g != v {
				t.Errorf("row %d %s = %q, want %q", i+1, k, g, v)
			}
		}
	}
}

func TestVariableNamesInCodebook(t *testing.T) {
	_, cb := exportStat(t, export.SAV)
	byColumn := map[string]string{}
	seen := map[string]bool{}
	for _, r := range cb[1:] {
		byColumn[r[0]+":"+r[1]] = r[2]
		low := strings.ToLower(r[0] + ":" + r[2])
		if seen[low] {
			t.Errorf("variable %s used twice", r[2])
		}
		seen[low] = true
		if len(r[2]) > 32 || strings.ContainsAny(r[2], "/ .-") {
			t.Errorf("variable name %q is not valid in SPSS and Stata", r[2])
		}
	}
	for col, want := range map[string]string{
		"interviews:fruits/apple": "fruits_apple", "interviews:to": "to_",
		"interviews:a_very_long_question_name_that_goes_beyond_thirty_two":     "a_very_long_question_name_that_g",
		"interviews:a_very_long_question_name_that_goes_beyond_thirty_two_too": "a_very_long_question_name_that_2",
	} {
		if byColumn[col] != want {
			t.Errorf("variable of %s = %q, want %q", col, byColumn[col], want)
		}
	}
}

// The codebook of a SPSS or Stata export gives the number each text code is stored as, and
// says why a text-coded select is kept as a string; CSV's codebook has no such column.
func TestStatCodesInCodebook(t *testing.T) {
	for _, f := range []export.Format{export.SAV, export.DTA} {
		_, cb := exportStat(t, f)
		col := slices.Index(cb[0], "stat_values")
		if col < 0 {
			t.Fatalf("%s codebook header %q lacks stat_values", f, cb[0])
		}
		got := map[string]string{}
		for _, r := range cb[1:] {
			got[r[1]] = r[col]
		}
		for name, want := range map[string]string{
			"consent": "1 = yes\n2 = no\n3 = other", "roster_sex": "1 = L\n2 = P", "main_status": "", "note_text": "",
			"work_mode": `text codes: "freelance" is not a code of the list`,
		} {
			if got[name] != want {
				t.Errorf("%s codebook: stat_values of %s = %q, want %q", f, name, got[name], want)
			}
		}
	}
	form, err := forms.Parse("t.md", []byte(statForm))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, form, seq(statRecords()), export.Options{Format: export.CSV, TempDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	if h := readCSV(t, files["codebook.csv"])[0]; slices.Contains(h, "stat_values") {
		t.Errorf("CSV codebook header %q has stat_values", h)
	}
}

// A text-coded select of several versions is numbered over the union of their choices in
// the order first met, oldest version first, and every interview's code maps back.
func TestStatTextCodesAcrossVersions(t *testing.T) {
	needTool(t, "pspp")
	v1 := versionForm(t, "1", "| | select_one c | pick | Pick |\n| | select_one n | level | Level |\n",
		"| | c | yes | Yes |\n| | c | no | No |\n| | n | 1 | Low |\n| | n | 2 | Mid |\n")
	v2 := versionForm(t, "2", "| | select_one c | pick | Pick |\n| | select_one n | level | Level |\n",
		"| | c | maybe | Maybe |\n| | c | no | No |\n| | c | yes | Yes |\n| | n | 2 | Mid |\n| | n | 3 | High |\n")
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	var recs []*survey.Record
	for i, v := range []struct{ version, pick string }{{"1", "no"}, {"2", "maybe"}, {"2", "yes"}, {"1", ""}} {
		recs = append(recs, &survey.Record{ID: fmt.Sprintf("%08d-1111-4111-8111-111111111111", i), Revision: 1, FormVersion: v.version,
			StartedAt: t0, FinalizedAt: t0, Answers: map[string]string{"pick": v.pick}})
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, v2, seq(recs), export.Options{Format: export.SAV, TempDir: t.TempDir(), Versions: []*forms.Form{v1}}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	path := filepath.Join(t.TempDir(), "interviews.sav")
	if err := os.WriteFile(path, files["interviews.sav"], 0o600); err != nil {
		t.Fatal(err)
	}
	syntax := filepath.Join(t.TempDir(), "read.sps")
	script := "GET FILE='" + path + "'.\nDISPLAY DICTIONARY.\nPRINT /'ROW' pick.\nEXECUTE.\n"
	if err := os.WriteFile(syntax, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pspp", "-O", "format=txt", "-o", "-", syntax).CombinedOutput()
	if err != nil {
		t.Fatalf("pspp: %v\n%s", err, out)
	}
	text := string(out)
	if !regexp.MustCompile(`\|Pick +1 *\|Yes *\|\n *\| +2 *\|No *\|\n *\| +3 *\|Maybe *\|`).MatchString(text) {
		t.Errorf("pspp output lacks the value labels Yes, No, Maybe as 1, 2, 3:\n%s", text)
	}
	// Whole-number codes keep their numbers, labelled over both versions' choices.
	if !regexp.MustCompile(`\|Level +1 *\|Low *\|\n *\| +2 *\|Mid *\|\n *\| +3 *\|High *\|`).MatchString(text) {
		t.Errorf("pspp output lacks the value labels Low, Mid, High as 1, 2, 3:\n%s", text)
	}
	flat := strings.Join(strings.Fields(text), " ")
	if !strings.Contains(flat, "ROW 2 ROW 3 ROW 1 ROW . ") {
		t.Errorf("pspp cases are not no, maybe, yes, missing as 2 3 1 .:\n%s", text)
	}
	cb := readCSV(t, files["codebook.csv"])
	col := slices.Index(cb[0], "stat_values")
	for _, r := range cb[1:] {
		if r[1] == "pick" && (col < 0 || r[col] != "1 = yes\n2 = no\n3 = maybe") {
			t.Errorf("codebook row of pick %q lacks 1 = yes, 2 = no, 3 = maybe", r)
		}
	}
}

// The alumni table's sex and disposition are numbers with value labels in a Stata file
// (sex L, P as 1, 2; an AAPOR code times 100), and each row's number maps back to its code.
func TestAlumniCodesReadByPandas(t *testing.T) {
	needTool(t, "/usr/bin/python3")
	if err := exec.Command("/usr/bin/python3", "-c", "import pandas").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pandas is not installed in CI")
		}
		t.Skip("pandas is not installed")
	}
	alumni := &export.Alumni{
		Columns: []export.DerivedColumn{{Name: "roster_id", Desc: "roster id", Text: true}, {Name: "sex", Desc: "sex", Text: true},
			{Name: "disposition", Desc: "final disposition", Text: true}},
		Rows: func() iter.Seq2[[]string, error] {
			return func(yield func([]string, error) bool) {
				for _, r := range [][]string{{"R1", "L", "1.1"}, {"R2", "P", "2.11"}, {"R3", "", "4.10"}} {
					if !yield(r, nil) {
						return
					}
				}
			}
		},
	}
	_, files := unzip(t, writeID(t, export.Options{Format: export.DTA, Alumni: alumni, Lang: "en"}))
	path := filepath.Join(t.TempDir(), "alumni.dta")
	if err := os.WriteFile(path, files["alumni.dta"], 0o600); err != nil {
		t.Fatal(err)
	}
	script := `
import json, sys
import pandas as pd
raw = pd.read_stata(sys.argv[1], convert_categoricals=False)
df = pd.read_stata(sys.argv[1], convert_categoricals=True)
out = []
for i in range(len(df)):
    out.append([str(df["roster_id"][i])] + [None if pd.isna(raw[c][i]) else "%d=%s" % (raw[c][i], df[c][i]) for c in ("sex", "disposition")])
print(json.dumps(out))
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pandas: %v\n%s", err, out)
	}
	var got [][]*string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	flat := make([][]string, len(got))
	for i, r := range got {
		for _, p := range r {
			if p == nil {
				flat[i] = append(flat[i], "<missing>")
			} else {
				flat[i] = append(flat[i], *p)
			}
		}
	}
	if diff := cmp.Diff([][]string{
		{"R1", "1=Male", "110=complete interview"},
		{"R2", "2=Female", "211=refusal"},
		{"R3", "<missing>", "410=not in the cohort (out of sample)"},
	}, flat); diff != "" {
		t.Errorf("alumni read back (-want +got):\n%s", diff)
	}
}
