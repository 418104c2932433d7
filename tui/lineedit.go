package tui

import (
	"slices"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// EditKeyMap holds the keys of one-line text entry (text and number questions).
type EditKeyMap struct {
	Left, Right, Home, End, Backspace, Delete, ClearBefore, ClearAfter, DeleteWord key.Binding
}

func defaultEditKeyMap() EditKeyMap {
	return EditKeyMap{
		Left:        key.NewBinding(key.WithKeys("left", "ctrl+b"), key.WithHelp("←", "left")),
		Right:       key.NewBinding(key.WithKeys("right", "ctrl+f"), key.WithHelp("→", "right")),
		Home:        key.NewBinding(key.WithKeys("home", "ctrl+a"), key.WithHelp("home", "start")),
		End:         key.NewBinding(key.WithKeys("end", "ctrl+e"), key.WithHelp("end", "end")),
		Backspace:   key.NewBinding(key.WithKeys("backspace", "ctrl+h"), key.WithHelp("backspace", "delete")),
		Delete:      key.NewBinding(key.WithKeys("delete"), key.WithHelp("del", "delete")),
		ClearBefore: key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
		ClearAfter:  key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", "clear to end")),
		DeleteWord:  key.NewBinding(key.WithKeys("ctrl+w"), key.WithHelp("ctrl+w", "delete word")),
	}
}

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

// paste types s at the cursor when every rune of it may be typed; a paste with a rune accept
// refuses changes nothing (the rest of it would read as another value: "2-3" as 23), and it
// reports that it was refused.
func (e *lineEdit) paste(s string) (refused bool) {
	trial := lineEdit{buf: slices.Clone(e.buf), pos: e.pos, accept: e.accept}
	if trial.insert(s) {
		return true
	}
	*e = trial
	return false
}

// update handles editing keys and typed text; handled is false for keys it does not use.
func (e *lineEdit) update(km *EditKeyMap, msg tea.Msg) (handled, refused bool) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		return true, e.paste(msg.Content)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, km.Left):
			if e.pos > 0 {
				e.pos--
			}
		case key.Matches(msg, km.Right):
			if e.pos < len(e.buf) {
				e.pos++
			}
		case key.Matches(msg, km.Home):
			e.pos = 0
		case key.Matches(msg, km.End):
			e.pos = len(e.buf)
		case key.Matches(msg, km.Backspace):
			if e.pos > 0 {
				e.buf = append(e.buf[:e.pos-1], e.buf[e.pos:]...)
				e.pos--
			}
		case key.Matches(msg, km.Delete):
			if e.pos < len(e.buf) {
				e.buf = append(e.buf[:e.pos], e.buf[e.pos+1:]...)
			}
		case key.Matches(msg, km.ClearBefore):
			e.buf, e.pos = e.buf[e.pos:], 0
		case key.Matches(msg, km.ClearAfter):
			e.buf = e.buf[:e.pos]
		case key.Matches(msg, km.DeleteWord):
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
	before = tailWithin(before, width-2)
	rest := width - 1 - ansi.StringWidth(before) - ansi.StringWidth(at)
	after = ansi.Truncate(after, max(rest, 0), "")
	pad := strings.Repeat(" ", max(width-1-ansi.StringWidth(before)-ansi.StringWidth(at)-ansi.StringWidth(after), 0))
	cur := at
	if focused {
		cur = st.Cursor.Render(at)
	}
	return "› " + st.Input.Render(before) + cur + st.Input.Render(after+pad)
}

// tailWithin is the end of s that fits in w columns, whole grapheme clusters dropped from
// its start. It measures s once, so showing an answer of thousands of characters (a long
// paste typed key by key) costs each key one pass over it, not one per column cut.
func tailWithin(s string, w int) string {
	over := ansi.StringWidth(s) - max(w, 0)
	for over > 0 && s != "" {
		cluster, cw := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if cluster == "" {
			_, size := utf8.DecodeRuneInString(s)
			cluster = s[:size]
		}
		s, over = s[len(cluster):], over-cw
	}
	return s
}
