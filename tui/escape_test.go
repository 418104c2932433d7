package tui

import (
	"strings"
	"testing"
)

// Text from answers and rosters reaches the screen with what a terminal would act on
// escaped, its own line breaks kept.
func TestWrapEscapes(t *testing.T) {
	got := wrap("Dewi\x1b[2J\x1b]0;owned\x07\nbaris dua \u202e", 40, func(s ...string) string { return strings.Join(s, "") })
	for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
		if strings.Contains(got, bad) {
			t.Errorf("wrap left %q raw: %q", bad, got)
		}
	}
	if want := "Dewi\\x1b[2J\\x1b]0;owned\\x07\nbaris dua \\u202e"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
}
