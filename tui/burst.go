package tui

import (
	"bytes"
	"os"
	"unicode/utf8"
)

// Bracketed paste's markers, which a terminal that does bracketed paste puts around a paste
// and Bubble Tea reads as one tea.PasteMsg.
const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// Input is the terminal's input as the screens read it (tea.WithInput). A terminal that
// does no bracketed paste (tmux's paste-buffer without -p, a serial or remote line, an old
// emulator) types a paste as keys, every line break an Enter that would answer the
// question on screen and the next ones, which the enumerator never saw. Bubble Tea parses
// each read into one key message per character and sends them one by one, so the screens
// cannot tell a paste from typing; only the reads can.
// Input reads such a burst as the paste it is: one read that returns more than one key with
// a line break among them, and no escape sequence, comes to the screens between bracketed
// paste's markers, so that it is a tea.PasteMsg like any other paste. A key typed by hand
// comes in a read of its own; keys typed while the program could not read (while it starts)
// may come together, and then a line break among them is not taken as Enter either: the
// enumerator presses Enter again, on the question she sees. A terminal's own bracketed paste
// passes as it came, however many reads it takes. On Windows the terminal reader reads the
// console's input records itself when Fd is the standard input's, and Read is not used.
type Input struct {
	f *os.File
	// pasting is set inside a terminal's own bracketed paste.
	pasting bool
	// tail is the end of the last read, to find a marker cut by the end of a read.
	tail []byte
	// carry is the start of a character that the end of the last burst cut, typed at the
	// start of the next read.
	carry []byte
}

// NewInput returns the input of the terminal f (the standard input) for the screens.
func NewInput(f *os.File) *Input { return &Input{f: f} }

// Read reads what the terminal sent, a burst of keys with a line break put between
// bracketed paste's markers.
func (in *Input) Read(p []byte) (int, error) {
	room := len(p) - len(pasteStart) - len(pasteEnd) - len(in.carry)
	if room < utf8.UTFMax {
		return in.f.Read(p) // not a buffer the terminal reader uses
	}
	n, err := in.f.Read(p[:room])
	if n == 0 {
		return n, err
	}
	got := p[:n]
	wasPasting := in.pasting
	in.track(got)
	if wasPasting || in.pasting || !burst(in.carry, got) {
		if len(in.carry) == 0 {
			return n, err
		}
		out := append(append([]byte{}, in.carry...), got...)
		in.carry = nil
		return copy(p, out), err
	}
	text := append(append([]byte{}, in.carry...), got...)
	in.carry = nil
	if cut := incomplete(text); cut > 0 {
		in.carry = append(in.carry, text[len(text)-cut:]...)
		text = text[:len(text)-cut]
	}
	out := make([]byte, 0, len(pasteStart)+len(text)+len(pasteEnd))
	out = append(append(append(out, pasteStart...), text...), pasteEnd...)
	return copy(p, out), err
}

// track follows the terminal's own bracketed paste: whether the last marker seen, in this
// read or cut between the last one and this, opens one.
func (in *Input) track(b []byte) {
	seen := append(in.tail, b...)
	s, e := bytes.LastIndex(seen, []byte(pasteStart)), bytes.LastIndex(seen, []byte(pasteEnd))
	switch {
	case s > e:
		in.pasting = true
	case e > s:
		in.pasting = false
	}
	keep := min(len(seen), len(pasteStart)-1)
	in.tail = append(in.tail[:0], seen[len(seen)-keep:]...)
}

// burst reports whether the bytes of one read are a paste typed as keys: more than one key,
// a line break among them, no escape sequence (a key with Alt, an arrow, a terminal's
// answer).
func burst(carry, b []byte) bool {
	if len(carry)+len(b) < 2 || bytes.IndexByte(b, 0x1b) >= 0 {
		return false
	}
	return bytes.ContainsAny(b, "\r\n")
}

// incomplete returns the length of a UTF-8 character cut at the end of b, 0 if none is.
func incomplete(b []byte) int {
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return 0
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[len(b)-i:]) {
				return 0
			}
			return i
		}
	}
	return 0
}

// Write writes to the terminal.
func (in *Input) Write(p []byte) (int, error) { return in.f.Write(p) }

// Close closes the terminal.
func (in *Input) Close() error { return in.f.Close() }

// Fd is the terminal's file descriptor, to put it in raw mode and wait for keys on it.
func (in *Input) Fd() uintptr { return in.f.Fd() }

// Name is the terminal's file name.
func (in *Input) Name() string { return in.f.Name() }
