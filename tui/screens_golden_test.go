package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/google/go-cmp/cmp"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// TestGoldenEveryScreen draws every screen at 80x24 and at 60x20, in Bahasa Indonesia and
// English, against testdata/screens/*.golden (go test -update rewrites them). At 60x20 the
// status line says the window is too small, and nothing else may overflow. Every screen of
// the root's table must be drawn in each language at each size: a screen added without
// goldens fails here.
func TestGoldenEveryScreen(t *testing.T) {
	drawn := map[string]map[screen]bool{} // by language and size, the screens drawn
	for _, lang := range []string{"id", "en"} {
		for _, size := range [][2]int{{80, 24}, {60, 20}} {
			variant := fmt.Sprintf("%s-%dx%d", lang, size[0], size[1])
			drawn[variant] = map[screen]bool{}
			t.Run(variant, func(t *testing.T) {
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
				m := start(t, e)
				snap := func(name string) {
					t.Helper()
					drawn[variant][m.screen] = true
					snapshotAt(t, m, fmt.Sprintf("screens/%s-%s", name, variant), size[0], size[1])
				}
				snap("home")
				drive(t, m, keypress("1"))
				typeText(t, m, "BTG25-00")
				snap("picker")
				typeText(t, m, "71")
				drive(t, m, keypress("enter"))
				snap("interview-note")
				drive(t, m, keypress("?"))
				snap("help")
				drive(t, m, keypress("?"))
				drive(t, m, keypress("enter"))
				snap("interview-choice")
				drive(t, m, keypress("1"))
				drive(t, m, keypress("enter"))
				snap("interview-date")
				goToQuestion(t, m, "identity_ok")
				snap("interview-identity")
				goToQuestion(t, m, "domicile_regency")
				typeText(t, m, "kut")
				snap("interview-list")
				drive(t, m, keypress("esc"))
				goToQuestion(t, m, "birth_date")
				drive(t, m, keypress("ctrl+u"))
				typeText(t, m, "30-02")
				snap("interview-date-refused")
				drive(t, m, keypress("ctrl+u"))
				typeText(t, m, "12022004")
				drive(t, m, keypress("ctrl+j"))
				snap("jump")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("ctrl+r"))
				snap("review")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("ctrl+s"))
				drive(t, m, keypress("2"))
				snap("list")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("3"))
				snap("settings")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("4"))
				snap("sync")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("6"))
				snap("queue")
				drive(t, m, keypress("enter"))
				snap("detail")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("c"))
				snap("coverage")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("8"))
				snap("calls")
				drive(t, m, keypress("o"))
				snap("calls-outcome")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("u"))
				drive(t, m, keypress("enter"))
				typeText(t, m, "0813-5555")
				snap("calls-update")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("9"))
				snap("forms")
				drive(t, m, keypress("p"))
				typeText(t, m, "testdata/forms/broken.md")
				drive(t, m, keypress("enter"))
				snap("forms-refused")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("u"))
				snap("updates")
				drive(t, m, keypress("x"))
				typeText(t, m, "ejaan")
				snap("updates-reject")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("0"))
				snap("tracing")
				drive(t, m, keypress("a"))
				drive(t, m, keypress("b"))
				typeText(t, m, "B1")
				drive(t, m, keypress("enter"))
				typeText(t, m, "ani")
				drive(t, m, keypress("enter"))
				snap("tracing-assign")
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("esc"))
				drive(t, m, keypress("l"))
				snap("links")
				drive(t, m, keypress("n"))
				drive(t, m, keypress("b"))
				typeText(t, m, "B1")
				drive(t, m, keypress("enter"))
				drive(t, m, keypress("enter"))
				snap("links-make")
				drive(t, m, keypress("esc"))

				// A draft on a form version that has a newer one asks before moving.
				e2 := newEnv(t, true)
				e2.cfg.Lang = lang
				withNewerVersion(t, e2)
				m = start(t, e2)
				openRespondent(t, m, "BTG25-0071")
				id := m.iv().iv.ID
				drive(t, m, keypress("ctrl+c"))
				m = start(t, e2)
				drive(t, m, m.c.openCmd(id)())
				snap("migrate")

				// A supervisor told of what the centre refused after relays took it.
				e3 := newEnv(t, true)
				e3.cfg.Lang = lang
				withReviewer(t, e3)
				withRefusals(e3)
				m = start(t, e3)
				snap("home-refused")
				drive(t, m, keypress("r"))
				snap("refused")
			})
		}
	}
	for variant, screens := range drawn {
		for s := range numScreens {
			if !screens[s] {
				t.Errorf("%s: screen %d (%q) has no golden", variant, s, (&textsEN).title(s))
			}
		}
	}
}

// withCalls gives e the call-attempt store, with one alumnus due to be called back and one
// who refused (off the call list).
func withCalls(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	attempts := sqlite.NewAttemptStore(e.db)
	e.cfg.Attempts = attempts
	e.cfg.Updates = sqlite.NewRosterUpdateStore(e.db)
	for _, a := range []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "BTG25-0232", At: fixedNow.Add(-20 * time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.21", Callback: fixedNow.Add(-time.Hour)},
		{ID: survey.NewID(), RosterID: "BTG25-0003", At: fixedNow.Add(-20 * time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.11"},
	} {
		if err := attempts.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGoldenPINScreen draws the PIN screen (before the root model runs) at 80x24 and 60x20
// in both languages: asking, after a wrong PIN, and while a delay runs.
func TestGoldenPINScreen(t *testing.T) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.Local) // the delay is shown in local time
	for _, lang := range []string{"id", "en"} {
		for _, size := range [][2]int{{80, 24}, {60, 20}} {
			variant := fmt.Sprintf("%s-%dx%d", lang, size[0], size[1])
			t.Run(variant, func(t *testing.T) {
				tries := 0
				m := NewPINModel(UnlockConfig{Lang: lang, Now: func() time.Time { return now }, Try: func(string) (bool, time.Time, error) {
					tries++
					if tries < 2 {
						return false, time.Time{}, nil
					}
					return false, now.Add(30 * time.Second), nil
				}})
				m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				snap := func(name string) {
					t.Helper()
					pinGolden(t, m, fmt.Sprintf("screens/%s-%s", name, variant), size[0], size[1])
				}
				typePIN := func() {
					t.Helper()
					for _, r := range "1234" {
						m.Update(keypress(string(r)))
					}
					_, cmd := m.Update(keypress("enter"))
					if cmd == nil {
						t.Fatal("enter tried no PIN")
					}
					m.Update(cmd())
				}
				for _, r := range "12" {
					m.Update(keypress(string(r)))
				}
				snap("pin")
				typePIN()
				snap("pin-wrong")
				typePIN()
				snap("pin-wait")
				if tries != 2 {
					t.Fatalf("%d PINs tried, want 2", tries)
				}
			})
		}
	}
}

// pinGolden compares the PIN screen's view with testdata/name.golden, as snapshotAt does
// for the root model: no line wider than the window, no more lines than it has.
func pinGolden(t *testing.T, m *PINModel, name string, width, height int) {
	t.Helper()
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.NoTTY}
	if _, err := w.WriteString(m.View().Content); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	lines := strings.Split(got, "\n")
	if len(lines) > height {
		t.Errorf("%s: %d lines, the window has %d", name, len(lines), height)
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > width {
			t.Errorf("%s: line %d is %d wide", name, i+1, n)
		}
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}
