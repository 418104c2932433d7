package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// checkFits fails when the screen on show draws more than its body's width or height: fit
// would cut it, so something the enumerator needs could be lost.
func checkFits(t *testing.T, m *Model, what string) {
	t.Helper()
	w, h := m.c.width, max(m.c.height-3, 1)
	body := m.current().View()
	if m.showHelp {
		body = m.helpView(1 << 20) // all of it: the screen sizes checked fit every key
	}
	lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
	if len(lines) > h {
		t.Errorf("%s at %dx%d %s: %d lines for %d rows:\n%s", what, w, m.c.height, m.c.lang, len(lines), h, ansi.Strip(body))
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("%s at %dx%d %s: line %d is %d wide: %q", what, w, m.c.height, m.c.lang, i+1, n, ansi.Strip(l))
		}
	}
	header := ansi.StringWidth("tracer · "+m.c.t.title(m.screen)) + 1 + ansi.StringWidth(m.c.cfg.Enumerator+" · "+strings.ToUpper(m.c.lang))
	if header > w {
		t.Errorf("%s at %dx%d %s: header is %d wide", what, w, m.c.height, m.c.lang, header)
	}
}

// TestScreensFit visits every screen in both languages at 80x24 and 120x40.
func TestScreensFit(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s-%dx%d", lang, size[0], size[1]), func(t *testing.T) {
				e := newEnv(t, true)
				e.cfg.Lang = lang
				m := start(t, e)
				drive(t, m, keypressSize(size))
				check := func(what string) { t.Helper(); checkFits(t, m, what) }
				check("home")
				drive(t, m, keypress("?"))
				check("help")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("1"))
				typeText(t, m, "dimas")
				check("picker")
				drive(t, m, keypress("enter"))
				check("note")
				visited := 0
				for ; m.screen == screenInterview; visited++ {
					if m.iv().stop.Node.Name == "domicile_prov" {
						typeText(t, m, "64")
					}
					if m.iv().stop.Node.Name == "domicile_regency" {
						typeText(t, m, "kota")
					}
					check(m.iv().stop.Path)
					if k := m.iv().fld.Kind(); (k == fieldOne || k == fieldMany) && m.iv().sess.Value(m.iv().stop.Path) == "" {
						drive(t, m, keypress("1")) // the first option, consent included
					}
					before := m.iv().stop.Path
					drive(t, m, keypress("enter"))
					if m.iv().stop.Path == before { // refused: the message must fit too
						check(before + " refused")
						st, ok := m.iv().neighbour(1)
						if !ok {
							break
						}
						drive(t, m, goInterviewMsg{path: st.Path})
					}
				}
				if visited < 30 {
					t.Errorf("only %d questions checked", visited)
				}
				check("review at the end")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("ctrl+j"))
				if m.screen != screenJump {
					t.Fatalf("no jump screen:\n%s", plain(m))
				}
				check("jump")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("ctrl+r"))
				check("review")
				drive(t, m, keypress("f"))
				check("review refusing to finalize")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("ctrl+s"))
				check("home with status")
				drive(t, m, keypress("2"))
				check("list")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("3"))
				check("settings")

				// a repeat's prompt, its remove question and a rank
				re, _ := newFormEnv(t, rosterForm)
				re.cfg.Lang = lang
				rm := start(t, re)
				drive(t, rm, keypressSize(size))
				walkIn(t, rm)
				drive(t, rm, keypress("enter"))
				checkFits(t, rm, "prompt")
				drive(t, rm, keypress("1"))
				drive(t, rm, keypress("ctrl+d"))
				checkFits(t, rm, "remove question")
				drive(t, rm, keypress("n"))
				drive(t, rm, goInterviewMsg{path: "prio"})
				checkFits(t, rm, "rank")
				drive(t, rm, keypress("1"))
				checkFits(t, rm, "ranked")
			})
		}
	}
}

func keypressSize(s [2]int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: s[0], Height: s[1]} }

// TestHomeLabelColumn: the values of the home screen's counts start in one column, in both
// languages, whatever the longest label.
func TestHomeLabelColumn(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		e := newEnv(t, true)
		e.cfg.Lang = lang
		m := start(t, e)
		col := -1
		for _, l := range strings.Split(plain(m), "\n") {
			for _, label := range homeLabels(m.c.t) {
				if strings.HasPrefix(l, "  "+label+" ") {
					rest := strings.TrimLeft(l[len("  "+label):], " ")
					c := ansi.StringWidth(l) - ansi.StringWidth(rest)
					if col < 0 {
						col = c
					}
					if c != col || c-2-ansi.StringWidth(label) < 2 {
						t.Errorf("%s: %q: value at column %d, want %d with two spaces after the label", lang, l, c, col)
					}
				}
			}
		}
		if col < 0 {
			t.Fatalf("%s: no count rows:\n%s", lang, plain(m))
		}
	}
}

// TestHomeHelpFits: the help of a supervisor's Home, which lists every key Home offers
// (the queue, coverage, calls, forms, tracing, roster updates, links, the address), fits
// at 80x24 in both languages.
func TestHomeHelpFits(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		e := newEnv(t, true)
		e.cfg.Lang = lang
		withReviewer(t, e)
		withCalls(t, e)
		withTracing(t, e)
		withUpdates(t, e)
		withLinks(t, e)
		e.cfg.Server = "http://192.168.1.10:8080"
		m := start(t, e)
		drive(t, m, keypressSize([2]int{80, 24}))
		drive(t, m, keypress("?"))
		checkFits(t, m, "supervisor's home help")
		help := ansi.Strip(m.c.help.FullHelpView(m.current().FullHelp()))
		for _, k := range []string{"6 ", "7 ", "8 ", "9 ", "0 ", "u ", "l ", "a ", "q "} {
			if !strings.Contains(help, k) {
				t.Errorf("%s: the help has no key %q:\n%s", lang, k, help)
			}
		}
	}
}

// TestHelpInASmallWindow: in a window too small for the whole help, its first lines still
// say how to close it, and the keys that do not fit are counted on the last line rather
// than cut without a word.
func TestHelpInASmallWindow(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		e := newEnv(t, true)
		e.cfg.Lang = lang
		m := start(t, e)
		drive(t, m, keypressSize([2]int{60, 12}))
		drive(t, m, keypress("?"))
		screen := ansi.Strip(m.render())
		rows := strings.Split(screen, "\n")
		if len(rows) != 12 || !strings.Contains(screen, m.c.t.HelpClose) {
			t.Fatalf("%s: %d rows, the help's close line shown: %v\n%s", lang, len(rows), strings.Contains(screen, m.c.t.HelpClose), screen)
		}
		full := strings.Count(m.helpView(1<<20), "\n") + 1
		if body := 12 - 3; full > body {
			want := fmt.Sprintf(m.c.t.EntriesBelow, full-body+1)
			if last := strings.TrimSpace(rows[body]); last != want {
				t.Errorf("%s: the help's last line %q, want %q\n%s", lang, last, want, screen)
			}
		} else {
			t.Errorf("%s: the whole help (%d lines) fits 60x12: the test needs a smaller window", lang, full)
		}
	}
}
