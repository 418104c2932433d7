package tui

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// RosterDecider is the supervisor's side of the roster updates proposed from the field;
// cmd/tracer hands in the sync client.
type RosterDecider interface {
	// ListRosterUpdates returns the proposals with status st ("" for all, the history), oldest
	// first, of one alumnus when rosterID is set.
	ListRosterUpdates(ctx context.Context, st survey.UpdateStatus, rosterID string) ([]*survey.RosterUpdate, error)
	// DecideRosterUpdate accepts or rejects a pending proposal with a reason (required to
	// reject). Returns ECONFLICT for one already decided.
	DecideRosterUpdate(ctx context.Context, id string, accept bool, reason string) (*survey.RosterUpdate, error)
}

// The roster update screen's messages.
type (
	goUpdatesMsg   struct{}
	updatesListMsg struct {
		list []*survey.RosterUpdate
		err  error
	}
	updateDecidedMsg struct {
		u   *survey.RosterUpdate
		err error
	}
)

// updatesScreen lists the roster updates proposed from the field for the supervisor: the
// pending ones, or with tab the whole history. a accepts and x rejects the one under the
// cursor, each after a reason is typed (optional to accept) and enter confirms it.
type updatesScreen struct {
	c             *common
	list          []*survey.RosterUpdate
	loaded        bool
	err           error
	status        string
	history       bool
	cursor        int
	width, height int
	// deciding: a reason is being typed for accepting (accept) or rejecting the selected one.
	deciding, accept bool
	reason           []rune
	// deciding on: the proposal under the cursor when the decision began, whatever the
	// list's order when it is read again.
	decide                           *survey.RosterUpdate
	keyAccept, keyReject, keyHistory key.Binding
}

func newUpdatesScreen(c *common) *updatesScreen {
	t := c.t
	return &updatesScreen{c: c,
		keyAccept:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", t.KeyAcceptUpdate)),
		keyReject:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", t.KeyRejectUpdate)),
		keyHistory: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", t.KeyUpdateHistory)),
	}
}

// SetSize sets the screen's size.
func (v *updatesScreen) SetSize(w, h int) { v.width, v.height = w, h }

func (v *updatesScreen) load() tea.Cmd {
	d, ctx := v.c.cfg.Decider, v.c.ctx
	st := survey.UpdatePending
	if v.history {
		st = ""
	}
	return func() tea.Msg {
		list, err := d.ListRosterUpdates(ctx, st, "")
		return updatesListMsg{list: list, err: err}
	}
}

func (v *updatesScreen) decideCmd(u *survey.RosterUpdate, accept bool, reason string) tea.Cmd {
	d, ctx := v.c.cfg.Decider, v.c.ctx
	return func() tea.Msg {
		x, err := d.DecideRosterUpdate(ctx, u.ID, accept, reason)
		return updateDecidedMsg{u: x, err: err}
	}
}

// Update handles the screen's keys and messages.
func (v *updatesScreen) Update(msg tea.Msg) tea.Cmd {
	k := v.c.keys
	switch msg := msg.(type) {
	case goUpdatesMsg:
		return v.load()
	case updatesListMsg:
		v.loaded, v.list, v.err = true, msg.list, msg.err
		if msg.err != nil {
			v.c.log.Error("roster updates", "err", msg.err)
		}
		v.cursor = min(v.cursor, max(len(v.list)-1, 0))
		if v.deciding {
			// the proposal being decided stays the one selected
			for i, u := range v.list {
				if u.ID == v.decide.ID {
					v.cursor = i
				}
			}
		}
	case updateDecidedMsg:
		if msg.err != nil {
			v.status = v.c.t.CallsErr + v.c.errText(msg.err)
			return v.load()
		}
		v.status = survey.Plurals(v.c.t.UpdatesDecided, msg.u.RosterID, v.c.t.updateStatus(msg.u.Status))
		return v.load()
	case tea.KeyPressMsg:
		if v.deciding {
			return v.reasonKey(msg)
		}
		v.status = ""
		switch {
		case key.Matches(msg, k.Esc):
			return v.c.navigate(goHomeMsg{})
		case key.Matches(msg, k.Up):
			v.cursor = max(v.cursor-1, 0)
		case key.Matches(msg, k.Down):
			v.cursor = min(v.cursor+1, max(len(v.list)-1, 0))
		case key.Matches(msg, k.Refresh):
			return v.load()
		case key.Matches(msg, v.keyHistory):
			v.history, v.cursor = !v.history, 0
			return v.load()
		case key.Matches(msg, v.keyAccept, v.keyReject) && v.selectedPending():
			v.deciding, v.accept, v.reason, v.decide = true, key.Matches(msg, v.keyAccept), nil, v.list[v.cursor]
		default:
			return keyUnused(v.c, msg)
		}
	}
	return nil
}

func (v *updatesScreen) selectedPending() bool {
	return v.cursor < len(v.list) && v.list[v.cursor].Status == survey.UpdatePending
}

// reasonKey edits the reason; enter decides (a rejection needs a reason), esc cancels.
func (v *updatesScreen) reasonKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		v.deciding = false
	case "backspace":
		if len(v.reason) > 0 {
			v.reason = v.reason[:len(v.reason)-1]
		}
	case "enter":
		reason := strings.TrimSpace(string(v.reason))
		if !v.accept && reason == "" {
			v.status = v.c.t.UpdatesNeedReason
			return nil
		}
		v.deciding = false
		return v.decideCmd(v.decide, v.accept, reason)
	default:
		for _, r := range msg.Text {
			if unicode.IsPrint(r) && len(v.reason) < 500 {
				v.reason = append(v.reason, r)
			}
		}
	}
	return nil
}

// line is one proposal in one line: who, what, old and new value (phone numbers masked,
// whatever the server sent), and the decision when there is one.
func (v *updatesScreen) line(u *survey.RosterUpdate) string {
	t := v.c.t
	p := survey.Printable
	s := fmt.Sprintf("%s %s: %s (%s %s) · %s %s", p(u.RosterID), t.updateField(u.Field), p(u.Field.Shown(u.Value)), t.UpdatesWas, p(orEmpty(u.Field.Shown(u.Old))),
		p(u.ProposedBy), u.ProposedAt.In(v.c.cfg.Now().Location()).Format("01-02 15:04"))
	if u.Status != survey.UpdatePending && u.Status != "" {
		s += fmt.Sprintf(" · %s %s %s", t.updateStatus(u.Status), p(u.DecidedBy), u.DecidedAt.In(v.c.cfg.Now().Location()).Format("01-02 15:04"))
		if u.Reason != "" {
			s += ": " + p(u.Reason)
		}
	}
	if u.Note != "" {
		s += " · " + p(u.Note)
	}
	return s
}

func orEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// View draws the list, the selected proposal wrapped in full, and the reason being typed.
func (v *updatesScreen) View() string {
	t, st := v.c.t, v.c.st
	w := max(v.width, 40)
	if !v.loaded {
		return st.Muted.Render(t.CallsLoading)
	}
	if v.err != nil {
		return wrap(t.ErrLoad+" "+v.c.errText(v.err), w, st.Error.Render)
	}
	var b strings.Builder
	title := t.UpdatesPending
	if v.history {
		title = t.UpdatesHistory
	}
	b.WriteString(st.Title.Render(survey.Plurals(title, len(v.list))) + "\n")
	if len(v.list) == 0 {
		b.WriteString(st.Muted.Render(t.UpdatesEmpty) + "\n")
	}
	var selected, foot string
	if v.cursor < len(v.list) {
		selected = st.Selected.Render(hang("> ", v.line(v.list[v.cursor]), w))
	}
	if v.deciding {
		prompt := t.UpdatesAcceptPrompt
		if !v.accept {
			prompt = t.UpdatesRejectPrompt
		}
		foot = wrapPlain(survey.Printable(prompt+string(v.reason)), w) + st.Cursor.Render(" ") + "\n"
	}
	if v.status != "" {
		foot += wrap(v.status, w, st.Muted.Render) + "\n"
	}
	rows := max(v.height-2-strings.Count(selected, "\n")-strings.Count(foot, "\n"), 1)
	first := max(0, min(v.cursor-rows/2, len(v.list)-rows))
	for i := first; i < len(v.list) && i < first+rows; i++ {
		if i == v.cursor {
			b.WriteString(selected + "\n")
		} else {
			b.WriteString(ansi.Truncate("  "+v.line(v.list[i]), w, "…") + "\n")
		}
	}
	b.WriteString(foot)
	return b.String()
}

// ShortHelp lists the screen's main keys.
func (v *updatesScreen) ShortHelp() []key.Binding {
	k := v.c.keys
	return []key.Binding{v.keyAccept, v.keyReject, v.keyHistory, k.Up, k.Down, k.Esc}
}

// FullHelp lists every key of the screen.
func (v *updatesScreen) FullHelp() [][]key.Binding {
	k := v.c.keys
	return [][]key.Binding{{v.keyAccept, v.keyReject, v.keyHistory}, {k.Up, k.Down, k.Refresh, k.Esc}}
}

// updateField names a roster field in the UI language.
func (t *texts) updateField(f survey.UpdateField) string {
	for i, x := range survey.UpdateFields {
		if x == f && i < len(t.UpdateFieldNames) {
			return t.UpdateFieldNames[i]
		}
	}
	return string(f)
}

// updateStatus names a roster update's status in the UI language.
func (t *texts) updateStatus(s survey.UpdateStatus) string {
	switch s {
	case survey.UpdateAccepted:
		return t.UpdatesAccepted
	case survey.UpdateRejected:
		return t.UpdatesRejected
	}
	return t.UpdatesPendingWord
}
