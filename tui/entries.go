package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
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
		if one := label + ": " + v; ansi.StringWidth(one)+2 <= width && !strings.Contains(v, "\n") {
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
// as little as needed.
func entriesView(lines []reviewLine, cursor, width, height int, st Styles) string {
	height = max(height, 1)
	blocks := make([][]string, len(lines))
	for i, l := range lines {
		blocks[i] = entryLines(l, width, st, i == cursor)
	}
	start, used := 0, 0
	for i := 0; i <= cursor && i < len(blocks); i++ {
		used += len(blocks[i])
	}
	for used > height && start < cursor {
		used -= len(blocks[start])
		start++
	}
	var out []string
	for i := start; i < len(blocks) && len(out) < height; i++ {
		out = append(out, blocks[i]...)
	}
	if len(out) > height {
		out = out[:height]
	}
	return strings.Join(out, "\n")
}
