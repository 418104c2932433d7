package forms_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"tracer/forms"
)

// This file is the ODK conformance suite: small XLSForms (pyxform's Markdown) that pin down
// how ODK Collect and pyxform behave where real forms depend on it. Each test is named after
// the behaviour it holds.

// step is one move of a table test on a session: set path to value and expect a refusal
// (refused) or not; or, with value empty and check set, read path and expect want.
type step struct {
	path, value string
	refused     bool   // Set must return a Problem
	msg         string // the Problem's message must contain this
	want        string // after the move, the value at path (or at wantPath) must be this
	wantPath    string
	relevant    *bool // after the move, wantPath (or path) must be relevant or not
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func runSteps(t *testing.T, s *forms.Session, steps []step) {
	t.Helper()
	for i, st := range steps {
		if st.value != "" || st.refused {
			p, err := s.Set(st.path, st.value)
			if err != nil {
				t.Fatalf("step %d: Set(%s, %q): %v", i, st.path, st.value, err)
			}
			switch {
			case st.refused && p == nil:
				t.Fatalf("step %d: Set(%s, %q) accepted, want a refusal", i, st.path, st.value)
			case !st.refused && p != nil:
				t.Fatalf("step %d: Set(%s, %q) refused: %s", i, st.path, st.value, p.Message)
			case p != nil && !strings.Contains(p.Message, st.msg):
				t.Fatalf("step %d: Set(%s, %q) refused with %q, want it to contain %q", i, st.path, st.value, p.Message, st.msg)
			}
		}
		at := st.wantPath
		if at == "" {
			at = st.path
		}
		if st.wantPath != "" || st.want != "" {
			if got := s.Value(at); got != st.want {
				t.Fatalf("step %d: value at %s = %q, want %q", i, at, got, st.want)
			}
		}
		if st.relevant != nil {
			if got := s.Relevant(at); got != *st.relevant {
				t.Fatalf("step %d: relevant(%s) = %v, want %v", i, at, got, *st.relevant)
			}
		}
	}
}

// TestOwnNameInItsExpressionsReadsTheValueBeingChecked: in ODK ${x} is the absolute path
// of x, so inside x's own constraint it names the node being validated, which holds the new
// value, exactly as "." does. The same holds for a path that names x, and for x's
// constraint message.
func TestOwnNameInItsExpressionsReadsTheValueBeingChecked(t *testing.T) {
	const form = `
| survey |
| | type | name | label | constraint | constraint_message |
| | integer | age_months | Age | ${age_months} >= 0 and ${age_months} <= 216 | ${age_months} is not 0-216 |
| | integer | kids | Kids | ../kids < 20 | |
| | select_one color | color | Colour | jr:choice-name(${color}, '${color}') != 'Red' | ${color} is not allowed |
| | begin repeat | member | Member | | |
| | integer | m_age | Age | ${m_age} < 120 and current()/../m_age >= 0 and indexed-repeat(${m_age}, ${member}, position(..)) != 99 | |
| | end repeat | | | | |
| | decimal | w | Weight | ${w} > ${age_months} div 100 | |
| choices |
| | list_name | name | label |
| | color | red | Red |
| | color | blue | Blue |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "age_months", value: "12", want: "12"},
		{path: "age_months", value: "300", refused: true, msg: "300 is not 0-216", want: "12"},
		{path: "age_months", value: "216", want: "216"},
		{path: "kids", value: "3", want: "3"},
		{path: "kids", value: "25", refused: true, want: "3"},
		{path: "color", value: "red", refused: true, msg: "Red is not allowed"},
		{path: "color", value: "blue", want: "blue"},
		{path: "w", value: "3", want: "3"},
		{path: "w", value: "1", refused: true, want: "3"},
	})
	inst, err := s.AddInstance("member")
	if err != nil {
		t.Fatal(err)
	}
	runSteps(t, s, []step{
		{path: inst + "/m_age", value: "40", want: "40"},
		{path: inst + "/m_age", value: "130", refused: true, want: "40"},
		{path: inst + "/m_age", value: "99", refused: true, want: "40"},
	})
}

// TestRelativePathsFollowTheContextNode: ".", "..", "../x", "../../x", "./x" and
// current()/../x are evaluated from the question whose column holds them, inside and
// outside groups and repeats.
func TestRelativePathsFollowTheContextNode(t *testing.T) {
	const form = `
| survey |
| | type | name | label | relevant | calculation | choice_filter |
| | select_one place | place | Place | | | |
| | text | hf_name | Facility | ../place = 'hf' | | |
| | calculate | is_hf | | | if(selected(../place, 'hf'), 1, 0) | |
| | begin group | g | G | | | |
| | begin group | inner | Inner | ../../place != 'home' | | |
| | text | deep | Deep | | | |
| | calculate | deep_copy | | | concat(current()/../deep, '!') | |
| | end group | | | | | |
| | calculate | via_dot | | | string-length(./../inner/deep) | |
| | end group | | | | | |
| | begin repeat | member | Member | | | |
| | integer | age | Age | | | |
| | select_one yn | works | Works? | ../age >= 15 | | |
| | calculate | older | | | ../age + /data/place_years | |
| | end repeat | | | | | |
| | integer | place_years | Years | | | |
| | calculate | n_members | | | count(../member) | |
| | calculate | ages | | | sum(/data/member/age) | |
| | select_one prov | prov | Province | | | |
| | select_one reg | reg | Regency | | | prov = current()/../prov |
| choices |
| | list_name | name | label | prov |
| | place | hf | Health facility | |
| | place | home | Home | |
| | yn | yes | Yes | |
| | yn | no | No | |
| | prov | 64 | Kaltim | |
| | prov | 63 | Kalsel | |
| | reg | 6474 | Bontang | 64 |
| | reg | 6371 | Banjarmasin | 63 |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "place", value: "hf", wantPath: "is_hf", want: "1"},
		{path: "hf_name", relevant: yes()},
		{path: "g/inner/deep", relevant: yes()},
		{path: "place", value: "home", wantPath: "is_hf", want: "0"},
		{path: "hf_name", relevant: no()},
		{path: "g/inner/deep", relevant: no()},
		{path: "place", value: "hf"},
		{path: "g/inner/deep", value: "abc", wantPath: "g/inner/deep_copy", want: "abc!"},
		{wantPath: "g/via_dot", want: "3"},
		{path: "place_years", value: "2"},
	})
	a, _ := s.AddInstance("member")
	b, _ := s.AddInstance("member")
	runSteps(t, s, []step{
		{path: a + "/age", value: "40", wantPath: a + "/older", want: "42"},
		{path: b + "/age", value: "9", wantPath: b + "/older", want: "11"},
		{wantPath: "n_members", want: "2"},
		{wantPath: "ages", want: "49"},
		{path: a + "/works", relevant: yes()},
		{path: b + "/works", relevant: no()},
		{path: "prov", value: "63"},
		{path: "reg", value: "6474", refused: true},
		{path: "reg", value: "6371", want: "6371"},
	})
}

// TestPathThatNamesNoNodeIsALoadError: a path naming nothing is refused when the form
// loads, with its row and column, never evaluated as an empty value.
func TestPathThatNamesNoNodeIsALoadError(t *testing.T) {
	tests := []struct {
		name, md, want string
	}{
		{"misspelt sibling", `
| survey |
| | type | name | label | relevant |
| | text | place | Place | |
| | text | q | Q | ../plce = 'hf' |`, `line 5, sheet survey, column relevant: in "../plce = 'hf'": at column 1: ../plce names no node: the form's root has no question or group named "plce"`},
		{"above the root", `
| survey |
| | type | name | label | calculation |
| | calculate | c | | ../../x |`, "column calculation: in \"../../x\": at column 1: ../../x names no node: it goes above the form's root"},
		{"child of a question", `
| survey |
| | type | name | label | constraint |
| | integer | q | Q | ./x > 1 |`, `column constraint: in "./x > 1": at column 1: ./x names no node: integer q (row 4) is not a group, it has no child "x"`},
		{"absolute path to nothing", `
| survey |
| | type | name | label | calculation |
| | text | q | Q | |
| | calculate | c | | /data/g/q |`, `column calculation: in "/data/g/q": at column 1: /data/g/q names no node: the form's root has no question or group named "g"`},
		{"current() path in a repeat", `
| survey |
| | type | name | label | relevant |
| | begin repeat | r | R | |
| | text | a | A | |
| | text | b | B | current()/../c != '' |
| | end repeat | | | |`, `names no node: repeat r (row 4) has no question or group named "c"`},
		{"choice filter column", `
| survey |
| | type | name | label | choice_filter |
| | select_one l | q | Q | provinsi = 1 |
| choices |
| | list_name | name | label | prov |
| | l | a | A | 1 |`, `column choice_filter: in "provinsi = 1": at column 1: provinsi names no node: the choices of list l have no column "provinsi" (they have name, label, prov)`},
		{"instance predicate column", `
| survey |
| | type | name | label | calculation |
| | text | q | Q | |
| | calculate | c | | instance('l')/root/item[provinsi = current()/../q]/label |
| choices |
| | list_name | name | label | prov |
| | l | a | A | 1 |`, `the choices of list l have no column "provinsi"`},
		{"text naming no question", `
| survey |
| | type | name | label | hint::Bahasa Indonesia (id) |
| | text | q | Hello ${nama} | |
| | text | r | R | Untuk ${q} dan ${nam} |`, "line 4, sheet survey, column label: ${nama} in the text refers to a question that does not exist\n" +
			"test.md: line 5, sheet survey, column hint::Bahasa Indonesia (id): ${nam} in the text refers to a question that does not exist"},
		{"text naming a name two groups use", `
| survey |
| | type | name | label |
| | begin group | a | A |
| | text | phone | Phone |
| | end group | | |
| | begin group | b | B |
| | text | phone | Phone |
| | select_one l | q | Call ${phone}? |
| | end group | | |
| choices |
| | list_name | name | label |
| | l | y | Yes, ${phone} |`, "line 9, sheet survey, column label: ${phone} in the text is ambiguous: that name is used on rows 5, 8\n" +
			"test.md: line 13, sheet choices, column label: ${phone} in the label of choice \"y\" (list l) is ambiguous: that name is used on rows 5, 8"},
		{"filter on a question", `
| survey |
| | type | name | label | calculation |
| | begin repeat | member | Member | |
| | integer | age | Age | |
| | end repeat | | | |
| | calculate | first_age | | /data/member/age[1] |`, `column calculation: in "/data/member/age[1]": at column 1: /data/member/age[1]: a [...] filter may follow only a repeat, and integer age (row 5) is not one`},
		{"filter on a reference that names nothing", `
| survey |
| | type | name | label | calculation |
| | begin repeat | member | Member | |
| | integer | age | Age | |
| | end repeat | | | |
| | calculate | n | | count(${membr}[age > 1]) |`, `column calculation: ${membr} refers to a question that does not exist`},
		{"choice-name of nothing", `
| survey |
| | type | name | label | calculation |
| | select_one l | q | Q | |
| | text | t | T | |
| | calculate | c | | jr:choice-name(${q}, '${qq}') |
| | calculate | d | | jr:choice-name(${t}, '${t}') |
| choices |
| | list_name | name | label |
| | l | a | A |`, "line 6, sheet survey, column calculation: ${qq} refers to a question that does not exist\n" +
			"test.md: line 7, sheet survey, column calculation: jr:choice-name() names text \"t\", which has no choice list"},
		{"instance name", `
| survey |
| | type | name | label |
| | text | q | Q |
| settings |
| | instance_name |
| | concat(/data/qq, 'x') |`, `column instance_name: in "concat(/data/qq, 'x')": at column 8: /data/qq names no node`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := forms.Parse("test.md", []byte(tt.md))
			if err == nil {
				t.Fatalf("form loaded; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
		})
	}
}

// TestFormsODKAcceptsLoad: what ODK, Enketo or pyxform accept loads, with a warning where
// the form is not written as XLSForm says.
func TestFormsODKAcceptsLoad(t *testing.T) {
	const form = `
| survey |
| | type | name | label | constraint | calculation | choice_filter |
| | integer | weight | Weight | . &gt;= 1 and . &lt;= 200 | | |
| | text | a | A | | | x = 1 |
| | text | b | B | | | |
| | calculate | first | | | coalesce(${a}, ${b}, 'none') | |
| | date | dob | Birth date | | | |
| | calculate | age_days | | | cht:difference-in-days(${dob}, '2026-11-20') | |
| | calculate | age_months | | | difference-in-months(${dob}, '2026-11-20') | |
| | calculate | due | | | format-date(add-date(${dob}, 0, 9), '%Y-%m-%d') | |
`
	f := mustParse(t, form)
	var warnings []string
	for _, w := range f.Warnings {
		warnings = append(warnings, w.Error())
	}
	all := strings.Join(warnings, "\n")
	for _, want := range []string{
		`line 4, sheet survey, column constraint: XML escapes in ". &gt;= 1 and . &lt;= 200" are read as ". >= 1 and . <= 200"`,
		`line 5, sheet survey, column choice_filter: choice_filter on text "a", which is not a select: it is ignored`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings:\n%s\nwant one containing %q", all, want)
		}
	}
	s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }})
	runSteps(t, s, []step{
		{path: "weight", value: "0", refused: true},
		{path: "weight", value: "201", refused: true},
		{path: "weight", value: "70", want: "70"},
		{wantPath: "first", want: "none"},
		{path: "b", value: "bee", wantPath: "first", want: "bee"},
		{path: "a", value: "ay", wantPath: "first", want: "ay"},
		{path: "dob", value: "2026-01-20", wantPath: "age_days", want: "304"},
		{wantPath: "age_months", want: "10"},
		{wantPath: "due", want: "2026-10-20"},
	})
}

// TestOtherEnginesFunctionsAreRefusedByName: a function tracer cannot evaluate is a load
// error that names it and says it is not ODK.
func TestOtherEnginesFunctionsAreRefusedByName(t *testing.T) {
	_, err := forms.Parse("test.md", []byte(`
| survey |
| | type | name | label | calculation |
| | decimal | w | Weight | |
| | calculate | z | | z-score('weight-for-age', 'male', 12, ${w}) |`))
	if err == nil || !strings.Contains(err.Error(), "line 5, sheet survey, column calculation") ||
		!strings.Contains(err.Error(), "z-score() is a Community Health Toolkit (CHT) extension, not in ODK") {
		t.Fatalf("err = %v, want a load error naming z-score() as not in ODK", err)
	}
}

// TestOrOtherAddsTheChoiceAndTheSpecifyQuestion: "select_one l or_other" offers the choice
// "other" (labelled in the form's language) and asks <name>_other, a text question, only
// when "other" is selected, for select_one and select_multiple alike.
func TestOrOtherAddsTheChoiceAndTheSpecifyQuestion(t *testing.T) {
	const form = `
| survey |
| | type | name | label::English (en) | label::Bahasa Indonesia (id) |
| | select_one colors or_other | color | Colour | Warna |
| | select_multiple colors or_other | colors | Colours | Warna-warna |
| | select_one colors or specify other | color2 | Colour | Warna |
| | select_one colors or other | color3 | Colour | Warna |
| | text | after | After | Sesudah |
| choices |
| | list_name | name | label::English (en) | label::Bahasa Indonesia (id) |
| | colors | red | Red | Merah |
| | colors | blue | Blue | Biru |
`
	f := mustParse(t, form)
	for _, name := range []string{"color_other", "colors_other", "color2_other", "color3_other"} { // pyxform's three spellings
		n := f.Node(name)
		if n == nil || n.Type != "text" || n.Kind != forms.KindQuestion {
			t.Fatalf("node %s = %+v, want a text question", name, n)
		}
	}
	s := forms.NewSession(f, forms.Options{Lang: "id", Now: func() time.Time { return fixedNow }})
	var names, labels []string
	for _, c := range s.Choices("color") {
		names = append(names, c.Name)
		labels = append(labels, s.ChoiceLabel(c))
	}
	if got := strings.Join(names, " "); got != "red blue other" {
		t.Fatalf("choices = %s, want red blue other", got)
	}
	if got := labels[2]; got != "Lainnya" {
		t.Fatalf("label of other in Indonesian = %q, want Lainnya", got)
	}
	if err := s.SetLang("en"); err != nil {
		t.Fatal(err)
	}
	if got := s.ChoiceLabel(s.Choices("colors")[2]); got != "Other" {
		t.Fatalf("label of other in English = %q, want Other", got)
	}
	if got := s.Label("color_other"); got != "Specify other." {
		t.Fatalf("label of color_other = %q, want pyxform's %q", got, "Specify other.")
	}
	var order []string
	for _, st := range s.Stops() {
		order = append(order, st.Path)
	}
	if got := strings.Join(order, " "); got != "color colors color2 color3 after" {
		t.Fatalf("stops before any answer = %s, want color colors color2 color3 after", got)
	}
	runSteps(t, s, []step{
		{path: "color", value: "red", wantPath: "color_other", relevant: no()},
		{path: "color", value: "other", wantPath: "color_other", relevant: yes()},
		{path: "color_other", value: "teal", want: "teal"},
		{path: "colors", value: "other blue", want: "blue other"},
		{wantPath: "colors_other", relevant: yes()},
		{path: "colors", value: "purple", refused: true},
		{path: "color2", value: "other", wantPath: "color2_other", relevant: yes()},
	})
	order = order[:0]
	for _, st := range s.Stops() {
		order = append(order, st.Path)
	}
	if got := strings.Join(order, " "); got != "color color_other colors colors_other color2 color2_other color3 after" {
		t.Fatalf("stops = %s, want the specify questions right after their selects", got)
	}
}

// TestTypedAnswersAreStoredAsODKStoresThem: dates of appearance year and month-year,
// times and dateTimes with the enumerator's offset, decimals typed with a comma, and
// integers, as ODK writes them; ambiguous numbers are refused, never guessed.
func TestTypedAnswersAreStoredAsODKStoresThem(t *testing.T) {
	const form = `
| survey |
| | type | name | label | appearance |
| | date | grad_year | Year of graduation | year |
| | date | first_job | Month of first job | month-year |
| | date | dob | Birth date | |
| | time | t | Time | |
| | dateTime | dt | Date and time | |
| | decimal | wage | Wage (million) | |
| | range | score | Score | |
| | integer | n | Count | |
`
	wib := time.FixedZone("WIB", 7*3600)
	s := forms.NewSession(mustParse(t, form), forms.Options{Now: func() time.Time { return fixedNow }, Location: wib})
	runSteps(t, s, []step{
		{path: "grad_year", value: "2021", want: "2021-01-01"},
		{path: "grad_year", value: "2021-01-01", want: "2021-01-01"},
		{path: "grad_year", value: "2021-05-17", refused: true, msg: "YYYY", want: "2021-01-01"},
		{path: "first_job", value: "2022-03", want: "2022-03-01"},
		{path: "first_job", value: "04/2022", want: "2022-04-01"},
		{path: "first_job", value: "2022-13", refused: true, want: "2022-04-01"},
		{path: "dob", value: "2001-02-29", refused: true},
		{path: "dob", value: "2000-02-29", want: "2000-02-29"},
		{path: "t", value: "08:15", want: "08:15:00.000+07:00"},
		{path: "t", value: "08:15:00.000+08:00", want: "08:15:00.000+08:00"},
		{path: "dt", value: "2026-11-20 08:15", want: "2026-11-20T08:15:00.000+07:00"},
		{path: "dt", value: "2026-11-20T08:15:00Z", want: "2026-11-20T08:15:00.000+00:00"},
		{path: "wage", value: "4,5", want: "4.5"},
		{path: "wage", value: "4.5", want: "4.5"},
		{path: "wage", value: "0,125", want: "0.125"},
		{path: "wage", value: "-2,75", want: "-2.75"},
		{path: "wage", value: "1,234,5", refused: true, msg: "reads two ways", want: "-2.75"},
		{path: "wage", value: "1.234,5", refused: true, msg: "reads two ways", want: "-2.75"},
		{path: "wage", value: "1,234", refused: true, msg: "reads two ways", want: "-2.75"},
		{path: "wage", value: "1e3", refused: true, want: "-2.75"},
		{path: "wage", value: "10.50", want: "10.5"},
		{path: "score", value: "7,0", want: "7"},
		{path: "n", value: "007", want: "7"},
		{path: "n", value: "4,5", refused: true, want: "7"},
		{path: "n", value: "6.500.000", want: "6500000"},
		{path: "n", value: "-1,250,000", want: "-1250000"},
		{path: "n", value: "1.23.456", refused: true, want: "-1250000"},
		{path: "n", value: "1.250,000", refused: true, want: "-1250000"},
		{path: "n", value: "12.5", refused: true, want: "-1250000"},
	})
}

// TestStartAndEndAreWrittenInTheEnumeratorsZone: start, end and now() carry the
// enumerator's offset, not UTC.
func TestStartAndEndAreWrittenInTheEnumeratorsZone(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation |
| | start | start | | |
| | end | end | | |
| | calculate | stamp | | now() |
| | text | q | Q | |
`
	wib := time.FixedZone("WIB", 7*3600)
	s := forms.NewSession(mustParse(t, form), forms.Options{Now: func() time.Time { return fixedNow }, Location: wib})
	if got, want := s.Value("start"), "2026-11-20T17:30:00.000+07:00"; got != want {
		t.Errorf("start = %s, want %s", got, want)
	}
	if got, want := s.Value("stamp"), "2026-11-20T17:30:00.000+07:00"; got != want {
		t.Errorf("now() = %s, want %s", got, want)
	}
	s.Record()
	if got, want := s.Value("end"), "2026-11-20T17:30:00.000+07:00"; got != want {
		t.Errorf("end = %s, want %s", got, want)
	}
}

// TestWhatTheEnumeratorIsShown: a question with appearance hidden is not asked but keeps its
// prefilled value; a select with appearance label (a table header) is shown and takes no
// answer; a note with only an image says what it would show.
func TestWhatTheEnumeratorIsShown(t *testing.T) {
	const form = `
| survey |
| | type | name | label | appearance | media::image | required | calculation |
| | text | rid | Roster ID | hidden | | | |
| | begin group | tbl | Ratings | field-list | | | |
| | select_one ok | hdr | | label | | yes | |
| | select_one ok | r1 | Teachers | list-nolabel | | | |
| | end group | | | | | | |
| | note | map | | | map.png | | |
| | calculate | echo | | | | | ${rid} |
| choices |
| | list_name | name | label |
| | ok | good | Good |
| | ok | bad | Bad |
`
	f := mustParse(t, form)
	found := false
	for _, w := range f.Warnings {
		if strings.Contains(w.Error(), `appearance label (a table header): it takes no answer, so required is ignored`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning about required on a label select; warnings: %v", f.Warnings)
	}
	s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }, Prefill: map[string]string{"rid": "BTG-7"}})
	var stops []string
	for _, st := range s.Stops() {
		stops = append(stops, st.Path)
	}
	if got := strings.Join(stops, " "); got != "tbl/hdr tbl/r1 map" {
		t.Fatalf("stops = %s, want tbl/hdr tbl/r1 map (rid hidden)", got)
	}
	if got := s.Value("echo"); got != "BTG-7" {
		t.Fatalf("calculation from the hidden question = %q, want BTG-7", got)
	}
	if p, err := s.Set("tbl/hdr", "good"); err == nil || p != nil || !strings.Contains(err.Error(), "table header") {
		t.Fatalf("Set on a label select = %v, %v; want an error saying it is a table header", p, err)
	}
	if s.Value("tbl/hdr") != "" {
		t.Fatal("the table header kept an answer")
	}
	set(t, s, "tbl/r1", "bad")
	if probs := s.Problems(); len(probs) != 0 {
		t.Fatalf("problems = %v, want none (the header is not required)", probs[0])
	}
	if got := s.Label("map"); got != "[Image: map.png]" {
		t.Fatalf("label of an image-only note = %q, want [Image: map.png]", got)
	}
}

// TestCalculationsAreCastToTheQuestionsType: a calculation stores its result cast to the
// type of its question, as ODK casts it: an integer keeps its whole part, a date question
// computed as today() + 30 stores a date (XPath gives a number of days), a dateTime question
// a dateTime with the enumerator's offset.
func TestCalculationsAreCastToTheQuestionsType(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation | read_only |
| | integer | a | A | | |
| | integer | half | Half | ${a} div 2 | yes |
| | integer | neg | Neg | 0 - ${a} div 2 | yes |
| | date | due | Due | today() + 30 | yes |
| | dateTime | at | At | today() | yes |
| | decimal | ratio | Ratio | ${a} div 4 | yes |
| | calculate | raw | | ${a} div 2 | |
`
	s := forms.NewSession(mustParse(t, form), forms.Options{Now: func() time.Time { return fixedNow }, Location: time.FixedZone("WIB", 7*3600)})
	runSteps(t, s, []step{
		{path: "a", value: "5", wantPath: "half", want: "2"},
		{wantPath: "neg", want: "-2"},
		{wantPath: "due", want: "2026-12-20"},
		{wantPath: "at", want: "2026-11-20T00:00:00.000+07:00"},
		{wantPath: "ratio", want: "1.25"},
		{wantPath: "raw", want: "2.5"},
	})
	if p := s.Check("due"); p != nil {
		t.Fatalf("the computed date does not check: %s", p.Message)
	}
}

// TestChoiceFilterContextIsTheChoice: a choice filter is the predicate of the choice items,
// as pyxform writes it: "." and bare names are the choice and its columns, position() its
// place in the list, current() the question, ${x} the form.
func TestChoiceFilterContextIsTheChoice(t *testing.T) {
	const form = `
| survey |
| | type | name | label | choice_filter |
| | select_one l | first | First | |
| | select_one l | not_dot | Not the first | . != current()/../first |
| | select_one l | top2 | Top two | position() <= 2 |
| | select_one l | by_col | By column | grp = ${first} or name = 'c' |
| choices |
| | list_name | name | label | grp |
| | l | a | A | a |
| | l | b | B | a |
| | l | c | C | b |
`
	s := newSession(t, form)
	names := func(path string) string {
		var out []string
		for _, c := range s.Choices(path) {
			out = append(out, c.Name)
		}
		return strings.Join(out, " ")
	}
	set(t, s, "first", "b")
	for path, want := range map[string]string{"not_dot": "a c", "top2": "a b", "by_col": "c"} {
		if got := names(path); got != want {
			t.Errorf("choices of %s = %q, want %q", path, got, want)
		}
	}
	set(t, s, "first", "a")
	if got := names("by_col"); got != "a b c" {
		t.Errorf("choices of by_col = %q, want %q", got, "a b c")
	}
	runSteps(t, s, []step{
		{path: "not_dot", value: "a", refused: true},
		{path: "top2", value: "c", refused: true},
		{path: "top2", value: "b", want: "b"},
	})
}

// TestRestoredInterviewKeepsTheEnumeratorsCalendar: checked again elsewhere (a server whose
// clock reads UTC), an interview keeps the time zone its start was written in, so that
// today() is the enumerator's date: an answer of "today" given at 00:30 WIB is not refused
// as a future date on a server where it is still yesterday.
func TestRestoredInterviewKeepsTheEnumeratorsCalendar(t *testing.T) {
	const form = `
| survey |
| | type | name | label | constraint |
| | start | start | | |
| | date | visit | Visit date | . <= today() |
`
	f := mustParse(t, form)
	wib := time.FixedZone("WIB", 7*3600)
	at := time.Date(2026, 11, 21, 0, 30, 0, 0, wib) // 2026-11-20 17:30 UTC
	laptop := forms.NewSession(f, forms.Options{Now: func() time.Time { return at }, Location: wib})
	set(t, laptop, "visit", "2026-11-21")
	server := forms.NewSession(f, forms.Options{Now: func() time.Time { return at.UTC() }})
	if unknown := server.Restore(laptop.Answers()); len(unknown) > 0 {
		t.Fatalf("unknown paths %v", unknown)
	}
	if probs := server.Problems(); len(probs) > 0 {
		t.Fatalf("server check: %s: %s", probs[0].Name, probs[0].Message)
	}
	if got := server.Value("start"); got != "2026-11-21T00:30:00.000+07:00" {
		t.Fatalf("start = %s, want the enumerator's", got)
	}
}

// TestPositionOfAPathIsThePositionOfThatNode: position(path) is the position of the node the
// path names among its like-named siblings, as ODK's engine gives it: 1 for a node that is
// not a repeat instance (position(.) of a question outside any repeat), and for ../.. inside
// a repeat nested in another the index of the outer instance, not the inner one.
func TestPositionOfAPathIsThePositionOfThatNode(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation | repeat_count |
| | calculate | top | | position(.) | |
| | begin repeat | r | R | | 2 |
| | calculate | here | | position(..) | |
| | begin repeat | i | I | | 3 |
| | calculate | pair | | concat(position(../..), '.', position(..)) | |
| | end repeat | | | | |
| | end repeat | | | | |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{wantPath: "top", want: "1"},
		{wantPath: "r[2]/here", want: "2"},
		{wantPath: "r[1]/i[3]/pair", want: "1.3"},
		{wantPath: "r[2]/i[1]/pair", want: "2.1"},
	})
}

// TestLastInAPredicateIsTheNumberOfCandidates: last() (XPath 1.0) is the size of the
// candidates a predicate is tested on, so item[last()] is the last item of a list.
func TestLastInAPredicateIsTheNumberOfCandidates(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation | choice_filter |
| | calculate | lastname | | instance('c')/root/item[last()]/name | |
| | calculate | butlast | | count(instance('c')/root/item[position() < last()]) | |
| | select_one c | pick | Pick | | position() = last() |
| choices |
| | list_name | name | label |
| | c | a | A |
| | c | b | B |
| | c | z | Z |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{wantPath: "lastname", want: "z"},
		{wantPath: "butlast", want: "2"},
		{path: "pick", value: "b", refused: true},
		{path: "pick", value: "z", want: "z"},
	})
}

// TestCountCountsNodesAnsweredOrNot: count() of a question counts its nodes, as ODK does: an
// unanswered question outside repeats is one node, and a question in three repeat
// instances is three, whether answered and relevant or not. count() of a repeat counts its
// instances.
func TestCountCountsNodesAnsweredOrNot(t *testing.T) {
	const form = `
| survey |
| | type | name | label | relevant | calculation | repeat_count |
| | text | s | S | | | |
| | calculate | cs | | | count(${s}) | |
| | begin repeat | r | R | | | 3 |
| | integer | x | X | | | |
| | text | y | Y | ../x > 100 | | |
| | end repeat | | | | | |
| | calculate | cy | | | count(${y}) | |
| | calculate | cx | | | count(/data/r/x) | |
| | calculate | cr | | | count(${r}) | |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{wantPath: "cs", want: "1"},
		{wantPath: "cy", want: "3"},
		{wantPath: "cx", want: "3"},
		{wantPath: "cr", want: "3"},
		{path: "r[1]/x", value: "200", wantPath: "cy", want: "3"},
		{path: "s", value: "hi", wantPath: "cs", want: "1"},
	})
}

// TestPathOutOfARepeatAndBackReadsEveryInstance: inside repeat r, a path that climbs out of
// the instance and comes back down (../../r/x, or an absolute /data/r/x) names x in every
// instance of r, as in ODK; ${x} and ../x keep naming the same instance.
func TestPathOutOfARepeatAndBackReadsEveryInstance(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation | repeat_count |
| | begin repeat | r | R | | 3 |
| | integer | x | X | | |
| | calculate | all | | sum(../../r/x) | |
| | calculate | abs | | sum(/data/r/x) | |
| | calculate | mine | | sum(${x}) | |
| | calculate | sib | | ../x * 2 | |
| | calculate | n | | count(../../r/x) | |
| | end repeat | | | | |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "r[1]/x", value: "6"},
		{path: "r[2]/x", value: "5"},
		{path: "r[3]/x", value: "1"},
		{wantPath: "r[1]/all", want: "12"},
		{wantPath: "r[3]/all", want: "12"},
		{wantPath: "r[2]/abs", want: "12"},
		{wantPath: "r[2]/mine", want: "5"},
		{wantPath: "r[2]/sib", want: "10"},
		{wantPath: "r[2]/n", want: "3"},
		{path: "r[1]/x", value: "7", wantPath: "r[3]/all", want: "13"},
	})
}

// TestCalculationReadingAnotherInstanceFollowsIt: a calculation in repeat r that reads
// another instance (indexed-repeat(${x}, ${r}, 1), the previous member through
// position(..) - 1) is recomputed in every instance when that instance changes, as ODK
// does, not only in the instance that changed.
func TestCalculationReadingAnotherInstanceFollowsIt(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation | repeat_count |
| | begin repeat | r | R | | 3 |
| | integer | x | X | | |
| | calculate | first | | indexed-repeat(${x}, ${r}, 1) | |
| | calculate | prev | | if(position(..) > 1, indexed-repeat(${x}, ${r}, position(..) - 1), 'none') | |
| | end repeat | | | | |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "r[1]/x", value: "6", wantPath: "r[2]/first", want: "6"},
		{wantPath: "r[3]/first", want: "6"},
		{wantPath: "r[2]/prev", want: "6"},
		{wantPath: "r[1]/prev", want: "none"},
		{path: "r[2]/x", value: "5", wantPath: "r[3]/prev", want: "5"},
		{path: "r[1]/x", value: "7", wantPath: "r[2]/first", want: "7"},
		{wantPath: "r[3]/first", want: "7"},
		{wantPath: "r[2]/prev", want: "7"},
	})
}

// TestCalculationOnAnEditableQuestionFollowsWhatItReads: a calculation on a question the
// enumerator can edit gives its starting value and, as in ODK, replaces the answer, typed or
// not, each time what it reads changes so that it gives a new value; a change that leaves
// the result as it was keeps the typed answer, as ODK keeps it. Restoring a draft never
// recomputes an answer: the stored values come back exactly, and only a later change of
// what the calculation reads replaces them.
func TestCalculationOnAnEditableQuestionFollowsWhatItReads(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation |
| | integer | n | N | |
| | integer | dbl | Double | ${n} * 2 |
| | text | txt | Text | concat('t', ${n}) |
| | select_one ab | pick | Pick | if(${n} > 5, 'b', 'a') |
| | date | when | When | date('2026-01-01') + ${n} |
| | begin repeat | r | R | |
| | integer | x | X | |
| | integer | y | Y | ../x * 2 |
| | end repeat | | | |
| choices |
| | list_name | name | label |
| | ab | a | A |
| | ab | b | B |
| | ab | c | C |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "n", value: "3", wantPath: "dbl", want: "6"},
		{wantPath: "txt", want: "t3"},
		{wantPath: "pick", want: "a"},
		{wantPath: "when", want: "2026-01-04"},
		{path: "dbl", value: "100", want: "100"},
		{path: "txt", value: "typed", want: "typed"},
		{path: "pick", value: "c", want: "c"},
		{path: "n", value: "9", wantPath: "dbl", want: "18"},
		{wantPath: "txt", want: "t9"},
		{wantPath: "pick", want: "b"},
		{wantPath: "when", want: "2026-01-10"},
		{path: "pick", value: "c", want: "c"},
		{path: "n", value: "10", wantPath: "pick", want: "c"}, // still 'b': the typed answer stays
		{path: "dbl", value: "7", want: "7"},
	})
	for i := 0; i < 3; i++ {
		if _, err := s.AddInstance("r"); err != nil {
			t.Fatal(err)
		}
	}
	runSteps(t, s, []step{
		{path: "r[1]/x", value: "1", wantPath: "r[1]/y", want: "2"},
		{path: "r[2]/x", value: "2", wantPath: "r[2]/y", want: "4"},
		{path: "r[3]/x", value: "3", wantPath: "r[3]/y", want: "6"},
		{path: "r[1]/y", value: "11", want: "11"},
		{path: "r[3]/y", value: "33", want: "33"},
	})
	if _, err := s.AddInstance("r"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveInstance("r[2]"); err != nil {
		t.Fatal(err)
	}
	runSteps(t, s, []step{
		{wantPath: "r[1]/y", want: "11"},
		{wantPath: "r[2]/y", want: "33"},
		{wantPath: "dbl", want: "7"},
	})

	// A restored draft keeps every stored answer, computed or typed.
	saved := s.Answers()
	restored := []*forms.Session{newSession(t, form)}
	restored[0].Restore(saved)
	rs, _ := forms.RestoreSession(mustParse(t, form), forms.Options{Now: func() time.Time { return fixedNow }}, saved)
	restored = append(restored, rs)
	for i, s2 := range restored {
		for _, a := range saved {
			if got := s2.Value(a.Path); got != a.Value {
				t.Errorf("restore %d: %s = %q, want the stored %q", i, a.Path, got, a.Value)
			}
		}
		if got := s2.Answers(); !slices.Equal(got, saved) {
			t.Errorf("restore %d: answers\n got %v\nwant %v", i, got, saved)
		}
		runSteps(t, s2, []step{
			{path: "r[2]/x", value: "4", wantPath: "r[2]/y", want: "8"},
			{wantPath: "r[1]/y", want: "11"},
			{path: "n", value: "4", wantPath: "dbl", want: "8"},
			{wantPath: "txt", want: "t4"},
			{wantPath: "pick", want: "a"},
		})
	}
}

// TestDecimalDateTimeCountsTheInstant: decimal-date-time() is the days from
// 1970-01-01T00:00Z to the instant a dateTime names, whatever the session's zone, as ODK
// Collect (JavaRosa divides the instant's milliseconds by a day), ODK Web Forms and Enketo
// give it: 1970-01-01T07:00:00+07:00 is 0 in UTC and at +07:00. A dateTime written without
// an offset, and a date (its midnight), are read on the session's clock, and a number
// back from decimal-date-time() formats as the time it came from.
func TestDecimalDateTimeCountsTheInstant(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation |
| | calculate | d | | decimal-date-time('1970-01-01T07:00:00+07:00') * 24 |
| | calculate | local | | decimal-date-time('1970-01-01T07:00:00') * 24 |
| | calculate | day | | decimal-date-time('1970-01-02') * 24 |
| | calculate | back | | format-date-time(decimal-date-time('2026-01-02T23:30:00+07:00'), '%Y-%m-%d %H:%M') |
`
	for _, tc := range []struct {
		loc                 *time.Location
		d, local, day, back string
	}{
		{time.UTC, "0", "7", "24", "2026-01-02 16:30"},
		{time.FixedZone("WIB", 7*3600), "0", "0", "17", "2026-01-02 23:30"},
	} {
		s := forms.NewSession(mustParse(t, form), forms.Options{Location: tc.loc, Now: func() time.Time { return fixedNow }})
		for path, want := range map[string]string{"d": tc.d, "local": tc.local, "day": tc.day, "back": tc.back} {
			if got := s.Value(path); got != want {
				t.Errorf("in %s: %s = %q, want %q", tc.loc, path, got, want)
			}
		}
	}
}

// TestNonRelevantNodesStayInNodeSets: a question in repeat instances where it is not
// relevant is still a node of ${x} across the instances, with an empty value, as ODK reads
// it: join() writes an empty place for it, max() and sum() of a set with an empty value are
// empty, and count() of a repeat counts the instances that are not relevant too.
func TestNonRelevantNodesStayInNodeSets(t *testing.T) {
	const form = `
| survey |
| | type | name | label | relevant | calculation | repeat_count |
| | integer | hh | HH | | | |
| | begin repeat | r | R | | | 3 |
| | integer | flag | F | | | |
| | text | t | T | ${flag} = 1 | | |
| | integer | v | V | ${flag} = 1 | | |
| | end repeat | | | | | |
| | calculate | jn | | | join(',', ${t}) | |
| | calculate | mx | | | max(${v}) | |
| | calculate | sm | | | sum(${v}) | |
| | begin repeat | r2 | R2 | ${hh} = 1 | | 2 |
| | integer | y | Y | | | |
| | end repeat | | | | | |
| | calculate | cr2 | | | count(${r2}) | |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "r[1]/flag", value: "1"},
		{path: "r[1]/t", value: "a"},
		{path: "r[1]/v", value: "5"},
		{path: "r[3]/flag", value: "1"},
		{path: "r[3]/t", value: "c"},
		{path: "r[3]/v", value: "2", wantPath: "jn", want: "a,,c"},
		{wantPath: "mx", want: ""},
		{wantPath: "sm", want: ""},
		{path: "r[2]/flag", value: "1"},
		{path: "r[2]/v", value: "9", wantPath: "mx", want: "9"},
		{wantPath: "sm", want: "16"},
		{wantPath: "cr2", want: "2"},
		{path: "hh", value: "1", wantPath: "cr2", want: "2"},
	})
}

// TestTriggerWithoutCalculationClearsTheQuestion: a question with a trigger and no
// calculation is cleared each time its trigger changes, as the setvalue with no value that
// pyxform writes for it does in ODK; it may be answered again after.
func TestTriggerWithoutCalculationClearsTheQuestion(t *testing.T) {
	const form = `
| survey |
| | type | name | label | trigger |
| | select_one yn | sick | Sick? | |
| | integer | days | Days sick | ${sick} |
| | text | other | Note | |
| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{path: "sick", value: "yes"},
		{path: "days", value: "4", want: "4"},
		{path: "other", value: "x", wantPath: "days", want: "4"},
		{path: "sick", value: "no", wantPath: "days", want: ""},
		{path: "days", value: "2", want: "2"},
		{path: "sick", value: "yes", wantPath: "days", want: ""},
	})
}

// TestChoiceNameReadsTheChoicesTheFilterKeeps: jr:choice-name() of a filtered select looks
// the value up among the choices the filter keeps now, as ODK Collect (JavaRosa's
// ChoiceNameFunctionHandler reads the itemset for the question) and ODK Web Forms do: a
// choice the filter leaves out has no name, and the calculation follows what the filter
// reads. Inside a repeat the filter is the instance's; from outside, the first instance's.
func TestChoiceNameReadsTheChoicesTheFilterKeeps(t *testing.T) {
	const form = `
| survey |
| | type | name | label | choice_filter | calculation |
| | select_one prov | prov | Province | | |
| | select_one reg | reg | Regency | prov = ${prov} | |
| | calculate | reg_name | | | jr:choice-name(${reg}, '${reg}') |
| | calculate | b2_name | | | jr:choice-name('b2', '${reg}') |
| | begin repeat | r | R | | |
| | select_one prov | rprov | Province | | |
| | select_one reg | rreg | Regency | prov = current()/../rprov | |
| | calculate | rname | | | jr:choice-name(${rreg}, '${rreg}') |
| | end repeat | | | | |
| | calculate | first_a1 | | | jr:choice-name('a1', '${rreg}') |
| choices |
| | list_name | name | label | prov |
| | prov | a | A | |
| | prov | b | B | |
| | reg | a1 | A one | a |
| | reg | a2 | A two | a |
| | reg | b1 | B one | b |
| | reg | b2 | B two | b |
`
	s := newSession(t, form)
	if _, err := s.AddInstance("r"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddInstance("r"); err != nil {
		t.Fatal(err)
	}
	runSteps(t, s, []step{
		{path: "prov", value: "a"},
		{path: "reg", value: "a1", wantPath: "reg_name", want: "A one"},
		{wantPath: "b2_name", want: ""},
		// The regency is kept, off the list now: it has no name.
		{path: "prov", value: "b", wantPath: "reg_name", want: ""},
		{wantPath: "b2_name", want: "B two"},
		{path: "r[1]/rprov", value: "a"},
		{path: "r[2]/rprov", value: "b"},
		{path: "r[1]/rreg", value: "a2", wantPath: "r[1]/rname", want: "A two"},
		{wantPath: "first_a1", want: "A one"},
		{path: "r[1]/rprov", value: "b", wantPath: "r[1]/rname", want: ""},
		{wantPath: "first_a1", want: ""},
	})
}

// TestDateOfNoNumberEqualsNothing: date() of NaN, such as an empty date plus 30 days, is NaN
// in ODK Collect (JavaRosa's toDate keeps NaN), so a constraint or relevance comparing it with
// another empty date is false, not true as two empty strings would be.
func TestDateOfNoNumberEqualsNothing(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation |
| | date | d1 | D1 | |
| | date | d2 | D2 | |
| | calculate | same | | ${d2} = date(${d1} + 30) |
| | calculate | both_empty | | ${d2} = date(${d1}) |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{wantPath: "same", want: "false"},
		{wantPath: "both_empty", want: "true"},
		{path: "d1", value: "2026-01-01"},
		{path: "d2", value: "2026-01-31", wantPath: "same", want: "true"},
	})
}

// TestRootAttributesAreTheFormsIDAndVersion: /data/@id and /data/@version read the form's id
// and version, as ODK reads the attributes of the XForm's root element; no other node of the
// form has attributes, and a path to one is a load error.
func TestRootAttributesAreTheFormsIDAndVersion(t *testing.T) {
	const form = `
| survey |
| | type | name | label | calculation |
| | text | t | T | |
| | calculate | fid | | /data/@id |
| | calculate | ver | | concat('v', /data/@version, '-', ${t}) |
| | begin group | g | G | |
| | calculate | gver | | ../../@version |
| | end group | | | |
| settings |
| | form_id | version |
| | root_attr | 2026.1 |
`
	s := newSession(t, form)
	runSteps(t, s, []step{
		{wantPath: "fid", want: "root_attr"},
		{wantPath: "g/gver", want: "2026.1"},
		{path: "t", value: "x", wantPath: "ver", want: "v2026.1-x"},
	})
	for _, tc := range []struct{ calc, want string }{
		{"/data/@name", "the form's root has no attribute @name (it has @id and @version)"},
		{"/data/t/@id", "t has no attribute @id: in the form, only its root has attributes"},
	} {
		_, err := forms.Parse("test.md", []byte("| survey |\n| | type | name | label | calculation |\n| | text | t | T | |\n| | calculate | c | | "+tc.calc+" |\n"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.calc, err, tc.want)
		}
	}
}

// TestConstraintSeesTheCandidateInEveryInstance: a constraint that reads its own question
// across the repeat's instances (a filter on the repeat, a sum over it) sees the answer
// being checked in its own instance, as ODK validates the node holding the new value: a
// name that no other member has is unique, one another member has is not; a share over
// half is refused only when another member has one.
func TestConstraintSeesTheCandidateInEveryInstance(t *testing.T) {
	s := newSession(t, `
| survey |
| | type | name | label | constraint |
| | begin repeat | member | Member | |
| | text | mname | Name | count(/data/member[mname = current()]) = 1 |
| | integer | share | Share | count(/data/member[share > 50]) <= 1 |
| | end repeat | | | |
`)
	m1, err := s.AddInstance("member")
	if err != nil {
		t.Fatal(err)
	}
	m2, err := s.AddInstance("member")
	if err != nil {
		t.Fatal(err)
	}
	runSteps(t, s, []step{
		{path: m1 + "/mname", value: "Budi", want: "Budi"},
		{path: m2 + "/mname", value: "Budi", refused: true, want: ""},
		{path: m2 + "/mname", value: "Siti", want: "Siti"},
		{path: m1 + "/mname", value: "Siti", refused: true, want: "Budi"},
		{path: m1 + "/mname", value: "Budi", want: "Budi"},
		{path: m1 + "/share", value: "60", want: "60"},
		{path: m2 + "/share", value: "70", refused: true, want: ""},
		{path: m2 + "/share", value: "40", want: "40"},
		{path: m1 + "/share", value: "61", want: "61"},
		{path: m2 + "/share", value: "51", refused: true, want: "40"},
		{path: m1 + "/share", value: "30", want: "30"},
		{path: m2 + "/share", value: "51", want: "51"},
	})
}

// TestYesNoColumnRefusesAWord: required and read_only take yes or no (in any case, or
// true, 1...) or an expression. A single other word on a question would be a path to a
// child it does not have; it is refused as a misspelt yes or no, saying what the column
// takes, rather than as a path that names no node.
func TestYesNoColumnRefusesAWord(t *testing.T) {
	for _, c := range []struct{ cell, col, want string }{
		{"| wajib | |", "required", `line 4, sheet survey, column required: required is "wajib": write yes or no, or an expression such as ${age} >= 15`},
		{"| | maybe |", "read_only", `line 4, sheet survey, column read_only: read_only is "maybe": write yes or no`},
	} {
		_, err := forms.Parse("test.md", []byte(`
| survey |
| | type | name | label | required | read_only |
| | text | q | Q `+c.cell+`
`))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.col, err, c.want)
		}
	}
	for _, cell := range []string{"| Yes | TRUE |", "| y | No |", "| ${q} != '' | false() |"} {
		if _, err := forms.Parse("test.md", []byte(`
| survey |
| | type | name | label | required | read_only |
| | text | q | Q `+cell+`
`)); err != nil {
			t.Errorf("%s: %v", cell, err)
		}
	}
}

// TestMisspeltColumnWarns: a survey column one or two letters from an XLSForm column
// (relevent, constriant, lable::English, Read-Only) is ignored, as pyxform passes unknown
// columns over, so the form loads with a warning naming the first row that fills it and
// the column it resembles; a column of its own (notes, kobo--score) is no warning.
func TestMisspeltColumnWarns(t *testing.T) {
	f, err := forms.Parse("test.md", []byte(`| survey |
| | type | name | label | relevent | constriant | lable::English (en) | Read-Only | notes | kobo--score |
| | text | a | A | | | | | x | 1 |
| | text | b | B | 1 = 1 | . > 1 | Bee | yes | | |
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		if strings.Contains(w.Error(), "no XLSForm column") {
			got = append(got, w.Error())
		}
	}
	want := []string{
		`test.md: line 4, sheet survey, column relevent: column "relevent" is no XLSForm column, so its cells are ignored: did you mean relevant?`,
		`test.md: line 4, sheet survey, column constriant: column "constriant" is no XLSForm column, so its cells are ignored: did you mean constraint?`,
		`test.md: line 4, sheet survey, column lable::English (en): column "lable::English (en)" is no XLSForm column, so its cells are ignored: did you mean label?`,
		`test.md: line 4, sheet survey, column Read-Only: column "Read-Only" is no XLSForm column, so its cells are ignored: did you mean read_only?`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRepeatCountedByItsOwnQuestionWarns: a repeat_count that reads a question inside the
// repeat it counts can never make an instance (none holds the question before the count
// makes one; ODK's engine makes none either), so the form loads with a warning saying to
// ask the count before the repeat.
func TestRepeatCountedByItsOwnQuestionWarns(t *testing.T) {
	f, err := forms.Parse("test.md", []byte(`| survey |
| | type | name | label | repeat_count |
| | integer | n | N | |
| | begin repeat | r | R | ${x} |
| | integer | x | X | |
| | end repeat | | | |
| | begin repeat | ok | OK | ${n} |
| | integer | y | Y | |
| | end repeat | | | |
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		if strings.Contains(w.Error(), "repeat_count") {
			got = append(got, w.Error())
		}
	}
	want := []string{`test.md: line 4, sheet survey, column repeat_count: repeat_count of repeat "r" reads "x", a question inside that repeat: no instance holds it before the count makes one, so the repeat never gets an instance (in ODK neither); ask "x" before the repeat`}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
