package forms_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/forms"
)

// placesForm is the oracle form that reads five attached files: two CSV lists (one with
// semicolons), an XML list, a CSV for pulldata() and a csv-external instance.
var placesForm = filepath.Join("testdata", "oracle", "places.md")

// checkPlaces answers the places form and checks what the attached files give.
func checkPlaces(t *testing.T, f *forms.Form) {
	t.Helper()
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	set := func(path, v string) {
		t.Helper()
		if p, err := s.Set(path, v); err != nil || p != nil {
			t.Fatalf("set %s = %q: %v %v", path, v, err, p)
		}
	}
	offered := func(path string) []string {
		var out []string
		for _, c := range s.Choices(path) {
			out = append(out, c.Name+"="+s.ChoiceLabel(c))
		}
		return out
	}
	if got, want := offered("prov"), []string{"31=DKI Jakarta", "32=Jawa Barat", "33=Jawa Tengah"}; !slices.Equal(got, want) {
		t.Errorf("provinces offered %q, want %q", got, want)
	}
	// Before a province, the alumni filter keeps everyone; the value and label come
	// from the columns parameters names.
	if got := offered("pick"); len(got) != 3 || got[0] != "3171010101900001=Siti Aminah" {
		t.Errorf("alumni offered %q, want three, Siti Aminah first by NIK", got)
	}
	set("prov", "32")
	if got, want := offered("reg"), []string{"3201=Kab. Bogor", `3273=Kota Bandung, "Paris van Java"`}; !slices.Equal(got, want) {
		t.Errorf("regencies of province 32 offered %q, want %q", got, want)
	}
	if got := offered("pick"); len(got) != 2 {
		t.Errorf("alumni of batch 2025-1 offered %q, want two", got)
	}
	set("reg", "3273")
	set("prog", "weld cook")
	set("pick", "3201020202910002")
	set("wage", "4500000")
	for name, want := range map[string]string{
		"reg_label":    `Kota Bandung, "Paris van Java"`,
		"reg_count":    "2",
		"prog_sectors": "industry hospitality",
		"alum_name":    "Budi Santoso",
		"alum_regency": "3273",
		"same_place":   "yes",
		"min_wage":     "4482914",
		"above_min":    "1",
	} {
		if got := s.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := s.Label("hello"); got != "Budi Santoso dari Kota Bandung, \"Paris van Java\": UMK 4482914" {
		t.Errorf("note reads %q", got)
	}
	// A NIK no row has: pulldata() gives nothing; the first row of a key repeated wins.
	if got := f.Lookup("alumni", "nama", "nik", "9999"); got != "" {
		t.Errorf("pulldata of an unknown NIK = %q, want empty", got)
	}
	if got := f.Lookup("wages", "regency", "umk", "5396761"); got != "3171" {
		t.Errorf("pulldata of a repeated key = %q, want the first row's 3171", got)
	}
	// As Collect's SQLite reads it: the file named with .csv, columns in any case, the key
	// ignoring the case of its letters.
	if got := f.Lookup("wages.csv", "REGENCY", "Umk", "5396761"); got != "3171" {
		t.Errorf("pulldata('wages.csv', 'REGENCY', 'Umk', ...) = %q, want 3171", got)
	}
}

func TestAttachedFiles(t *testing.T) {
	f, err := forms.Load(placesForm)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range f.Attachments {
		names = append(names, a.Name)
	}
	slices.Sort(names)
	if want := []string{"alumni.csv", "programmes.xml", "provinces.csv", "regencies.csv", "wages.csv"}; !slices.Equal(names, want) {
		t.Fatalf("attachments %q, want %q", names, want)
	}
	for _, w := range f.Warnings {
		t.Errorf("warning: %v", w)
	}
	checkPlaces(t, f)

	// The XForm reads them as ODK's clients do: external instances named by the file.
	var x bytes.Buffer
	if err := forms.WriteXForm(&x, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<instance id="regencies" src="jr://file-csv/regencies.csv"/>`,
		`<instance id="programmes" src="jr://file/programmes.xml"/>`,
		`<instance id="wages" src="jr://file-csv/wages.csv"/>`,
		`<itemset nodeset="instance('regencies')/root/item[province = /data/prov]">`,
		`<value ref="nik"/>`, `<label ref="nama"/>`,
		`pulldata('alumni', 'nama', 'nik', /data/pick)`,
	} {
		if !strings.Contains(x.String(), want) {
			t.Errorf("XForm lacks %s", want)
		}
	}
	if strings.Contains(x.String(), "<item><name>3201</name>") {
		t.Error("XForm copies an attached list into the form")
	}
}

// The form's own bytes, without its files: the selects from files are skipped, as before
// files were read, and say why.
func TestAttachedFilesMissing(t *testing.T) {
	data, err := os.ReadFile(placesForm)
	if err != nil {
		t.Fatal(err)
	}
	f, err := forms.Parse("places.md", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Attachments) != 0 {
		t.Errorf("attachments %d, want none", len(f.Attachments))
	}
	if n := f.Node("prov"); !n.Unsupported {
		t.Error("prov answerable without provinces.csv")
	}
	var msgs []string
	for _, w := range f.Warnings {
		msgs = append(msgs, w.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{`select_one_from_file provinces.csv "prov": its choices are in an attachment that is not loaded`, `reads instance('wages')`} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
}

// A bundle carries the form and its files: it loads anywhere with the same hash as the
// form loaded beside its files, so that interviews made either way are of one form.
func TestBundle(t *testing.T) {
	name, data, err := forms.Bundle(placesForm)
	if err != nil {
		t.Fatal(err)
	}
	if name != "places.zip" {
		t.Errorf("bundle name %q", name)
	}
	onDisk, err := forms.Load(placesForm)
	if err != nil {
		t.Fatal(err)
	}
	f, err := forms.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Hash != onDisk.Hash {
		t.Errorf("bundle hash %s, form on disk %s", f.Hash, onDisk.Hash)
	}
	checkPlaces(t, f)
	// The same files give the same bytes.
	if _, again, _ := forms.Bundle(placesForm); !bytes.Equal(again, data) {
		t.Error("two bundles of the same files differ")
	}
	// Written to disk and loaded as a file, a bundle is the same form.
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if g, err := forms.Load(p); err != nil || g.Hash != f.Hash {
		t.Fatalf("bundle from disk: %v", err)
	}
	// Published under its file name, not the folders it was loaded from.
	if bname, _, err := forms.Bundle(p); err != nil || bname != name {
		t.Errorf("a bundle loaded from %s is published as %q (%v), want %q", p, bname, err, name)
	}
	// A form without attachments is published as itself.
	plain := filepath.Join(t.TempDir(), "plain.md")
	src := "| survey |\n| | type | name | label |\n| | text | a | A |\n"
	if err := os.WriteFile(plain, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if name, data, err := forms.Bundle(plain); err != nil || name != "plain.md" || string(data) != src {
		t.Errorf("plain form bundled as %q (%v)", name, err)
	}
}

func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Broken attachments and bundles are refused in one line naming the file and the place.
func TestAttachedFileErrors(t *testing.T) {
	form := func(typ, params string) string {
		return "| survey |\n| | type | name | label | parameters |\n| | " + typ + " | q | Q | " + params + " |\n"
	}
	cases := []struct {
		name string
		zip  []byte
		want string
	}{
		{"unterminated quote", zipOf(t, "f.md", form("select_one_from_file l.csv", ""), "l.csv", "name,label\n1,\"One\n2,Two\n"),
			`b.zip: f.md: line 3, sheet survey, column type: attached file l.csv: line 3, column 7: extraneous or missing " in quoted-field`},
		{"not UTF-8", zipOf(t, "f.md", form("select_one_from_file l.csv", ""), "l.csv", "name,label\n1,Caf\xe9\n"),
			"attached file l.csv: not UTF-8 text"},
		{"missing value column", zipOf(t, "f.md", form("select_one_from_file l.csv", "value=code"), "l.csv", "name,label\n1,One\n"),
			`column parameters: l.csv has no column "code" (it has name, label)`},
		{"folder in the name", zipOf(t, "f.md", form("select_one_from_file ../l.csv", "")),
			`attached file "../l.csv" must be a plain file name`},
		{"broken XML", zipOf(t, "f.md", form("select_one_from_file l.xml", ""), "l.xml", "<root><item><name>1</name></root>"),
			"attached file l.xml: line 1:"},
		{"entry in a folder", zipOf(t, "f.md", form("text", ""), "media/l.csv", "name\n"),
			`bundle entry "media/l.csv" is in a folder`},
		{"two forms", zipOf(t, "f.md", form("text", ""), "g.md", form("text", "")),
			"the bundle holds two forms, f.md and g.md"},
		{"no form", zipOf(t, "l.csv", "name\n"), "the bundle holds no form file"},
		{"not a zip", []byte("name,label\n"), "not a form bundle"},
	}
	for _, c := range cases {
		_, err := forms.Parse("b.zip", c.zip)
		if err == nil {
			t.Errorf("%s: loaded", c.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: error %q, want it to contain %q", c.name, msg, c.want)
		}
		if strings.Count(strings.TrimSpace(msg), "\n") > 0 {
			t.Errorf("%s: error of more than one line: %q", c.name, msg)
		}
	}
}

// Items a select could not record are not offered: no value, or a space in the value of a
// select_multiple's item.
func TestAttachedItemsASelectCannotRecord(t *testing.T) {
	src := "| survey |\n| | type | name | label |\n| | select_multiple_from_file l.csv | m | M |\n| | select_one_from_file l.csv | o | O |\n"
	f, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "l.csv", "name,label\na,A\n,Blank\nb c,BC\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	names := func(path string) (out []string) {
		for _, c := range s.Choices(path) {
			out = append(out, c.Name)
		}
		return out
	}
	if got := names("m"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("select_multiple offers %q, want [a]", got)
	}
	if got := names("o"); !slices.Equal(got, []string{"a", "b c"}) {
		t.Errorf("select_one offers %q, want [a, b c]", got)
	}
	if len(f.Warnings) != 2 {
		t.Errorf("warnings %v, want one per select", f.Warnings)
	}
}

// TestAttachedXMLNested reads a Kobo-style XML file of an earlier round: items named data,
// nested columns read by their path, an element an item lacks being no node.
func TestAttachedXMLNested(t *testing.T) {
	f, err := forms.Load(filepath.Join("testdata", "oracle", "lookup.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	for _, step := range [][2]string{{"enum", "sari"}, {"follow/sn", "101"}, {"follow/wage", "3700000"}} {
		if p, err := s.Set(step[0], step[1]); err != nil || p != nil {
			t.Fatalf("set %s: %v %v", step[0], err, p)
		}
	}
	for name, want := range map[string]string{
		"done_by_enum":         "2",
		"any_enum":             "3", // Dedi's item has no P_Enumerator element
		"follow/prev_name":     "Ani",
		"follow/prev_wage":     "3500000",
		"follow/change":        "200000",
		"follow/total_prev":    "", // Budi's P_Wage is there and empty: sum() of a set with an empty value is empty (docs/XLSFORM.md)
		"follow/employed_prev": "2",
	} {
		if got := s.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// A select from an XML file offers its root's item elements, as ODK reads
	// instance('x')/root/item: a file of data elements offers nothing, and says so.
	src := "| survey |\n| | type | name | label |\n| | select_one_from_file w.xml | q | Q |\n"
	g, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "w.xml", "<root><data><name>1</name></data></root>"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(forms.NewSession(g, forms.Options{}).Choices("q")); n != 0 {
		t.Errorf("%d choices offered from data elements", n)
	}
	if len(g.Warnings) != 1 || !strings.Contains(g.Warnings[0].Error(), "w.xml holds <data> items in <root>") {
		t.Errorf("warnings %v", g.Warnings)
	}
	// A column the file's items do not have is a load error naming the file and what it has.
	bad := "| survey |\n| | type | name | label | calculation |\n| | calculate | c | | instance('w')/root/data[P_X/P_Y = 1]/name |\n"
	_, err = forms.Parse("b.zip", zipOf(t, "f.md", bad, "w.xml", "<root><data><name>1</name><P_X><P_Z>2</P_Z></P_X></data></root>"))
	if err == nil || !strings.Contains(err.Error(), `the items of w.xml have no "P_X/P_Y" (they have name, P_X/P_Z)`) {
		t.Errorf("error %v", err)
	}
}

// TestSearchAppearance: ODK Collect's search() appearance chooses from a CSV file through
// the placeholder row of the choices sheet, which is never offered itself.
func TestSearchAppearance(t *testing.T) {
	path := filepath.Join("testdata", "oracle", "search.md")
	f, err := forms.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	offered := func(q string) (out []string) {
		for _, c := range s.Choices(q) {
			out = append(out, c.Name+"="+s.ChoiceLabel(c))
		}
		return out
	}
	if got, want := offered("region"), []string{"JB=Jawa Barat", "JT=Jawa Tengah"}; !slices.Equal(got, want) {
		t.Errorf("regions %q, want %q", got, want)
	}
	for _, step := range [][2]string{{"region", "JB"}, {"prefix", "C1"}} {
		if p, err := s.Set(step[0], step[1]); err != nil || p != nil {
			t.Fatalf("set %s: %v %v", step[0], err, p)
		}
	}
	for q, want := range map[string][]string{
		"regency": {"3201=Kab. Bogor", "3273=Kota Bandung"},
		"sector":  {"C10=Industri makanan", "C13=Industri tekstil"},
		"more":    {"C10=Industri makanan", "G47=Perdagangan eceran", "I56=Penyediaan makanan"},
	} {
		if got := offered(q); !slices.Equal(got, want) {
			t.Errorf("%s offers %q, want %q", q, got, want)
		}
	}
	if got := f.Node("regency").Appearance; got != "minimal" {
		t.Errorf("appearance left %q, want minimal", got)
	}
	var x bytes.Buffer
	if err := forms.WriteXForm(&x, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<instance id="regions" src="jr://file-csv/regions.csv"/>`,
		`<itemset nodeset="instance('regencies2')/root/item[translate(region, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = translate(/data/region, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')]">`, `<value ref="code"/>`, `<label ref="nama"/>`} {
		if !strings.Contains(x.String(), want) {
			t.Errorf("XForm lacks %s", want)
		}
	}
	if strings.Contains(x.String(), "search(") || strings.Contains(x.String(), `<instance id="regions">`) {
		t.Error("XForm keeps search() or the placeholder list")
	}

	// Without its files the questions are skipped, never offering the placeholder row.
	data, _ := os.ReadFile(path)
	g, err := forms.Parse("search.md", data)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Node("region").Unsupported || !g.Node("regency").Unsupported {
		t.Error("a search() select without its file is answerable")
	}
	for _, c := range []struct{ appearance, want string }{
		{"search('regions'", "has no closing parenthesis"},
		{"search('regions', 'matches', 'nope', 'x')", `"nope"`},
	} {
		src := "| survey |\n| | type | name | label | appearance |\n| | select_one regions | q | Q | " + c.appearance + " |\n" +
			"| choices |\n| | list_name | name | label |\n| | regions | name | label |\n"
		_, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "regions.csv", "name,label\nJB,Jawa Barat\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.appearance, err, c.want)
		}
	}

	// As Collect runs it: the way to search in any case, an unknown one is contains, the
	// case of letters ignored, several columns to search, a fifth and sixth argument with
	// any way, column names ignoring case, the file named with .csv, each value once.
	csv := "CODE,Nama,region\nC1,Kab. Bogor,JB\nC2,Kota Bandung,jb\nC1,Kab. Bogor again,JB\nC4,Kota Semarang,JT\n"
	for _, c := range []struct {
		appearance string
		want       []string
	}{
		{"search('r.csv', 'matches', 'region', 'JB')", []string{"C1=Kab. Bogor", "C2=Kota Bandung"}},
		{"search('r', 'startsWith', 'nama', 'kota')", []string{"C2=Kota Bandung", "C4=Kota Semarang"}},
		{"search('r', 'like', 'nama', 'BOGOR')", []string{"C1=Kab. Bogor"}},
		{"search('r', 'contains', 'nama,code', 'c4')", []string{"C4=Kota Semarang"}},
		{"search('r', 'contains', 'nama', 'kota', 'region', 'JB')", []string{"C2=Kota Bandung"}},
	} {
		src := "| survey |\n| | type | name | label | appearance |\n| | select_one regs | q | Q | " + c.appearance + " |\n" +
			"| choices |\n| | list_name | name | label |\n| | regs | code | nama |\n"
		f, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "r.csv", csv))
		if err != nil {
			t.Errorf("%s: %v", c.appearance, err)
			continue
		}
		s := forms.NewSession(f, forms.Options{Location: time.UTC})
		var got []string
		for _, ch := range s.Choices("q") {
			got = append(got, ch.Name+"="+s.ChoiceLabel(ch))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s offers %q, want %q", c.appearance, got, c.want)
		}
	}
}

// Files as ODK reads them where a spreadsheet or an editor leaves them untidy: a short row's
// missing cells are empty, a quote inside an unquoted field is a character, lines may end
// with CR alone, an XML file's text is read without the spaces around it and its items are
// the root's children named item; and pulldata() of literal arguments reads the file.
func TestAttachedFilesAsODKReadsThem(t *testing.T) {
	src := "| survey |\n| | type | name | label | choice_filter | calculation |\n" +
		"| | select_one_from_file l.csv | q | Q | grp = '' | |\n" +
		"| | select_one_from_file p.xml | x | X | | |\n" +
		"| | select_one_from_file m.csv | m | M | | |\n" +
		"| | calculate | year | | | pulldata('config', 'value', 'key', 'survey_year') |\n" +
		"| | calculate | blank | | | count(instance('l')/root/item[grp = '']) |\n" +
		"| | calculate | bee | | | instance('p')/root/item[name = 'b']/label |\n" +
		"| | calculate | year2 | | | pulldata('config.csv', 'Value', 'KEY', ${year_key}) |\n" +
		"| | calculate | year_key | | | 'SURVEY_YEAR' |\n"
	f, err := forms.Parse("b.zip", zipOf(t, "f.md", src,
		"l.csv", "name,label,grp\na,A\nb,B,x\nc,C,\n",
		"p.xml", "<root><meta><name>z</name></meta><item><name>a</name><label>Ay</label></item>\n<item>\n  <name> b </name>\n  <label>\n     Bee\n  </label>\n</item></root>",
		"m.csv", "name,label\r1,Kota \"Paris\" Jawa\r2,Two\r",
		"config.csv", "key,value\nsurvey_year,2025\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	offered := func(path string) []string {
		var out []string
		for _, c := range s.Choices(path) {
			out = append(out, c.Name+"="+s.ChoiceLabel(c))
		}
		return out
	}
	for path, want := range map[string][]string{
		"q": {"a=A", "c=C"},
		"x": {"a=Ay", "b=Bee"},
		"m": {`1=Kota "Paris" Jawa`, "2=Two"},
	} {
		if got := offered(path); !slices.Equal(got, want) {
			t.Errorf("%s offers %q, want %q", path, got, want)
		}
	}
	for name, want := range map[string]string{"year": "2025", "blank": "2", "bee": "Bee", "year2": "2025"} {
		if got := s.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// A file's bytes do not bound what it makes: its columns and cells are bounded, and a
// file past them is one line of refusal before it is read into memory.
func TestAttachedFileBounds(t *testing.T) {
	src := "| survey |\n| | type | name | label |\n| | select_one_from_file big.csv | q | Q |\n"
	var wide strings.Builder
	wide.WriteString("name,label")
	for i := range 20000 {
		wide.WriteString(",c" + strconv.Itoa(i))
	}
	wide.WriteString("\n")
	for i := range 100 {
		wide.WriteString("v" + strconv.Itoa(i) + "\n")
	}
	var cells strings.Builder
	cells.WriteString("name,label,a,b,c,d,e,f,g,h\n")
	for i := range 120000 {
		cells.WriteString("v" + strconv.Itoa(i) + ",L,,,,,,,,\n")
	}
	var xmlCols strings.Builder
	xmlCols.WriteString("<root><item><name>a</name>")
	for i := range 2000 {
		xmlCols.WriteString("<c" + strconv.Itoa(i) + "/>")
	}
	xmlCols.WriteString("</item></root>")
	for _, c := range []struct{ name, file, data, want string }{
		{"a header of 20,000 columns", "big.csv", wide.String(), "line 1 has more than 1000 cells"},
		{"one line of commas", "big.csv", "name,label\n" + strings.Repeat(",", 3<<20) + "\n", "line 2 has more than 1000 cells"},
		{"1,200,000 cells", "big.csv", cells.String(), "more than 1000000 cells"},
		{"an item of 2,000 elements", "big.xml", xmlCols.String(), "more than 1000 columns"},
	} {
		form := src
		if strings.HasSuffix(c.file, ".xml") {
			form = strings.Replace(src, "big.csv", "big.xml", 1)
		}
		_, err := forms.Parse("b.zip", zipOf(t, "f.md", form, c.file, c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(strings.TrimSpace(err.Error()), "\n") {
			t.Errorf("%s: %v, want one line saying %q", c.name, err, c.want)
		}
	}
}

// instance('list')/root/item/label reads the label element pyxform writes: a form whose
// texts are translated writes its items with an itextId and no label, so the path gives
// nothing, in every language, as in ODK; an untranslated form's items have their label.
func TestInstanceLabelOfAList(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      map[string]string
	}{
		{"translated", "| survey |\n| | type | name | label::English (en) | label::French (fr) | calculation |\n" +
			"| | select_one fruits | f | Fruit | Fruit | |\n| | calculate | c | | | instance('fruits')/root/item[name='b']/label |\n" +
			"| choices |\n| | list_name | name | label::English (en) | label::French (fr) |\n| | fruits | a | Apple | Pomme |\n| | fruits | b | Banana | Banane |\n",
			map[string]string{"English (en)": "", "French (fr)": ""}},
		{"plain", "| survey |\n| | type | name | label | calculation |\n" +
			"| | select_one fruits | f | Fruit | |\n| | calculate | c | | instance('fruits')/root/item[name='b']/label |\n" +
			"| choices |\n| | list_name | name | label |\n| | fruits | a | Apple |\n| | fruits | b | Banana |\n",
			map[string]string{"": "Banana"}},
	} {
		f, err := forms.Parse(c.name+".md", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		for lang, want := range c.want {
			s := forms.NewSession(f, forms.Options{Lang: lang, Location: time.UTC})
			if got := s.Value("c"); got != want {
				t.Errorf("%s form in %q: label read %q, want %q", c.name, lang, got, want)
			}
		}
	}
}

// TestAttachedXMLAttributesAndRepeats: an XML file's items may hold values in attributes
// (<item id="2">) and repeat an element (<tag>x</tag><tag>y</tag>), as JavaRosa and ODK
// Web Forms read them: @id is a column of the item (tag/@city of its element), and a
// repeated element is one node each, the first read as the column's value, every one seen
// by a predicate, count() and join().
func TestAttachedXMLAttributesAndRepeats(t *testing.T) {
	src := "| survey |\n| | type | name | label | calculation | choice_filter |\n" +
		"| | xml-external | people | | | |\n" +
		"| | integer | n | N | | |\n" +
		"| | calculate | by_id | | instance('people')/root/item[@id = ${n}]/label | |\n" +
		"| | calculate | kind_a | | count(instance('people')/root/item[@kind = 'a']) | |\n" +
		"| | calculate | kind_of | | instance('people')/root/item[name = 'p1']/@kind | |\n" +
		"| | calculate | tagged_y | | count(instance('people')/root/item[tag = 'y']) | |\n" +
		"| | calculate | first_tag | | instance('people')/root/item[name = 'p1']/tag | |\n" +
		"| | calculate | tags | | join(',', instance('people')/root/item/tag) | |\n" +
		"| | calculate | in_bogor | | instance('people')/root/item[addr/@city = 'Bogor']/name | |\n" +
		"| | calculate | city | | instance('people')/root/item[@id = ${n}]/addr/@city | |\n" +
		"| | select_one_from_file people.xml | who | Who | | @kind = 'a' |\n"
	f, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "people.xml", `<root>
  <item id="1" kind="a"><name>p1</name><label>Person one</label><tag>x</tag><tag>y</tag><addr city="Bandung">Jl. A</addr></item>
  <item id="2" kind="b"><name>p2</name><label>Person two</label><tag>z</tag><addr city="Bogor">Jl. B</addr></item>
  <item id="3" kind="a"><name>p3</name><label>Person three</label></item>
</root>`))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	set(t, s, "n", "2")
	for name, want := range map[string]string{"by_id": "Person two", "kind_a": "2", "kind_of": "a", "tagged_y": "1",
		"first_tag": "x", "tags": "x,y,z", "in_bogor": "p2", "city": "Bogor"} {
		if got := s.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	var offered []string
	for _, c := range s.Choices("who") {
		offered = append(offered, c.Name)
	}
	if !slices.Equal(offered, []string{"p1", "p3"}) {
		t.Errorf("who offers %q, want p1 p3", offered)
	}
	// An attribute no item has is a load error, as a missing element is.
	bad := strings.Replace(src, "@kind = 'a' |", "@sex = 'a' |", 1)
	_, err = forms.Parse("b.zip", zipOf(t, "f.md", bad, "people.xml", `<root><item id="1"><name>p1</name></item></root>`))
	if err == nil || !strings.Contains(err.Error(), `"@sex"`) {
		t.Errorf("error %v", err)
	}
}

// TestAttachedCSVLinesAsCollectReadsThem: ODK Collect's CSV reader (Apache Commons CSV)
// skips empty lines only: a line of spaces is an item, with an empty value for a select (not
// offered) and its spaces in its first column elsewhere. A file of a byte-order mark alone
// has no columns and no items, and loads, as in Collect; an empty file is refused.
func TestAttachedCSVLinesAsCollectReadsThem(t *testing.T) {
	src := "| survey |\n| | type | name | label | calculation |\n" +
		"| | csv-external | bom | | |\n" +
		"| | calculate | n_bom | | count(instance('bom')/root/item) |\n" +
		"| | calculate | lab_bom | | instance('bom')/root/item[name = 'a']/label |\n" +
		"| | select_one_from_file ws.csv | q | Q | |\n" +
		"| | calculate | n_ws | | count(instance('ws')/root/item) |\n" +
		"| | calculate | grp | | join('-', instance('ws')/root/item/grp) |\n"
	f, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "bom.csv", "\xef\xbb\xbf", "ws.csv", "name,label,grp\na,A,x\n   \n\nb,B,y\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	for name, want := range map[string]string{"n_bom": "0", "lab_bom": "", "n_ws": "3", "grp": "x--y"} {
		if got := s.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if n := len(s.Choices("q")); n != 2 {
		t.Errorf("q offers %d choices, want 2", n)
	}
	if _, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "bom.csv", "", "ws.csv", "name,label\n")); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("an empty file: error %v", err)
	}
}

// TestSearchLabelColumnsAndSortBy: as ODK Collect builds search() choices from its SQLite
// copy of the file, a placeholder label naming two columns ('nama,prov', or 'nama prov')
// labels each choice "Kab. Bogor (prov: 32)", a sortby column orders the choices by its
// number, and a row with no data is left out; a sortby that is no number refuses the file.
func TestSearchLabelColumnsAndSortBy(t *testing.T) {
	src := "| survey |\n| | type | name | label | appearance |\n" +
		"| | select_one regs | reg | Regency | search('regs') |\n" +
		"| | select_one regs2 | reg2 | Regency | search('regs', 'matches', 'prov', '32') |\n" +
		"| choices |\n| | list_name | name | label |\n| | regs | code | nama prov |\n| | regs2 | code | nama |\n"
	csv := "code,nama,prov,SortBy\n3201,Kab. Bogor,32,3\n3171,Jakarta Selatan,31,1\n,,,\n3273,Kota Bandung,32,2.5\n3201,Bogor again,32,4\n"
	f, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "regs.csv", csv))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	offered := func(path string) []string {
		var out []string
		for _, c := range s.Choices(path) {
			out = append(out, c.Name+"="+s.ChoiceLabel(c))
		}
		return out
	}
	for path, want := range map[string][]string{
		"reg":  {"3171=Jakarta Selatan (prov: 31)", "3273=Kota Bandung (prov: 32)", "3201=Kab. Bogor (prov: 32)"},
		"reg2": {"3273=Kota Bandung", "3201=Kab. Bogor"},
	} {
		if got := offered(path); !slices.Equal(got, want) {
			t.Errorf("%s offers %q, want %q", path, got, want)
		}
	}
	bad := strings.Replace(csv, "2.5", "dua", 1)
	if _, err := forms.Parse("b.zip", zipOf(t, "f.md", src, "regs.csv", bad)); err == nil || !strings.Contains(err.Error(), `holds "dua", not a number`) {
		t.Errorf("a sortby that is no number: error %v", err)
	}
}
