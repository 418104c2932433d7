package tui

import (
	"context"
	"math/rand/v2"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestRandomKeys feeds thousands of random keys and resizes to every screen: nothing may
// panic, and every answer the session holds must be in the store once the program quits.
func TestRandomKeys(t *testing.T) {
	keys := []string{
		"enter", "tab", "shift+tab", "esc", "space", "backspace", "up", "down", "left", "right", "pgup", "pgdown",
		"home", "end", "ctrl+j", "ctrl+l", "ctrl+r", "ctrl+n", "ctrl+d", "ctrl+u", "ctrl+up", "ctrl+down", "shift+up", "shift+down", "f1", "?",
		"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "a", "b", "k", "f", "y", "n", "q", "-", ".", "/",
	}
	n := 4000
	if testing.Short() {
		n = 800
	}
	seen := map[screen]int{}
	help, members := 0, 0
	// seeds 1-3 run the built-in form (3 as a supervisor, 2 with a second form and a newer version); seed 4 the household roster, for repeats and rank
	for seed := uint64(1); seed <= 4; seed++ {
		e := newEnv(t, true)
		if seed == 4 {
			e, _ = newFormEnv(t, rosterForm)
		}
		if seed == 3 {
			withReviewer(t, e) // a supervisor, logged in: the sync and review screens too
		}
		if seed == 2 {
			withNewerVersion(t, e) // two forms, and a newer version drafts are offered
		}
		m := start(t, e)
		r := rand.New(rand.NewPCG(seed, 7))
		if seed == 4 {
			walkIn(t, m)
		} else {
			openRespondent(t, m, "BTG25-0071")
		}
		if seed == 2 {
			drive(t, m, m.c.openCmd(m.iv().iv.ID)()) // the draft again: asked to move to the newer version
			seen[m.screen]++
		}
		for i := 0; i < n; i++ {
			switch x := r.IntN(100); {
			case x < 2:
				drive(t, m, tea.WindowSizeMsg{Width: 40 + r.IntN(120), Height: 10 + r.IntN(50)})
			case x < 3 && m.screen != screenInterview && m.iv() != nil:
				drive(t, m, goInterviewMsg{})
			case x < 4:
				drive(t, m, tea.PasteMsg{Content: "2004-02-12 Bontang"})
			case x < 5 && seed == 3 && m.screen != screenInterview:
				drive(t, m, []tea.Msg{goQueueMsg{}, goCoverageMsg{}}[r.IntN(2)])
			default:
				k := keys[r.IntN(len(keys))]
				if k == "q" && m.screen == screenHome {
					continue // quitting ends the test early
				}
				drive(t, m, keypress(k))
			}
			_ = m.render()
			seen[m.screen]++
			if m.iv() != nil {
				members = max(members, m.iv().sess.Instances("member"))
			}
			if m.showHelp {
				help++
			}
			if m.quitting {
				break
			}
		}
		if m.iv() == nil {
			continue
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
			continue // finalized: the frozen answers are checked by the flows
		}
		for _, a := range m.iv().sess.Answers() {
			if got, ok := stored[a.Path]; !ok || got != a.Value {
				t.Errorf("seed %d: %s is %q on screen but %q (%v) in the store", seed, a.Path, a.Value, got, ok)
			}
		}
	}
	// the keys must really reach every screen (and the help), or the test proves little
	for sc := screenHome; sc <= screenMigrate; sc++ {
		if seen[sc] == 0 {
			t.Errorf("screen %s never reached", textsEN.title(sc))
		}
	}
	if help == 0 {
		t.Error("help never shown")
	}
	if members < 2 {
		t.Errorf("the roster never had two members (%d)", members)
	}
	t.Logf("key presses per screen: %v, help %d", seen, help)
}
