package survey

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hidden reports whether a terminal would act on r rather than show it: control
// characters (NUL, ESC, newlines, DEL, the C1 range), format characters (bidirectional
// overrides, zero-width characters) and line or paragraph separators.
func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// Printable returns s as it may safely be written to a terminal: every character a
// terminal would act on rather than show (see HasHidden) and every invalid UTF-8 byte is
// written as a Go escape (\x1b, \n, \u202e, \xff), everything else as it is. Every
// output of user data for people (the CLI's lines, the TUI's screens, text reports) goes
// through it.
func Printable(s string) string {
	if !HasHidden(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && hidden(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case hidden(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// HasHidden reports whether s holds a character a terminal would act on rather than show
// (a control or format character, a line or paragraph separator) or invalid UTF-8. Names
// and identifiers holding one are refused.
func HasHidden(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // ASCII: only controls and DEL hide
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || hidden(r) {
			return true
		}
		i += size
	}
	return false
}
