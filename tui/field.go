package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
)

// fieldKind is the kind of input a question gets.
type fieldKind int

const (
	fieldNote fieldKind = iota
	fieldText
	fieldInteger
	fieldDecimal
	fieldMask // date, time, dateTime
	fieldOne
	fieldMany
	fieldAck
	fieldPrompt // a repeat's add-another prompt
	fieldRank   // rank: put every option in order
)

// input is the entry of the question on screen. Each field kind has its own type in a
// field_*.go file, with its own key map and help: the interview screen only sees this.
type input interface {
	// Kind is the field kind the input enters.
	Kind() fieldKind
	// Update handles a message; it returns false for messages the input does not use, which
	// the interview screen then handles (Enter, Esc, navigation).
	Update(msg tea.Msg) bool
	// Value is the answer the input holds; problem says why when the entry cannot be an
	// answer yet (an incomplete date, a number that does not read).
	Value() (v string, problem liveID)
	// Note is the problem live checking found at the last key, liveNone when none.
	Note() liveID
	// NoteArgs are the values the note's text is formatted with.
	NoteArgs() []any
	// Typing reports whether printable keys are the input's text, so that "?" is typed
	// rather than opening the help. Searches never take "?".
	Typing() bool
	// View renders the input in width columns and at most height rows.
	View(t *texts, st Styles, width, height int) string
	// ShortHelp and FullHelp are the input's own keys.
	ShortHelp() []key.Binding
	FullHelp() []key.Binding
	// Relabel refreshes labels after the form language changed.
	Relabel(s *forms.Session)
}

// valueArgser is an input whose problem from Value is formatted with values (a date entry
// names itself and its part not typed yet).
type valueArgser interface {
	ValueArgs() []any
}

// valueArgs returns the values in's problem from Value is formatted with, nil when none.
func valueArgs(in input) []any {
	if a, ok := in.(valueArgser); ok {
		return a.ValueArgs()
	}
	return nil
}

// kindOf returns the field kind for a node type.
func kindOf(n *forms.Node) fieldKind {
	switch n.Type {
	case "note":
		return fieldNote
	case "integer":
		return fieldInteger
	case "decimal", "range":
		return fieldDecimal
	case "date", "time", "dateTime":
		return fieldMask
	case "select_one":
		return fieldOne
	case "select_multiple":
		return fieldMany
	case "rank":
		return fieldRank
	case "acknowledge", "trigger":
		return fieldAck
	}
	if n.Kind == forms.KindNote {
		return fieldNote
	}
	return fieldText
}

// shortList is the most options a choice list may have for one digit to pick each; longer
// lists are searched.
const shortList = 9

// newInput builds the input for the stop, showing the session's current value.
func newInput(fk *fieldKeys, s *forms.Session, st forms.Stop) input {
	if st.Prompt {
		return &promptInput{keys: &fk.Prompt}
	}
	kind := kindOf(st.Node)
	ro := s.ReadOnly(st.Path) && kind != fieldNote
	v := s.Value(st.Path)
	switch kind {
	case fieldNote:
		return &noteInput{}
	case fieldText:
		return newTextInput(&fk.Edit, st.Node, v, ro)
	case fieldInteger, fieldDecimal:
		return newNumberInput(&fk.Edit, kind, v, ro)
	case fieldMask:
		return newMaskInput(&fk.Mask, st.Node, v, ro)
	case fieldAck:
		return &ackInput{keys: &fk.Ack, ok: v == "OK", readOnly: ro}
	case fieldRank:
		return newRankInput(&fk.Rank, s, st.Path, v, ro)
	}
	opts := newOptions(s, st.Path)
	if len(opts.items) <= shortList {
		return newChoiceInput(&fk.Choice, kind, opts, v, ro)
	}
	return newListInput(&fk.List, kind, opts, v, ro)
}

// options are the choices of a select question with their labels and the code shown before
// each: the option's number, or, in a long list, its own letter code when it has one (KBLI
// A-U).
type options struct {
	path   string // the select's path, which its choices' labels are read from
	items  []*forms.Choice
	labels []string
	codes  []string
	// lettered is set when the codes are the choices' letter names.
	lettered bool
}

func newOptions(s *forms.Session, path string) *options {
	o := &options{path: path, items: s.Choices(path)}
	o.labels = make([]string, len(o.items))
	o.codes = make([]string, len(o.items))
	// letter codes are shown (and searched) in a long list only: a short list picks by
	// digit, so it shows the digits
	o.lettered = len(o.items) > shortList
	for i, c := range o.items {
		o.labels[i] = forms.PlainText(s.ChoiceLabelAt(path, c))
		if !letterCode(c.Name) {
			o.lettered = false
		}
	}
	w := len(strconv.Itoa(len(o.items)))
	for i, c := range o.items {
		if o.lettered {
			o.codes[i] = c.Name
			continue
		}
		n := strconv.Itoa(i + 1)
		o.codes[i] = strings.Repeat(" ", w-len(n)) + n
	}
	return o
}

// letterCode reports whether a choice name is a one- or two-letter upper-case code.
func letterCode(name string) bool {
	if len(name) == 0 || len(name) > 2 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < 'A' || name[i] > 'Z' {
			return false
		}
	}
	return true
}

func (o *options) relabel(s *forms.Session) {
	for i, c := range o.items {
		o.labels[i] = forms.PlainText(s.ChoiceLabelAt(o.path, c))
	}
}

// index returns the position of the choice named name, -1 when none.
func (o *options) index(name string) int {
	for i, c := range o.items {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// digitKey returns the 0-based option a digit key 1-9 names, -1 for other keys.
func digitKey(k tea.KeyPressMsg) int {
	if len(k.Text) == 1 && k.Text[0] >= '1' && k.Text[0] <= '9' && k.Mod&^tea.ModShift == 0 {
		return int(k.Text[0] - '1')
	}
	return -1
}

// wrapPlain word-wraps text to width columns (long words are broken).
func wrapPlain(s string, width int) string {
	return ansi.Wrap(s, max(width, 10), "")
}
