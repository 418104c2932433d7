package forms_test

import (
	"bytes"
	"strings"
	"testing"

	"tracer/forms"
)

// These tests hold what pyxform accepts and how ODK then runs it, where tracer once did
// otherwise: names with a namespace prefix, the root's own name in absolute paths, itext
// decided per choice list, and warnings of translations a language lacks.

// TestNamesWithANamespacePrefixLoad: pyxform takes a name of two XML names joined by a
// colon (esri:code), declared by the settings' namespaces column; ${esri:code} and paths
// read it, and the XForm declares the prefix. A prefix nobody declares loads with a warning.
func TestNamesWithANamespacePrefixLoad(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation |
| | text | esri:code | Code | |
| | calculate | upper | | concat(${esri:code}, '/', /data/esri:code, '/', string-length(../esri:code)) |
| | text | गाँव | Village | |
| | calculate | village | | ${गाँव} |
| settings |
| | form_id | namespaces |
| | ns | esri="http://esri.com/xforms" |
`
	f := mustParse(t, form)
	if len(f.Warnings) > 0 {
		t.Fatalf("warnings: %v", f.Warnings)
	}
	s := forms.NewSession(f, forms.Options{})
	runSteps(t, s, []step{
		{path: "esri:code", value: "AB12", wantPath: "upper", want: "AB12/AB12/4"},
		{path: "गाँव", value: "Desa", wantPath: "village", want: "Desa"},
	})
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`xmlns:esri="http://esri.com/xforms"`, `<esri:code/>`, `nodeset="/data/esri:code"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("XForm lacks %s", want)
		}
	}

	f = mustParse(t, "| survey |\n| | type | name | label |\n| | text | geo:lat | Lat |\n")
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0].Error(), `line 3, sheet survey, column name: name "geo:lat" has the namespace prefix "geo", which the settings sheet's namespaces column does not declare`) {
		t.Errorf("warnings %v, want one of the undeclared prefix geo", f.Warnings)
	}
	for _, bad := range []string{"a:b:c", ":a", "a:", "a:1b", "1a"} {
		_, err := forms.Parse("test.md", []byte("| survey |\n| | type | name | label |\n| | text | "+bad+" | X |\n"))
		if err == nil || !strings.Contains(err.Error(), "is not allowed") {
			t.Errorf("name %q: error %v, want it refused", bad, err)
		}
	}
}

// TestAbsolutePathsStartAtTheFormsRootName: pyxform names the XForm's root with the
// settings' name, so /NAME/q is the question and /data/q names nothing there.
func TestAbsolutePathsStartAtTheFormsRootName(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation | relevant |
| | integer | n | N | | |
| | calculate | twice | | /tracer/n * 2 | |
| | text | t | T | | /tracer/twice > 2 |
| settings |
| | form_id | name | instance_name |
| | rootname | tracer | concat('n', /tracer/n) |
`
	f := mustParse(t, form)
	s := forms.NewSession(f, forms.Options{})
	runSteps(t, s, []step{
		{path: "n", value: "1", wantPath: "twice", want: "2"},
		{wantPath: "t", relevant: no()},
		{path: "n", value: "2", wantPath: "t", relevant: yes()},
	})
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<tracer id="rootname"`, `nodeset="/tracer/twice"`, `calculate="/tracer/n * 2"`, `nodeset="/tracer/meta/instanceID"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("XForm lacks %s", want)
		}
	}
	_, err := forms.Parse("test.md", []byte(strings.Replace(form, "/tracer/n * 2", "/data/n * 2", 1)))
	if err == nil || !strings.Contains(err.Error(), `/data/n names no node: the form's root is named "tracer", not "data"`) {
		t.Errorf("error %v, want /data/n refused", err)
	}
}

// TestChoiceListsAreItextEachOnItsOwn: pyxform writes a list's items with an itextId and no
// label only when that list needs it (a translated label, media, a ${name} in a label);
// the form's other lists keep their label, which a choice_filter and instance() read.
func TestChoiceListsAreItextEachOnItsOwn(t *testing.T) {
	const form = `
| survey |
| | type | name | label::English (en) | label::Bahasa Indonesia (id) | choice_filter | calculation |
| | text | nick | Nickname | Panggilan | | |
| | select_one who | who | Whose? | Milik siapa? | | |
| | select_one color | color | Colour | Warna | label != 'Red' | |
| | calculate | color_label | | | | instance('color')/root/item[name = ${color}]/label |
| | calculate | n_labelled | | | | count(instance('color')/root/item[label != '']) |
| | select_one fruit | fruit | Fruit | Buah | | |
| | calculate | fruit_label | | | | instance('fruit')/root/item[name = ${fruit}]/label |
| choices |
| | list_name | name | label | label::English (en) | label::Bahasa Indonesia (id) |
| | who | mine | ${nick}'s | | |
| | who | other | Someone else | | |
| | color | red | Red | | |
| | color | blue | Blue | | |
| | fruit | mango | | Mango | Mangga |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "color", value: "red", refused: true},
		{path: "color", value: "blue", wantPath: "color_label", want: "Blue"},
		{wantPath: "n_labelled", want: "2"},
		{path: "fruit", value: "mango", wantPath: "fruit_label", want: ""},
	})
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, s.Form()); err != nil {
		t.Fatal(err)
	}
	x := buf.String()
	for _, want := range []string{"<itextId>who-0</itextId>", "<itextId>fruit-0</itextId>", "<label>Red</label>",
		`<itemset nodeset="instance('color')/root/item[label != 'Red']">` + "\n        <value ref=\"name\"/>\n        <label ref=\"label\"/>"} {
		if !strings.Contains(x, want) {
			t.Errorf("XForm lacks %s", want)
		}
	}
}

// TestChoiceNameFillsTheLabelsReferences: jr:choice-name() of a choice whose label holds
// ${name} gives the label with the answer in it, as ODK fills the <output/>, and follows
// that answer as ODK Web Forms does.
func TestChoiceNameFillsTheLabelsReferences(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation |
| | text | nick | Nickname | |
| | select_one yn | yn | OK? | |
| | select_one who | who | Whose? | |
| | calculate | who_name | | jr:choice-name(${who}, '${who}') |
| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
| | who | mine | ${nick}'s (${yn}) |
| | who | other | Someone else |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "nick", value: "Budi"},
		{path: "yn", value: "yes"},
		{path: "who", value: "mine", wantPath: "who_name", want: "Budi's (yes)"},
		{path: "nick", value: "Ani", wantPath: "who_name", want: "Ani's (yes)"},
		{path: "yn", value: "no", wantPath: "who_name", want: "Ani's (no)"},
	})
}

// TestMissingTranslationColumnsWarn: as pyxform warns, a language that lacks a translated
// column another language of the sheet has is named with the column.
func TestMissingTranslationColumnsWarn(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label::English (en) | label::Bahasa Indonesia (id) | hint::English (en) | constraint | constraint_message::Bahasa Indonesia (id) | image::English (en) |
| | integer | age | Age | Umur | In years | . > 14 | Minimal 15 | |
| choices |
| | list_name | name | label | label::English (en) | image::English (en) |
| | yn | yes | Yes | Yes | y.png |
`)
	var all []string
	for _, w := range f.Warnings {
		all = append(all, w.Error())
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{
		`test.md: sheet survey: language "English (en)" has no constraint_message column on the survey sheet, where another language has one (constraint_message::Bahasa Indonesia (id)): ODK shows "-"`,
		`test.md: sheet survey: language "Bahasa Indonesia (id)" has no hint, image columns on the survey sheet, where another language has one (hint::English (en), image::English (en))`,
		`test.md: sheet choices: the untranslated columns (language "default") have no image column on the choices sheet, where another language has one (image::English (en)): ODK shows no media file there`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings:\n%s\nwant one containing:\n%s", got, want)
		}
	}
	if strings.Contains(got, "label column") {
		t.Errorf("warnings:\n%s\nwant none of a label column, which every language has", got)
	}
}

// TestSeveralTriggers: pyxform takes several references in the trigger column, separated by
// commas, and writes a setvalue in each one's control: a change of any of them sets the
// question, and nothing else does.
func TestSeveralTriggers(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation | trigger |
| | text | a | A | | |
| | text | b | B | | |
| | text | c | C | | |
| | text | ab | Both | concat(${a}, '-', ${b}, '-', ${c}) | ${a}, ${b} |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "a", value: "x", wantPath: "ab", want: "x--"},
		{path: "c", value: "z", wantPath: "ab", want: "x--"},
		{path: "b", value: "y", wantPath: "ab", want: "x-y-z"},
	})
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, s.Form()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `<setvalue event="xforms-value-changed" ref="/data/ab"`); n != 2 {
		t.Errorf("XForm has %d setvalues of ab, want one in a's control and one in b's:\n%s", n, buf.String())
	}
	for _, bad := range []string{"${a} ${b}", "${a},", "a, ${b}"} {
		_, err := forms.Parse("test.md", []byte(strings.Replace(form, "${a}, ${b} |", bad+" |", 1)))
		if err == nil || !strings.Contains(err.Error(), "is not a reference") {
			t.Errorf("trigger %q: error %v, want it refused", bad, err)
		}
	}
}

// TestBackgroundGeopoint: pyxform's background-geopoint takes the device's location when
// its trigger question changes; it loads (and is skipped, as every location is here), its
// XForm has the odk:setgeopoint in the trigger's control, and pyxform's checks apply: a
// trigger is needed, a calculation refused.
func TestBackgroundGeopoint(t *testing.T) {
	const form = `
| survey |
| | type | name | label | trigger | calculation |
| | select_one yn | consent | Consent? | | |
| | background-geopoint | gps | GPS | ${consent} | |
| choices |
| | list_name | name | label |
| | yn | yes | Yes |
`
	s := newSession(t, form)
	runSteps(t, s, []step{{path: "consent", value: "yes", wantPath: "gps", want: ""}})
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, s.Form()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<bind nodeset="/data/gps" type="geopoint"`, `<odk:setgeopoint event="xforms-value-changed" ref="/data/gps"/>`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("XForm lacks %s", want)
		}
	}
	for _, c := range []struct{ from, to, want string }{
		{"| ${consent} | |", "| | |", `line 5, sheet survey, column trigger: background-geopoint "gps" needs a trigger`},
		{"| ${consent} | |", "| ${consent} | 1 |", `line 5, sheet survey, column calculation: background-geopoint "gps" takes no calculation`},
	} {
		_, err := forms.Parse("test.md", []byte(strings.Replace(form, c.from, c.to, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// TestLanguagesWithoutACodeWarn: as pyxform warns, a language named without its code in
// brackets (English rather than English (en)) is named in a warning; coded ones are not.
func TestLanguagesWithoutACodeWarn(t *testing.T) {
	f := mustParse(t, "| survey |\n| | type | name | label::English | label::Bahasa Indonesia (id) | label::Jawa (JV) |\n| | text | t | T | T | T |\n")
	var all []string
	for _, w := range f.Warnings {
		all = append(all, w.Error())
	}
	want := `test.md: sheet survey: the languages "English", "Jawa (JV)" have no language code in brackets, as pyxform warns`
	if got := strings.Join(all, "\n"); !strings.Contains(got, want) {
		t.Errorf("warnings:\n%s\nwant one containing %s", got, want)
	}
	f = mustParse(t, "| survey |\n| | type | name | label::English (en) | label::Bahasa Indonesia (id) |\n| | text | t | T | T |\n")
	if len(f.Warnings) > 0 {
		t.Errorf("warnings %v, want none", f.Warnings)
	}
}

// TestUntranslatedColumnsAreTheDefaultLanguage: with label and label::Bahasa Indonesia (id)
// and no default_language, pyxform's default language is "default", the untranslated
// columns, which ODK opens in and jr:choice-name() reads; default_language chooses another.
func TestUntranslatedColumnsAreTheDefaultLanguage(t *testing.T) {
	const form = `
| survey |
| | type | name | label | label::Bahasa Indonesia (id) | calculation |
| | select_one yn | q | OK? | Setuju? | |
| | calculate | c | | | jr:choice-name(${q}, '${q}') |
| choices |
| | list_name | name | label | label::Bahasa Indonesia (id) |
| | yn | yes | Yes | Ya |
`
	s := newSession(t, form)
	runSteps(t, s, []step{{path: "q", value: "yes", wantPath: "c", want: "Yes"}})
	var buf bytes.Buffer
	if err := forms.WriteXForm(&buf, s.Form()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<translation default="true()" lang="default">`) {
		t.Errorf("XForm's default translation is not the untranslated one:\n%s", buf.String())
	}
	s = newSession(t, form+"| settings |\n| | default_language |\n| | Bahasa Indonesia (id) |\n")
	runSteps(t, s, []step{{path: "q", value: "yes", wantPath: "c", want: "Ya"}})
}
