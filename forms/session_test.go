package forms_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tracer/forms"
)

const householdForm = `
| survey |
| | type | name | label | relevant | constraint | constraint_message | calculation | required | repeat_count | choice_filter |
| | integer | n | How many members? | | . >= 0 and . <= 20 | 0 to 20 | | yes | | |
| | begin repeat | member | Member | | | | | | | |
| | text | mname | Name | | | | | yes | | |
| | integer | age | Age of ${mname} | | . < 120 | | | yes | | |
| | calculate | pos | | | | | position(..) | | | |
| | select_one yn | works | Works? | ${age} >= 15 | | | | yes | | |
| | end repeat | | | | | | | | | |
| | calculate | total_age | | | | | sum(${age}) | | | |
| | calculate | workers | | | | | count-selected(join(' ', ${works})) | | | |
| | note | summary | ${total_age} years in all | | | | | | | |
| | select_one prov | prov | Province | | | | | yes | | |
| | select_one reg | reg | Regency | | | | | yes | | prov=${prov} |
| | begin repeat | kid | Child | | | | | | ${n} | |
| | integer | kid_age | Age | | | | | | | |
| | end repeat | | | | | | | | | |
| choices |
| | list_name | name | label | prov |
| | yn | yes | Yes | |
| | yn | no | No | |
| | prov | 64 | Kaltim | |
| | prov | 63 | Kalsel | |
| | reg | 6474 | Bontang | 64 |
| | reg | 6472 | Samarinda | 64 |
| | reg | 6371 | Banjarmasin | 63 |
`

func newSession(t testing.TB, md string) *forms.Session {
	t.Helper()
	return forms.NewSession(mustParse(t, md), forms.Options{Now: func() time.Time { return fixedNow }})
}

func set(t testing.TB, s *forms.Session, path, v string) {
	t.Helper()
	p, err := s.Set(path, v)
	if err != nil {
		t.Fatalf("Set(%s, %q): %v", path, v, err)
	}
	if p != nil {
		t.Fatalf("Set(%s, %q) refused: %s", path, v, p.Message)
	}
}

func TestRepeatsCalculationsAndRelevance(t *testing.T) {
	s := newSession(t, householdForm)
	if p, _ := s.Set("n", "abc"); p == nil || p.Kind != forms.ProblemType {
		t.Fatalf("n = abc: problem %+v, want a type problem", p)
	}
	if p, _ := s.Set("n", "25"); p == nil || p.Message != "0 to 20" {
		t.Fatalf("n = 25: problem %+v, want the form's constraint message", p)
	}
	set(t, s, "n", "2")
	if got := s.Instances("kid"); got != 2 {
		t.Fatalf("repeat_count ${n}=2 gave %d kid instances", got)
	}
	for i, m := range []struct{ name, age, works string }{{"Ani", "40", "yes"}, {"Budi", "9", ""}, {"Cici", "17", "no"}} {
		path, err := s.AddInstance("member")
		if err != nil {
			t.Fatal(err)
		}
		set(t, s, path+"/mname", m.name)
		set(t, s, path+"/age", m.age)
		if s.Relevant(path+"/works") != (m.works != "") {
			t.Fatalf("works relevant for age %s = %v", m.age, s.Relevant(path+"/works"))
		}
		if m.works != "" {
			set(t, s, path+"/works", m.works)
		}
		if got := s.Value(path + "/pos"); got != []string{"1", "2", "3"}[i] {
			t.Errorf("position in %s = %q", path, got)
		}
	}
	if got := s.Value("total_age"); got != "66" {
		t.Errorf("sum(${age}) = %q, want 66", got)
	}
	if got := s.Label("member[2]/age"); got != "Age of Budi" {
		t.Errorf("label = %q, want the name interpolated", got)
	}
	if got := s.Label("summary"); got != "66 years in all" {
		t.Errorf("note = %q", got)
	}
	// A later answer changes an earlier calculation, in that instance only.
	set(t, s, "member[1]/age", "10")
	if got := s.Value("total_age"); got != "36" {
		t.Errorf("after changing member 1: sum = %q, want 36", got)
	}
	if s.Relevant("member[1]/works") || !s.Relevant("member[3]/works") {
		t.Error("relevance of works not recomputed per instance")
	}
	// Removing an instance renumbers the later ones and recomputes the sum.
	if err := s.RemoveInstance("member[2]"); err != nil {
		t.Fatal(err)
	}
	if got := s.Value("member[2]/mname"); got != "Cici" {
		t.Errorf("after removal member[2] is %q, want Cici", got)
	}
	if got := s.Value("total_age"); got != "27" {
		t.Errorf("after removal sum = %q, want 27", got)
	}
	// Choice filter.
	set(t, s, "prov", "63")
	var names []string
	for _, c := range s.Choices("reg") {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"6371"}, names); diff != "" {
		t.Errorf("filtered choices (-want +got):\n%s", diff)
	}
	if p, _ := s.Set("reg", "6474"); p == nil || p.Kind != forms.ProblemChoice {
		t.Errorf("a filtered-out choice was accepted: %+v", p)
	} else if !strings.Contains(p.Message, `"Bontang" (6474)`) {
		t.Errorf("the filtered-out choice is not named by its label: %q", p.Message)
	}
	set(t, s, "reg", "6371")
	// Changing the province makes the regency invalid: Check says so.
	set(t, s, "prov", "64")
	if p := s.Check("reg"); p == nil {
		t.Error("regency of another province not flagged after the province changed")
	} else if !strings.Contains(p.Message, `"Banjarmasin" (6371)`) {
		t.Errorf("the regency left is not named by its label: %q", p.Message)
	}
}

func TestRecordAndRestore(t *testing.T) {
	s := newSession(t, householdForm)
	set(t, s, "n", "1")
	p, _ := s.AddInstance("member")
	set(t, s, p+"/mname", "Ani")
	set(t, s, p+"/age", "30")
	set(t, s, p+"/works", "yes")
	set(t, s, "kid[1]/kid_age", "3")
	set(t, s, "prov", "64")
	set(t, s, "reg", "6474")
	if probs := s.Problems(); len(probs) != 0 {
		t.Fatalf("problems: %+v", probs[0])
	}
	got, err := json.Marshal(s.Record())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"n":"1","member":[{"mname":"Ani","age":"30","pos":"1","works":"yes"}],"total_age":"30","workers":"1","prov":"64","reg":"6474","kid":[{"kid_age":"3"}]}`
	if string(got) != want {
		t.Errorf("record\n got %s\nwant %s", got, want)
	}
	// A new session restored from the stored answers gives the same record.
	s2 := newSession(t, householdForm)
	if unknown := s2.Restore(s.Answers()); len(unknown) > 0 {
		t.Fatalf("unknown paths: %v", unknown)
	}
	got2, _ := json.Marshal(s2.Record())
	if string(got2) != want {
		t.Errorf("restored record\n got %s\nwant %s", got2, want)
	}
}

func TestNavigation(t *testing.T) {
	s := newSession(t, householdForm)
	first, ok := s.First()
	if !ok || first.Path != "n" {
		t.Fatalf("first = %+v", first)
	}
	next, _ := s.Next("n")
	if !next.Prompt || next.Path != "member" {
		t.Fatalf("after n with no members: %+v, want the member repeat's add prompt", next)
	}
	p, _ := s.AddInstance("member")
	next, _ = s.Next("n")
	if next.Path != p+"/mname" {
		t.Fatalf("after adding a member: %+v, want its name", next)
	}
	// works is irrelevant until age is given: the interview skips it.
	next, _ = s.Next(p + "/age")
	if !next.Prompt {
		t.Fatalf("after age with no answer: %+v, want the prompt (works is irrelevant)", next)
	}
	set(t, s, p+"/age", "30")
	next, _ = s.Next(p + "/age")
	if next.Path != p+"/works" {
		t.Fatalf("after age 30: %+v, want works", next)
	}
	prev, _ := s.Prev(p + "/works")
	if prev.Path != p+"/age" {
		t.Fatalf("prev of works = %+v", prev)
	}
	if i, n := s.Index(p + "/works"); i != 3 || n < 6 {
		t.Errorf("index of works = %d of %d", i, n)
	}
}

func TestRequiredAndLanguages(t *testing.T) {
	s := newSession(t, `
| survey |
| | type | name | label::English (en) | label::Bahasa Indonesia (id) | required | required_message::English (en) | required_message::Bahasa Indonesia (id) |
| | text | q | Name | Nama | yes | Please give a name | Nama wajib diisi |
| | text | r | Other | Lain | yes | | |
| settings |
| | default_language |
| | English (en) |`)
	if p := s.Check("q"); p == nil || p.Message != "Please give a name" {
		t.Fatalf("required q: %+v", p)
	}
	if err := s.SetLang("id"); err != nil {
		t.Fatal(err)
	}
	if p := s.Check("q"); p == nil || p.Message != "Nama wajib diisi" {
		t.Fatalf("required q in Indonesian: %+v", p)
	}
	if p := s.Check("r"); p == nil || p.Message != "Pertanyaan ini wajib dijawab." {
		t.Fatalf("engine message in Indonesian: %+v", p)
	}
	if s.Label("q") != "Nama" {
		t.Errorf("label in id = %q", s.Label("q"))
	}
	if err := s.SetLang("fr"); err == nil {
		t.Error("SetLang(fr) accepted a language the form does not have")
	}
}

func TestInstanceLookupInChoiceList(t *testing.T) {
	s := newSession(t, `
| survey |
| | type | name | label | calculation |
| | select_one reg | reg | Regency | |
| | calculate | reg_label | | instance('reg')/root/item[name = ${reg}]/label |
| | calculate | reg_prov | | instance('reg')/root/item[name = ${reg}]/prov |
| | calculate | n_kaltim | | count(instance('reg')/root/item[prov = '64']) |
| | calculate | second | | instance('reg')/root/item[2]/name |
| choices |
| | list_name | name | label | prov |
| | reg | 6474 | Bontang | 64 |
| | reg | 6472 | Samarinda | 64 |
| | reg | 6371 | Banjarmasin | 63 |`)
	set(t, s, "reg", "6472")
	for path, want := range map[string]string{"reg_label": "Samarinda", "reg_prov": "64", "n_kaltim": "2", "second": "6472"} {
		if got := s.Value(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

func TestUnattachedInstanceWarnsAndStaysEmpty(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | calculation | read_only | required |
| | xml-external | parent | | | | |
| | integer | sn | SN | | | yes |
| | text | pname | Name | instance('parent')/root/data[sn = current()/../sn]/name | yes | yes |`)
	if len(f.Warnings) != 1 {
		t.Fatalf("warnings = %v, want one about instance('parent')", f.Warnings)
	}
	s := forms.NewSession(f, forms.Options{})
	set(t, s, "sn", "3")
	if v := s.Value("pname"); v != "" {
		t.Errorf("pname = %q, want empty without the attachment", v)
	}
	if probs := s.Problems(); len(probs) != 0 {
		t.Errorf("problems = %+v: a computed field from a missing attachment cannot be required here", probs[0])
	}
}

// TestPromptNavigation: the add-another prompt shares its path with the repeat; going back
// from it reaches the last instance's last question, and forward leaves the repeat.
func TestPromptNavigation(t *testing.T) {
	s := newSession(t, householdForm)
	set(t, s, "n", "0")
	p1, _ := s.AddInstance("member")
	p2, _ := s.AddInstance("member")
	set(t, s, p1+"/age", "3")
	set(t, s, p2+"/age", "4")
	prev, ok := s.Prev("member")
	if !ok || prev.Path != p2+"/age" {
		t.Fatalf("Prev(prompt) = %+v, want %s/age", prev, p2)
	}
	next, ok := s.Next(p2 + "/age")
	if !ok || !next.Prompt || next.Path != "member" {
		t.Fatalf("Next(last age) = %+v, want the prompt", next)
	}
	after, ok := s.Next("member")
	if !ok || after.Path != "summary" {
		t.Fatalf("Next(prompt) = %+v, want the note after the repeat", after)
	}
}

func TestMetadataFilled(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label |
| | start | start | |
| | today | today | |
| | deviceid | deviceid | |
| | username | username | |
| | instanceID | iid | |
| | text | q | Q |
| | end | end | |`)
	s := forms.NewSession(f, forms.Options{Now: func() time.Time { return fixedNow }, DeviceID: "laptop-7", Username: "sari",
		UUID: func() string { return "0b9f1c2e-0000-4000-8000-000000000001" }})
	set(t, s, "q", "x")
	rec := s.Record()
	for k, want := range map[string]string{"start": "2026-11-20T10:30:00.000+00:00", "today": "2026-11-20", "deviceid": "laptop-7",
		"username": "sari", "iid": "uuid:0b9f1c2e-0000-4000-8000-000000000001", "end": "2026-11-20T10:30:00.000+00:00"} {
		if got, _ := rec.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// TestTrigger: a calculation with a trigger recomputes when its trigger changes, not when
// the other answers it reads change.
func TestTrigger(t *testing.T) {
	s := newSession(t, `
| survey |
| | type | name | label | calculation | trigger |
| | integer | a | A | | |
| | integer | b | B | | |
| | calculate | snap | | ${a} * 10 | ${b} |`)
	set(t, s, "a", "1")
	if got := s.Value("snap"); got != "" {
		t.Fatalf("snap = %q before its trigger changed, want empty", got)
	}
	set(t, s, "b", "5")
	if got := s.Value("snap"); got != "10" {
		t.Fatalf("snap = %q after the trigger, want 10", got)
	}
	set(t, s, "a", "2")
	if got := s.Value("snap"); got != "10" {
		t.Fatalf("snap = %q after a changed alone, want it kept at 10", got)
	}
	set(t, s, "b", "6")
	if got := s.Value("snap"); got != "20" {
		t.Fatalf("snap = %q after the trigger again, want 20", got)
	}
}

// TestTriggerInRepeat: a trigger inside a repeat sets the question in the instance whose
// answer changed only, as ODK contextualizes the setvalue to it; a trigger outside the
// repeats sets every instance of a question inside one of them that holds the trigger too.
func TestTriggerInRepeat(t *testing.T) {
	s := newSession(t, `
| survey |
| | type | name | label | calculation | trigger |
| | integer | a | A | | |
| | begin_repeat | r | R | | |
| | integer | x | X | | |
| | text | tx | TX | concat('x=', ${x}, ' a=', ${a}) | ${x} |
| | begin_repeat | in | In | | |
| | text | ty | TY | concat('x=', ${x}) | ${x} |
| | end_repeat | | | | |
| | end_repeat | | | | |`)
	set(t, s, "a", "2")
	for _, p := range []string{"r", "r"} {
		if _, err := s.AddInstance(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"r[1]/in", "r[2]/in"} {
		if _, err := s.AddInstance(p); err != nil {
			t.Fatal(err)
		}
	}
	set(t, s, "r[1]/x", "1")
	set(t, s, "a", "3")
	set(t, s, "r[2]/x", "7")
	for path, want := range map[string]string{
		"r[1]/tx": "x=1 a=2", "r[2]/tx": "x=7 a=3",
		"r[1]/in[1]/ty": "x=1", "r[2]/in[1]/ty": "x=7",
	} {
		if got := s.Value(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

// TestEveryQuestion: every question in interview order, relevant or not, each with whether
// it and everything around it is relevant; the relevant ones are the stops.
func TestEveryQuestion(t *testing.T) {
	f := mustParse(t, `
| survey |
| | type | name | label | relevant | repeat_count |
| | integer | n | N | | |
| | begin group | g | G | ${n} > 1 | |
| | text | a | A | | |
| | end group | | | | |
| | begin repeat | r | R | | ${n} |
| | text | b | B | position(..) = 2 | |
| | note | c | C | | |
| | end repeat | | | | |
`)
	s := forms.NewSession(f, forms.Options{})
	if _, err := s.Set("n", "2"); err != nil {
		t.Fatal(err)
	}
	s2 := forms.NewSession(f, forms.Options{})
	if _, err := s2.Set("n", "1"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    *forms.Session
		want []string
	}{
		{s, []string{"n true", "g/a true", "r[1]/b false", "r[1]/c true", "r[2]/b true", "r[2]/c true"}},
		{s2, []string{"n true", "g/a false", "r[1]/b false", "r[1]/c true"}},
	} {
		var got, stops []string
		tc.s.EveryQuestion(func(st forms.Stop, relevant bool) {
			got = append(got, fmt.Sprint(st.Path, " ", relevant))
			if relevant {
				stops = append(stops, st.Path)
			}
		})
		var want []string
		for _, st := range tc.s.Stops() {
			want = append(want, st.Path)
		}
		if !slices.Equal(got, tc.want) || !slices.Equal(stops, want) {
			t.Errorf("EveryQuestion: %q, want %q; relevant %q, stops %q", got, tc.want, stops, want)
		}
	}
}

// TestIrrelevantRepeatHasNoPrompt: a repeat whose relevance fails is passed over whole, the
// question whether to add one too, as Collect does; it is asked once the repeat is relevant.
func TestIrrelevantRepeatHasNoPrompt(t *testing.T) {
	s := newSession(t, `
| survey |
| | type | name | label | relevant |
| | select_one yn | has_kids | Any kids? | |
| | begin repeat | kid | Child | ${has_kids} = 'yes' |
| | text | kname | Name | |
| | end repeat | | | |
| | text | last | Last | |

| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
`)
	prompts := func() (n int) {
		for _, st := range s.Stops() {
			if st.Prompt {
				n++
			}
		}
		return n
	}
	if n := prompts(); n != 0 {
		t.Errorf("unanswered: %d prompts to add a child, want none", n)
	}
	if next, ok := s.Next("has_kids"); !ok || next.Path != "last" {
		t.Errorf("Next(has_kids) unanswered = %+v, want last", next)
	}
	set(t, s, "has_kids", "no")
	if n := prompts(); n != 0 {
		t.Errorf("no kids: %d prompts to add a child, want none", n)
	}
	set(t, s, "has_kids", "yes")
	if next, ok := s.Next("has_kids"); !ok || !next.Prompt || next.Path != "kid" {
		t.Errorf("Next(has_kids) with kids = %+v, want the prompt", next)
	}
}

// TestCalculatedNumbersAsCollectWritesThem: a calculation's number is stored, and written
// into a text, as ODK Collect writes it (JavaRosa's conversions, then Java's
// Double.toString): a whole number within 1e-9 as that integer, any other decimal in Java's
// notation, scientific from 10^7 up; in a text a whole number beyond 32 bits is a double too.
func TestCalculatedNumbersAsCollectWritesThem(t *testing.T) {
	s := newSession(t, `
| survey |
| | type | name | label | calculation |
| | integer | wage | Wage | |
| | calculate | third | | ${wage} div 3 |
| | calculate | yearly | | ${wage} * 12 * 100 |
| | calculate | tenths | | 0.1 * 3 * 10 |
| | calculate | small | | ${wage} div 100000000000 |
| | calculate | txt | | concat('Rp ', ${wage} * 12 * 100, ' / ', ${wage} div 3) |
| | calculate | plain | | concat(${wage} div 4, '/', 0.1 * 3 * 10) |
| | calculate | back | | ${third} * 3 |
| | calculate | sback | | ${small} * 2 |
| | calculate | more | | ${third} > 11666666 |
| | decimal | dthird | Third | ${wage} div 3 |
| | text | tthird | Third | ${wage} div 3 |
| | calculate | tback | | ${tthird} * 3 |`)
	set(t, s, "wage", "35000000")
	// A decimal question keeps its plain form, which it takes back as an answer.
	if p := s.Check("dthird"); p != nil || s.Value("dthird") != "11666666.666666666" {
		t.Errorf("dthird = %q (%v), want 11666666.666666666 and no problem", s.Value("dthird"), p)
	}
	for path, want := range map[string]string{
		// A calculation's number stays a number for what reads it, as in Collect, in a text
		// question too.
		"back": "35000000", "sback": "7.0E-4", "more": "true", "tback": "35000000",
		"third":  "1.1666666666666666E7",
		"yearly": "42000000000",
		"tenths": "3",
		"small":  "3.5E-4",
		"txt":    "Rp 4.2E10 / 1.1666666666666666E7",
		"plain":  "8750000/3",
	} {
		if got := s.Value(path); got != want {
			t.Errorf("%s = %q, want %q (as ODK Collect)", path, got, want)
		}
	}
}
