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
	"cmp"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
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
// select from a missing file. It follows ODK Collect, which loads the file into SQLite and
// queries it: the way to search is read whatever its case ('startsWith'), an unknown one is
// 'contains'; matching ignores the case of ASCII letters (SQLite's LIKE and NOCASE);
// several columns to search, 'nama,kode', match when any does; the fifth and sixth
// arguments add a column that must equal a value, whatever the way; column names are read
// as Collect makes them, ignoring case and reading other characters as _; a value that
// appears twice is offered once, the first.
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
	id = strings.TrimSuffix(id, ".csv") // search('regencies.csv') is the file regencies.csv too
	n.Appearance = rest                 // the rest (minimal, autocomplete ...) still applies
	if len(args) != 1 && len(args) != 4 && len(args) != 6 {
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
	column := func(arg string) (string, bool) {
		name, ok := unquote(arg)
		if !ok {
			c.errorf(t, r, "appearance", "search(%s): %s must be a column name in quotes", strings.Join(args, ", "), arg)
			return "", false
		}
		if col := searchColumn(l, name); col != "" {
			return col, true
		}
		c.errorf(t, r, "appearance", "search(%s): %s has no column %q (it has %s)", strings.Join(args, ", "), l.File, name, strings.Join(l.header, ", "))
		return "", false
	}
	if len(args) >= 4 {
		mode, _ := unquote(args[1])
		names, ok := unquote(args[2])
		if !ok {
			c.errorf(t, r, "appearance", "search(%s): write search('file', 'matches', 'column', value), or with 'contains', 'startswith' or 'endswith'", strings.Join(args, ", "))
			return ""
		}
		var any []string
		for _, name := range strings.Split(names, ",") {
			col, ok := column("'" + strings.TrimSpace(name) + "'")
			if !ok {
				return ""
			}
			any = append(any, searchTest(strings.ToLower(mode), col, args[3]))
		}
		filter = strings.Join(any, " or ")
		if len(any) > 1 {
			filter = "(" + filter + ")"
		}
		if len(args) == 6 {
			col2, ok := column(args[4])
			if !ok {
				return ""
			}
			filter += " and " + searchTest("matches", col2, args[5])
		}
	}
	if placeholder == nil || len(placeholder.Choices) == 0 {
		return filter // reported as an unknown list
	}
	value, label := placeholder.Choices[0].Name, placeholder.Choices[0].Label.In(c.form.DefaultLang, c.form.Languages)
	if col := searchColumn(l, value); col != "" {
		value = col
	}
	// The label may name several columns, 'nama,kode' (or 'nama kode'): Collect shows
	// the first, then (kode: 3201) for each other.
	display := searchDisplayColumns(label)
	var labels []string
	for _, name := range display {
		col := searchColumn(l, name)
		if col == "" {
			if len(display) > 1 {
				c.errorf(t, r, "label", "the label of the search() placeholder names %q, which %s does not have (it has %s)", name, l.File, strings.Join(l.header, ", "))
				return ""
			}
			col = name // reported by attachedList
		}
		labels = append(labels, col)
	}
	if len(labels) > 0 {
		label = labels[0]
	}
	n.Parameters = maps.Clone(n.Parameters)
	if n.Parameters == nil {
		n.Parameters = make(map[string]string, 2)
	}
	n.Parameters["value"], n.Parameters["label"] = value, label
	if fl := c.attachedList(t, r, n, l.File); fl != nil {
		fl, err := fl.searchOrder(display, labels)
		if err != nil {
			c.errorf(t, r, "appearance", "%s: %v", l.File, err)
			return ""
		}
		c.useList(n, fl.firstOfEachValue())
	}
	return filter
}

// searchDisplayColumns splits the label of a search() placeholder into the columns it
// names, as Collect does: by commas, or by spaces when it has no comma.
func searchDisplayColumns(label string) []string {
	split := func(sep string) []string {
		var out []string
		for _, p := range strings.Split(label, sep) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	parts := split(",")
	if len(parts) == 1 && strings.Contains(label, " ") {
		parts = split(" ")
	}
	return parts
}

// searchOrder returns the choices of a search() select as Collect makes them from its SQLite
// copy of the file: rows with no data at all left out; in the order of the file's sortby
// column (read as a number, as Collect requires) when it has one; labelled with the first
// display column, then "(name: value)" for each other (names as the placeholder writes
// them), or with the value when that is blank.
func (l *ChoiceList) searchOrder(names, cols []string) (*ChoiceList, error) {
	sortCol := searchColumn(l, "sortby") // SortBy too, as Collect names its columns
	if sortCol == "" && len(cols) < 2 {
		return l, nil
	}
	out := l.emptyCopy()
	type keyed struct {
		ch  *Choice
		key float64
	}
	var items []keyed
	for _, ch := range l.Choices {
		blank := true
		for _, v := range ch.Extra {
			if strings.TrimSpace(v) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		k := keyed{ch: ch}
		if sortCol != "" {
			f, err := strconv.ParseFloat(strings.TrimSpace(ch.Extra[sortCol]), 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: the %s column holds %q, not a number (ODK Collect sorts search() choices by it, and refuses such a file)", ch.Row, sortCol, ch.Extra[sortCol])
			}
			k.key = f
		}
		items = append(items, k)
	}
	slices.SortStableFunc(items, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	for _, it := range items {
		cp := *it.ch
		if len(cols) > 1 {
			var b strings.Builder
			b.WriteString(it.ch.Extra[cols[0]])
			for i := 1; i < len(cols); i++ {
				fmt.Fprintf(&b, " (%s: %s)", names[i], it.ch.Extra[cols[i]])
			}
			label := b.String()
			if strings.TrimSpace(label) == "" {
				label = cp.Name
			}
			cp.Label = Text{"": label}
		}
		out.add(&cp)
	}
	return out, nil
}

// searchTest is the test of one column in a search() call, ignoring the case of ASCII
// letters as Collect's SQLite does.
func searchTest(mode, col, value string) string {
	fold := func(x string) string {
		return "translate(" + x + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
	}
	switch mode {
	case "matches":
		return fold(col) + " = " + fold(value)
	case "startswith":
		return "starts-with(" + fold(col) + ", " + fold(value) + ")"
	case "endswith":
		return "ends-with(" + fold(col) + ", " + fold(value) + ")"
	}
	return "contains(" + fold(col) + ", " + fold(value) + ")" // contains, and any other word
}

// searchColumn returns the column of l's file that Collect reads for name: the same name,
// else the one of the same name once both are made as Collect makes its SQLite columns
// (lower case, any character but a letter or digit as _); "" for none.
func searchColumn(l *ChoiceList, name string) string {
	if name == "name" || name == "label" || slices.Contains(l.header, name) {
		return name
	}
	safe := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			if r >= 'A' && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return '_'
		}, strings.TrimSpace(s))
	}
	want := safe(name)
	for _, h := range l.header {
		if h != "" && safe(h) == want {
			return h
		}
	}
	return ""
}

// firstOfEachValue returns l with each value once, its first item: Collect's search()
// offers each value once.
func (l *ChoiceList) firstOfEachValue() *ChoiceList {
	seen := make(map[string]bool, len(l.Choices))
	dup := false
	for _, ch := range l.Choices {
		dup = dup || seen[ch.Name]
		seen[ch.Name] = true
	}
	if !dup {
		return l
	}
	out := l.emptyCopy()
	for _, ch := range l.Choices {
		if out.byName[ch.Name] == nil {
			cp := *ch
			out.add(&cp)
		}
	}
	return out
}
