package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// listRow is one interview of the list with its respondent's name.
type listRow struct {
	iv   *survey.Interview
	name string
}

// listStates are the filters of the interviews list, "" for all.
var listStates = []survey.State{"", survey.StateDraft, survey.StateFinalized, survey.StateSent, survey.StateReturned}

func listStatesStr() []string {
	out := make([]string, len(listStates))
	for i, s := range listStates {
		out[i] = string(s)
	}
	return out
}

// listScreen lists stored interviews by state; a draft or returned one opens to continue,
// a finalized or sent one opens read-only.
type listScreen struct {
	c             *common
	filter        int
	all           []listRow // the interviews of the state filter
	rows          []listRow // those the search finds
	query         string    // the search: words of the respondent's id or name
	cursor        int
	err           error
	void          *voidPrompt
	status        string
	width, height int
}

func newListScreen(c *common) *listScreen { return &listScreen{c: c, void: &voidPrompt{c: c}} }

// search keeps the rows whose respondent id or name has every query word as a word prefix.
func (l *listScreen) search() {
	l.rows = l.rows[:0]
	q := words(l.query)
	for _, r := range l.all {
		id := strings.ToLower(r.iv.RespondentID)
		if len(q) == 0 || wordsMatch(q, words(r.name)) || len(q) == 1 && strings.HasPrefix(id, q[0]) ||
			strings.Contains(id, strings.ToLower(strings.TrimSpace(l.query))) {
			l.rows = append(l.rows, r)
		}
	}
	l.cursor = min(l.cursor, max(len(l.rows)-1, 0))
}

func (l *listScreen) SetSize(w, h int) { l.width, l.height = w, h }

// load reads the interviews of the current filter with their respondents' names.
func (l *listScreen) load() tea.Cmd {
	ctx, cfg := l.c.ctx, l.c.cfg
	state := listStates[l.filter]
	return func() tea.Msg {
		ivs, err := cfg.Interviews.List(ctx, survey.InterviewFilter{State: state, Limit: 500})
		if err != nil {
			return listMsg{err: err}
		}
		names := map[string]string{}
		rows := make([]listRow, len(ivs))
		for i, iv := range ivs {
			rows[i].iv = iv
			if iv.RespondentID == "" || cfg.Roster == nil {
				continue
			}
			name, ok := names[iv.RespondentID]
			if !ok {
				if r, err := cfg.Roster.Get(ctx, iv.RespondentID); err == nil {
					name = r.Name
				}
				names[iv.RespondentID] = name
			}
			rows[i].name = survey.Printable(name)
		}
		return listMsg{rows: rows}
	}
}

func (l *listScreen) Update(msg tea.Msg) tea.Cmd {
	k := l.c.keys
	switch msg := msg.(type) {
	case goListMsg:
		l.query, l.status = "", "" // a new visit starts with the whole list
		if msg.returned {
			l.filter, l.cursor = indexOf(listStatesStr(), string(survey.StateReturned)), 0
		}
		l.c.hold(listMsg{}) // keys typed for the list act on its rows
		return l.load()
	case voidedMsg:
		l.status = l.void.done(msg)
		return l.load()
	case listMsg:
		l.all, l.err = msg.rows, msg.err
		l.search()
		if msg.err != nil {
			l.c.log.Error("list interviews", "err", msg.err)
		}
	case tea.KeyPressMsg:
		if l.void.editing() {
			return l.void.update(msg)
		}
		l.status = ""
		switch {
		case key.Matches(msg, k.Esc) && l.query != "":
			l.query = ""
			l.search()
		case key.Matches(msg, k.Esc):
			return l.c.navigate(goHomeMsg{})
		case key.Matches(msg, k.VoidDraft):
			if l.cursor < len(l.rows) {
				r := l.rows[l.cursor]
				if r.iv.State != survey.StateDraft {
					l.status = l.c.t.ListNotDraft
					return nil
				}
				who := r.name
				if who == "" {
					who = r.iv.RespondentID
				}
				if who == "" {
					who = l.c.t.ListWalkIn // a walk-in: no roster entry to name
				}
				l.void.offer(draftRef{id: r.iv.ID, who: who})
			}
		case msg.String() == "backspace":
			if r := []rune(l.query); len(r) > 0 {
				l.query = string(r[:len(r)-1])
				l.search()
			}
		case key.Matches(msg, k.Up):
			l.cursor = max(l.cursor-1, 0)
		case key.Matches(msg, k.Down):
			l.cursor = max(min(l.cursor+1, len(l.rows)-1), 0)
		case key.Matches(msg, k.PageUp):
			l.cursor = max(l.cursor-10, 0)
		case key.Matches(msg, k.PageDown):
			l.cursor = max(min(l.cursor+10, len(l.rows)-1), 0)
		case msg.String() == "left", msg.String() == "shift+tab":
			l.filter = (l.filter + len(listStates) - 1) % len(listStates)
			l.cursor = 0
			return l.load()
		case msg.String() == "right", msg.String() == "tab":
			l.filter = (l.filter + 1) % len(listStates)
			l.cursor = 0
			return l.load()
		case key.Matches(msg, k.Next):
			if len(l.rows) > 0 {
				return l.c.openCmd(l.rows[l.cursor].iv.ID)
			}
		case msg.Text != "" && msg.Mod&^tea.ModShift == 0:
			// letters and digits search by respondent id or name
			l.query += msg.Text
			l.cursor = 0
			l.search()
		}
	}
	return nil
}

// syncable reports whether iv was made with a form the server publishes.
func (l *listScreen) syncable(iv *survey.Interview) bool {
	return l.c.cfg.Syncable == nil || l.c.cfg.Syncable(iv)
}

func (l *listScreen) View() string {
	t, st := l.c.t, l.c.st
	var b strings.Builder
	var tabs []string
	for i, s := range listStates {
		name := t.StateAll
		if s != "" {
			name = t.state(s)
		}
		if i == l.filter {
			tabs = append(tabs, st.Selected.Render("["+name+"]"))
		} else {
			tabs = append(tabs, " "+name+" ")
		}
	}
	b.WriteString(strings.Join(tabs, " ") + "\n")
	b.WriteString("  " + t.ListSearch + " " + st.Input.Render(l.query) + st.Cursor.Render(" ") + "\n")
	if l.err != nil {
		b.WriteString(st.Error.Render(t.ErrLoad+" "+l.c.errText(l.err)) + "\n")
	}
	switch {
	case len(l.all) == 0:
		b.WriteString(st.Muted.Render("  "+t.ListEmpty) + "\n")
	case len(l.rows) == 0:
		b.WriteString(st.Muted.Render("  "+t.ListNoMatch) + "\n")
	}
	foot := l.commentView()
	switch {
	case l.void.editing():
		foot = l.void.view(l.width)
	case l.status != "":
		foot = wrap(l.status, l.width, st.Warn.Render)
	}
	local := false // a row made with a form the server did not publish is shown
	for _, r := range l.rows {
		local = local || !l.syncable(r.iv)
	}
	if local {
		b.WriteString(wrap(t.ListNotForSync, l.width, st.Warn.Render) + "\n")
	}
	rows := max(l.height-3-strings.Count(foot, "\n"), 1)
	if foot != "" {
		rows--
	}
	if local {
		rows = max(rows-strings.Count(wrap(t.ListNotForSync, l.width, st.Warn.Render), "\n")-1, 1)
	}
	start := 0
	if l.cursor >= rows {
		start = l.cursor - rows + 1
	}
	for i := start; i < len(l.rows) && i < start+rows; i++ {
		r := l.rows[i]
		who := r.iv.RespondentID
		if who == "" {
			who = t.ListWalkIn
		}
		rev := ""
		if r.iv.Revision > 1 {
			rev = fmt.Sprintf("r%d", r.iv.Revision)
		}
		state := ansi.Truncate(t.state(r.iv.State), 12, "…")
		if !l.syncable(r.iv) {
			state = "⊘ " + ansi.Truncate(t.state(r.iv.State), 10, "…")
		}
		line := fmt.Sprintf("%-12s %-12s %-24s %s %s", state, who,
			ansi.Truncate(r.name, 24, "…"), r.iv.UpdatedAt.Local().Format("2006-01-02 15:04"), rev)
		line = strings.TrimRight(line, " ")
		if i == l.cursor {
			line = st.Selected.Render("› " + line)
		} else {
			line = "  " + line
		}
		b.WriteString(ansi.Truncate(line, l.width, "…") + "\n")
	}
	if foot != "" {
		return fit(b.String(), l.width, l.height-strings.Count(foot, "\n")-1) + "\n" + foot
	}
	return b.String()
}

// commentView shows the supervisor's comment of the interview under the cursor, when it
// was returned and is not finalized again.
func (l *listScreen) commentView() string {
	if l.cursor >= len(l.rows) {
		return ""
	}
	iv := l.rows[l.cursor].iv
	if iv.ReturnComment == "" || (iv.State != survey.StateReturned && iv.State != survey.StateDraft) {
		return ""
	}
	t, st := l.c.t, l.c.st
	general, byPath := splitReturnComment(iv.ReturnComment)
	text := t.ReturnedComment + " " + general
	if len(byPath) > 0 {
		text += fmt.Sprintf(" (+%d)", len(byPath))
	}
	lines := strings.Split(wrap(text, l.width, st.Warn.Render), "\n")
	if len(lines) > 3 {
		lines = lines[:3]
	}
	return strings.Join(lines, "\n")
}

func (l *listScreen) ShortHelp() []key.Binding {
	k := l.c.keys
	if l.void.editing() {
		return l.void.keys()
	}
	return []key.Binding{k.Next, k.VoidDraft, k.Search, k.Filter, k.Esc}
}

func (l *listScreen) FullHelp() [][]key.Binding {
	k := l.c.keys
	if l.void.editing() {
		return [][]key.Binding{l.void.keys()}
	}
	return [][]key.Binding{{k.Next, k.Search, k.Filter, k.Esc}, {k.Up, k.Down, k.PageUp, k.PageDown}, {k.VoidDraft}}
}
