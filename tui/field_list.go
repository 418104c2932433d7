package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/forms"
)

// ListKeyMap holds the keys of a long choice list (ten options or more), which is searched:
// letters and digits type the search, Space picks the highlighted option.
type ListKeyMap struct {
	Search, Up, Down, PageUp, PageDown, Select, Backspace, ClearSearch key.Binding
}

func defaultListKeyMap() ListKeyMap {
	return ListKeyMap{
		// Search is only shown in the help (its key name matches no key press): any letter
		// or digit types the search.
		Search:      key.NewBinding(key.WithKeys("a-z 0-9"), key.WithHelp("a-z 0-9", "search")),
		Up:          key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:        key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Select:      key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pick highlighted")),
		Backspace:   key.NewBinding(key.WithKeys("backspace", "ctrl+h"), key.WithHelp("backspace", "delete")),
		ClearSearch: key.NewBinding(key.WithKeys("esc", "ctrl+u"), key.WithHelp("esc", "clear search")),
	}
}

// listInput is a single or multiple choice among many options (provinces, regencies, KBLI
// sectors), searched by typing. The answer is only ever an option the enumerator picked:
// Space picks the highlighted option when the arrows put the highlight there, the search
// is its code ("7"), or Enter just said that Space picks it; while words are searched,
// Space separates them ("kutai timur"), and a second one says how to pick; for a single
// choice, Enter takes the highlighted option of a
// search that is on screen (or of arrows moved while nothing was picked). Clearing the
// search picks nothing.
type listInput struct {
	keys    *ListKeyMap
	kind    fieldKind
	opts    *options
	chosen  map[string]bool
	query   string
	visible []int
	cursor  int  // index into visible
	armed   bool // Enter takes the highlighted option (single choice)
	// moved is set when the arrows moved the highlight since the search last changed:
	// Space then picks the highlighted option. While a search is being typed (the top
	// result highlighted by the search itself), Space separates its words.
	moved    bool
	readOnly bool
	note     liveID
	// orig is the answer the input opened with, kept as it is until a pick (see
	// choiceInput).
	orig   string
	edited bool
}

func newListInput(km *ListKeyMap, kind fieldKind, o *options, v string, ro bool) *listInput {
	f := &listInput{keys: km, kind: kind, opts: o, chosen: chosenSet(kind, v), readOnly: ro, orig: v}
	f.filter()
	for i, idx := range f.visible {
		if f.chosen[o.items[idx].Name] {
			f.cursor = i
			break
		}
	}
	return f
}

func (f *listInput) Kind() fieldKind { return f.kind }

// filter recomputes the visible options from the search and puts the highlight on the best
// match (the top).
func (f *listInput) filter() {
	f.visible = matchOptions(f.opts, f.query, f.visible[:0])
	f.cursor = 0
	f.armed = f.query != "" && len(f.visible) > 0
	f.moved = false
}

// pick picks (single) or toggles (multiple) the highlighted option, then shows the whole
// list again with the highlight on it.
func (f *listInput) pick() {
	if len(f.visible) == 0 {
		return
	}
	idx := f.visible[f.cursor]
	name := f.opts.items[idx].Name
	if f.kind == fieldMany {
		if f.chosen[name] {
			delete(f.chosen, name)
		} else {
			f.chosen[name] = true
		}
	} else {
		clear(f.chosen)
		f.chosen[name] = true
	}
	f.query = ""
	f.filter()
	f.cursor = idx
	f.armed = false
	f.edited = true
}

// codeTyped reports whether the search is the code shown before the highlighted option
// (its number, or its letter in a lettered list): "7" then Space picks option 7.
func (f *listInput) codeTyped() bool {
	if len(f.visible) == 0 {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(f.opts.codes[f.visible[f.cursor]]), strings.TrimSpace(f.query))
}

func (f *listInput) move(to int) {
	f.cursor = max(min(to, len(f.visible)-1), 0)
	f.moved = true
	if f.query != "" || len(f.chosen) == 0 {
		f.armed = len(f.visible) > 0
	}
}

func (f *listInput) Update(msg tea.Msg) bool {
	f.note = liveNone
	if f.readOnly {
		return false
	}
	if p, ok := msg.(tea.PasteMsg); ok {
		f.query += p.Content
		f.filter()
		return true
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	switch {
	case key.Matches(k, f.keys.Up):
		f.move(f.cursor - 1)
		return true
	case key.Matches(k, f.keys.Down):
		f.move(f.cursor + 1)
		return true
	case key.Matches(k, f.keys.PageUp):
		f.move(f.cursor - 8)
		return true
	case key.Matches(k, f.keys.PageDown):
		f.move(f.cursor + 8)
		return true
	case key.Matches(k, f.keys.Select) && f.query != "" && !f.moved && !f.codeTyped():
		if strings.HasSuffix(f.query, " ") {
			// a second Space separates no words: say how to pick, rather than nothing
			f.note = liveSearchSpace
			return true
		}
		f.query += " " // a word of the search ends; the results stay as they are
		return true
	case key.Matches(k, f.keys.Select):
		f.pick()
		return true
	case key.Matches(k, f.keys.Backspace):
		if f.query != "" {
			r := []rune(f.query)
			f.query = string(r[:len(r)-1])
			f.filter()
		}
		return true
	case key.Matches(k, f.keys.ClearSearch):
		if f.query == "" {
			return false
		}
		f.query = ""
		f.filter()
		return true
	}
	if k.Text == "" || k.Mod&^tea.ModShift != 0 {
		return false
	}
	f.query += k.Text
	f.filter()
	return true
}

func (f *listInput) Value() (string, liveID) {
	if !f.edited {
		return f.orig, liveNone
	}
	return joinChosen(f.opts, f.chosen), liveNone
}

// takeHighlight picks the highlighted option of a single choice when Enter takes it (a search
// on screen, or arrows moved with nothing picked): Enter does this before leaving, and no
// other key does.
func (f *listInput) takeHighlight() {
	if f.kind == fieldOne && f.armed && len(f.visible) > 0 && !f.readOnly {
		f.pick()
	}
}

// dropInapplicable is choiceInput's: Enter drops an answer's choices the list does not show.
func (f *listInput) dropInapplicable() string {
	return dropOpening(&f.edited, f.readOnly, f.opts, f.kind, f.orig)
}

// hidesAnswer reports whether the answer the input opened with is not shown as picked (an
// earlier answer made it inapplicable) and is still held.
func (f *listInput) hidesAnswer() bool {
	return !f.edited && inapplicable(f.opts, f.kind, f.orig) != ""
}

// untaken says why Enter stays when a search is on screen after takeHighlight: nothing
// matches it, or it is a multiple choice's, where Space picks the highlighted option; with
// no search, once when the arrows moved off the answer (see choiceInput).
func (f *listInput) untaken() liveID {
	switch {
	case strings.TrimSpace(f.query) == "" || f.readOnly:
		return f.arrowsKept()
	case len(f.visible) == 0:
		return liveSearchNoMatch
	case f.kind == fieldMany:
		f.moved = true // as the message says, the next Space picks the highlighted option
		return liveSearchMany
	}
	return liveNone
}

// arrowsKept is choiceInput's untaken for a list with no search on screen.
func (f *listInput) arrowsKept() liveID {
	if f.readOnly || f.query != "" || len(f.visible) == 0 {
		return liveNone
	}
	return keptAfterArrows(&f.moved, f.kind, f.chosen, f.opts.items[f.visible[f.cursor]].Name)
}

func (f *listInput) Note() liveID    { return f.note }
func (f *listInput) NoteArgs() []any { return nil }
func (f *listInput) Typing() bool    { return false }
func (f *listInput) Relabel(s *forms.Session) {
	f.opts.relabel(s)
	cur, armed := f.cursor, f.armed
	f.filter()
	f.cursor, f.armed = max(min(cur, len(f.visible)-1), 0), armed
}

func (f *listInput) View(t *texts, st Styles, width, height int) string {
	q := "  " + t.FieldFilter + " " + st.Input.Render(f.query) + st.Cursor.Render(" ")
	q += st.Muted.Render("  " + strconv.Itoa(len(f.visible)) + "/" + strconv.Itoa(len(f.opts.items)))
	if len(f.visible) == 0 {
		return q + "\n" + st.Muted.Render("  "+t.FieldNoMatch)
	}
	return q + "\n" + optionRows(f.opts, f.visible, f.kind == fieldMany, f.chosen, f.cursor, f.readOnly, st, t, width, max(height-1, 1))
}

func (f *listInput) ShortHelp() []key.Binding {
	return []key.Binding{f.keys.Search, f.keys.Select}
}
func (f *listInput) FullHelp() []key.Binding {
	k := f.keys
	return []key.Binding{k.Search, k.Select, k.Up, k.Down, k.PageUp, k.PageDown, k.ClearSearch}
}
