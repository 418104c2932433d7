package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"tracer/forms"
	"tracer/survey"
)

// rosterForm is a household roster (a repeat the enumerator grows, with a relevance on age),
// a repeat with a repeat_count, and a rank question.
const rosterForm = `
| settings |
| | form_id | form_title | version |
| | hh_roster | Household | 1 |

| survey |
| | type | name | label | relevant | required | constraint | repeat_count |
| | note | intro | Household roster | | | | |
| | begin repeat | member | Member | | | | |
| | text | mname | Name | | yes | | |
| | integer | age | Age of ${mname} | | yes | . < 120 | |
| | select_one yn | works | Does ${mname} work? | ${age} >= 15 | yes | | |
| | end repeat | | | | | | |
| | integer | n_kids | How many children? | | yes | . <= 5 | |
| | begin repeat | kid | Child | | | | ${n_kids} |
| | integer | kid_age | Age of the child | | yes | | |
| | end repeat | | | | | | |
| | rank prio | prio | Rank what matters most in a job | | yes | | |
| | text | last | Anything else? | | | | |

| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
| | prio | pay | Pay |
| | prio | skills | Skills |
| | prio | near | Close to home |
`

// recordingStore is an interview store that records every save that removes answers.
type recordingStore struct {
	survey.InterviewStore
	mu       sync.Mutex
	replaces []string // "prefix: path=value ..."
}

func (r *recordingStore) SaveProgress(ctx context.Context, id string, c survey.Changes) error {
	if len(c.Removed) > 0 {
		var b strings.Builder
		b.WriteString(strings.Join(c.Removed, ",") + ":")
		for _, a := range c.Answers {
			fmt.Fprintf(&b, " %s=%s", a.Path, a.Value)
		}
		r.mu.Lock()
		r.replaces = append(r.replaces, b.String())
		r.mu.Unlock()
	}
	return r.InterviewStore.SaveProgress(ctx, id, c)
}

// newFormEnv is a test database running the Markdown form src, with an interview store that
// records its saves that remove answers.
func newFormEnv(tb testing.TB, src string) (*env, *recordingStore) {
	tb.Helper()
	e := newEnv(tb, false)
	f, err := forms.Parse("t.md", []byte(src))
	if err != nil {
		tb.Fatal(err)
	}
	e.form, e.cfg.Form = f, f
	rec := &recordingStore{InterviewStore: e.cfg.Interviews}
	e.cfg.Interviews = rec
	return e, rec
}

// walkIn opens a new walk-in interview from home.
func walkIn(t *testing.T, m *Model) {
	t.Helper()
	drive(t, m, keypress("1"))
	drive(t, m, keypress("ctrl+n"))
	if m.screen != screenInterview || m.iv() == nil {
		t.Fatalf("no interview:\n%s", plain(m))
	}
}

// at fails unless the interview shows the stop at path (a prompt when the path is a repeat).
func at(t *testing.T, m *Model, path string) {
	t.Helper()
	if m.screen != screenInterview || m.iv().stop.Path != path {
		t.Fatalf("at %q (screen %d), want %q; problem %q\n%s", m.iv().stop.Path, m.screen, path, m.iv().problem, plain(m))
	}
}

// answerHere types s into the question on screen and presses Enter.
func answerHere(t *testing.T, m *Model, s string) {
	t.Helper()
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, s)
	drive(t, m, keypress("enter"))
}

func TestRepeatRoster(t *testing.T) {
	e, rec := newFormEnv(t, rosterForm)
	m := start(t, e)
	walkIn(t, m)
	id := m.iv().iv.ID
	at(t, m, "intro")
	drive(t, m, keypress("enter"))

	// the prompt asks before the first instance; Enter there would skip the roster
	at(t, m, "member")
	if v := plain(m); !strings.Contains(v, "Member") || !strings.Contains(v, "(0 so far)") && !strings.Contains(v, "(sudah 0)") {
		t.Errorf("prompt:\n%s", v)
	}
	// with none yet, the prompt's repeat keys offer no last instance to go back to
	drive(t, m, keypress("ctrl+up"))
	if v := plain(m); m.iv().live != liveOnFirstPrompt || strings.Contains(v, "Shift+Tab") || !strings.Contains(v, "belum ada") {
		t.Errorf("ctrl+up on the prompt before the first instance:\n%s", v)
	}
	drive(t, m, keypress("1")) // yes, add
	at(t, m, "member[1]/mname")
	answerHere(t, m, "Ani")
	at(t, m, "member[1]/age")
	answerHere(t, m, "34")
	at(t, m, "member[1]/works") // relevant: 34 >= 15
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	at(t, m, "member")
	if !strings.Contains(plain(m), "(sudah 1)") {
		t.Errorf("prompt does not count the instance:\n%s", plain(m))
	}
	drive(t, m, keypress("y"))
	at(t, m, "member[2]/mname")
	if !strings.Contains(plain(m), "Member 2") {
		t.Errorf("the section line does not name the instance:\n%s", plain(m))
	}
	answerHere(t, m, "Budi")
	answerHere(t, m, "9")
	at(t, m, "member") // works is not relevant at 9
	for _, k := range []string{"ctrl+d", "ctrl+up", "ctrl+down"} {
		drive(t, m, keypress(k))
		at(t, m, "member")
		if m.iv().live != liveOnPrompt || !strings.Contains(plain(m), "apakah menambah isian") {
			t.Errorf("%s on the prompt to add another says nothing or the wrong thing:\n%s", k, plain(m))
		}
	}

	// the add key inside an instance adds one at the end
	drive(t, m, keypress("shift+tab"))
	at(t, m, "member[2]/age")
	drive(t, m, keypress("ctrl+n"))
	at(t, m, "member[3]/mname")
	answerHere(t, m, "Citra")
	answerHere(t, m, "70")
	at(t, m, "member[3]/works")
	drive(t, m, keypress("2"))
	drive(t, m, keypress("enter"))
	at(t, m, "member")
	if n := m.iv().sess.Instances("member"); n != 3 {
		t.Fatalf("%d instances, want 3", n)
	}

	// move between instances: the same question in the previous and next instance
	drive(t, m, goInterviewMsg{path: "member[3]/age"})
	drive(t, m, keypress("ctrl+up"))
	at(t, m, "member[2]/age")
	drive(t, m, keypress("ctrl+up"))
	at(t, m, "member[1]/age")
	drive(t, m, keypress("ctrl+up")) // no instance before the first
	at(t, m, "member[1]/age")
	drive(t, m, keypress("ctrl+down"))
	drive(t, m, keypress("ctrl+down"))
	at(t, m, "member[3]/age")

	// remove the second: it asks, any other key cancels
	drive(t, m, goInterviewMsg{path: "member[2]/mname"})
	drive(t, m, keypress("ctrl+d"))
	if v := plain(m); !m.iv().confirm || !strings.Contains(v, "Hapus Member 2") {
		t.Fatalf("remove does not ask:\n%s", v)
	}
	drive(t, m, keypress("x"))
	if m.iv().confirm || m.iv().sess.Instances("member") != 3 {
		t.Fatal("cancel removed the instance")
	}
	drive(t, m, keypress("ctrl+d"))
	drive(t, m, keypress("y"))
	at(t, m, "member")
	if n := m.iv().sess.Instances("member"); n != 2 {
		t.Fatalf("%d instances after removing, want 2", n)
	}
	// renumbered in the session and in the store, in one save that removes the repeat's answers and writes them renumbered
	want := map[string]string{
		"member[1]": "", "member[1]/mname": "Ani", "member[1]/age": "34", "member[1]/works": "yes",
		"member[2]": "", "member[2]/mname": "Citra", "member[2]/age": "70", "member[2]/works": "no",
	}
	stored := storedAnswers(t, e, id)
	for p, v := range want {
		if got, ok := stored[p]; !ok || got != v {
			t.Errorf("store %s = %q (%v), want %q", p, got, ok, v)
		}
		if got := m.iv().sess.Value(p); got != v {
			t.Errorf("session %s = %q, want %q", p, got, v)
		}
	}
	for p := range stored {
		if strings.HasPrefix(p, "member[3]") {
			t.Errorf("store keeps %s after renumbering", p)
		}
	}
	if len(rec.replaces) != 1 || !strings.HasPrefix(rec.replaces[0], "member: member[1]= member[1]/mname=Ani") ||
		!strings.Contains(rec.replaces[0], "member[2]/mname=Citra") || strings.Contains(rec.replaces[0], "member[3]") {
		t.Errorf("saves that remove answers: %q", rec.replaces)
	}

	// the fixed-count repeat: instances follow the count; add and remove do nothing there
	drive(t, m, keypress("enter"))
	at(t, m, "n_kids")
	answerHere(t, m, "2")
	at(t, m, "kid[1]/kid_age")
	answerHere(t, m, "4")
	at(t, m, "kid[2]/kid_age")
	for _, k := range []string{"ctrl+d", "ctrl+n"} {
		drive(t, m, keypress(k))
		if m.iv().live != liveRepeatCounted || !strings.Contains(plain(m), "ditentukan oleh jawaban lain") {
			t.Errorf("%s in a fixed-count repeat says nothing:\n%s", k, plain(m))
		}
	}
	if m.iv().confirm || m.iv().sess.Instances("kid") != 2 {
		t.Fatalf("fixed-count repeat: confirm %v, %d instances", m.iv().confirm, m.iv().sess.Instances("kid"))
	}
	at(t, m, "kid[2]/kid_age")
	drive(t, m, keypress("ctrl+up"))
	at(t, m, "kid[1]/kid_age")
	drive(t, m, keypress("ctrl+up"))
	at(t, m, "kid[1]/kid_age")
	if m.iv().live != liveNoOtherInstance {
		t.Errorf("ctrl+up on the first instance says nothing:\n%s", plain(m))
	}
	drive(t, m, keypress("ctrl+down"))
	answerHere(t, m, "1")
	at(t, m, "prio")

	// the keys of the repeats outside one, and of the form language in a form of one
	// language, do nothing and say why
	for _, k := range []string{"ctrl+n", "ctrl+d", "ctrl+up"} {
		drive(t, m, keypress(k))
		at(t, m, "prio")
		if m.iv().live != liveNoRepeat || !strings.Contains(plain(m), "tidak di dalam isian berulang") {
			t.Errorf("%s outside a repeat says nothing:\n%s", k, plain(m))
		}
	}
	drive(t, m, keypress("ctrl+l"))
	if m.iv().live != liveOneLang || !strings.Contains(plain(m), "hanya punya satu bahasa") {
		t.Errorf("ctrl+l in a form of one language says nothing:\n%s", plain(m))
	}
}

// TestRepeatQuitResumeFinalize runs the roster in the real program: add from the prompt and
// with the add key, remove one, quit inside the second instance, resume there with every
// answer, and finalize.
func TestRepeatQuitResumeFinalize(t *testing.T) {
	e, _ := newFormEnv(t, rosterForm)
	pr := runProgram(t, e)
	pr.waitFor("home", func(m *Model) bool { return m.screen == screenHome && m.home().loaded })
	pr.press("1")
	pr.waitFor("picker", func(m *Model) bool { return m.screen == screenPicker })
	pr.press("ctrl+n")
	isAt := func(path string) {
		t.Helper()
		pr.waitFor(path, func(m *Model) bool { return m.screen == screenInterview && m.iv() != nil && m.iv().stop.Path == path })
	}
	isAt("intro")
	pr.press("enter")
	isAt("member")
	pr.press("1")
	isAt("member[1]/mname")
	pr.typ("Ani")
	pr.press("enter")
	pr.typ("34")
	pr.press("enter")
	isAt("member[1]/works")
	pr.press("1", "enter")
	isAt("member")
	pr.press("y")
	isAt("member[2]/mname")
	pr.typ("Budi")
	pr.press("enter")
	isAt("member[2]/age")
	pr.press("ctrl+n") // the add key: Budi's age is not needed to add another
	isAt("member[3]/mname")
	pr.typ("Citra")
	pr.press("enter")
	pr.typ("70")
	pr.press("enter")
	pr.press("2", "enter")
	isAt("member")
	pr.press("shift+tab")
	isAt("member[3]/works")
	pr.press("ctrl+up")
	isAt("member[2]/mname") // Budi has no works question: the instance's first one
	pr.press("ctrl+d", "y")
	isAt("member")
	pr.press("ctrl+up") // nothing to do at the prompt
	pr.look(func(m *Model) {})
	pr.press("shift+tab")
	isAt("member[2]/works")
	pr.press("shift+tab")
	isAt("member[2]/age")
	pr.press("ctrl+u")
	pr.typ("71") // typed, not yet left: quitting keeps it
	var before []forms.Answer
	var id string
	pr.look(func(m *Model) { id = m.iv().iv.ID })
	pr.quit()
	pr.look2(func(m *Model) { before = m.iv().sess.Answers() })
	if got := fmt.Sprint(before); !strings.Contains(got, "{member[2]/age 71}") || strings.Contains(got, "member[3]") || strings.Contains(got, "Budi") {
		t.Fatalf("answers when quitting: %v", got)
	}

	pr2 := runProgram(t, e)
	pr2.waitFor("home with a draft", func(m *Model) bool {
		return m.screen == screenHome && m.home().loaded && m.home().counts[survey.StateDraft] == 1
	})
	pr2.press("2")
	pr2.waitFor("list", func(m *Model) bool { return m.screen == screenList && len(m.list().rows) == 1 })
	pr2.press("enter")
	pr2.waitFor("resumed in the second instance", func(m *Model) bool {
		return m.screen == screenInterview && m.iv() != nil && m.iv().stop.Path == "member[2]/age"
	})
	var after []forms.Answer
	pr2.look(func(m *Model) { after = m.iv().sess.Answers() })
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("answers after resume differ:\n got %v\nwant %v", after, before)
	}
	pr2.press("enter", "enter") // age 71, works stays "no"
	pr2.waitFor("prompt", func(m *Model) bool { return m.iv().stop.Path == "member" })
	pr2.press("2")
	pr2.waitFor("n_kids", func(m *Model) bool { return m.iv().stop.Path == "n_kids" })
	pr2.typ("1")
	pr2.press("enter")
	pr2.typ("3")
	pr2.press("enter")
	pr2.waitFor("prio", func(m *Model) bool { return m.iv().stop.Path == "prio" })
	pr2.press("down", "down", "1") // "Close to home" first
	pr2.press("enter", "enter")
	pr2.waitFor("review without problems", func(m *Model) bool { return m.screen == screenReview && m.review().problems == 0 })
	pr2.press("f", "y")
	pr2.waitFor("finalized", func(m *Model) bool { return m.screen == screenHome && m.home().counts[survey.StateFinalized] == 1 })
	pr2.quit()

	stored := storedAnswers(t, e, id)
	for p, v := range map[string]string{
		"member[1]/mname": "Ani", "member[1]/works": "yes", "member[2]/mname": "Citra", "member[2]/age": "71",
		"member[2]/works": "no", "n_kids": "1", "kid[1]/kid_age": "3", "prio": "near pay skills",
	} {
		if stored[p] != v {
			t.Errorf("finalized %s = %q, want %q", p, stored[p], v)
		}
	}
	for p := range stored {
		if strings.HasPrefix(p, "member[3]") || strings.HasPrefix(p, "kid[2]") {
			t.Errorf("finalized interview keeps %s", p)
		}
	}
	iv, err := e.cfg.Interviews.Get(context.Background(), id)
	if err != nil || iv.State != survey.StateFinalized {
		t.Errorf("state %v (%v)", iv, err)
	}
}

// The jump list names the repeat instance its questions are in, as the review does: the
// same question of two members is told apart, an empty answer too; and with the header
// lines the question under the cursor stays on screen in a small window.
func TestJumpListNamesTheInstance(t *testing.T) {
	e, _ := newFormEnv(t, rosterForm)
	m := start(t, e)
	drive(t, m, tea.WindowSizeMsg{Width: 60, Height: 20})
	walkIn(t, m)
	drive(t, m, keypress("enter")) // the intro
	for _, name := range []string{"Ani", "Budi", "Citra"} {
		drive(t, m, keypress("1"))
		answerHere(t, m, name)
		answerHere(t, m, "9")
	}
	at(t, m, "member")
	drive(t, m, keypress("ctrl+j"))
	if m.screen != screenJump {
		t.Fatalf("ctrl+j: screen %d", m.screen)
	}
	lines := strings.Split(plain(m), "\n")
	var order []string
	for _, l := range lines {
		switch f := strings.TrimSpace(l); {
		case strings.HasPrefix(f, "Member "):
			order = append(order, f)
		case strings.Contains(f, " Name "):
			order = append(order, strings.Fields(f)[len(strings.Fields(f))-1])
		}
	}
	if want := "Member 1,Ani,Member 2,Budi,Member 3,Citra"; strings.Join(order, ",") != want {
		t.Errorf("instances and names %q, want %q:\n%s", strings.Join(order, ","), want, plain(m))
	}
	for range 12 { // to the end of the list and back up: the cursor's row stays on screen
		drive(t, m, keypress("down"))
	}
	for i := range 12 {
		if !strings.Contains(plain(m), "› ") {
			t.Fatalf("the cursor is off screen after %d up:\n%s", i, plain(m))
		}
		drive(t, m, keypress("up"))
	}
}

// The section line over the question whether to add another instance of a repeat with no
// label names the repeat, as its instances are named, rather than ending on a bare "›".
func TestPromptOfUnlabelledRepeatNamesIt(t *testing.T) {
	e, _ := newFormEnv(t, `
| settings |
| | form_id | form_title | version |
| | kids | Kids | 1 |

| survey |
| | type | name | label |
| | begin repeat | kid | Child |
| | text | kname | Name |
| | begin repeat | shot | |
| | text | info | An immunization |
| | end repeat | | |
| | end repeat | | |
`)
	m := start(t, e)
	walkIn(t, m)
	drive(t, m, keypress("1"))
	answerHere(t, m, "Ani")
	at(t, m, "kid[1]/shot")
	drive(t, m, keypress("1"))
	at(t, m, "kid[1]/shot[1]/info")
	if v := plain(m); !strings.Contains(v, "Child 1 › shot 1") {
		t.Errorf("the instance's section line:\n%s", v)
	}
	answerHere(t, m, "BCG")
	at(t, m, "kid[1]/shot")
	if v := plain(m); !strings.Contains(v, "Child 1 › shot\n") {
		t.Errorf("the prompt's section line does not name the repeat:\n%s", v)
	}
}
