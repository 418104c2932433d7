package tui

import (
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestInputReadsABurstAsAPaste writes what a terminal sends, one write at a time, into a
// real pipe, and reads it through Input as the terminal reader does, with its 4096-byte
// buffer: a burst with a line break comes between bracketed paste's markers; a key alone, a
// burst with no line break, an escape sequence and a terminal's own bracketed paste (even
// with a marker cut between two reads) come as they were; a character cut at the end of a
// burst comes whole with the next read.
func TestInputReadsABurstAsAPaste(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []string
		reads  []string
	}{
		{"enter alone", []string{"\r"}, []string{"\r"}},
		{"a key", []string{"a"}, []string{"a"}},
		{"keys without a line break", []string{"abc"}, []string{"abc"}},
		{"alt+enter", []string{"\x1b\r"}, []string{"\x1b\r"}},
		{"lines", []string{"Jakarta\rBandung\r3"}, []string{pasteStart + "Jakarta\rBandung\r3" + pasteEnd}},
		{"a line and its break", []string{"1\n"}, []string{pasteStart + "1\n" + pasteEnd}},
		{"two enters", []string{"\r\r"}, []string{pasteStart + "\r\r" + pasteEnd}},
		{"a terminal's bracketed paste over reads",
			[]string{pasteStart + "a\rb", "c\rd", pasteEnd, "x\ry"},
			[]string{pasteStart + "a\rb", "c\rd", pasteEnd, pasteStart + "x\ry" + pasteEnd}},
		{"a marker cut between reads",
			[]string{"\x1b[20", "0~a\rb", "c\r\x1b[2", "01~", "\r"},
			[]string{"\x1b[20", "0~a\rb", "c\r\x1b[2", "01~", "\r"}},
		{"a character cut", []string{"ab\r\xc3", "\xa9\r"},
			[]string{pasteStart + "ab\r" + pasteEnd, pasteStart + "\xc3\xa9\r" + pasteEnd}},
		{"a character cut, then a key", []string{"ab\r\xe2\x82", "\xac"},
			[]string{pasteStart + "ab\r" + pasteEnd, "\xe2\x82\xac"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			in := NewInput(r)
			buf := make([]byte, 4096)
			for i, s := range tc.writes {
				if _, err := w.WriteString(s); err != nil {
					t.Fatal(err)
				}
				n, err := in.Read(buf)
				if err != nil {
					t.Fatal(err)
				}
				if got := string(buf[:n]); got != tc.reads[i] {
					t.Errorf("read %d: %q, want %q", i, got, tc.reads[i])
				}
			}
		})
	}
}

// A paste with line breaks on a question is typed into its entry, the line breaks as
// spaces, and says so: it neither takes the answer nor reaches the next question.
func TestPasteLinesStayOnTheQuestion(t *testing.T) {
	e, _ := newFormEnv(t, numbersForm)
	m := start(t, e)
	walkIn(t, m)
	at(t, m, "phone")
	drive(t, m, keypress("enter")) // no phone
	at(t, m, "note")
	drive(t, m, tea.PasteMsg{Content: "Jakarta\r\nBandung\n"})
	at(t, m, "note")
	if v, _ := m.iv().fld.Value(); v != "Jakarta  Bandung" || m.iv().live != livePasteLines ||
		!strings.Contains(plain(m), "Baris baru pada yang ditempel tidak dibaca sebagai Enter") {
		t.Errorf("entry %q, live %d; want the lines typed and the note:\n%s", v, m.iv().live, plain(m))
	}
	drive(t, m, tea.PasteMsg{Content: " Bogor"})
	if m.iv().live != liveNone {
		t.Errorf("a paste of one line says %d", m.iv().live)
	}
}
