package tui

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/google/go-cmp/cmp"

	"tracer/survey"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// snapshot renders the model at 80x24 through a fixed colour profile (ASCII: bold, reverse
// and the like stay, colours go) and compares it with testdata/name.golden.
func snapshot(t *testing.T, m *Model, name string) {
	t.Helper()
	snapshotAt(t, m, name, 80, 24)
}

// snapshotAt is snapshot at another window size.
func snapshotAt(t *testing.T, m *Model, name string, width, height int) {
	t.Helper()
	if m.c.width != width || m.c.height != height {
		drive(t, m, tea.WindowSizeMsg{Width: width, Height: height})
	}
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.NoTTY}
	if _, err := w.WriteString(m.render()); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	lines := strings.Split(got, "\n")
	if len(lines) != height {
		t.Errorf("%s: %d lines, want %d", name, len(lines), height)
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > width {
			t.Errorf("%s: line %d is %d wide", name, i+1, n)
		}
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
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

func TestGolden(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	snapshot(t, m, "home")
	drive(t, m, keypress("?"))
	snapshot(t, m, "help-home")
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("1"))
	typeText(t, m, "dimas")
	snapshot(t, m, "picker")
	drive(t, m, keypress("enter"))
	snapshot(t, m, "interview-note")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1"))
	snapshot(t, m, "interview-choice")
	drive(t, m, keypress("enter"))
	snapshot(t, m, "interview-prefill")
	drive(t, m, keypress("enter"))
	typeText(t, m, "2026112")
	snapshot(t, m, "interview-date")
	typeText(t, m, "0")
	goToQuestion(t, m, "domicile_prov")
	typeText(t, m, "64")
	drive(t, m, keypress("enter"))
	goToQuestion(t, m, "domicile_regency")
	typeText(t, m, "kota")
	snapshot(t, m, "interview-typeahead")
	drive(t, m, keypress("ctrl+j"))
	snapshot(t, m, "jump")
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("ctrl+r"))
	snapshot(t, m, "review")
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("ctrl+s"))
	drive(t, m, keypress("2"))
	snapshot(t, m, "list")
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("3"))
	snapshot(t, m, "settings")
	drive(t, m, keypress("right"))
	drive(t, m, keypress("esc"))
	snapshot(t, m, "home-en")
}

// TestGoldenRepeatRank snapshots a repeat's prompt, its remove question, a rank question and
// the resumed-language hint, and the home screen at a larger size in both languages.
func TestGoldenRepeatRank(t *testing.T) {
	e, _ := newFormEnv(t, rosterForm)
	// a roster entry, not a walk-in, whose id would change at every run
	if _, err := e.cfg.Roster.Upsert(context.Background(), []*survey.Respondent{{RosterID: "HH-0001", Name: "Keluarga Uji"}}); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	openRespondent(t, m, "HH-0001")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1"))
	answerHere(t, m, "Ani")
	answerHere(t, m, "34")
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	snapshot(t, m, "repeat-prompt")
	drive(t, m, keypress("shift+tab"))
	drive(t, m, keypress("ctrl+d"))
	snapshot(t, m, "repeat-remove")
	drive(t, m, keypress("n"))
	drive(t, m, goInterviewMsg{path: "prio"})
	snapshot(t, m, "rank-unranked")
	drive(t, m, keypress("down"))
	drive(t, m, keypress("1"))
	snapshot(t, m, "rank")

	b := newEnv(t, true)
	bm := start(t, b)
	snapshotAt(t, bm, "home-120x40", 120, 40)
	openRespondent(t, bm, "BTG25-0071")
	drive(t, bm, keypress("ctrl+s"))
	b.cfg.Lang = "en"
	bm = start(t, b)
	snapshotAt(t, bm, "home-en-120x40", 120, 40)
	drive(t, bm, tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(t, bm, keypress("2"))
	drive(t, bm, keypress("enter"))
	snapshot(t, bm, "interview-langkept")
}
