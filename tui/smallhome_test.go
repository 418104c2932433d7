package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// TestMainScreensFitSmall: at 60x16 (a laptop's split window) and 60x20, a supervisor's Home
// with every action (queue, coverage, calls, forms, updates, tracing, links, the address)
// shows every action and its key, down to q, and Home's other screens draw within the window,
// in both languages.
func TestMainScreensFitSmall(t *testing.T) {
	for _, lang := range uiLangs {
		for _, size := range [][2]int{{60, 16}, {60, 20}} {
			e := newEnv(t, true)
			e.cfg.Lang = lang
			withReviewer(t, e)
			withCatalog(t, e)
			withCalls(t, e)
			withUpdates(t, e)
			withTracing(t, e)
			links := withLinks(t, e)
			if _, err := links.MakeLinks(context.Background(), survey.AssignSelector{Batch: "B1"}, e.form.ID, fixedNow.Add(30*24*time.Hour), "sri"); err != nil {
				t.Fatal(err)
			}
			e.cfg.Server = "http://192.168.1.10:8080"
			m := start(t, e)
			drive(t, m, keypressSize(size))
			m.c.sync.last = fixedNow // a date and time, longer than "never"
			checkFits(t, m, "home")
			home := ansi.Strip(m.current().View())
			for _, k := range []string{"1 ", "2 ", "3 ", "4 ", "5 ", "6 ", "7 ", "8 ", "9 ", "0 ", "u ", "l ", "a ", "q "} {
				if !strings.Contains(home, k) {
					t.Errorf("%s %dx%d: home has no action %q:\n%s", lang, size[0], size[1], k, home)
				}
			}
			for _, k := range []string{"2", "3", "4", "6", "7", "8", "9", "u", "0", "l"} {
				drive(t, m, keypress(k))
				checkFits(t, m, "screen "+k)
				for m.screen != screenHome {
					drive(t, m, keypress("esc"))
				}
			}
		}
	}
}

// TestGoldenHomeUsesItsRows draws Home at the window sizes where it once took a tighter
// layout than the rows allowed, leaving blank rows while it dropped the counts by state or
// named the actions by their short names: an enumerator's at 60x20 and 60x22 (the actions
// as a paragraph, the counts kept), a supervisor's with every action at 60x18 in English
// (the actions' full names, without the blank line above them). The supervisor's at 80x24
// (its counts kept) and 60x20 (in Indonesian, the actions' full names) are in
// TestGoldenEveryScreen.
func TestGoldenHomeUsesItsRows(t *testing.T) {
	for _, tc := range []struct {
		supervisor bool
		lang       string
		w, h       int
	}{
		{false, "id", 60, 20}, {false, "en", 60, 20}, {false, "id", 60, 22}, {false, "en", 60, 22},
		{true, "en", 60, 18},
	} {
		who := "enumerator"
		if tc.supervisor {
			who = "supervisor"
		}
		name := fmt.Sprintf("home-%s-%s-%dx%d", who, tc.lang, tc.w, tc.h)
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, true)
			e.cfg.Lang = tc.lang
			if tc.supervisor {
				withReviewer(t, e)
				withCatalog(t, e)
				withCalls(t, e)
				withUpdates(t, e)
				withTracing(t, e)
				links := withLinks(t, e)
				if _, err := links.MakeLinks(context.Background(), survey.AssignSelector{Batch: "B1"}, e.form.ID, fixedNow.Add(30*24*time.Hour), "sri"); err != nil {
					t.Fatal(err)
				}
			}
			m := start(t, e)
			snapshotAt(t, m, "screens/"+name, tc.w, tc.h)
		})
	}
}
