package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// LateRefusals gives a supervisor what relays at events took from laptops and the centre
// then refused for good (survey.LateRefusal); cmd/tracer hands in the sync client.
type LateRefusals interface {
	// LateRefusals returns every late refusal the server keeps, oldest first.
	LateRefusals(ctx context.Context) ([]survey.LateRefusal, error)
}

// refusedTexts are the late refusals' strings (Home's line and the list).
type refusedTexts struct {
	Screen, Home, Title, Empty, Loading      string
	Interview, Attempt, Update, Of, Revision string
}

var refusedID = refusedTexts{
	Screen:    "Ditolak pusat",
	Home:      "Ditolak pusat setelah diterima relay (%d)",
	Title:     "Ditolak pusat setelah diterima relay: %d",
	Empty:     "Tidak ada yang ditolak pusat.",
	Loading:   "Memuat…",
	Interview: "wawancara",
	Attempt:   "percobaan kontak",
	Update:    "usulan data",
	Of:        "dari",
	Revision:  "revisi",
}

var refusedEN = refusedTexts{
	Screen:    "Refused at the centre",
	Home:      "Refused at the centre after a relay took it (%d)",
	Title:     "Refused at the centre after a relay took it: %d",
	Empty:     "Nothing was refused at the centre.",
	Loading:   "Loading…",
	Interview: "interview",
	Attempt:   "contact attempt",
	Update:    "roster update",
	Of:        "of",
	Revision:  "revision",
}

// kind names what a late refusal refused, in the UI language.
func (t *refusedTexts) kind(k survey.ItemKind) string {
	switch k.Of() {
	case survey.ItemAttempt:
		return t.Attempt
	case survey.ItemRosterUpdate:
		return t.Update
	}
	return t.Interview
}

// The late refusals' messages.
type (
	goRefusedMsg   struct{}
	refusedListMsg struct {
		list []survey.LateRefusal
		err  error
	}
)

// loadRefused reads the late refusals from the server.
func (c *common) loadRefused() tea.Cmd {
	r, ctx := c.cfg.Refusals, c.ctx
	if r == nil {
		return nil
	}
	return func() tea.Msg {
		list, err := r.LateRefusals(ctx)
		return refusedListMsg{list: list, err: err}
	}
}

// refusedScreen lists for a supervisor the revisions, contact attempts and roster updates
// relays took that the centre refused for good, newest first, with the account, the relay
// and the reason; the one under the cursor is shown whole.
type refusedScreen struct {
	c             *common
	list          []survey.LateRefusal
	loaded        bool
	err           error
	cursor        int
	width, height int
}

func newRefusedScreen(c *common) *refusedScreen { return &refusedScreen{c: c} }

// SetSize sets the screen's size.
func (v *refusedScreen) SetSize(w, h int) { v.width, v.height = w, h }

// Update handles the screen's keys and messages.
func (v *refusedScreen) Update(msg tea.Msg) tea.Cmd {
	k := v.c.keys
	switch msg := msg.(type) {
	case goRefusedMsg:
		return v.c.loadRefused()
	case refusedListMsg:
		v.loaded, v.err = true, msg.err
		if msg.err != nil {
			v.c.log.Error("late refusals", "err", msg.err)
			break
		}
		v.list = make([]survey.LateRefusal, len(msg.list))
		for i, x := range msg.list { // newest first
			v.list[len(msg.list)-1-i] = x
		}
		v.cursor = min(v.cursor, max(len(v.list)-1, 0))
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Esc):
			return v.c.navigate(goHomeMsg{})
		case key.Matches(msg, k.Up):
			v.cursor = max(v.cursor-1, 0)
		case key.Matches(msg, k.Down):
			v.cursor = min(v.cursor+1, max(len(v.list)-1, 0))
		case key.Matches(msg, k.Refresh):
			return v.c.loadRefused()
		}
	}
	return nil
}

// line is one late refusal in one line: what, whose, through which relay, when, why.
func (v *refusedScreen) line(x survey.LateRefusal) string {
	t := &v.c.t.Refused
	p := survey.Printable
	what := t.kind(x.Kind) + " " + p(x.InterviewID)
	if x.Kind.Of() == survey.ItemInterview {
		what += fmt.Sprintf(" %s %d", t.Revision, x.Revision)
	}
	return fmt.Sprintf("%s · %s %s · relay %s · %s · %s (%s)", what, t.Of, p(x.SubmittedBy), p(x.Relay),
		x.At.In(v.c.cfg.Now().Location()).Format("01-02 15:04"), p(x.Message), p(x.Code))
}

// View draws the list, the one under the cursor wrapped in full.
func (v *refusedScreen) View() string {
	t, st := v.c.t, v.c.st
	w := max(v.width, 40)
	if !v.loaded {
		return st.Muted.Render(t.Refused.Loading)
	}
	if v.err != nil {
		return wrap(t.ErrLoad+" "+survey.ErrorMessage(v.err), w, st.Error.Render)
	}
	var b strings.Builder
	b.WriteString(st.Title.Render(survey.Plurals(t.Refused.Title, len(v.list))) + "\n")
	if len(v.list) == 0 {
		b.WriteString(st.Muted.Render(t.Refused.Empty) + "\n")
		return b.String()
	}
	selected := st.Selected.Render(hang("> ", v.line(v.list[v.cursor]), w))
	rows := max(v.height-1-strings.Count(selected, "\n"), 1)
	first := max(0, min(v.cursor-rows/2, len(v.list)-rows))
	for i := first; i < len(v.list) && i < first+rows; i++ {
		if i == v.cursor {
			b.WriteString(selected + "\n")
		} else {
			b.WriteString(ansi.Truncate("  "+v.line(v.list[i]), w, "…") + "\n")
		}
	}
	return b.String()
}

// ShortHelp lists the screen's main keys.
func (v *refusedScreen) ShortHelp() []key.Binding {
	k := v.c.keys
	return []key.Binding{k.Up, k.Down, k.Refresh, k.Esc}
}

// FullHelp lists every key of the screen.
func (v *refusedScreen) FullHelp() [][]key.Binding {
	k := v.c.keys
	return [][]key.Binding{{k.Up, k.Down}, {k.Refresh, k.Esc}}
}
