package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/survey"
	"tracer/survey/export"
)

// TestDTALongStrings checks that a text over the 2045 bytes of a Stata str# is written
// whole, as a strL, and that pandas reads every value back, the short and empty ones of the
// same column and the columns after it included.
func TestDTALongStrings(t *testing.T) {
	needTool(t, "/usr/bin/python3")
	if err := exec.Command("/usr/bin/python3", "-c", "import pandas").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pandas is not installed in CI")
		}
		t.Skip("pandas is not installed")
	}
	f, err := forms.Parse("t.md", []byte(`
| survey |
| | type | name | label |
| | text | suggestion | Suggestion |
| | integer | age | Age |
| | text | other | Other text |
`))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", 1500) + "end" // 3003 bytes
	longer := strings.Repeat("x", 70000)
	recs := []*survey.Record{
		{ID: "a", Revision: 1, Answers: map[string]string{"suggestion": long, "age": "30", "other": "p"}},
		{ID: "b", Revision: 1, Answers: map[string]string{"age": "31", "other": longer}},
		{ID: "c", Revision: 1, Answers: map[string]string{"suggestion": "short", "other": "q"}},
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, f, seq(recs), export.Options{Format: export.DTA, TempDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, buf.Bytes())
	path := filepath.Join(t.TempDir(), "interviews.dta")
	if err := os.WriteFile(path, files["interviews.dta"], 0o600); err != nil {
		t.Fatal(err)
	}
	script := `
import json, sys
import pandas as pd
df = pd.read_stata(sys.argv[1])
print(json.dumps([{k: (None if pd.isna(v) else str(v)) for k, v in r.items()} for r in df[["interview_id", "suggestion", "age", "other"]].to_dict("records")]))
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pandas: %v\n%s", err, out)
	}
	var got []map[string]*string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %.500s", err, out)
	}
	str := func(p *string) string {
		if p == nil {
			return "<missing>"
		}
		return *p
	}
	want := [][]string{{"a", long, "30", "p"}, {"b", "", "31", longer}, {"c", "short", "<missing>", "q"}}
	if len(got) != len(want) {
		t.Fatalf("%d rows read, want %d", len(got), len(want))
	}
	for i, w := range want {
		for j, col := range []string{"interview_id", "suggestion", "age", "other"} {
			g := str(got[i][col])
			if col == "age" && g != "<missing>" {
				g = strings.TrimSuffix(g, ".0")
			}
			if g != w[j] {
				t.Errorf("row %d %s: %d bytes %.40q..., want %d bytes %.40q...", i, col, len(g), g, len(w[j]), w[j])
			}
		}
	}
}

// TestCutStrings checks that an export says which values it cut: SPSS's strings over
// 32,767 bytes; Stata's strL and the other formats cut none.
func TestCutStrings(t *testing.T) {
	f, err := forms.Parse("t.md", []byte("| survey |\n| | type | name | label |\n| | text | note | Note |\n| | text | short | Short |\n"))
	if err != nil {
		t.Fatal(err)
	}
	recs := []*survey.Record{
		{ID: "a", Revision: 1, Answers: map[string]string{"note": strings.Repeat("x", 40000), "short": "s"}},
		{ID: "b", Revision: 1, Answers: map[string]string{"note": strings.Repeat("y", 32768)}},
		{ID: "c", Revision: 1, Answers: map[string]string{"note": strings.Repeat("z", 32767)}},
	}
	for _, format := range []export.Format{export.SAV, export.DTA, export.CSV, export.XLSX} {
		var buf bytes.Buffer
		st, err := export.Write(&buf, f, seq(recs), export.Options{Format: format, TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		var want []export.Cut
		if format == export.SAV {
			want = []export.Cut{{Table: "interviews", Variable: "note", Values: 2, Limit: 32767}}
		}
		if fmt.Sprint(st.Cut) != fmt.Sprint(want) {
			t.Errorf("%s: cut %v, want %v", format, st.Cut, want)
		}
	}
}
