package forms

import (
	"fmt"
	"strings"
)

// Issue is one problem found in a form's source: where it is and what is wrong.
type Issue struct {
	File   string
	Sheet  string
	Row    int    // 1-based row (a line number in a Markdown form); 0 when not tied to a row
	Column string // normalized column name, "" when not tied to a column
	col    int    // 0-based column index, -1 when unknown
	md     bool
	Msg    string
}

// Error formats the issue as one line: file, sheet and cell, column name, cause.
func (i *Issue) Error() string {
	var b strings.Builder
	if i.File != "" {
		b.WriteString(i.File)
		b.WriteString(": ")
	}
	switch {
	case i.Sheet != "" && i.Row > 0 && i.md:
		fmt.Fprintf(&b, "line %d, sheet %s", i.Row, i.Sheet)
		if i.Column != "" {
			fmt.Fprintf(&b, ", column %s", i.Column)
		}
		b.WriteString(": ")
	case i.Sheet != "" && i.Row > 0 && i.col >= 0:
		fmt.Fprintf(&b, "%s!%s%d", i.Sheet, colLetter(i.col), i.Row)
		if i.Column != "" {
			fmt.Fprintf(&b, " (%s)", i.Column)
		}
		b.WriteString(": ")
	case i.Sheet != "" && i.Row > 0:
		fmt.Fprintf(&b, "sheet %s row %d: ", i.Sheet, i.Row)
	case i.Sheet != "":
		fmt.Fprintf(&b, "sheet %s: ", i.Sheet)
	}
	b.WriteString(i.Msg)
	return b.String()
}

// LoadError is every error found in one form file. A form with a LoadError does not load.
type LoadError struct {
	File   string
	Issues []*Issue
}

// Error lists the issues, one per line.
func (e *LoadError) Error() string {
	lines := make([]string, len(e.Issues))
	for i, is := range e.Issues {
		lines[i] = is.Error()
	}
	return strings.Join(lines, "\n")
}
