package main

import (
	"encoding/json"
	"encoding/xml"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/forms/workbook/xlsxtest"
	"tracer/survey"
)

func TestFormCheck(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.md")
	if err := os.WriteFile(broken, []byte("| survey |\n| | type | name | label |\n| | txet | q1 | Q1 |\n| | text | q2 | ${nope} |\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runMain(t, dir, "form", "check", "builtin")
	if err != nil || !strings.HasPrefix(out, "builtin: ok: blk_tracer") || strings.Contains(out, "warning") {
		t.Fatalf("check builtin: err %v, out %q", err, out)
	}
	out, stderr, err := runMain(t, dir, "form", "check", "builtin", broken)
	if exitCode(err) != 1 {
		t.Fatalf("check with a broken form: err %v, want exit 1", err)
	}
	if !strings.Contains(out, "error: "+broken+": line 3, sheet survey, column type: unknown question type \"txet\"") {
		t.Errorf("out %q does not name the line, sheet and column", out)
	}
	if !strings.Contains(stderr, "1 of 2 forms did not load") {
		t.Errorf("stderr %q", stderr)
	}
}

func TestFormFill(t *testing.T) {
	personas := personasDir(t)
	dir := t.TempDir()
	out, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", personas+"unemployed.json")
	if err != nil {
		t.Fatalf("fill: %v\n%s", err, out)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	if rec["main_status"] != "7" || rec["employer_name"] != nil {
		t.Errorf("record: main_status %v employer_name %v", rec["main_status"], rec["employer_name"])
	}

	bad := filepath.Join(dir, "bad.json")
	data, _ := os.ReadFile(personas + "unemployed.json")
	var answers map[string]any
	if err := json.Unmarshal(data, &answers); err != nil {
		t.Fatal(err)
	}
	answers["recommend"] = "11"
	answers["nik"] = "123"
	data, _ = json.Marshal(answers)
	if err := os.WriteFile(bad, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "English (en)"} {
		out, _, err = runMain(t, dir, "form", "fill", "builtin", "--answers", bad, "--lang", lang)
		if exitCode(err) != 1 {
			t.Fatalf("fill with bad answers: err %v, want exit 1", err)
		}
		var res struct {
			Errors []struct{ Name, Message string }
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("errors are not JSON: %v\n%s", err, out)
		}
		names := map[string]string{}
		for _, e := range res.Errors {
			names[e.Name] = e.Message
		}
		if names["nik"] == "" || names["recommend"] == "" || !strings.Contains(names["nik"], "NIK") {
			t.Errorf("--lang %s errors = %+v, want nik and recommend with the form's English messages", lang, res.Errors)
		}
	}
	if _, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", bad, "--lang", "fr"); exitCode(err) != 1 || !strings.Contains(err.Error(), "no language") {
		t.Errorf("--lang fr: %v", err)
	}
	if _, _, err := runMain(t, dir, "form", "fill", "builtin"); exitCode(err) != 2 {
		t.Errorf("fill without --answers: %v, want a usage error", err)
	}
}

// TestFormFillSave stores a persona as a finalized interview with the roster prefill.
func TestFormFillSave(t *testing.T) {
	personas := personasDir(t)
	dir := t.TempDir()
	roster := filepath.Join(t.TempDir(), "r.csv")
	csv := "roster_id,nik,full_name,sex,birth_date,phone_main,education,institution,kejuruan,program_name,batch_id,training_start_date,training_end_date,funding,completion,domicile_regency\n" +
		"BTG25-0549,6474065008020549,Siti Rahma,P,2002-08-10,081377120943,5,UPTD BLKI Kota Bontang,TIK,Desain Grafis,BTG-2025-20,2025-08-01,2025-09-10,apbd_kab_murni,pass,6474\n"
	if err := os.WriteFile(roster, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runMain(t, dir, "roster", "import", roster); err != nil {
		t.Fatal(err)
	}
	// the persona's answers without its own alumnus's roster id and NIK: BTG25-0549's come
	// from the roster
	answers := map[string]any{}
	data, _ := os.ReadFile(personas + "refused.json")
	if err := json.Unmarshal(data, &answers); err != nil {
		t.Fatal(err)
	}
	delete(answers, "roster_id")
	delete(answers, "nik")
	own := writeAnswers(t, answers)
	out, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", own, "--save", "--respondent", "BTG25-0549")
	if err != nil {
		t.Fatalf("fill --save: %v %s", err, out)
	}
	id := strings.TrimSpace(out)
	if len(id) != 36 {
		t.Fatalf("printed %q, want the interview's UUID", out)
	}
	st, err := (&Main{Getenv: func(string) string { return dir }}).openLaptopStore(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	iv, err := st.interviews.Get(t.Context(), id)
	if err != nil || iv.State != "finalized" || iv.RespondentID != "BTG25-0549" {
		t.Fatalf("stored interview %+v, %v", iv, err)
	}
	items, err := st.interviews.Outbox(t.Context(), 10)
	if err != nil || len(items) != 1 || items[0].InterviewID != id {
		t.Fatalf("outbox %v, %v", items, err)
	}
	if _, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", own, "--save", "--respondent", "NOPE"); err == nil {
		t.Error("unknown respondent accepted")
	}
	// Without --respondent, the roster_id the answers give links the interview when the
	// roster has it (the refused persona is BTG25-0232, not on this roster).
	answers["roster_id"] = "BTG25-0549"
	linked := writeAnswers(t, answers)
	for file, want := range map[string]string{linked: "BTG25-0549", personas + "refused.json": ""} {
		out, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", file, "--save")
		if err != nil {
			t.Fatalf("fill --save %s: %v", file, err)
		}
		iv, err := st.interviews.Get(t.Context(), strings.TrimSpace(out))
		if err != nil || iv.RespondentID != want {
			t.Errorf("%s: respondent %q (%v), want %q", file, iv.RespondentID, err, want)
		}
	}
}

// TestFormFillSaveOneAlumnus: answers of another alumnus than --respondent (their roster_id,
// or a NIK the roster has for another alumnus only), or than the respondent of the
// interview --interview corrects, are refused with one line that names both, and nothing is
// saved. A NIK the roster does not know is a correction like any other answer, and so is
// one the roster has for the same person in another batch as well.
func TestFormFillSaveOneAlumnus(t *testing.T) {
	personas := personasDir(t)
	dir := t.TempDir()
	roster := filepath.Join(t.TempDir(), "r.csv")
	csv := "roster_id,nik,full_name,sex,birth_date,education,institution,kejuruan,program_name,batch_id,training_end_date,funding,completion\n" +
		"BTG25-0549,6474061202040549,Rudi Hartono,L,2004-02-12,5,UPTD BLKI Kota Bontang,TIK,Desain Grafis,BTG-2025-20,2025-09-10,apbd_kab_murni,pass\n" +
		"BTG25-0550,6474061202040550,Agus Salim,L,2004-02-12,5,UPTD BLKI Kota Bontang,TIK,Desain Grafis,BTG-2025-20,2025-09-10,apbd_kab_murni,pass\n" +
		"BTG24-0101,6474061202040549,Rudi Hartono,L,2004-02-12,5,UPTD BLKI Kota Bontang,TIK,Desain Web,BTG-2024-03,2024-09-10,apbd_kab_murni,pass\n"
	if err := os.WriteFile(roster, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runMain(t, dir, "roster", "import", roster); err != nil || !strings.Contains(out, "imported 3") {
		t.Fatal(out, err)
	}
	answers := map[string]any{}
	data, _ := os.ReadFile(personas + "employed.json")
	if err := json.Unmarshal(data, &answers); err != nil {
		t.Fatal(err)
	}
	delete(answers, "nik")
	// with writes the persona's answers with kv (name, value, ...), "" removing a name
	with := func(kv ...string) string {
		a := maps.Clone(answers)
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(a, kv[i])
			} else {
				a[kv[i]] = kv[i+1]
			}
		}
		return writeAnswers(t, a)
	}
	st, err := (&Main{Getenv: func(string) string { return dir }}).openLaptopStore(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := func() int {
		t.Helper()
		ivs, err := st.interviews.List(t.Context(), survey.InterviewFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(ivs)
	}
	for _, tc := range []struct {
		name, answers string
		args          []string
		want          string
	}{
		{"roster_id of another row", with("roster_id", "BTG25-0550"), []string{"--respondent", "BTG25-0549"},
			`--respondent is BTG25-0549, but the answers' roster_id is "BTG25-0550": an interview is of one alumnus; nothing was saved`},
		{"roster_id of no row", with("roster_id", "BTG25-0232"), []string{"--respondent", "BTG25-0549"},
			`--respondent is BTG25-0549, but the answers' roster_id is "BTG25-0232"`},
		{"NIK of another alumnus", with("roster_id", "", "nik", "6474061202040550"), []string{"--respondent", "BTG25-0549", "--draft"},
			"--respondent is BTG25-0549, but the answers' nik 6474********0550 is the NIK of BTG25-0550 in the roster"},
		{"the answers' roster_id and another's NIK", with("roster_id", "BTG25-0549", "nik", "6474 0612 0204 0550"), nil,
			"the answers' roster_id is BTG25-0549, but the answers' nik 6474********0550 is the NIK of BTG25-0550 in the roster"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := stored()
			args := append([]string{"form", "fill", "builtin", "--answers", tc.answers, "--save"}, tc.args...)
			out, stderr, err := runMain(t, dir, args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%v: %v (stdout %q, stderr %q), want one line with %q", tc.args, err, out, stderr, tc.want)
			}
			if n := stored(); n != before {
				t.Errorf("%d interviews stored, %d before", n, before)
			}
		})
	}
	// the same person in another batch, or a NIK the roster does not know: saved
	for _, nik := range []string{"6474061202040549", "6474061202049999"} {
		if out, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", with("roster_id", "", "nik", nik), "--save", "--respondent", "BTG24-0101"); err != nil {
			t.Errorf("nik %s for BTG24-0101: %v %s", nik, err, out)
		}
	}
	// a correction keeps the interview's respondent: answers of another alumnus are refused
	out, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", with("roster_id", ""), "--save", "--respondent", "BTG25-0549")
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(out)
	if err := st.interviews.Return(t.Context(), id, 1, "Cek.", nil); err != nil {
		t.Fatal(err)
	}
	_, _, err = runMain(t, dir, "form", "fill", "builtin", "--answers", with("roster_id", "BTG25-0550"), "--save", "--interview", id)
	if want := "interview " + id + " is of BTG25-0549, but the answers' roster_id is \"BTG25-0550\""; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("correction with another's roster_id: %v, want %q", err, want)
	}
	if iv, err := st.interviews.Get(t.Context(), id); err != nil || iv.Revision != 1 {
		t.Errorf("the returned interview after the refused correction: %+v %v", iv, err)
	}
}

// withoutRosterID writes the answers of the persona file less its own alumnus's roster id,
// for "form fill --respondent" with another roster row (whose roster id the roster prefills).
func withoutRosterID(t *testing.T, persona string) string {
	t.Helper()
	answers := map[string]any{}
	data, err := os.ReadFile(persona)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &answers); err != nil {
		t.Fatal(err)
	}
	delete(answers, "roster_id")
	return writeAnswers(t, answers)
}

func writeAnswers(t *testing.T, answers map[string]any) string {
	t.Helper()
	data, err := json.Marshal(answers)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "answers.json")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFormExport writes the built-in form as .xlsx and loads it back: the same questions,
// choices and languages.
func TestFormExport(t *testing.T) {
	personas := personasDir(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "blk.xlsx")
	if _, _, err := runMain(t, dir, "form", "export", "-o", out); err != nil {
		t.Fatal(err)
	}
	got, err := forms.Load(out)
	if err != nil {
		t.Fatalf("exported form does not load: %v", err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := xlsxtest.CheckDimensions(t, data); n != 3 {
		t.Errorf("%d worksheets, want survey, choices and settings", n)
	}
	want, _ := builtin.Load()
	if len(got.Nodes) != len(want.Nodes) || len(got.Lists) != len(want.Lists) || len(got.Warnings) != 0 {
		t.Fatalf("exported form: %d nodes, %d lists, %d warnings; want %d, %d, 0", len(got.Nodes), len(got.Lists), len(got.Warnings), len(want.Nodes), len(want.Lists))
	}
	for i, n := range want.Nodes {
		g := got.Nodes[i]
		if g.Name != n.Name || g.Type != n.Type || g.Label.In("English (en)", nil) != n.Label.In("English (en)", nil) {
			t.Fatalf("node %d: got %s %s, want %s %s", i, g.Name, g.Type, n.Name, n.Type)
		}
		if (g.Constraint == nil) != (n.Constraint == nil) || (g.Constraint != nil && g.Constraint.Src != n.Constraint.Src) {
			t.Fatalf("node %s: constraint differs after export", n.Name)
		}
	}
	// Filling the exported form gives the same record as the built-in one.
	s := forms.NewSession(got, forms.Options{})
	data, _ = os.ReadFile(personas + "self-employed.json")
	var answers map[string]any
	_ = json.Unmarshal(data, &answers)
	if errs := s.Fill(answers); len(errs) > 0 {
		t.Fatalf("the exported form refuses the persona: %+v", errs)
	}
}

// TestFormExportXForm writes the built-in form as an ODK XForm: well-formed XML whose primary
// instance carries the form's id and version and an element per question. A form that does
// not load writes nothing.
func TestFormExportXForm(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "blk.xml")
	stdout, _, err := runMain(t, dir, "form", "export", "builtin", "--xform", "-o", out)
	if err != nil || !strings.Contains(stdout, "as an XForm") {
		t.Fatalf("export --xform: %v (%q)", err, stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Head    struct {
			Model struct {
				Instances []struct {
					ID   string `xml:"id,attr"`
					Data *struct {
						XMLName xml.Name
						ID      string `xml:"id,attr"`
						Version string `xml:"version,attr"`
						Inner   string `xml:",innerxml"`
					} `xml:"data"`
				} `xml:"instance"`
			} `xml:"model"`
		} `xml:"head"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the XForm is not XML: %v", err)
	}
	f, _ := builtin.Load()
	if doc.XMLName.Local != "html" || len(doc.Head.Model.Instances) == 0 || doc.Head.Model.Instances[0].Data == nil {
		t.Fatalf("no primary instance in %.300s", data)
	}
	primary := doc.Head.Model.Instances[0].Data
	if primary.ID != f.ID || primary.Version != f.Version {
		t.Fatalf("primary instance id %q version %q, want %q %q", primary.ID, primary.Version, f.ID, f.Version)
	}
	for _, n := range f.Nodes {
		if !strings.Contains(primary.Inner, "<"+n.Name) {
			t.Errorf("no element for %s in the primary instance", n.Name)
		}
	}
	broken := filepath.Join(dir, "broken.md")
	if err := os.WriteFile(broken, []byte("| survey |\n| | type | name | label |\n| | txet | q1 | Q1 |\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "broken.xml")
	if _, _, err := runMain(t, dir, "form", "export", broken, "--xform", "-o", bad); err == nil || !strings.Contains(err.Error(), "unknown question type") {
		t.Fatalf("export of a broken form: %v, want the loader's message", err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Fatalf("a broken form wrote %s (%v)", bad, err)
	}
}

// TestFormPublishBuiltin: "builtin" names the built-in form to form publish as to every
// other form command: publishing it where it is published already changes nothing and says
// so; on a server whose study published another form first, it is offered beside it.
func TestFormPublishBuiltin(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "server.db")
	if _, _, err := runMain(t, dir, "user", "add", "ani", "--role", "admin", "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, err := runMain(t, dir, "form", "publish", "builtin", "--db", db)
	if err != nil || !strings.Contains(out, "blk_tracer") {
		t.Fatalf("form publish builtin: %v\n%s", err, out)
	}
	again, _, err := runMain(t, dir, "form", "publish", "builtin", "--db", db)
	if err != nil || !strings.Contains(again, "already published with these bytes") {
		t.Errorf("form publish builtin again: %v\n%s", err, again)
	}
	list, _, err := runMain(t, dir, "form", "list", "--db", db)
	if err != nil || !strings.Contains(list, "blk_tracer") || !strings.Contains(list, "offered") {
		t.Errorf("form list: %v\n%s", err, list)
	}
}
