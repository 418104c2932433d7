package forms

// ODK Collect's older way to choose from a CSV file: a select_one (or select_multiple)
// with the appearance search('regencies'), whose list on the choices sheet holds one row
// naming the file's columns: name the column of the values, label the column of the labels.
// search('regencies', 'matches', 'province', ${prov}) keeps the rows whose column province
// is the answer (also 'contains', 'startswith', 'endswith'; 'matches' may test two columns:
// search('f', 'matches', 'a', ${x}, 'b', ${y})). tracer reads it as the same select from
// the file with the same filter as a choice_filter, so that the placeholder row is never
// offered as a choice.

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"strings"
)

var searchCall = regexp.MustCompile(`search\s*\(\s*(?:'([^']*)'|"([^"]*)")`)

// searchAppearance finds search(...) in an appearance: the call's arguments as written, and
// the appearance without it. ok is false when there is none.
func searchAppearance(appearance string) (args []string, rest string, ok bool) {
	loc := searchCall.FindStringIndex(appearance)
	if loc == nil {
		return nil, appearance, false
	}
	open := strings.IndexByte(appearance[loc[0]:], '(') + loc[0]
	depth, quote, start := 0, byte(0), open+1
	for i := open; i < len(appearance); i++ {
		ch := appearance[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '(':
			depth++
		case ch == ')':
			depth--
			if depth == 0 {
				args = append(args, strings.TrimSpace(appearance[start:i]))
				rest = strings.TrimSpace(appearance[:loc[0]] + " " + appearance[i+1:])
				return args, rest, true
			}
		case ch == ',' && depth == 1:
			args = append(args, strings.TrimSpace(appearance[start:i]))
			start = i + 1
		}
	}
	return nil, appearance, true // not closed: reported by the caller
}

// unquote returns the text of a quoted literal argument, ok false for anything else.
func unquote(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// search reads the search() appearance of select n: it points n at the list of the file,
// taking the columns its placeholder row names, and returns the choice filter the call
// stands for ("" for none). A file that is not loaded leaves the question skipped, as any
// select from a missing file.
func (c *compiler) search(t *table, r row, n *Node, typeCell string) (filter string) {
	args, rest, ok := searchAppearance(n.Appearance)
	if !ok {
		return ""
	}
	if args == nil {
		c.errorf(t, r, "appearance", "%s has no closing parenthesis", n.Appearance)
		return ""
	}
	id, _ := unquote(args[0])
	n.Appearance = rest // the rest (minimal, autocomplete ...) still applies
	switch len(args) {
	case 1:
	case 4, 6:
		mode, _ := unquote(args[1])
		col, okCol := unquote(args[2])
		if !okCol || (len(args) == 6 && mode != "matches") {
			c.errorf(t, r, "appearance", "search(%s): write search('file', 'matches', 'column', value), or with 'contains', 'startswith' or 'endswith'; two columns only with 'matches'", strings.Join(args, ", "))
			return ""
		}
		switch mode {
		case "matches":
			filter = fmt.Sprintf("%s = %s", col, args[3])
			if len(args) == 6 {
				col2, ok := unquote(args[4])
				if !ok {
					c.errorf(t, r, "appearance", "search(%s): the second column must be quoted, as the first", strings.Join(args, ", "))
					return ""
				}
				filter += fmt.Sprintf(" and %s = %s", col2, args[5])
			}
		case "contains":
			filter = fmt.Sprintf("contains(%s, %s)", col, args[3])
		case "startswith":
			filter = fmt.Sprintf("starts-with(%s, %s)", col, args[3])
		case "endswith":
			filter = fmt.Sprintf("ends-with(%s, %s)", col, args[3])
		default:
			c.errorf(t, r, "appearance", "search(): %q is not a way to search: use matches, contains, startswith or endswith", mode)
			return ""
		}
	default:
		c.errorf(t, r, "appearance", "search() takes the file, or the file, a way to search, a column and a value (%d arguments given)", len(args))
		return ""
	}
	if t.get(r, "choice_filter") != "" {
		c.errorf(t, r, "choice_filter", "%s %q has both a choice_filter and search() in its appearance: keep one", typeCell, n.Name)
		return ""
	}
	placeholder := c.form.Lists[n.ListName]
	l := c.form.Lists[id]
	if l == nil || l.File == "" {
		l = c.form.Lists["\x00"+id] // the file has the name of the placeholder's list
	}
	if l == nil || !strings.EqualFold(path.Ext(l.File), ".csv") {
		n.Unsupported = true
		c.warnf(t, r, "appearance", "%s %q: its choices are in %s.csv (search()), which is not loaded; the question is skipped", typeCell, n.Name, id)
		return ""
	}
	if placeholder == nil || len(placeholder.Choices) == 0 {
		return filter // reported as an unknown list
	}
	value, label := placeholder.Choices[0].Name, placeholder.Choices[0].Label.In(c.form.DefaultLang, c.form.Languages)
	n.Parameters = maps.Clone(n.Parameters)
	if n.Parameters == nil {
		n.Parameters = make(map[string]string, 2)
	}
	n.Parameters["value"], n.Parameters["label"] = value, label
	if fl := c.attachedList(t, r, n, l.File); fl != nil {
		c.useList(n, fl)
	}
	return filter
}
