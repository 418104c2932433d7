package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/forms/workbook/xlsxtest"
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
	out, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", personas+"refused.json", "--save", "--respondent", "BTG25-0549")
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
	if _, _, err := runMain(t, dir, "form", "fill", "builtin", "--answers", personas+"refused.json", "--save", "--respondent", "NOPE"); err == nil {
		t.Error("unknown respondent accepted")
	}
	// Without --respondent, the roster_id the answers give links the interview when the
	// roster has it (the refused persona is BTG25-0232, not on this roster).
	answers := map[string]any{}
	data, _ := os.ReadFile(personas + "refused.json")
	if err := json.Unmarshal(data, &answers); err != nil {
		t.Fatal(err)
	}
	answers["roster_id"] = "BTG25-0549"
	linked := filepath.Join(t.TempDir(), "linked.json")
	data, _ = json.Marshal(answers)
	if err := os.WriteFile(linked, data, 0o600); err != nil {
		t.Fatal(err)
	}
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
