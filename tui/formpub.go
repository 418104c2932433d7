package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// Catalog is the study's published forms on the server, for a supervisor: cmd/tracer hands
// in the calls "tracer form publish", "list" and "retire" make. It is nil for others.
type Catalog interface {
	// Forms lists every published version in publication order, with when and by whom it
	// was published and how many interviews the server has of it.
	Forms(ctx context.Context) ([]*survey.PublishedForm, error)
	// PublishFile publishes the XLSForm at path; added is false when these bytes were
	// published already. Returns EINVALID for a form that does not load (its message names
	// the loader's problems, one per line) and ECONFLICT for other bytes under a version
	// already published.
	PublishFile(ctx context.Context, path string) (pf *survey.PublishedForm, added bool, err error)
	// Retire stops laptops offering every version of form id for new interviews. Returns
	// ENOTFOUND.
	Retire(ctx context.Context, id string) error
}

// Messages of the forms screen.
type (
	goFormsMsg     struct{}
	formsListedMsg struct {
		list []*survey.PublishedForm
		err  error
	}
	formPublishedMsg struct {
		path  string
		pf    *survey.PublishedForm
		added bool
		err   error
	}
	formRetiredMsg struct {
		id  string
		err error
	}
)

// formsScreen lists the study's published forms (every version, when, by whom, how many
// interviews), publishes an XLSForm typed by path (p) and retires the form under the
// cursor (r, asked first).
type formsScreen struct {
	c      *common
	list   []*survey.PublishedForm
	cursor int
	loaded bool
	err    error
	// edit is the path being typed; nil when none is.
	edit *lineEdit
	// editNote says why Enter did not take the path (none typed), until the next key.
	editNote string
	confirm  string // the form id whose retirement is asked
	busy     bool
	// outcome is what the last publish or retire did: a headline and the loader's lines.
	outcome      string
	outcomeLines []string
	outcomeOK    bool

	width, height int
}

func newFormsScreen(c *common) *formsScreen { return &formsScreen{c: c} }

func (f *formsScreen) SetSize(w, h int) { f.width, f.height = w, h }

// typing reports whether a path is being typed.
func (f *formsScreen) typing() bool { return f.edit != nil }

func (f *formsScreen) load() tea.Cmd {
	cat, ctx := f.c.cfg.Catalog, f.c.ctx
	return func() tea.Msg {
		list, err := cat.Forms(ctx)
		return formsListedMsg{list: list, err: err}
	}
}

func (f *formsScreen) publish(path string) tea.Cmd {
	cat, ctx := f.c.cfg.Catalog, f.c.ctx
	f.busy = true
	return func() tea.Msg {
		pf, added, err := cat.PublishFile(ctx, path)
		return formPublishedMsg{path: path, pf: pf, added: added, err: err}
	}
}

func (f *formsScreen) retire(id string) tea.Cmd {
	cat, ctx := f.c.cfg.Catalog, f.c.ctx
	f.busy = true
	return func() tea.Msg {
		return formRetiredMsg{id: id, err: cat.Retire(ctx, id)}
	}
}

// published says what a publish did, in the UI language: the loader's problems one per
// line when the form does not load, the server's refusal (a changed form needs a new version,
// an unchanged export is published already), or that the
// same bytes change nothing.
func (f *formsScreen) published(msg formPublishedMsg) {
	t := f.c.t
	f.outcomeLines = nil
	f.outcomeOK = msg.err == nil
	switch {
	case msg.err == nil && msg.added:
		f.outcome = survey.Plurals(t.FormsPublished, msg.pf.ID, msg.pf.Version, shortHash(msg.pf.Hash))
	case msg.err == nil:
		f.outcome = survey.Plurals(t.FormsSame, msg.pf.ID, msg.pf.Version)
	case survey.ErrorCode(msg.err) == survey.EINVALID:
		f.outcome = survey.Plurals(t.FormsNotLoaded, msg.path)
		// the form's own problems (sheet, row, column) as the server's form engine says them
		text := strings.TrimPrefix(survey.ErrorMessage(msg.err), "The form does not load: ")
		if se := (*survey.Error)(nil); errors.As(msg.err, &se) && se.Key != "The form does not load: %s" {
			text = f.c.errText(msg.err)
		}
		for _, l := range strings.Split(text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				f.outcomeLines = append(f.outcomeLines, l)
			}
		}
	case survey.ErrorCode(msg.err) == survey.ECONFLICT:
		f.outcome = t.FormsRefused
		f.outcomeLines = []string{f.c.errText(msg.err)}
	default:
		f.outcome = survey.Plurals(t.FormsPublishFailed, msg.path)
		f.outcomeLines = []string{f.c.errorText(msg.err)}
	}
}

// errorText is what the supervisor is told of err: a domain error's message in the UI
// language (errText), else the error itself (a file that cannot be read, a server out of
// reach).
func (c *common) errorText(err error) string {
	var e *survey.Error
	if errors.As(err, &e) {
		return c.errText(err)
	}
	return err.Error()
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func (f *formsScreen) Update(msg tea.Msg) tea.Cmd {
	k, t := f.c.keys, f.c.t
	switch msg := msg.(type) {
	case goFormsMsg:
		f.outcome, f.outcomeLines = "", nil // an earlier visit's publication or retirement
		return f.load()
	case formsListedMsg:
		f.loaded, f.err = true, msg.err
		if msg.err != nil {
			f.c.log.Error("list forms", "err", msg.err)
			return nil
		}
		f.list = msg.list
		f.cursor = min(f.cursor, max(len(f.list)-1, 0))
	case formPublishedMsg:
		f.busy = false
		f.published(msg)
		if msg.err != nil {
			f.c.log.Warn("publish form", "path", msg.path, "err", msg.err)
			return nil
		}
		return f.load()
	case formRetiredMsg:
		f.busy = false
		f.outcomeLines, f.outcomeOK = nil, msg.err == nil
		if msg.err != nil {
			f.outcome = survey.Plurals(t.FormsRetireFailed, msg.id)
			f.outcomeLines = []string{f.c.errorText(msg.err)}
			return nil
		}
		f.outcome = survey.Plurals(t.FormsRetired, msg.id)
		return f.load()
	case tea.KeyPressMsg:
		if f.busy {
			return nil
		}
		if f.edit != nil {
			f.editNote = ""
			switch msg.String() {
			case "esc":
				f.edit = nil
			case "enter":
				path := strings.TrimSpace(f.edit.Value())
				if path == "" {
					f.editNote = f.c.t.FormsPathEmpty
					return nil
				}
				f.edit = nil
				return f.publish(path)
			default:
				f.edit.update(&f.c.fkeys.Edit, msg)
			}
			return nil
		}
		if f.confirm != "" {
			id := f.confirm
			f.confirm = ""
			if key.Matches(msg, k.Yes) {
				return f.retire(id)
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Esc):
			return f.c.navigate(goHomeMsg{})
		case key.Matches(msg, k.Up):
			f.cursor = max(f.cursor-1, 0)
		case key.Matches(msg, k.Down):
			f.cursor = max(min(f.cursor+1, len(f.list)-1), 0)
		case key.Matches(msg, k.PageUp):
			f.cursor = max(f.cursor-10, 0)
		case key.Matches(msg, k.PageDown):
			f.cursor = max(min(f.cursor+10, len(f.list)-1), 0)
		case key.Matches(msg, k.Refresh):
			f.outcome, f.outcomeLines = "", nil // it told of the list being replaced
			return f.load()
		case key.Matches(msg, k.Publish):
			f.outcome, f.outcomeLines = "", nil
			f.edit = &lineEdit{}
		case key.Matches(msg, k.Retire):
			switch {
			case f.cursor >= len(f.list):
			case !f.list[f.cursor].Retired:
				f.outcome, f.outcomeLines = "", nil
				f.confirm = f.list[f.cursor].ID
			default:
				f.outcome, f.outcomeLines = survey.Plurals(t.FormsAlreadyRetired, f.list[f.cursor].ID), nil
			}
		default:
			return keyUnused(f.c, msg)
		}
	}
	return nil
}

func (f *formsScreen) View() string {
	t, st := f.c.t, f.c.st
	w := max(f.width, 20)
	var head, foot []string
	if f.err != nil {
		head = append(head, strings.Split(wrap(t.ErrLoad+" "+f.c.errText(f.err), w, st.Error.Render), "\n")...)
	}
	switch {
	case !f.loaded && f.err == nil:
		head = append(head, st.Muted.Render(t.ReviewLoading))
	case f.loaded && len(f.list) == 0 && f.err == nil:
		head = append(head, st.Muted.Render("  "+t.FormsEmpty))
	case len(f.list) > 0:
		head = append(head, st.Muted.Render(ansi.Truncate(fmt.Sprintf("  %-14s %-14s %-10s %-16s %-9s %s", t.FormsHeadForm, t.FormsHeadVersion,
			t.FormsHeadState, t.FormsHeadPublished, t.FormsHeadBy, t.FormsHeadInterviews), w, "…")))
	}
	switch {
	case f.edit != nil:
		foot = append(foot, strings.Split(wrap(t.FormsPathPrompt, w, st.Warn.Render), "\n")...)
		foot = append(foot, f.edit.view(w-2, st, true))
		if f.editNote != "" {
			foot = append(foot, st.Error.Render(ansi.Truncate(f.editNote, w, "…")))
		}
	case f.confirm != "":
		foot = append(foot, strings.Split(wrap(survey.Plurals(t.FormsRetireConfirm, f.confirm), w, st.Warn.Render), "\n")...)
	case f.busy:
		foot = append(foot, st.Muted.Render(t.FinalizeBusy))
	case f.outcome != "":
		style := st.Error.Render
		if f.outcomeOK {
			style = st.OK.Render
		}
		foot = append(foot, strings.Split(wrap(f.outcome, w, style), "\n")...)
		for _, l := range f.outcomeLines {
			foot = append(foot, strings.Split(hang("  ", survey.Printable(l), w), "\n")...)
		}
	}
	// the outcome may be long (a form with many problems): it keeps at least a few rows
	// for the list and is cut with a count of what was left out
	rowsLeft := max(f.height-len(head)-1, 1)
	if len(foot) > rowsLeft-3 && rowsLeft > 4 {
		cut := len(foot) - (rowsLeft - 4)
		foot = append(foot[:rowsLeft-4], st.Muted.Render(survey.Plurals(t.FormsMoreLines, cut)))
	}
	rows := max(f.height-len(head)-len(foot)-1, 1)
	start := 0
	if f.cursor >= rows {
		start = f.cursor - rows + 1
	}
	var body []string
	for i := start; i < len(f.list) && i < start+rows; i++ {
		pf := f.list[i]
		state := t.FormsOffered
		if pf.Retired {
			state = t.FormsRetiredState
		}
		line := fmt.Sprintf("%-14s %-14s %-10s %-16s %-9s %d", ansi.Truncate(survey.Printable(pf.ID), 14, "…"),
			ansi.Truncate(survey.Printable(pf.Version), 14, "…"), ansi.Truncate(state, 10, "…"),
			pf.PublishedAt.Local().Format("2006-01-02 15:04"), ansi.Truncate(survey.Printable(pf.PublishedBy), 9, "…"), pf.Interviews)
		switch {
		case i == f.cursor:
			line = st.Selected.Render("› " + line)
		case pf.Retired:
			line = "  " + st.Muted.Render(line)
		default:
			line = "  " + line
		}
		body = append(body, ansi.Truncate(line, w, "…"))
	}
	out := strings.Join(head, "\n")
	if out != "" {
		out += "\n"
	}
	out += fit(strings.Join(body, "\n"), w, rows)
	if len(foot) > 0 {
		out += "\n" + strings.Join(foot, "\n")
	}
	return out
}

func (f *formsScreen) ShortHelp() []key.Binding {
	k := f.c.keys
	if f.edit != nil {
		return []key.Binding{k.Send, k.Esc}
	}
	return []key.Binding{k.Publish, k.Retire, k.Up, k.Down, k.Refresh, k.Esc}
}

func (f *formsScreen) FullHelp() [][]key.Binding {
	k := f.c.keys
	return [][]key.Binding{{k.Publish, k.Retire, k.Refresh}, {k.Up, k.Down, k.PageUp, k.PageDown}, {k.Esc}}
}
