package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
	"tracer/survey"
)

// jumpScreen lists every relevant question with its answer and state; Enter goes there.
type jumpScreen struct {
	c             *common
	ses           *ivSession
	stops         []forms.Stop
	cursor        int
	width, height int
}

func newJumpScreen(c *common, iv *ivSession) *jumpScreen {
	j := &jumpScreen{c: c, ses: iv, stops: iv.sess.Stops()}
	for i, st := range j.stops {
		if st.Path == iv.stop.Path && st.Prompt == iv.stop.Prompt {
			j.cursor = i
		}
	}
	return j
}

func (j *jumpScreen) SetSize(w, h int) { j.width, j.height = w, h }

func (j *jumpScreen) Update(msg tea.Msg) tea.Cmd {
	k := j.c.keys
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	last := max(len(j.stops)-1, 0)
	switch {
	case key.Matches(km, k.Esc), key.Matches(km, k.Jump):
		return j.c.navigate(goInterviewMsg{})
	case key.Matches(km, k.Up):
		j.cursor = max(j.cursor-1, 0)
	case key.Matches(km, k.Down):
		j.cursor = min(j.cursor+1, last)
	case key.Matches(km, k.PageUp):
		j.cursor = max(j.cursor-10, 0)
	case key.Matches(km, k.PageDown):
		j.cursor = min(j.cursor+10, last)
	case km.String() == "home":
		j.cursor = 0
	case km.String() == "end":
		j.cursor = last
	case key.Matches(km, k.Next):
		if len(j.stops) > 0 {
			return j.c.navigate(goInterviewMsg{path: j.stops[j.cursor].Path})
		}
	default:
		return keyUnused(j.c, km)
	}
	return nil
}

// jumpRow is a line of the jump list: a stop (its index), or the name of the repeat
// instance the stops under it are in (stop -1), so that the same question of two instances
// can be told apart ("Member 2").
type jumpRow struct {
	stop   int
	header string
}

// rows lays out the stops with a header line where the repeat instance they are in changes:
// the instance's sections, "Household › Member 2". Stops outside any repeat get one only
// after a repeat, when they are in a section to name.
func (j *jumpScreen) rows() []jumpRow {
	s := j.ses.sess
	out := make([]jumpRow, 0, len(j.stops))
	inst := ""
	for i, stp := range j.stops {
		// a repeat's prompt (its path the repeat's) is in the instance around the repeat
		if in := instanceOf(stp.Path); in != inst {
			inst = in
			if sec := strings.Join(s.Sections(stp.Path), " › "); sec != "" {
				out = append(out, jumpRow{stop: -1, header: sec})
			}
		}
		out = append(out, jumpRow{stop: i})
	}
	return out
}

func (j *jumpScreen) View() string {
	t, st := j.c.t, j.c.st
	s := j.ses.sess
	comments := j.ses.comments()
	var b strings.Builder
	rows := max(j.height, 1)
	all := j.rows()
	at := 0 // the cursor's row
	for r, row := range all {
		if row.stop == j.cursor {
			at = r
		}
	}
	start := 0
	if at >= rows {
		start = at - rows + 1
	}
	for r := start; r < len(all) && r < start+rows; r++ {
		if all[r].stop < 0 {
			b.WriteString(st.Section.Render(ansi.Truncate("  "+all[r].header, max(j.width-1, 10), "…")) + "\n")
			continue
		}
		i := all[r].stop
		stp := j.stops[i]
		mark := "·"
		label := j.ses.fillRoster(s.Label(stp.Path))
		ans := ""
		switch {
		case stp.Prompt:
			mark = "+"
			if label == "" { // a repeat with no label is called by its name, as on its prompt
				label = stp.Node.Name
			}
			label = survey.Plurals(t.InterviewAddAnother, label, s.Instances(stp.Path))
		case comments[stp.Path] != "":
			mark = "✎" // the supervisor commented on it
			ans = display(j.c.t, s, stp.Path)
		case stp.Node.Kind == forms.KindNote:
			mark = " "
		case s.Check(stp.Path) != nil:
			mark = "!"
			if s.Value(stp.Path) != "" {
				// A refused value is still what the interview holds
				// (a roster's name the form's rule refuses, say): show it.
				ans = display(j.c.t, s, stp.Path)
			}
		case s.Value(stp.Path) != "":
			mark = "✓"
			ans = display(j.c.t, s, stp.Path)
		}
		labelW := max(j.width/2, 20)
		line := fmt.Sprintf("%s %3d %s", mark, i+1, ansi.Truncate(label, labelW, "…"))
		pad := strings.Repeat(" ", max(labelW+6-ansi.StringWidth(line), 1))
		line = ansi.Truncate(line+pad+ans, j.width-2, "…")
		switch {
		case i == j.cursor:
			line = st.Selected.Render("› " + line)
		case mark == "!":
			line = "  " + st.Error.Render(line)
		default:
			line = "  " + line
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

func (j *jumpScreen) ShortHelp() []key.Binding {
	k := j.c.keys
	return []key.Binding{k.Next, k.Up, k.Down, k.PageDown, k.Esc}
}

func (j *jumpScreen) FullHelp() [][]key.Binding {
	k := j.c.keys
	return [][]key.Binding{{k.Next, k.Esc}, {k.Up, k.Down, k.PageUp, k.PageDown}}
}
