package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/forms"
)

// ChoiceKeyMap holds the keys of a short choice list (up to nine options): a digit picks
// its option, Space picks the highlighted one.
type ChoiceKeyMap struct {
	Up, Down, Pick, Select key.Binding
}

func defaultChoiceKeyMap() ChoiceKeyMap {
	return ChoiceKeyMap{
		Up:     key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Pick:   key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "pick")),
		Select: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pick highlighted")),
	}
}

// choiceInput is a single or multiple choice among up to nine options, all on screen. The
// answer is only ever an option the enumerator picked: with a digit, with Space on the
// highlighted option, or (single choice, nothing picked yet) by moving the highlight with
// the arrows and pressing Enter. Other keys pick nothing.
type choiceInput struct {
	keys     *ChoiceKeyMap
	kind     fieldKind
	opts     *options
	chosen   map[string]bool
	cursor   int
	moved    bool // the arrows moved the highlight since the last pick
	readOnly bool
	note     liveID
	// orig is the answer the input opened with, kept as it is until a pick: a choice an
	// earlier answer made inapplicable does not show as picked, and passing over it must
	// not clear it (the form flags it until another option is picked).
	orig   string
	edited bool
}

func newChoiceInput(km *ChoiceKeyMap, kind fieldKind, o *options, v string, ro bool) *choiceInput {
	f := &choiceInput{keys: km, kind: kind, opts: o, chosen: chosenSet(kind, v), readOnly: ro, orig: v}
	for i, c := range o.items {
		if f.chosen[c.Name] {
			f.cursor = i
			break
		}
	}
	return f
}

// chosenSet reads a stored answer: one name for a single choice (a name may hold spaces),
// space-separated names for a multiple choice.
func chosenSet(kind fieldKind, v string) map[string]bool {
	set := map[string]bool{}
	if kind == fieldOne {
		if v != "" {
			set[v] = true
		}
		return set
	}
	for _, name := range strings.Fields(v) {
		set[name] = true
	}
	return set
}

func (f *choiceInput) Kind() fieldKind { return f.kind }

// pick picks (single) or toggles (multiple) option i.
func (f *choiceInput) pick(i int) {
	name := f.opts.items[i].Name
	if f.kind == fieldMany {
		f.chosen[name] = !f.chosen[name]
		if !f.chosen[name] {
			delete(f.chosen, name)
		}
	} else {
		clear(f.chosen)
		f.chosen[name] = true
	}
	f.cursor = i
	f.moved = false
	f.edited = true
}

func (f *choiceInput) Update(msg tea.Msg) bool {
	f.note = liveNone
	if f.readOnly {
		return false
	}
	if _, ok := msg.(tea.PasteMsg); ok {
		f.note = livePickDigit // a paste picks nothing
		return true
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	n := len(f.opts.items)
	switch {
	case key.Matches(k, f.keys.Up):
		if f.cursor > 0 {
			f.cursor--
		}
		f.moved = true
		return true
	case key.Matches(k, f.keys.Down):
		if f.cursor < n-1 {
			f.cursor++
		}
		f.moved = true
		return true
	case key.Matches(k, f.keys.Select):
		if n > 0 {
			f.pick(f.cursor)
		}
		return true
	case key.Matches(k, f.keys.Pick):
		if i := digitKey(k); i >= 0 && i < n {
			f.pick(i)
		} else {
			f.note = liveNoOption
		}
		return true
	}
	if k.Text != "" && k.Mod&^tea.ModShift == 0 {
		// a letter or another digit picks nothing, and says how to pick
		f.note = livePickDigit
		return true
	}
	return false
}

func (f *choiceInput) Value() (string, liveID) {
	if !f.edited {
		return f.orig, liveNone
	}
	return joinChosen(f.opts, f.chosen), liveNone
}

// takeHighlight picks the highlighted option of a single choice with nothing picked when the
// arrows put the highlight there: Enter does this before leaving, and no other key does.
func (f *choiceInput) takeHighlight() {
	if f.kind == fieldOne && f.moved && len(f.chosen) == 0 && len(f.opts.items) > 0 && !f.readOnly {
		f.pick(f.cursor)
	}
}

// dropInapplicable makes the input hold what it shows when the answer it opened with has a
// choice it does not show (one an earlier answer made inapplicable): Enter does this, and
// returns the answer dropped ("" when none).
func (f *choiceInput) dropInapplicable() string {
	return dropOpening(&f.edited, f.readOnly, f.opts, f.kind, f.orig)
}

// hidesAnswer reports whether the answer the input opened with is not shown as picked (an
// earlier answer made it inapplicable) and is still held.
func (f *choiceInput) hidesAnswer() bool {
	return !f.edited && inapplicable(f.opts, f.kind, f.orig) != ""
}

// dropOpening is dropInapplicable for any list of choices: unless the input was edited (or
// is read-only), it returns the inapplicable names of orig, the answer it opened with, and
// marks it edited when there are some, so that it holds what it shows.
func dropOpening(edited *bool, readOnly bool, o *options, kind fieldKind, orig string) string {
	if *edited || readOnly {
		return ""
	}
	dropped := inapplicable(o, kind, orig)
	if dropped != "" {
		*edited = true
	}
	return dropped
}

// inapplicable returns the names of answer v that are not among the options, "" when none.
func inapplicable(o *options, kind fieldKind, v string) string {
	var out []string
	for name := range chosenSet(kind, v) {
		if o.index(name) < 0 {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// untaken says why Enter stays once: the arrows moved the highlight off the answer given
// (or onto an option a multiple choice has not ticked) since the last pick, and Enter does
// not take it. The answer stays; the next Enter goes on with it.
func (f *choiceInput) untaken() liveID {
	if f.readOnly || len(f.opts.items) == 0 {
		return liveNone
	}
	return keptAfterArrows(&f.moved, f.kind, f.chosen, f.opts.items[f.cursor].Name)
}

// keptAfterArrows is the rule of untaken for any list of choices: moved says the arrows
// moved the highlight since the last pick (it is cleared once the message is given), and
// highlighted names the option under it.
func keptAfterArrows(moved *bool, kind fieldKind, chosen map[string]bool, highlighted string) liveID {
	if !*moved || chosen[highlighted] {
		return liveNone
	}
	if kind == fieldOne && len(chosen) == 0 {
		return liveNone // Enter took the highlight
	}
	*moved = false
	if len(chosen) == 0 {
		return liveArrowsNone
	}
	return liveArrowsKept
}

// joinChosen writes the chosen names in list order.
func joinChosen(o *options, chosen map[string]bool) string {
	var names []string
	for _, c := range o.items {
		if chosen[c.Name] {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, " ")
}

func (f *choiceInput) Note() liveID             { return f.note }
func (f *choiceInput) NoteArgs() []any          { return nil }
func (f *choiceInput) Typing() bool             { return false }
func (f *choiceInput) Relabel(s *forms.Session) { f.opts.relabel(s) }

func (f *choiceInput) View(t *texts, st Styles, width, height int) string {
	rows := make([]int, len(f.opts.items))
	for i := range rows {
		rows[i] = i
	}
	return optionRows(f.opts, rows, f.kind == fieldMany, f.chosen, f.cursor, f.readOnly, st, t, width, height)
}

func (f *choiceInput) ShortHelp() []key.Binding { return []key.Binding{f.keys.Pick} }
func (f *choiceInput) FullHelp() []key.Binding {
	return []key.Binding{f.keys.Pick, f.keys.Up, f.keys.Down, f.keys.Select}
}

// optionRows draws the options at rows (indexes into o) with their marks, wrapping long
// labels under themselves and scrolling so that the highlighted row shows in full.
func optionRows(o *options, rows []int, many bool, chosen map[string]bool, cursor int, ro bool, st Styles, t *texts, width, height int) string {
	type block struct{ lines []string }
	blocks := make([]block, len(rows))
	for r, i := range rows {
		c := o.items[i]
		mark := "( )"
		if many {
			mark = "[ ]"
		}
		if chosen[c.Name] {
			mark = "(•)"
			if many {
				mark = "[x]"
			}
		}
		head := mark + " " + o.codes[i] + " "
		indent := strings.Repeat(" ", len([]rune(head)))
		lines := strings.Split(wrapPlain(o.labels[i], max(width-2-len([]rune(head)), 10)), "\n")
		for j, l := range lines {
			p := indent
			if j == 0 {
				p = head
			}
			line := p + l
			switch {
			case r == cursor && !ro:
				if j == 0 {
					line = st.Selected.Render("› " + line)
				} else {
					line = st.Selected.Render("  " + line)
				}
			case chosen[c.Name]:
				line = st.Selected.Render("  " + line)
			default:
				line = "  " + line
			}
			lines[j] = line
		}
		blocks[r].lines = lines
	}
	// the window of rows: the cursor's row in full, as many around it as fit, and how many
	// options are above and below it
	lines := make([][]string, len(blocks))
	for r := range blocks {
		lines[r] = blocks[r].lines
	}
	return windowView(lines, max(cursor, 0), height, st, t)
}

// ackInput is an acknowledge (or trigger) question: OK or nothing.
type ackInput struct {
	keys     *AckKeyMap
	ok       bool
	readOnly bool
}

// AckKeyMap holds the key of an acknowledge question.
type AckKeyMap struct {
	Toggle key.Binding
}

func defaultAckKeyMap() AckKeyMap {
	return AckKeyMap{Toggle: key.NewBinding(key.WithKeys("space", "1"), key.WithHelp("space/1", "OK"))}
}

func (f *ackInput) Kind() fieldKind { return fieldAck }
func (f *ackInput) Update(msg tea.Msg) bool {
	if k, ok := msg.(tea.KeyPressMsg); ok && !f.readOnly && key.Matches(k, f.keys.Toggle) {
		f.ok = !f.ok
		return true
	}
	return false
}
func (f *ackInput) Value() (string, liveID) {
	if f.ok {
		return "OK", liveNone
	}
	return "", liveNone
}
func (f *ackInput) Note() liveID             { return liveNone }
func (f *ackInput) NoteArgs() []any          { return nil }
func (f *ackInput) Typing() bool             { return false }
func (f *ackInput) Relabel(*forms.Session)   {}
func (f *ackInput) ShortHelp() []key.Binding { return []key.Binding{f.keys.Toggle} }
func (f *ackInput) FullHelp() []key.Binding  { return []key.Binding{f.keys.Toggle} }
func (f *ackInput) View(t *texts, st Styles, width, height int) string {
	box := "[ ]"
	if f.ok {
		box = "[x]"
	}
	return st.Selected.Render("› " + box + " 1 " + t.FieldAck)
}

// PromptKeyMap holds the keys of a repeat's add-another prompt.
type PromptKeyMap struct {
	Yes, No key.Binding
}

func defaultPromptKeyMap() PromptKeyMap {
	return PromptKeyMap{
		Yes: key.NewBinding(key.WithKeys("1", "y", "Y"), key.WithHelp("1/y", "add")),
		No:  key.NewBinding(key.WithKeys("2", "n", "N", "enter", "tab"), key.WithHelp("2/n", "continue")),
	}
}

// promptInput is a repeat's add-another prompt; the interview screen acts on its answer.
type promptInput struct {
	keys *PromptKeyMap
}

func (f *promptInput) Kind() fieldKind          { return fieldPrompt }
func (f *promptInput) Update(tea.Msg) bool      { return false }
func (f *promptInput) Value() (string, liveID)  { return "", liveNone }
func (f *promptInput) Note() liveID             { return liveNone }
func (f *promptInput) NoteArgs() []any          { return nil }
func (f *promptInput) Typing() bool             { return false }
func (f *promptInput) Relabel(*forms.Session)   {}
func (f *promptInput) ShortHelp() []key.Binding { return []key.Binding{f.keys.Yes, f.keys.No} }
func (f *promptInput) FullHelp() []key.Binding  { return []key.Binding{f.keys.Yes, f.keys.No} }
func (f *promptInput) View(t *texts, st Styles, width, height int) string {
	return "  1 " + t.PromptYes + "\n  2 " + t.PromptNo
}
