package forms_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"tracer/forms"
)

// This file holds cases of pyxform's own test suite (tests/*.py of XLSForm/pyxform): a form
// pyxform refuses is refused here with a message naming its sheet, row and column, and a
// form it compiles runs as the XForm it makes runs in ODK.

// loadIssue parses md and returns the whole text of its load error ("" when it loads).
func loadIssue(t *testing.T, md string) string {
	t.Helper()
	_, err := forms.Parse("test.md", []byte(md))
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestQuestionWithCalculationAndNoLabelIsNotAsked: pyxform writes no body control for a
// question that has a calculation or a trigger and neither label nor hint
// (test_trigger.py, test_typed_calculate_cant_be_trigger), so ODK never asks it: its
// calculation or trigger alone sets it, and it cannot trigger another question.
func TestQuestionWithCalculationAndNoLabelIsNotAsked(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | hint | calculation | trigger |
| | text | a | Enter text | | | |
| | integer | two | | | string-length(${a}) | |
| | integer | b | | | 1+1 | ${a} |
| | dateTime | c | | A hint | now() | ${a} |
| | decimal | e | | | | ${a} |
`)
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	var stops []string
	for _, st := range s.Stops() {
		stops = append(stops, st.Path)
	}
	if got := strings.Join(stops, " "); got != "a c" {
		t.Errorf("stops = %q, want \"a c\" (two, b and e have no control in ODK)", got)
	}
	runSteps(t, s, []step{
		{path: "a", value: "abc", want: "3", wantPath: "two"},
		{path: "a", value: "abcd", want: "4", wantPath: "two"},
		{wantPath: "b", want: "2"},
	})
	var x bytes.Buffer
	if err := forms.WriteXForm(&x, f); err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{`<input ref="/data/two"`, `<input ref="/data/b"`, `<input ref="/data/e"`} {
		if strings.Contains(x.String(), no) {
			t.Errorf("the XForm has %s, pyxform writes no control for it", no)
		}
	}
	if !strings.Contains(x.String(), `<input ref="/data/c"`) {
		t.Errorf("the XForm lacks c's control (it has a hint)")
	}

	for _, c := range []struct{ name, md, want string }{
		{"trigger on a calculate", `
| survey |
| | type | name | label | trigger | calculation |
| | calculate | one | | | 5 + 4 |
| | calculate | one-ts | | ${one} | now() |`, `line 5, sheet survey, column trigger: ${one} is not shown to the enumerator`},
		{"trigger on a typed calculation", `
| survey |
| | type | name | trigger | calculation |
| | integer | two | | 1 + 1 |
| | integer | two-ts | ${two} | now() |`, `line 5, sheet survey, column trigger: ${two} is not shown to the enumerator`},
		{"trigger that is no reference", `
| survey |
| | type | name | label | calculation | trigger |
| | dateTime | b | | now() | 6 |`, `line 4, sheet survey, column trigger: trigger "6" is not a reference`},
	} {
		if got := loadIssue(t, c.md); !strings.Contains(got, c.want) {
			t.Errorf("%s: load error %q, want it to contain %q", c.name, got, c.want)
		}
	}
}

// TestDuplicateChoiceNamesNeedTheSetting: pyxform refuses a choice list that names a choice
// twice unless the settings sheet sets allow_choice_duplicates to yes (test_fields.py).
func TestDuplicateChoiceNamesNeedTheSetting(t *testing.T) {
	form := `
| survey |
| | type | name | label |
| | select_one list | s1 | S1 |
| choices |
| | list name | name | label |
| | list | a | A |
| | list | b | B |
| | list | b | C |
`
	if got, want := loadIssue(t, form), `line 9, sheet choices, column name: choice "b" appears twice in list list (first on row 8)`; !strings.Contains(got, want) {
		t.Errorf("load error %q, want it to contain %q", got, want)
	}
	for _, setting := range []string{"yes", "Yes", "YES"} {
		f := mustParse(t, form+`| settings |
| | form_id | allow_choice_duplicates |
| | dups | `+setting+` |
`)
		if n := len(f.Lists["list"].Choices); n != 3 {
			t.Errorf("allow_choice_duplicates %s: %d choices, want 3", setting, n)
		}
	}
	if got := loadIssue(t, form+`| settings |
| | form_id | allow_choice_duplicates |
| | dups | Bob |
`); !strings.Contains(got, "appears twice") {
		t.Errorf("allow_choice_duplicates Bob: load error %q, want the duplicate refused", got)
	}
}

// TestNamesPyxformRefuses: the names pyxform's unique_names.py refuses (NAMES001, 003, 004,
// 005) and the repeat_count its generated REPEAT_count question clashes with
// (test_repeat_count.py); a name that differs from a sibling's only in case loads with a
// warning (NAMES002).
func TestNamesPyxformRefuses(t *testing.T) {
	for _, c := range []struct{ name, md, want string }{
		{"question named meta", `
| survey |
| | type | name | label |
| | text | meta | A |`, `line 4, sheet survey, column name: the name "meta" is reserved for the form's metadata`},
		{"repeat named meta in a group", `
| survey |
| | type | name | label |
| | begin_group | g | G |
| | begin_repeat | meta | R |
| | text | a | A |
| | end_repeat | | |
| | end_group | | |`, `line 5, sheet survey, column name: the name "meta" is reserved`},
		{"repeat named as the root", `
| survey |
| | type | name | label |
| | begin_repeat | data | R |
| | text | a | A |
| | end_repeat | | |`, `line 4, sheet survey, column name: a repeat may not be named "data"`},
		{"two repeats of one name in different groups", `
| survey |
| | type | name | label |
| | begin_group | g1 | G1 |
| | begin_repeat | r | R |
| | text | a | A |
| | end_repeat | | |
| | end_group | | |
| | begin_group | g2 | G2 |
| | begin_repeat | r | R |
| | text | b | B |
| | end_repeat | | |
| | end_group | | |`, `line 10, sheet survey, column name: repeat "r" has the name of the repeat on row 5`},
		{"constant count beside REPEAT_count", `
| survey |
| | type | name | label | repeat_count |
| | integer | r1_count | Q1 | |
| | begin_repeat | r1 | R1 | 2 |
| | text | q2 | Q2 | |
| | end_repeat | | | |`, `line 5, sheet survey, column repeat_count: repeat_count of repeat "r1" is not a single ${name}, so pyxform computes it in a question named "r1_count"`},
		{"computed count beside REPEAT_count", `
| survey |
| | type | name | label | repeat_count |
| | select_multiple l1 | r1_count | Q1 | |
| | begin_repeat | r1 | R1 | count-selected(${r1_count}) |
| | text | q2 | Q2 | |
| | end_repeat | | | |
| choices |
| | list_name | name | label |
| | l1 | c1 | C1 |`, `line 5, sheet survey, column repeat_count: repeat_count of repeat "r1"`},
	} {
		if got := loadIssue(t, c.md); !strings.Contains(got, c.want) {
			t.Errorf("%s: load error %q, want it to contain %q", c.name, got, c.want)
		}
	}
	for _, c := range []struct{ name, md, warn string }{
		{"count that reads REPEAT_count itself", `
| survey |
| | type | name | label | repeat_count |
| | integer | r1_count | Q1 | |
| | begin_repeat | r1 | R1 | ${r1_count} |
| | text | q2 | Q2 | |
| | end_repeat | | | |`, ""},
		{"a group named meta (the Community Health Toolkit's)", `
| survey |
| | type | name | label | calculation |
| | begin_group | person | P | |
| | begin_group | meta | M | |
| | calculate | created_by | | 'x' |
| | end_group | | | |
| | end_group | | | |`, `line 5, sheet survey, column name: a group named "meta"`},
		{"names that differ in case", `
| survey |
| | type | name | label |
| | integer | age | Age |
| | integer | Age | Age again |`, `line 5, sheet survey, column name: name "Age" differs from "age" (row 4) only in case`},
	} {
		f, err := forms.Parse("test.md", []byte(c.md))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var ws []string
		for _, w := range f.Warnings {
			ws = append(ws, w.Error())
		}
		if got := strings.Join(ws, "\n"); c.warn != "" && !strings.Contains(got, c.warn) {
			t.Errorf("%s: warnings %q, want one containing %q", c.name, got, c.warn)
		}
	}
}

// TestComputedIntegerPastThirtyTwoBitsIsStoredAsCollectStoresIt: JavaRosa stores a
// calculation on an integer question as Java's (int) cast of the number (the whole part,
// and the nearest 32-bit bound past them), so Collect keeps 2147483647 where the number is
// 3000000000, and the interview can be finalized.
func TestComputedIntegerPastThirtyTwoBitsIsStoredAsCollectStoresIt(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | calculation |
| | integer | a | A | |
| | integer | big | Big | ${a} * 1000000000 |
| | integer | neg | Neg | ${a} * -1000000000 |
| | integer | half | Half | ${a} div -2 |
| | integer | fixed | | ${a} * 1000000000 |
| | calculate | c | | ${a} * 1000000000 |
`)
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	runSteps(t, s, []step{
		{path: "a", value: "3", wantPath: "big", want: "2147483647"},
		{wantPath: "neg", want: "-2147483648"},
		{wantPath: "half", want: "-1"},
		{wantPath: "fixed", want: "2147483647"},
		{wantPath: "c", want: "3000000000"},
		{path: "a", value: "2", wantPath: "big", want: "2000000000"},
	})
	if _, err := s.Set("a", "3"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"big", "neg", "fixed"} {
		if p := s.Check(q); p != nil {
			t.Errorf("%s: %s; Collect finalizes it", q, p.Message)
		}
	}
}

// TestDecimalRepeatCountWarns: JavaRosa casts a repeat count's value to an Integer, so a
// repeat counted by a decimal question stops ODK Collect with an error as soon as it has
// an answer (ODK Web Forms makes no instance): the form loads with a warning saying so.
// tracer makes the whole part of a count in instances.
func TestDecimalRepeatCountWarns(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | repeat_count |
| | decimal | n | N | |
| | begin_repeat | r | R | ${n} |
| | text | q | Q | |
| | end_repeat | | | |
`)
	var ws []string
	for _, w := range f.Warnings {
		ws = append(ws, w.Error())
	}
	if want := `line 5, sheet survey, column repeat_count: repeat_count of repeat "r" reads decimal "n": ODK Collect stops with an error`; !strings.Contains(strings.Join(ws, "\n"), want) {
		t.Errorf("warnings %q, want one containing %q", ws, want)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	if _, err := s.Set("n", "2.5"); err != nil {
		t.Fatal(err)
	}
	if got := s.Instances("r"); got != 2 {
		t.Errorf("instances for a count of 2.5: %d, want 2", got)
	}
}

// TestWhatTracerDoesNotDoIsSaid: an entities sheet, a save_to column and a public_key
// compile in pyxform for ODK Central and Collect; tracer runs the rest of the form and
// says, in a warning naming the sheet and column, what it does not do.
func TestWhatTracerDoesNotDoIsSaid(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | save_to |
| | text | tree | Tree | species |
| entities |
| | dataset | label |
| | trees | ${tree} |
| settings |
| | form_id | version | public_key |
| | trees | 1 | MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA |
`)
	var ws []string
	for _, w := range f.Warnings {
		ws = append(ws, w.Error())
	}
	got := strings.Join(ws, "\n")
	for _, want := range []string{
		"line 7, sheet entities: the entities sheet is not supported",
		"line 4, sheet survey, column save_to: save_to saves an answer to an entity",
		"line 10, sheet settings, column public_key: public_key: tracer does not encrypt",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings %q, want one containing %q", got, want)
		}
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	runSteps(t, s, []step{{path: "tree", value: "mango", want: "mango"}})
}

// TestParametersPyxformRefuses: pyxform's range validator (RANGE_001 to RANGE_006), its
// generic parameter check (a name the type does not take, a part without =) and its check
// of a select_one_from_file's file name.
func TestParametersPyxformRefuses(t *testing.T) {
	row := func(typ, params string) string {
		return `
| survey |
| | type | name | label | parameters |
| | ` + typ + ` | q | Q | ` + params + ` |
| choices |
| | list_name | name | label |
| | l | 1 | One |
`
	}
	for _, c := range []struct{ typ, params, want string }{
		{"range", "start=a end=10 step=1", "range parameter start=a is not a number"},
		{"range", "start=1 end=10 step=0", "range step must not be 0"},
		{"range", "start=1 end=3 step=5", "range step 5 is larger than the range from 1 to 3"},
		{"range", "start=1 end=10 stepp=2", "range takes the parameters end, placeholder, start, step, tick_interval, tick_labelset, not stepp"},
		{"range", "start=0 end=10 step=2 tick_interval=3", "range tick_interval 3 is not a multiple of the step 2"},
		{"range", "start=0 end=10 step=2 placeholder=3", "range placeholder 3 is not on a step of 2 from 0"},
		{"range", "start=0 end=10 step=2 placeholder=12", "range placeholder 12 is outside the range from 0 to 10"},
		{"range", "start=0 end=10 tick_labelset=nolist", `range tick_labelset "nolist" names no list`},
		{"range", "start 1", `parameters "start 1": write each as name=value ("start" has no =)`},
		{"select_one l", "randomise=true", "select_one takes the parameters randomize, seed, not randomise"},
		{"select_one_from_file cities.txt", "", `select_one_from_file cities.txt: the file name "cities.txt" should be a name with one extension, .csv, .xml or .geojson`},
		{"select_one_from_file cities.v2.csv", "", `select_one_from_file cities.v2.csv: the file name "cities.v2.csv" should be a name with one extension`},
	} {
		want := "line 4, sheet survey, column parameters: " + c.want
		if strings.HasPrefix(c.typ, "select_one_from_file") {
			want = "line 4, sheet survey, column type: " + c.want
		}
		if got := loadIssue(t, row(c.typ, c.params)); !strings.Contains(got, want) {
			t.Errorf("%s %s: load error %q, want it to contain %q", c.typ, c.params, got, want)
		}
	}
	for _, c := range []struct{ typ, params string }{
		{"range", "start=0 end=10 step=2 tick_interval=4 placeholder=6 tick_labelset=l"},
		{"range", "start=0.5;end=2.5;step=0.5"},
		{"select_one l", "randomize=true, seed=3"},
		{"select_one_from_file cities.csv", "value=code label=nama"},
	} {
		if got := loadIssue(t, row(c.typ, c.params)); got != "" {
			t.Errorf("%s %s: refused (%s), pyxform takes it", c.typ, c.params, got)
		}
	}
}

// TestOrOtherWithChoiceFilterIsRefused: pyxform refuses "Choice filter not supported with
// or_other" (its filter would leave out the "other" it adds, which has none of the list's
// columns, so ODK would never offer it).
func TestOrOtherWithChoiceFilterIsRefused(t *testing.T) {
	md := `
| survey |
| | type | name | label | choice_filter |
| | select_one prov | prov | Province | |
| | select_one city or_other | city | City | %s |
| choices |
| | list_name | name | label | prov |
| | prov | a | A | |
| | city | x | X | a |
`
	if got, want := loadIssue(t, strings.Replace(md, "%s", "prov = ${prov}", 1)), "line 5, sheet survey, column choice_filter: a choice_filter does not go with or_other"; !strings.Contains(got, want) {
		t.Errorf("load error %q, want it to contain %q", got, want)
	}
	if got := loadIssue(t, strings.Replace(md, "%s", "", 1)); got != "" {
		t.Errorf("or_other without a filter: %s", got)
	}
}

// TestParametersOfOtherTypesPyxformChecks: the parameters pyxform checks on text, image,
// audio and geo questions, and the value= and label= columns of a select from a file.
func TestParametersOfOtherTypesPyxformChecks(t *testing.T) {
	row := func(typ, params string) string {
		return "\n| survey |\n| | type | name | label | parameters |\n| | " + typ + " | q | Q | " + params + " |\n"
	}
	for _, c := range []struct{ typ, params, want string }{
		{"text", "rows=two", "rows=two is not a whole number"},
		{"text", "lines=2", "text takes the parameters rows, not lines"},
		{"image", "max-pixels=big", "max-pixels=big is not a whole number"},
		{"audio", "quality=best", "quality=best is not one of voice-only, low, normal, external"},
		{"geopoint", "capture-accuracy=near", "capture-accuracy=near is not a number"},
		{"geopoint", "allow-mock-accuracy=yes", "allow-mock-accuracy=yes is neither true nor false"},
		{"geotrace", "capture-accuracy=5", "geotrace takes the parameters allow-mock-accuracy, incremental, not capture-accuracy"},
		{"geotrace", "incremental=false", "incremental=false: a geotrace takes only incremental=true (or yes)"},
		{"geoshape", "incremental=1", "incremental=1: a geoshape takes only incremental=true (or yes)"},
		{"image", "app=camera", "app=camera is not an Android package name: it needs at least one '.'"},
		{"image", "app=com.example.", "app=com.example. is not an Android package name: it cannot end in '.'"},
		{"image", "app=com..cam", "app=com..cam is not an Android package name: a part between dots is empty"},
		{"image", "app=com._cam", "app=com._cam is not an Android package name: a part cannot start with '_'"},
		{"image", "app=com.2cam", "app=com.2cam is not an Android package name: a part cannot start with a digit"},
		{"image", "app=com.ex-ample.cam", "app=com.ex-ample.cam is not an Android package name: it may hold only letters"},
		{"select_one_from_file kab.csv", "value=1code", "value=1code is not a column name"},
		{"select_one_from_file kab.csv", "label=nama*", "label=nama* is not a column name"},
	} {
		want := "line 4, sheet survey, column parameters: " + c.want
		if got := loadIssue(t, row(c.typ, c.params)); !strings.Contains(got, want) {
			t.Errorf("%s %s: load error %q, want it to contain %q", c.typ, c.params, got, want)
		}
	}
	for _, c := range []struct{ typ, params string }{
		{"text", "rows=3"},
		{"image", "max-pixels=1024"},
		{"image", "app=org.example.camera_2 max-pixels=640"},
		{"geotrace", "incremental=true"},
		{"geoshape", "incremental=yes allow-mock-accuracy=false"},
		{"audio", "quality=voice-only"},
		{"geopoint", "capture-accuracy=5 warning-accuracy=10.5 allow-mock-accuracy=true"},
		{"select_one_from_file kab.csv", "value=kode_kab label=nama.kab"},
	} {
		if got := loadIssue(t, row(c.typ, c.params)); got != "" {
			t.Errorf("%s %s: refused (%s), pyxform takes it", c.typ, c.params, got)
		}
	}
}

// TestSearchAndTableListsPyxformRefuses: a list that a search() select and a plain select
// share (test_search_function.py), and in a table-list group a choice filter on the first
// select or selects of different lists (xls2json's table-list checks).
func TestSearchAndTableListsPyxformRefuses(t *testing.T) {
	for _, c := range []struct{ name, md, want string }{
		{"search() list shared", `
| survey |
| | type | name | label | appearance |
| | select_one regs | a | A | search('regencies') |
| | select_one regs | b | B | |
| choices |
| | list_name | name | label |
| | regs | name | label |`, `line 4, sheet survey, column appearance: "a" uses search() with the list regs, also used without search() by "b" (row 5)`},
		{"table-list first select filtered", `
| survey |
| | type | name | label | appearance | choice_filter |
| | text | t | T | | |
| | begin_group | g | G | table-list | |
| | select_one yn | a | A | | name != ${t} |
| | select_one yn | b | B | | |
| | end_group | | | | |
| choices |
| | list_name | name | label |
| | yn | y | Yes |`, `line 6, sheet survey, column choice_filter: a choice_filter on the first select of table-list group "g"`},
		{"table-list of two lists", `
| survey |
| | type | name | label | appearance |
| | begin_group | g | G | table-list |
| | select_one yn | a | A | |
| | select_one abc | b | B | |
| | end_group | | | |
| choices |
| | list_name | name | label |
| | yn | y | Yes |
| | abc | a | A |`, `line 6, sheet survey, column type: select "b" of table-list group "g" uses list abc, the first select "a" list yn`},
	} {
		if got := loadIssue(t, c.md); !strings.Contains(got, c.want) {
			t.Errorf("%s: load error %q, want it to contain %q", c.name, got, c.want)
		}
	}
}

// TestChoiceLabelReferencesShowTheAnswer: pyxform writes a ${name} in a choice's label as an
// <output/> that ODK fills in with the answer (test_choices_sheet.py,
// test_label_from_reference), and refuses one that names no question; a select inside a
// repeat reads the answer of its own instance.
func TestChoiceLabelReferencesShowTheAnswer(t *testing.T) {
	if got, want := loadIssue(t, `
| survey |
| | type | name | label |
| | select_one c1 | q1 | Q1 |
| choices |
| | list_name | name | label::English (en) |
| | c1 | n1 | ${q1x} |`), `line 7, sheet choices, column label::English (en): ${q1x} in the label of choice "n1" (list c1) refers to a question that does not exist`; !strings.Contains(got, want) {
		t.Errorf("load error %q, want it to contain %q", got, want)
	}
	f := mustParse(t, `
| survey |
| | type | name | label |
| | text | hh | Head |
| | select_one c1 | q1 | Q1 |
| | begin_repeat | m | Member |
| | text | mname | Name |
| | select_one c2 | rel | Relation |
| | end_repeat | | |
| choices |
| | list_name | name | label |
| | c1 | n1 | Head is ${hh} |
| | c1 | n2 | Again: ${q1} |
| | c2 | sp | Spouse of ${hh}, not ${mname} |
`)
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	runSteps(t, s, []step{{path: "hh", value: "Budi", want: "Budi"}, {path: "q1", value: "n1", want: "n1"}})
	got := []string{}
	for _, c := range s.Choices("q1") {
		got = append(got, s.ChoiceLabel(c))
	}
	if want := "Head is Budi|Again: Head is ${hh}"; strings.Join(got, "|") != want {
		t.Errorf("q1's choices read %q, want %q", strings.Join(got, "|"), want)
	}
	for _, inst := range []string{"m[1]", "m[2]"} {
		if s.Instances("m") < 2 && s.NodeAt(inst+"/mname") == nil {
			if _, err := s.AddInstance("m"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Set(inst+"/mname", "Ani "+inst); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := s.ChoiceLabelAt("m[2]/rel", s.Choices("m[2]/rel")[0]), "Spouse of Budi, not Ani m[2]"; got != want {
		t.Errorf("m[2]/rel's choice reads %q, want %q", got, want)
	}
	var x bytes.Buffer
	if err := forms.WriteXForm(&x, f); err != nil {
		t.Fatal(err)
	}
	if want := `<value>Head is <output value="/data/hh"/></value>`; !strings.Contains(x.String(), want) {
		t.Errorf("the XForm lacks %s", want)
	}
}

// TestSettingsNameMustBeAnXMLName: pyxform names the XForm's root element with the
// settings sheet's name, and refuses one that is no XML name (NAMES008).
func TestSettingsNameMustBeAnXMLName(t *testing.T) {
	form := "\n| survey |\n| | type | name | label |\n| | integer | a | A |\n| settings |\n| | form_id | name |\n| | x | %s |\n"
	if got, want := loadIssue(t, strings.Replace(form, "%s", "1hh", 1)), `line 7, sheet settings, column name: the form's name "1hh" is not allowed`; !strings.Contains(got, want) {
		t.Errorf("load error %q, want it to contain %q", got, want)
	}
	if got := loadIssue(t, strings.Replace(form, "%s", "household_2026", 1)); got != "" {
		t.Errorf("a valid name: %s", got)
	}
}

// TestListWhoseFirstChoiceHasNoLabelIsRefused: pyxform writes a choice without a label as
// an item without a label element, and ODK Collect refuses the form ("<label> node for
// itemset doesn't exist", JavaRosa checking the list's first item;
// test_choices_without_labels__for_static_selects__forbidden). In a form of itext (here
// translated) the items carry an itextId instead, and the form loads.
func TestListWhoseFirstChoiceHasNoLabelIsRefused(t *testing.T) {
	if got, want := loadIssue(t, `
| survey |
| | type | name | label |
| | select_one choices | a | A |
| choices |
| | list_name | name | label |
| | choices | 1 | |
| | choices | 2 | Two |`), `line 7, sheet choices, column label: choice "1", the first of list choices, has no label`; !strings.Contains(got, want) {
		t.Errorf("load error %q, want it to contain %q", got, want)
	}
	// pyxform decides itext per list: in a translated form, a list none of whose choices
	// has a translated label is written with label elements, so its first needs one.
	if got, want := loadIssue(t, `
| survey |
| | type | name | label::English (en) |
| | select_one choices | a | A |
| choices |
| | list_name | name | label::English (en) |
| | choices | 1 | |`), `choice "1", the first of list choices, has no label`; !strings.Contains(got, want) {
		t.Errorf("translated form, list with no label: load error %q, want it to contain %q", got, want)
	}
	for name, md := range map[string]string{
		"a later choice without a label": `
| survey |
| | type | name | label |
| | select_one choices | a | A |
| choices |
| | list_name | name | label |
| | choices | 1 | One |
| | choices | 2 | |`,
		"a list with a translated label": `
| survey |
| | type | name | label::English (en) |
| | select_one choices | a | A |
| choices |
| | list_name | name | label::English (en) |
| | choices | 1 | |
| | choices | 2 | Two |`,
		"a list no select uses": `
| survey |
| | type | name | label |
| | text | a | A |
| choices |
| | list_name | name | label |
| | choices | 1 | |`,
	} {
		if got := loadIssue(t, md); got != "" {
			t.Errorf("%s: refused: %s", name, got)
		}
	}
}

// TestRepeatCountOutsideARepeatIsIgnored: pyxform writes a repeat_count on a group or a
// question as a jr:count attribute of its control, which ODK ignores; the form loads, with a
// warning, and the group is asked as any group.
func TestRepeatCountOutsideARepeatIsIgnored(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | repeat_count |
| | integer | n | N | |
| | begin_group | g | G | ${n} |
| | text | a | A | |
| | end_group | | | |
`)
	var ws []string
	for _, w := range f.Warnings {
		ws = append(ws, w.Error())
	}
	if want := `line 5, sheet survey, column repeat_count: repeat_count on group "g", which is not a repeat: it is ignored`; !strings.Contains(strings.Join(ws, "\n"), want) {
		t.Errorf("warnings %q, want one containing %q", ws, want)
	}
	s := forms.NewSession(f, forms.Options{Location: time.UTC})
	runSteps(t, s, []step{{path: "n", value: "3", want: "3"}, {path: "g/a", value: "x", want: "x"}})
}

// TestChoicesColumnAliases: the choices sheet takes the columns pyxform's list_header
// takes (list_name or "list name", value for name, caption for label) and no others: a
// column named list, option or choice is a column like any other (a choice filter may read
// it), and a sheet that has only such a column is refused with a message naming it.
func TestChoicesColumnAliases(t *testing.T) {
	survey := "| survey |\n| | type | name | label | choice_filter |\n| | select_one c | q | Q | |\n| | select_one c | r | R | list = 'x' |\n| choices |\n"
	for _, header := range []string{"list_name | name | label", "list name | name | label", "list_name | value | label", "list_name | name | caption", "List_Name | Name | Label"} {
		f := mustParse(t, survey+"| | "+header+" | list |\n| | c | a | A | x |\n| | c | b | B | y |\n")
		cs := f.Lists["c"]
		if cs == nil || len(cs.Choices) != 2 || cs.Choices[0].Name != "a" || cs.Choices[0].Label.In("", nil) != "A" {
			t.Errorf("%s: list c %+v, want choices a (labelled A) and b", header, cs)
		}
	}
	for _, tc := range []struct{ header, want string }{
		{"list | name | label", `the choices sheet has no list_name column ("list" is not one: pyxform reads the choice's list name only from a column named list_name or list name; rename it)`},
		{"listname | name | label", `"listname" is not one`},
		{"list_name | option | label", `the choices sheet has no name column ("option" is not one: pyxform reads the choice's name only from a column named name or value; rename it)`},
		{"list_name | choice | label", `"choice" is not one`},
	} {
		form := "| survey |\n| | type | name | label |\n| | select_one c | q | Q |\n| choices |\n| | " + tc.header + " |\n| | c | a | A |\n"
		if got := loadIssue(t, form); !strings.Contains(got, tc.want) {
			t.Errorf("%s: load error %q, want it to contain %q", tc.header, got, tc.want)
		}
	}
}
