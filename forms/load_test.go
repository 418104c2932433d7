package forms_test

import (
	"errors"
	"strings"
	"testing"

	"tracer/forms"
)

func mustParse(t testing.TB, md string) *forms.Form {
	t.Helper()
	f, err := forms.Parse("test.md", []byte(md))
	if err != nil {
		t.Fatalf("parse:\n%v", err)
	}
	return f
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		md   string
		want []string // every issue, in order, must contain these
	}{
		{"unknown type", `
| survey |
| | type | name | label |
| | txet | q1 | Q1 |`, []string{"line 4, sheet survey, column type: unknown question type \"txet\": did you mean text?"}},
		{"duplicate name", `
| survey |
| | type | name | label |
| | text | q1 | Q1 |
| | text | q1 | Q1 again |`, []string{"line 5, sheet survey, column name: duplicate name \"q1\" (also on row 4)"}},
		{"missing reference", `
| survey |
| | type | name | label | relevant |
| | text | q1 | Q1 | ${q9} = 'x' |`, []string{"column relevant: ${q9} refers to a question that does not exist"}},
		{"unknown list", `
| survey |
| | type | name | label |
| | select_one colours | q1 | Q1 |`, []string{"unknown choice list \"colours\""}},
		{"select_multiple choice with a space", `
| survey |
| | type | name | label |
| | select_one colours | q1 | Q1 |
| | select_multiple colours | q2 | Q2 |
| choices |
| | list_name | name | label |
| | colours | red | Red |
| | colours | dark blue | Dark blue |`, []string{"line 5, sheet survey, column type: select_multiple colours: choice \"dark blue\" of list colours (choices row 9) has a space in its name"}},
		{"group not closed", `
| survey |
| | type | name | label |
| | begin group | g | G |
| | text | q1 | Q1 |`, []string{"line 4, sheet survey, column type: group \"g\" is never closed"}},
		{"end without begin", `
| survey |
| | type | name | label |
| | text | q1 | Q1 |
| | end repeat | | |`, []string{"end repeat without a matching begin"}},
		{"syntax error with position", `
| survey |
| | type | name | label | constraint |
| | integer | q1 | Q1 | . > 1 and ( . < 5 |`, []string{"column constraint: in \". > 1 and ( . < 5\":"}},
		{"unknown function", `
| survey |
| | type | name | label | calculation |
| | calculate | c | | frobnicate(1) |`, []string{"frobnicate"}},
		{"cycle", `
| survey |
| | type | name | label | calculation |
| | calculate | a | | ${b} + 1 |
| | calculate | b | | ${a} + 1 |`, []string{"form a cycle: "}},
		{"empty form", `
| survey |`, []string{"the form is empty"}},
		{"every error at once", `
| survey |
| | type | name | label | relevant |
| | txet | q1 | Q1 | |
| | text | q2 | Q2 | |
| | text | q2 | Q2 | |
| | select_one nope | q3 | Q3 | |`, []string{"unknown question type", "duplicate name \"q2\"", "unknown choice list \"nope\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := forms.Parse("test.md", []byte(tt.md))
			var le *forms.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LoadError", err)
			}
			if len(le.Issues) < len(tt.want) {
				t.Fatalf("got %d issues, want %d:\n%v", len(le.Issues), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(le.Issues[i].Error(), w) {
					t.Errorf("issue %d = %q, want it to contain %q", i, le.Issues[i].Error(), w)
				}
				if !strings.HasPrefix(le.Issues[i].Error(), "test.md: ") {
					t.Errorf("issue %d = %q does not name the file", i, le.Issues[i].Error())
				}
			}
		})
	}
}

func TestHeaderAliasesAndTranslations(t *testing.T) {
	f := mustParse(t, `
| survey |
| | Type | Name | Label::English (en) | label::Bahasa Indonesia (id) | Relevance | jr:constraintMsg::English (en) | Constraint |
| | integer | age | Age | Umur | | Too old | . < 120 |
| choices |
| | List Name | name | label::English (en) | label::Bahasa Indonesia (id) |
| | yn | yes | Yes | Ya |
| settings |
| | title | id_string | version | default_language |
| | Test | test_form | 3 | Bahasa Indonesia (id) |`)
	if f.ID != "test_form" || f.Title != "Test" || f.Version != "3" {
		t.Errorf("settings = %q %q %q", f.ID, f.Title, f.Version)
	}
	if len(f.Languages) != 2 || forms.LangCode(f.DefaultLang) != "id" {
		t.Errorf("languages %q default %q", f.Languages, f.DefaultLang)
	}
	n := f.Node("age")
	if n.Label["English (en)"] != "Age" || n.Label["Bahasa Indonesia (id)"] != "Umur" || n.ConstraintMsg["English (en)"] != "Too old" {
		t.Errorf("texts = %v %v", n.Label, n.ConstraintMsg)
	}
	if f.Lists["yn"] == nil || f.Lists["yn"].Choice("yes") == nil {
		t.Error("list yn not read from a \"List Name\" header")
	}
	if l, ok := f.MatchLang("en"); !ok || l != "English (en)" {
		t.Errorf("MatchLang(en) = %q, %v", l, ok)
	}
}

func TestUnsupportedTypesWarn(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label |
| | geopoint | where | Where? |
| | image | photo | Photo |
| | select_one_from_file villages.csv | village | Village |
| | text | q | Q |`)
	if len(f.Warnings) != 3 {
		t.Fatalf("warnings = %v, want 3 (geopoint, image, external select)", f.Warnings)
	}
	s := forms.NewSession(f, forms.Options{})
	stops := s.Stops()
	if len(stops) != 1 || stops[0].Path != "q" {
		t.Fatalf("stops = %+v, want only q (the others are not answerable here)", stops)
	}
}

// TestSingleColonHeaders: old XLSForms write "label:English" and "bind:relevant"; pyxform
// reads them as "label::English" and "relevant", and so does tracer ("jr:count" stays whole).
func TestSingleColonHeaders(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label:English | label:French | bind:relevant | bind:jr:constraintMsg | jr:count |
| | integer | n | How many? | Combien ? | | | |
| | text | q | Q | Q fr | ${n} > 1 | Too short | |`)
	if len(f.Languages) != 2 || f.Languages[0] != "English" {
		t.Fatalf("languages = %q", f.Languages)
	}
	q := f.Node("q")
	if q.Label["French"] != "Q fr" || q.Relevant == nil || q.Relevant.Src != "${n} > 1" || q.ConstraintMsg[""] != "Too short" {
		t.Fatalf("q: label %v relevant %v constraint message %v", q.Label, q.Relevant, q.ConstraintMsg)
	}
}

func TestMatchLangByName(t *testing.T) {
	f := mustParse(t, "| survey |\n| | type | name | label::English | label::French | label::Bahasa Indonesia |\n| | text | q | Q | Q | Q |\n")
	for want, lang := range map[string]string{"en": "English", "fr": "French", "id": "Bahasa Indonesia", "French": "French"} {
		if got, ok := f.MatchLang(want); !ok || got != lang {
			t.Errorf("MatchLang(%q) = %q, %v; want %q", want, got, ok, lang)
		}
	}
	if _, ok := f.MatchLang("de"); ok {
		t.Error("MatchLang(de) matched a form without German")
	}
}

// TestRegexThatODKClientsReadOtherwise: a regex() pattern with a construct that JavaScript
// (ODK Web Forms, Enketo) reads otherwise than Java (ODK Collect) and Go (tracer) loads with
// a warning naming the construct, and so does one that can match a part of the text; a
// portable pattern anchored at both ends, or an escaped backslash, does not.
func TestRegexThatODKClientsReadOtherwise(t *testing.T) {
	tests := []struct {
		pattern, want string
	}{
		{`^[\p{L} .'-]+$`, `\p{...}`},
		{`^\pL+$`, `\pL`},
		{`^[\x{00C0}-\x{00FF}]+$`, `\x{...}`},
		{`(?i)^budi$`, `inline flags`},
		{`\Abudi\z`, `\A`},
		{`^[[:alpha:]]+$`, `POSIX class`},
		{`^[A-Za-zÀ-ÖØ-öø-ÿ .'-]+$`, ""},
		{`^\\p{x}$`, ""},
		{`^(?:ab)+[0-9]{3}$`, ""},
		// ODK Collect matches the whole text, the others a part: a pattern that is not
		// anchored at both ends reads otherwise in Collect.
		{`^\+62[2-79]`, "not anchored"},
		{`[0-9]{3}$`, "not anchored"},
		{`(0123456|1234567)`, "not anchored"},
		{`^a|b$`, "not anchored"},
		{`^(a|b)|c$`, "not anchored"},
		{`^[0-9]+\$`, "not anchored"},
		{`^(a|b)$`, ""},
		{`^.*(0123456|1234567).*$`, ""},
		{`^[|(]+$`, ""},
		{`^[]|]+$`, ""},
		{`^[^]|]+$`, ""},
		{`^\(a|b\)$`, "not anchored"},
	}
	for _, tt := range tests {
		cell := strings.ReplaceAll(tt.pattern, "|", `\|`)
		md := "| survey |\n| | type | name | label | constraint |\n| | text | q | Q | regex(., \"" + cell + "\") |\n"
		f := mustParse(t, md)
		var got []string
		for _, w := range f.Warnings {
			if strings.Contains(w.Error(), "regex pattern") {
				got = append(got, w.Error())
			}
		}
		switch {
		case tt.want == "" && len(got) > 0:
			t.Errorf("%s: unexpected warning %v", tt.pattern, got)
		case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want) || !strings.Contains(got[0], "column constraint")):
			t.Errorf("%s: warnings %v, want one on the constraint naming %s", tt.pattern, got, tt.want)
		}
	}
}

// TestPathIntoOwnRepeatWarns: a path that climbs out of its repeat instance and back into
// the same repeat reads every instance in tracer and ODK Web Forms but only the expression's
// own instance in ODK Collect (JavaRosa contextualizes it), so the form check warns; ${x},
// a path that stays in the instance, a filtered path and the same path outside the repeat
// read alike in every client and do not warn.
func TestPathIntoOwnRepeatWarns(t *testing.T) {
	tests := []struct {
		calc string
		warn bool
	}{
		{"sum(/data/g/kursus/jam)", true},
		{"count(/data/g/kursus/jam)", true},
		{"max(../../kursus/jam)", true},
		{"sum(/data/g/kursus/sesi/jam2)", true},
		{"sum(${jam})", false},
		{"../jam * 2", false},
		{"count(/data/g/kursus[jam > 1])", false},
		{"sum(/data/g/kursus[position() < 3]/jam)", false},
	}
	for _, tt := range tests {
		md := "| survey |\n| | type | name | label | calculation |\n| | begin_group | g | G | |\n" +
			"| | begin_repeat | kursus | K | |\n| | integer | jam | J | |\n" +
			"| | begin_repeat | sesi | S | |\n| | integer | jam2 | J2 | |\n| | end_repeat | | | |\n" +
			"| | calculate | c | | " + tt.calc + " |\n| | end_repeat | | | |\n" +
			"| | calculate | total | | sum(/data/g/kursus/jam) |\n| | end_group | | | |\n"
		f := mustParse(t, md)
		got := collectWarnings(f)
		switch {
		case !tt.warn && len(got) > 0:
			t.Errorf("%s: unexpected warning %v", tt.calc, got)
		case tt.warn && (len(got) != 1 || !strings.Contains(got[0], `repeat "kursus"`) || !strings.Contains(got[0], "line 9") || !strings.Contains(got[0], "column calculation")):
			t.Errorf("%s: warnings %v, want one on line 9's calculation naming repeat kursus", tt.calc, got)
		}
	}
	// In a choice filter Collect's context is the choice: only a path from current() is
	// narrowed to the select's instance.
	for _, tt := range []struct {
		filter string
		warn   bool
	}{
		{"not(selected(join(' ', current()/../../kursus/course), name)) or name = current()/../course", true},
		{"not(selected(join(' ', /data/kursus/course), name))", false},
	} {
		md := "| survey |\n| | type | name | label | choice_filter |\n| | begin_repeat | kursus | K | |\n" +
			"| | select_one c | course | C | " + tt.filter + " |\n| | end_repeat | | | |\n" +
			"| choices |\n| | list_name | name | label |\n| | c | a | A |\n| | c | b | B |\n"
		got := collectWarnings(mustParse(t, md))
		if tt.warn != (len(got) == 1) || len(got) > 1 {
			t.Errorf("%s: warnings %v, want %v", tt.filter, got, tt.warn)
		}
	}
}

// collectWarnings returns f's warnings that say ODK Collect reads a path otherwise.
func collectWarnings(f *forms.Form) []string {
	var got []string
	for _, w := range f.Warnings {
		if strings.Contains(w.Error(), "only this instance in ODK Collect") {
			got = append(got, w.Error())
		}
	}
	return got
}

// TestDefaultIsDynamic: a default is an expression exactly when pyxform's lexer finds a
// reference, a call, a predicate, a union or an arithmetic operator in it.
func TestDefaultIsDynamic(t *testing.T) {
	for _, tc := range []struct {
		def, typ string
		want     bool
	}{
		{"today()", "date", true},
		{"${age} + 1", "integer", true},
		{"2+2", "integer", true},
		{"5 * 3", "integer", true},
		{"+62812", "text", true},
		{"a|b", "text", true},
		{"item[1]", "text", true},
		{"7 mod 2", "integer", true},
		{"5 - 3", "integer", true},
		{"today() - 1", "date", true},
		{"5 - 3", "date", false},
		{"-5", "integer", false},
		{"5-3", "integer", false}, // two numbers, "5" and "-3"
		{"2026-01-01", "date", false},
		{"2026-01-01", "text", false},
		{"2026-01-01T08:00:00+07:00", "dateTime", false},
		{"2004-02-12T14:30:15.123+07:00", "dateTime", false},
		{"14:30:15.123+07:00", "time", false},
		{"well-being", "text", false},
		{"model", "text", false},
		{"(5)", "integer", false},
		{"'a + b'", "text", false},
		{"N/A", "text", false},
		{"Kota Bontang", "text", false},
		{"0.5", "decimal", false},
	} {
		if got := forms.DefaultIsDynamicForTest(tc.def, tc.typ); got != tc.want {
			t.Errorf("default %q of a %s: dynamic %v, want %v", tc.def, tc.typ, got, tc.want)
		}
	}
}
