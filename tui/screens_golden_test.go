package tui

import (
	"fmt"
	"testing"
)

// TestGoldenEveryScreen draws every screen at 80x24 and at 60x20, in Bahasa Indonesia and
// English, against testdata/screens/*.golden (go test -update rewrites them). At 60x20 the
// status line says the window is too small, and nothing else may overflow.
func TestGoldenEveryScreen(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		for _, size := range [][2]int{{80, 24}, {60, 20}} {
			t.Run(fmt.Sprintf("%s-%dx%d", lang, size[0], size[1]), func(t *testing.T) {
				e := newEnv(t, true)
				e.cfg.Lang = lang
				withReviewer(t, e)
				m := start(t, e)
				snap := func(name string) {
					t.Helper()
					snapshotAt(t, m, fmt.Sprintf("screens/%s-%s-%dx%d", name, lang, size[0], size[1]), size[0], size[1])
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
			})
		}
	}
}
