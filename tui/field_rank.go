package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
)

// RankKeyMap holds the keys of a rank question.
type RankKeyMap struct {
	Up, Down, MoveUp, MoveDown, Place, Keep, Reset key.Binding
	// Reorder only shows in the footer: the moving keys in one entry.
	Reorder key.Binding
}

func defaultRankKeyMap() RankKeyMap {
	return RankKeyMap{
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		MoveUp:   key.NewBinding(key.WithKeys("shift+up", "alt+up", "-"), key.WithHelp("shift+↑", "move up")),
		MoveDown: key.NewBinding(key.WithKeys("shift+down", "alt+down", "+", "="), key.WithHelp("shift+↓", "move down")),
		Place:    key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "put at place")),
		Keep:     key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "keep this order")),
		Reset:    key.NewBinding(key.WithKeys("ctrl+u", "backspace", "ctrl+h"), key.WithHelp("ctrl+u", "start over")),
		Reorder:  key.NewBinding(key.WithKeys("shift+↑↓/1-9"), key.WithHelp("shift+↑↓/1-9", "move in order")),
	}
}

// rankInput puts every option of a rank question in order. An untouched list is no answer:
// it is saved only once the enumerator has ordered it (or kept the order shown with Space).
type rankInput struct {
	keys     *RankKeyMap
	opts     *options
	order    []int // indexes into opts, in rank order
	ranked   bool
	cursor   int
	readOnly bool
	// orig is the answer the input opened with, kept as it is until the order is changed,
	// kept or reset: passing over a rank never rewrites it (an option an earlier answer
	// filtered out, or one the stored order did not name).
	orig   string
	edited bool
}

func newRankInput(km *RankKeyMap, s *forms.Session, path, v string, ro bool) *rankInput {
	f := &rankInput{keys: km, opts: newOptions(s, path), readOnly: ro, orig: v}
	f.setRank(v)
	return f
}

// setRank loads a stored rank ("b a c"): its options first in that order, then any option it
// does not name in list order.
func (f *rankInput) setRank(v string) {
	f.order = f.order[:0]
	used := make([]bool, len(f.opts.items))
	for _, name := range strings.Fields(v) {
		if i := f.opts.index(name); i >= 0 && !used[i] {
			f.order = append(f.order, i)
			used[i] = true
		}
	}
	f.ranked = len(f.order) > 0
	for i := range f.opts.items {
		if !used[i] {
			f.order = append(f.order, i)
		}
	}
	f.cursor = 0
}

// moveRank moves the option under the cursor to position to (0-based) and keeps the cursor
// on it.
func (f *rankInput) moveRank(to int) {
	if len(f.order) == 0 {
		return
	}
	to = max(min(to, len(f.order)-1), 0)
	f.edited = true
	it := f.order[f.cursor]
	f.order = append(f.order[:f.cursor], f.order[f.cursor+1:]...)
	f.order = append(f.order[:to], append([]int{it}, f.order[to:]...)...)
	f.cursor = to
	f.ranked = true
}

func (f *rankInput) Kind() fieldKind { return fieldRank }

func (f *rankInput) Update(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || f.readOnly {
		return false
	}
	switch {
	case key.Matches(k, f.keys.Up):
		f.cursor = max(f.cursor-1, 0)
	case key.Matches(k, f.keys.Down):
		f.cursor = max(min(f.cursor+1, len(f.order)-1), 0)
	case key.Matches(k, f.keys.MoveUp):
		f.moveRank(f.cursor - 1)
	case key.Matches(k, f.keys.MoveDown):
		f.moveRank(f.cursor + 1)
	case key.Matches(k, f.keys.Keep):
		f.ranked, f.edited = true, true
	case key.Matches(k, f.keys.Reset):
		f.setRank("")
		f.edited = true
	case key.Matches(k, f.keys.Place):
		if n := digitKey(k) + 1; n >= 1 && n <= len(f.order) {
			f.moveRank(n - 1)
		}
	default:
		return false
	}
	return true
}

func (f *rankInput) Value() (string, liveID) {
	if !f.edited {
		return f.orig, liveNone
	}
	if !f.ranked {
		return "", liveNone
	}
	names := make([]string, len(f.order))
	for i, idx := range f.order {
		names[i] = f.opts.items[idx].Name
	}
	return strings.Join(names, " "), liveNone
}

func (f *rankInput) Note() liveID             { return liveNone }
func (f *rankInput) NoteArgs() []any          { return nil }
func (f *rankInput) Typing() bool             { return false }
func (f *rankInput) Relabel(s *forms.Session) { f.opts.relabel(s) }

func (f *rankInput) View(t *texts, st Styles, width, height int) string {
	var lines []string
	if f.ranked {
		lines = append(lines, st.Muted.Render(wrapPlain("  "+t.RankHint, width)))
	} else {
		lines = append(lines, st.Warn.Render(wrapPlain("  "+t.RankUnranked, width)))
	}
	height -= strings.Count(lines[0], "\n") + 1
	height = max(height, 1)
	numW := len(strconv.Itoa(len(f.opts.items)))
	start := 0
	if f.cursor >= height {
		start = f.cursor - height + 1
	}
	for row := start; row < len(f.order) && row < start+height; row++ {
		num := strconv.Itoa(row + 1)
		num = strings.Repeat(" ", numW-len(num)) + num + "."
		if !f.ranked {
			num = strings.Repeat(" ", numW-1) + "· "
		}
		line := ansi.Truncate(num+" "+f.opts.labels[f.order[row]], width-2, "…")
		if row == f.cursor && !f.readOnly {
			line = st.Selected.Render("› " + line)
		} else {
			line = "  " + line
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func (f *rankInput) ShortHelp() []key.Binding {
	return []key.Binding{f.keys.Reorder}
}
func (f *rankInput) FullHelp() []key.Binding {
	k := f.keys
	return []key.Binding{k.Up, k.Down, k.MoveUp, k.MoveDown, k.Place, k.Keep, k.Reset}
}
