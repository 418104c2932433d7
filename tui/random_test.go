package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// randomKeys are the keys a random burst presses: moves, edits, the global keys, digits and
// the letters the screens act on.
var randomKeys = []string{
	"enter", "tab", "shift+tab", "esc", "space", "backspace", "up", "down", "left", "right", "pgup", "pgdown",
	"home", "end", "ctrl+j", "ctrl+l", "ctrl+r", "ctrl+n", "ctrl+d", "ctrl+u", "ctrl+s", "ctrl+up", "ctrl+down",
	"shift+up", "shift+down", "f1", "?",
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "0",
	"a", "b", "c", "f", "i", "k", "l", "n", "o", "p", "q", "r", "u", "v", "w", "x", "y", "-", ".", "/",
}

// randomStart brings a new program to one screen with the keys a user would press.
type randomStart struct {
	name   string
	screen screen
	env    func(t *testing.T) *env
	keys   func(t *testing.T, m *Model)
}

// supervisorEnv is a supervisor logged in with every screen of the role: the review queue,
// the forms catalog, the call list, the roster updates, tracing, links and late refusals.
func supervisorEnv(t *testing.T) *env {
	e := newEnv(t, true)
	withReviewer(t, e)
	withCatalog(t, e)
	withCalls(t, e)
	withUpdates(t, e)
	withTracing(t, e)
	withLinks(t, e)
	withRefusals(e)
	return e
}

// enumeratorEnv is an enumerator with the roster and no login.
func enumeratorEnv(t *testing.T) *env { return newEnv(t, true) }

// newerEnv is an enumerator with two forms, one of them in a newer version.
func newerEnv(t *testing.T) *env {
	e := newEnv(t, true)
	withNewerVersion(t, e)
	return e
}

// householdEnv runs the household roster form (repeats and a rank).
func householdEnv(t *testing.T) *env {
	e, _ := newFormEnv(t, rosterForm)
	return e
}

// pressKeys returns a start's keys: each name pressed in turn.
func pressKeys(names ...string) func(t *testing.T, m *Model) {
	return func(t *testing.T, m *Model) {
		t.Helper()
		for _, k := range names {
			drive(t, m, keypress(k))
		}
	}
}

// randomStarts are the screens the bursts start from; every screen has at least one.
var randomStarts = []randomStart{
	{"home", screenHome, supervisorEnv, pressKeys()},
	{"home-enumerator", screenHome, enumeratorEnv, pressKeys()},
	{"picker", screenPicker, supervisorEnv, pressKeys("1")},
	{"interview", screenInterview, enumeratorEnv, func(t *testing.T, m *Model) { openRespondent(t, m, "BTG25-0071") }},
	{"interview-supervisor", screenInterview, supervisorEnv, func(t *testing.T, m *Model) { openRespondent(t, m, "BTG25-0071") }},
	{"interview-list", screenInterview, enumeratorEnv, func(t *testing.T, m *Model) {
		openRespondent(t, m, "BTG25-0071")
		drive(t, m, keypress("enter"))
		drive(t, m, keypress("1"))
		drive(t, m, keypress("enter"))
		goToQuestion(t, m, "domicile_regency")
	}},
	{"interview-household", screenInterview, householdEnv, func(t *testing.T, m *Model) {
		walkIn(t, m)
		drive(t, m, keypress("enter")) // the intro
		drive(t, m, keypress("1"))     // add a member
		answerHere(t, m, "Ani")
		answerHere(t, m, "34")
		drive(t, m, keypress("1")) // works: yes
		drive(t, m, keypress("enter"))
		drive(t, m, keypress("y")) // another
		answerHere(t, m, "Budi")
		answerHere(t, m, "9")
		if n := m.iv().sess.Instances("member"); n != 2 {
			t.Fatalf("the roster has %d members, want 2\n%s", n, plain(m))
		}
	}},
	{"jump", screenJump, supervisorEnv, func(t *testing.T, m *Model) {
		openRespondent(t, m, "BTG25-0071")
		drive(t, m, keypress("ctrl+j"))
	}},
	{"review", screenReview, enumeratorEnv, func(t *testing.T, m *Model) {
		openRespondent(t, m, "BTG25-0071")
		drive(t, m, keypress("ctrl+r"))
	}},
	{"list", screenList, supervisorEnv, func(t *testing.T, m *Model) {
		openRespondent(t, m, "BTG25-0071")
		drive(t, m, keypress("ctrl+s"))
		drive(t, m, keypress("2"))
	}},
	{"settings", screenSettings, supervisorEnv, pressKeys("3")},
	{"sync", screenSync, supervisorEnv, pressKeys("4")},
	{"sync-logged-out", screenSync, enumeratorEnv, pressKeys("4")},
	{"queue", screenQueue, supervisorEnv, pressKeys("6")},
	{"detail", screenDetail, supervisorEnv, pressKeys("6", "enter")},
	{"coverage", screenCoverage, supervisorEnv, pressKeys("7")},
	{"migrate", screenMigrate, newerEnv, func(t *testing.T, m *Model) {
		openRespondent(t, m, "BTG25-0071")
		drive(t, m, keypress("ctrl+s"))
		drive(t, m, keypress("2"))
		drive(t, m, keypress("enter")) // the draft, on the older version
	}},
	{"calls", screenCalls, supervisorEnv, pressKeys("8")},
	{"forms", screenForms, supervisorEnv, pressKeys("9")},
	{"updates", screenUpdates, supervisorEnv, pressKeys("u")},
	{"tracing", screenTracing, supervisorEnv, pressKeys("0")},
	{"links", screenLinks, supervisorEnv, pressKeys("l")},
	{"refused", screenRefused, supervisorEnv, pressKeys("r")},
}

// TestRandomKeys brings the program to every screen with the keys a user would press, shows
// the help there, then feeds bursts of random keys, resizes and pastes from it with several
// seeds: nothing may panic, every view must render, and every answer the session holds must
// be in the store once the burst ends. A screen without a start fails the test.
func TestRandomKeys(t *testing.T) {
	starts := map[screen]bool{}
	for _, s := range randomStarts {
		starts[s.screen] = true
	}
	for sc := range numScreens {
		if !starts[sc] {
			t.Errorf("screen %d (%q) has no start in randomStarts", sc, textsEN.title(sc))
		}
	}
	seeds, n := uint64(3), 250
	if testing.Short() {
		seeds, n = 2, 60
	}
	seen := map[screen]int{}
	help := 0
	for i, s := range randomStarts {
		for seed := uint64(1); seed <= seeds; seed++ {
			t.Run(fmt.Sprintf("%s/%d", s.name, seed), func(t *testing.T) {
				e := s.env(t)
				m := start(t, e)
				s.keys(t, m)
				if m.screen != s.screen {
					t.Fatalf("the start reached screen %d (%q), want %d (%q)\n%s", m.screen, textsEN.title(m.screen), s.screen, textsEN.title(s.screen), plain(m))
				}
				seen[m.screen]++
				r := rand.New(rand.NewPCG(seed, uint64(i)))
				drive(t, m, tea.WindowSizeMsg{Width: 40 + r.IntN(120), Height: 10 + r.IntN(50)})
				_ = m.render()
				drive(t, m, keypress("f1"))
				if !m.showHelp {
					t.Fatalf("f1 shows no help on %q", s.name)
				}
				_ = m.render()
				help++
				drive(t, m, keypress("f1"))
				if m.showHelp || m.screen != s.screen {
					t.Fatalf("f1 again leaves help %v on screen %d", m.showHelp, m.screen)
				}
				t.Chdir(t.TempDir()) // a file a screen writes (a links CSV) lands here
				randomBurst(t, m, r, n, seen, &help)
				checkSaved(t, e, m)
			})
		}
	}
	for sc := range numScreens {
		if seen[sc] == 0 {
			t.Errorf("screen %d (%q) never reached", sc, textsEN.title(sc))
		}
	}
	if help == 0 {
		t.Error("help never shown")
	}
	t.Logf("key presses per screen: %v, help %d", seen, help)
}

// randomBurst feeds n random keys, resizes, pastes and navigations to m, rendering after
// each, and counts the screens they show in seen.
func randomBurst(t *testing.T, m *Model, r *rand.Rand, n int, seen map[screen]int, help *int) {
	t.Helper()
	for range n {
		switch x := r.IntN(100); {
		case x < 2:
			drive(t, m, tea.WindowSizeMsg{Width: 40 + r.IntN(120), Height: 10 + r.IntN(50)})
		case x < 3 && m.screen != screenInterview && m.iv() != nil:
			drive(t, m, goInterviewMsg{})
		case x < 4:
			drive(t, m, tea.PasteMsg{Content: "2004-02-12 Bontang"})
		case x < 5 && m.c.cfg.Reviewer != nil && m.screen != screenInterview:
			drive(t, m, []tea.Msg{goQueueMsg{}, goCoverageMsg{}}[r.IntN(2)])
		default:
			k := randomKeys[r.IntN(len(randomKeys))]
			if k == "q" && m.screen == screenHome {
				continue // quitting ends the burst early
			}
			drive(t, m, keypress(k))
		}
		_ = m.render()
		seen[m.screen]++
		if m.showHelp {
			*help++
		}
		if m.quitting {
			return
		}
	}
}

// checkSaved leaves the interview m holds, if any, and fails unless every answer its session
// holds is in the store, when it is still a draft.
func checkSaved(t *testing.T, e *env, m *Model) {
	t.Helper()
	if m.iv() == nil {
		return
	}
	if !m.iv().readOnly && m.screen == screenInterview {
		drive(t, m, keypress("ctrl+c"))
	} else {
		drive(t, m, m.c.flush()())
	}
	stored := storedAnswers(t, e, m.iv().iv.ID)
	iv, err := e.cfg.Interviews.Get(context.Background(), m.iv().iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if iv.State != "draft" {
		return // finalized: the frozen answers are checked by the flows
	}
	for _, a := range m.iv().sess.Answers() {
		if got, ok := stored[a.Path]; !ok || got != a.Value {
			t.Errorf("%s is %q on screen but %q (%v) in the store", a.Path, a.Value, got, ok)
		}
	}
}
