package tui

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// snapshot renders the model at 80x24 through a fixed colour profile (ASCII: bold, reverse
// and the like stay, colours go) and compares it with testdata/name.golden.
func snapshot(t *testing.T, m *Model, name string) {
	t.Helper()
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.NoTTY}
	if _, err := w.WriteString(m.render()); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	lines := strings.Split(got, "\n")
	if len(lines) != 24 {
		t.Errorf("%s: %d lines, want 24", name, len(lines))
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > 80 {
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
