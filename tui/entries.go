package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// reviewLine is one entry of a list of answers: a heading, a problem or a question with its
// answer.
type reviewLine struct {
	text    string // a heading ("## Section") or a problem's text
	label   string // a question's label
	value   string // its answer, as the reader reads it
	path    string // "" for headings
	problem bool
	// mark is shown before the entry: "✎" for a question with a comment.
	mark string
	// note is a comment shown under the answer.
	note string
}

// heading reports whether the entry is a section heading.
func (l reviewLine) heading() bool { return strings.HasPrefix(l.text, "## ") }

// entryLines draws one entry wrapped to width: "label: answer" when it fits on a line, else
// the label, then the answer indented under it; then any comment. Nothing is cut: a long answer takes the lines it needs. The first
// line of the selected entry starts with "›".
func entryLines(l reviewLine, width int, st Styles, selected bool) []string {
	var out []string
	// add wraps s after prefix (the same width of spaces on the following lines)
	add := func(prefix, s string, style func(...string) string) {
		room := max(width-ansi.StringWidth(prefix), 10)
		for _, line := range strings.Split(ansi.Wrap(s, room, ""), "\n") {
			if len(out) == 0 && selected && prefix != "" {
				out = append(out, st.Selected.Render("›"+prefix[1:]+line))
			} else {
				out = append(out, style(prefix+line))
			}
			prefix = strings.Repeat(" ", ansi.StringWidth(prefix))
		}
	}
	plain := func(s ...string) string { return strings.Join(s, "") }
	switch {
	case l.heading():
		add("", strings.TrimPrefix(l.text, "## "), st.Section.Render)
	case l.path == "" && !l.problem:
		add("  ", l.text, plain)
	case l.problem:
		add("  ", l.text, st.Error.Render)
	default:
		label := l.label
		if l.mark != "" {
			label = l.mark + " " + label
		}
		style := plain
		if selected {
			style = st.Selected.Render
		}
		v := l.value
		if v == "" {
			v = "—"
		}
		sep := ": "
		if strings.HasSuffix(label, ":") || strings.HasSuffix(label, "?") {
			sep = " " // a label that ends as a question or a colon takes no second colon
		}
		if one := label + sep + v; ansi.StringWidth(one)+2 <= width && !strings.Contains(v, "\n") {
			add("  ", one, style) // fits on one line
		} else {
			add("  ", label, style)
			add("    ", v, st.Input.Render)
		}
		if l.note != "" {
			add("    ✎ ", l.note, st.Warn.Render)
		}
	}
	return out
}

// entriesView draws the entries in height rows with the cursor's entry in full, scrolling
// as little as needed. When they do not all fit, a line above says how many entries are
// above and one below how many are below, so that none is out of sight unannounced.
func entriesView(lines []reviewLine, cursor, width, height int, st Styles, t *texts) string {
	blocks := make([][]string, len(lines))
	for i, l := range lines {
		blocks[i] = entryLines(l, width, st, i == cursor)
	}
	return windowView(blocks, cursor, height, st, t)
}

// windowView shows the blocks of lines (an entry, an option) that fit in height rows around
// the cursor's block, shown whole, with a line above saying how many blocks are above and
// one below how many are below, so that none is out of sight unannounced.
func windowView(blocks [][]string, cursor, height int, st Styles, t *texts) string {
	height = max(height, 1)
	total := 0
	for _, b := range blocks {
		total += len(b)
	}
	if total <= height {
		var out []string
		for _, b := range blocks {
			out = append(out, b...)
		}
		return strings.Join(out, "\n")
	}
	// window returns the first entry shown when avail rows hold the cursor's entry.
	window := func(avail int) int {
		start, used := 0, 0
		for i := 0; i <= cursor && i < len(blocks); i++ {
			used += len(blocks[i])
		}
		for used > avail && start < cursor {
			used -= len(blocks[start])
			start++
		}
		return start
	}
	// The lines above and below take a row each only where the cursor's block still shows
	// whole beside them: in fewer rows, what is under the cursor comes first.
	cur := 0
	if cursor >= 0 && cursor < len(blocks) {
		cur = len(blocks[cursor])
	}
	avail, below := height, height-1 >= cur
	if below {
		avail = height - 1 // the line below
	}
	start := window(avail)
	above := start > 0 && height >= 3 && avail-1 >= cur
	if above {
		avail-- // and the line above
		start = window(avail)
	}
	var out []string
	if above && start > 0 {
		out = append(out, st.Muted.Render(survey.Plurals(t.EntriesAbove, start)))
	}
	shown := start // the entries shown whole end before shown
	var body []string
	for i := start; i < len(blocks) && len(body) < avail; i++ {
		body = append(body, blocks[i]...)
		if len(body) <= avail {
			shown = i + 1
		}
	}
	if len(body) > avail {
		body = body[:avail]
	}
	out = append(out, body...)
	if n := len(blocks) - shown; n > 0 && below && height >= 2 {
		out = append(out, st.Muted.Render(survey.Plurals(t.EntriesBelow, n)))
	}
	return strings.Join(out, "\n")
}
