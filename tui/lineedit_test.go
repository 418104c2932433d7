package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestLongEntryShowsItsEnd: an entry holding a very long text (a paste of a whole document
// typed key by key by a terminal without bracketed paste) shows the end that fits, wide
// characters and accents whole, and measures the text once per view, not once per column
// cut: a million characters are shown at once (measured per column, this test would run
// for hours).
func TestLongEntryShowsItsEnd(t *testing.T) {
	st := NewStyles(true)
	for _, tc := range []struct{ name, text, tail string }{
		{"ascii", strings.Repeat("lorem ipsum ", 100_000) + "akhir", "akhir"},
		{"wide", strings.Repeat("日本", 300_000) + "語", "語"},
		{"accents", strings.Repeat("e\u0301", 300_000) + "Z", "e\u0301Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := lineEdit{}
			e.SetValue(tc.text)
			got := ansi.Strip(e.view(40, st, true))
			if w := ansi.StringWidth(got); w != 40+1 { // "› " and 39 columns, the cursor's last
				t.Errorf("the entry is %d columns wide, want 41: %q", w, got)
			}
			if !strings.HasSuffix(strings.TrimRight(got, " "), tc.tail) {
				t.Errorf("the entry does not end with the text's end %q: %q", tc.tail, got)
			}
		})
	}
}
