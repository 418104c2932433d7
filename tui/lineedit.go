package tui

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// lineEdit is a one-line text editor: a rune buffer and a cursor. accept, when set, decides
// which runes may be typed (live checking for numbers).
type lineEdit struct {
	buf    []rune
	pos    int
	accept func(r rune, before []rune) bool
}

func (e *lineEdit) Value() string { return string(e.buf) }

func (e *lineEdit) SetValue(s string) {
	e.buf = []rune(s)
	e.pos = len(e.buf)
}

// insert types s at the cursor, dropping runes accept refuses; it reports whether any rune
// was refused.
func (e *lineEdit) insert(s string) (refused bool) {
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			r = ' '
		}
		if e.accept != nil && !e.accept(r, e.buf[:e.pos]) {
			refused = true
			continue
		}
		e.buf = append(e.buf[:e.pos], append([]rune{r}, e.buf[e.pos:]...)...)
		e.pos++
	}
	return refused
}

// update handles editing keys and typed text; handled is false for keys it does not use.
func (e *lineEdit) update(msg tea.Msg) (handled, refused bool) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		return true, e.insert(msg.Content)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "left", "ctrl+b":
			if e.pos > 0 {
				e.pos--
			}
		case "right", "ctrl+f":
			if e.pos < len(e.buf) {
				e.pos++
			}
		case "home", "ctrl+a":
			e.pos = 0
		case "end", "ctrl+e":
			e.pos = len(e.buf)
		case "backspace", "ctrl+h":
			if e.pos > 0 {
				e.buf = append(e.buf[:e.pos-1], e.buf[e.pos:]...)
				e.pos--
			}
		case "delete":
			if e.pos < len(e.buf) {
				e.buf = append(e.buf[:e.pos], e.buf[e.pos+1:]...)
			}
		case "ctrl+u":
			e.buf, e.pos = e.buf[e.pos:], 0
		case "ctrl+k":
			e.buf = e.buf[:e.pos]
		case "ctrl+w":
			i := e.pos
			for i > 0 && e.buf[i-1] == ' ' {
				i--
			}
			for i > 0 && e.buf[i-1] != ' ' {
				i--
			}
			e.buf = append(e.buf[:i], e.buf[e.pos:]...)
			e.pos = i
		default:
			if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
				return true, e.insert(msg.Text)
			}
			return false, false
		}
		return true, false
	}
	return false, false
}

// view renders the buffer in width cells with the cursor shown by cursor; a long value
// scrolls so that the cursor stays visible.
func (e *lineEdit) view(width int, st Styles, focused bool) string {
	if width < 4 {
		width = 4
	}
	before := string(e.buf[:e.pos])
	at, after := " ", ""
	if e.pos < len(e.buf) {
		at, after = string(e.buf[e.pos]), string(e.buf[e.pos+1:])
	}
	for ansi.StringWidth(before)+1 > width-1 {
		_, size := utf8.DecodeRuneInString(before)
		before = before[size:]
	}
	rest := width - 1 - ansi.StringWidth(before) - ansi.StringWidth(at)
	after = ansi.Truncate(after, max(rest, 0), "")
	pad := strings.Repeat(" ", max(width-1-ansi.StringWidth(before)-ansi.StringWidth(at)-ansi.StringWidth(after), 0))
	cur := at
	if focused {
		cur = st.Cursor.Render(at)
	}
	return "› " + st.Input.Render(before) + cur + st.Input.Render(after+pad)
}
