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
	rows          []listRow
	cursor        int
	err           error
	width, height int
}

func newListScreen(c *common) *listScreen { return &listScreen{c: c} }

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
		if msg.returned {
			l.filter, l.cursor = indexOf(listStatesStr(), string(survey.StateReturned)), 0
		}
		return l.load()
	case listMsg:
		l.rows, l.err = msg.rows, msg.err
		l.cursor = min(l.cursor, max(len(l.rows)-1, 0))
		if msg.err != nil {
			l.c.log.Error("list interviews", "err", msg.err)
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Esc):
			return send(goHomeMsg{})
		case key.Matches(msg, k.Up):
			l.cursor = max(l.cursor-1, 0)
		case key.Matches(msg, k.Down):
			l.cursor = max(min(l.cursor+1, len(l.rows)-1), 0)
		case key.Matches(msg, k.PageUp):
			l.cursor = max(l.cursor-10, 0)
		case key.Matches(msg, k.PageDown):
			l.cursor = max(min(l.cursor+10, len(l.rows)-1), 0)
		case msg.String() == "left":
			l.filter = (l.filter + len(listStates) - 1) % len(listStates)
			l.cursor = 0
			return l.load()
		case msg.String() == "right":
			l.filter = (l.filter + 1) % len(listStates)
			l.cursor = 0
			return l.load()
		case key.Matches(msg, k.Next):
			if len(l.rows) > 0 {
				return l.c.openCmd(l.rows[l.cursor].iv.ID)
			}
		}
	}
	return nil
}

func (l *listScreen) View() string {
	t, st := l.c.t, l.c.st
	var b strings.Builder
	var tabs []string
	for i, s := range listStates {
		name := t["state.all"]
		if s != "" {
			name = t["state."+string(s)]
		}
		if i == l.filter {
			tabs = append(tabs, st.Selected.Render("["+name+"]"))
		} else {
			tabs = append(tabs, " "+name+" ")
		}
	}
	b.WriteString(strings.Join(tabs, " ") + "\n\n")
	if l.err != nil {
		b.WriteString(st.Error.Render(t["err.load"]+" "+survey.ErrorMessage(l.err)) + "\n")
	}
	if len(l.rows) == 0 {
		b.WriteString(st.Muted.Render("  "+t["list.empty"]) + "\n")
	}
	foot := l.commentView()
	rows := max(l.height-3-strings.Count(foot, "\n"), 1)
	if foot != "" {
		rows--
	}
	start := 0
	if l.cursor >= rows {
		start = l.cursor - rows + 1
	}
	for i := start; i < len(l.rows) && i < start+rows; i++ {
		r := l.rows[i]
		who := r.iv.RespondentID
		if who == "" {
			who = t["list.walkin"]
		}
		rev := ""
		if r.iv.Revision > 1 {
			rev = fmt.Sprintf("r%d", r.iv.Revision)
		}
		line := fmt.Sprintf("%-12s %-12s %-24s %s %s", ansi.Truncate(t["state."+string(r.iv.State)], 12, "…"), who,
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
	text := t["ret.comment"] + " " + general
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
	return []key.Binding{k.Next, k.Filter, k.Up, k.Down, k.Esc}
}

func (l *listScreen) FullHelp() [][]key.Binding {
	k := l.c.keys
	return [][]key.Binding{{k.Next, k.Filter, k.Esc}, {k.Up, k.Down, k.PageUp, k.PageDown}}
}
