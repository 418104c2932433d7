package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
)

// textInput enters free text on one line. Under the numbers appearance it takes only what
// ODK Collect's keyboard for it types: digits, '.', '-', '+', ',' and the space.
type textInput struct {
	keys     *EditKeyMap
	edit     lineEdit
	readOnly bool
	numbers  bool
	note     liveID
	// fresh is set while the entry still shows the value it opened with (a roster value, a
	// default or an earlier answer): the first character typed replaces it, any other key
	// starts editing it.
	fresh bool
}

func newTextInput(km *EditKeyMap, n *forms.Node, v string, ro bool) *textInput {
	f := &textInput{keys: km, readOnly: ro, fresh: v != "", numbers: numbersAppearance(n)}
	if f.numbers {
		f.edit.accept = func(r rune, _ []rune) bool { return r >= '0' && r <= '9' || strings.ContainsRune(".-+ ,", r) }
	}
	f.edit.SetValue(v)
	return f
}

// numbersAppearance reports whether a text question has the numbers appearance.
func numbersAppearance(n *forms.Node) bool {
	for _, w := range strings.Fields(strings.ToLower(n.Appearance)) {
		if w == "numbers" {
			return true
		}
	}
	return false
}

func (f *textInput) Kind() fieldKind { return fieldText }

// replaceFresh empties an entry that still shows its opening value when msg types a
// character or pastes text.
func replaceFresh(fresh *bool, msg tea.Msg, clear func()) {
	if !*fresh {
		return
	}
	*fresh = false
	if k, ok := msg.(tea.KeyPressMsg); ok && len(k.Text) > 0 && k.Text != " " && k.Mod&^tea.ModShift == 0 {
		clear()
	}
	if p, ok := msg.(tea.PasteMsg); ok && strings.TrimSpace(p.Content) != "" {
		clear()
	}
}

func (f *textInput) Update(msg tea.Msg) bool {
	f.note = liveNone
	if f.readOnly {
		return false
	}
	// a key or paste the entry refuses leaves the value opened with as it was, still to be
	// replaced
	opened, fresh := f.edit, f.fresh
	replaceFresh(&f.fresh, msg, func() { f.edit.SetValue("") })
	handled, refused := f.edit.update(f.keys, msg)
	if refused {
		if _, ok := msg.(tea.PasteMsg); ok || fresh {
			f.edit, f.fresh = opened, fresh
		}
		f.note = liveNumbersText
	}
	return handled
}

func (f *textInput) Value() (string, liveID) { return strings.TrimSpace(f.edit.Value()), liveNone }
func (f *textInput) Note() liveID            { return f.note }
func (f *textInput) NoteArgs() []any         { return nil }

// Typing is false under the numbers appearance, whose keys are no letters: "?" opens the
// help there.
func (f *textInput) Typing() bool           { return !f.readOnly && !f.numbers }
func (f *textInput) Relabel(*forms.Session) {}

func (f *textInput) View(t *texts, st Styles, width, height int) string {
	if f.readOnly {
		return "  " + f.edit.Value() + "  " + st.Muted.Render(t.FieldReadOnly)
	}
	return f.edit.view(min(width-2, 60), st, true) + freshHint(f.fresh && f.edit.Value() != "", t.FieldFreshHint, st, width, height)
}

// freshHint is the line under an entry that still shows its opening value: typing replaces
// it (see replaceFresh), which nothing else on screen says.
func freshHint(fresh bool, hint string, st Styles, width, height int) string {
	if !fresh || height < 2 {
		return ""
	}
	// Word-wrapped to the lines the field has below its entry, the last cut if need be: the
	// hint's end (Esc brings the answer back) is the part a stray key needs.
	lines := strings.Split(ansi.Wrap(hint, max(width-2, 10), ""), "\n")
	if n := height - 1; len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1]+" …", max(width-2, 10), "…")
	}
	for i, l := range lines {
		lines[i] = st.Muted.Render("  " + l)
	}
	return "\n" + strings.Join(lines, "\n")
}

func (f *textInput) ShortHelp() []key.Binding {
	if f.readOnly {
		return nil
	}
	return []key.Binding{f.keys.ClearBefore}
}
func (f *textInput) FullHelp() []key.Binding {
	if f.readOnly {
		return nil
	}
	k := f.keys
	return []key.Binding{k.Left, k.Right, k.Home, k.End, k.Backspace, k.ClearBefore, k.DeleteWord}
}

// noteInput is a note: nothing to enter, Enter goes on.
type noteInput struct{}

func (noteInput) Kind() fieldKind          { return fieldNote }
func (noteInput) Update(tea.Msg) bool      { return false }
func (noteInput) Value() (string, liveID)  { return "", liveNone }
func (noteInput) Note() liveID             { return liveNone }
func (noteInput) NoteArgs() []any          { return nil }
func (noteInput) Typing() bool             { return false }
func (noteInput) Relabel(*forms.Session)   {}
func (noteInput) ShortHelp() []key.Binding { return nil }
func (noteInput) FullHelp() []key.Binding  { return nil }
func (noteInput) View(t *texts, st Styles, width, height int) string {
	return st.Muted.Render(t.FieldNote)
}
