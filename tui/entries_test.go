package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// When the entries of a review do not fit, a line says how many are below and, once the
// cursor has gone down, how many are above, so that none is out of sight unannounced; the
// view keeps to its height and shows the cursor's entry.
func TestEntriesSayWhatIsOutOfSight(t *testing.T) {
	e := newEnv(t, false)
	m := start(t, e)
	var lines []reviewLine
	for i := range 13 {
		lines = append(lines, reviewLine{text: fmt.Sprintf("Problem %d: no answer", i+1), path: fmt.Sprintf("q%d", i+1), problem: true})
	}
	for _, tc := range []struct {
		cursor, height int
		first, last    string // the first and last lines
	}{
		{0, 12, "Problem 1:", "↓ 2 lagi di bawah"},
		{12, 12, "↑ 3 lagi di atas", "Problem 13:"},
		{6, 12, "Problem 1:", "↓ 2 lagi di bawah"},
		{11, 12, "↑ 2 lagi di atas", "↓ 1 lagi di bawah"},
		{0, 13, "Problem 1:", "Problem 13:"},
		{5, 2, "Problem 6:", "↓ 7 lagi di bawah"},
	} {
		v := ansi.Strip(entriesView(lines, tc.cursor, 80, tc.height, m.c.st, m.c.t))
		rows := strings.Split(v, "\n")
		first, last := strings.TrimSpace(rows[0]), strings.TrimSpace(rows[len(rows)-1])
		if len(rows) > tc.height || !strings.Contains(first, tc.first) || !strings.Contains(last, tc.last) {
			t.Errorf("cursor %d, height %d: %d lines from %q to %q, want at most %d from %q to %q:\n%s",
				tc.cursor, tc.height, len(rows), first, last, tc.height, tc.first, tc.last, v)
		}
		if !strings.Contains(v, fmt.Sprintf("Problem %d:", tc.cursor+1)) {
			t.Errorf("cursor %d, height %d: the cursor's entry is not shown:\n%s", tc.cursor, tc.height, v)
		}
	}
}

// An entry whose label ends in a colon or a question mark is followed by its value without
// a second colon ("Select a state: Victoria", not "Select a state:: Victoria").
func TestEntryLabelsTakeOneColon(t *testing.T) {
	e := newEnv(t, false)
	m := start(t, e)
	for label, want := range map[string]string{
		"Select a state:": "Select a state: Victoria",
		"Which state?":    "Which state? Victoria",
		"State":           "State: Victoria",
	} {
		got := ansi.Strip(strings.Join(entryLines(reviewLine{label: label, value: "Victoria", path: "s"}, 80, m.c.st, false), "\n"))
		if strings.TrimSpace(got) != want {
			t.Errorf("label %q: %q, want %q", label, got, want)
		}
	}
}
