package tui

import (
	"strconv"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
)

// fieldKind is the kind of input a question gets.
type fieldKind int

const (
	fieldNote fieldKind = iota
	fieldText
	fieldInteger
	fieldDecimal
	fieldMask // date, time, dateTime
	fieldOne
	fieldMany
	fieldAck
	fieldPrompt // a repeat's add-another prompt
	fieldRank   // rank: put every option in order
)

// field is the input of the question on screen.
type field struct {
	kind     fieldKind
	readOnly bool
	edit     lineEdit

	// mask entry: digits typed so far into the layout's digit slots.
	layout string // e.g. "YYYY-MM-DD"; each Y, M, D, h, m is a digit slot
	digits []byte

	// choices
	items   []*forms.Choice
	labels  []string
	chosen  map[string]bool
	query   string
	visible []int
	cursor  int
	touched bool

	// rank: the options in rank order (indexes into items); ranked is false until the
	// enumerator has ordered them (or kept the order shown with Space), so that an untouched
	// list is never saved as if the respondent had ranked it.
	order  []int
	ranked bool

	// note is a short message from live checking ("digits only"), cleared on the next key.
	note string
	// fresh is set while a text, number or date field still shows the value it opened with
	// (a roster value, a default or an earlier answer): the first character typed replaces it,
	// any other key starts editing it.
	fresh bool
}

// kindOf returns the field kind for a node type.
func kindOf(n *forms.Node) fieldKind {
	switch n.Type {
	case "note":
		return fieldNote
	case "integer":
		return fieldInteger
	case "decimal", "range":
		return fieldDecimal
	case "date", "time", "dateTime":
		return fieldMask
	case "select_one":
		return fieldOne
	case "select_multiple":
		return fieldMany
	case "rank":
		return fieldRank
	case "acknowledge", "trigger":
		return fieldAck
	}
	if n.Kind == forms.KindNote {
		return fieldNote
	}
	return fieldText
}

// newField builds the input for the stop, showing the session's current value.
func newField(s *forms.Session, st forms.Stop) *field {
	f := &field{}
	if st.Prompt {
		f.kind = fieldPrompt
		return f
	}
	f.kind = kindOf(st.Node)
	f.readOnly = s.ReadOnly(st.Path) && f.kind != fieldNote
	v := s.Value(st.Path)
	f.fresh = v != ""
	switch f.kind {
	case fieldText:
		f.edit.SetValue(v)
	case fieldInteger:
		f.edit.accept = func(r rune, before []rune) bool {
			return unicode.IsDigit(r) || (r == '-' && len(before) == 0)
		}
		f.edit.SetValue(v)
	case fieldDecimal:
		f.edit.accept = func(r rune, before []rune) bool {
			return unicode.IsDigit(r) || (r == '-' && len(before) == 0) ||
				(r == '.' && !strings.ContainsRune(string(before), '.'))
		}
		f.edit.SetValue(v)
	case fieldMask:
		switch st.Node.Type {
		case "date":
			f.layout = "YYYY-MM-DD"
		case "time":
			f.layout = "hh:mm"
		default:
			f.layout = "YYYY-MM-DDThh:mm"
		}
		f.setMask(v)
	case fieldOne, fieldMany:
		f.items = s.Choices(st.Path)
		f.labels = make([]string, len(f.items))
		for i, c := range f.items {
			f.labels[i] = s.ChoiceLabel(c)
		}
		f.chosen = map[string]bool{}
		if f.kind == fieldOne {
			f.chosen[v] = v != ""
		} else {
			for _, name := range strings.Fields(v) {
				f.chosen[name] = true
			}
		}
		f.filter()
		for i, idx := range f.visible {
			if f.chosen[f.items[idx].Name] {
				f.cursor = i
				break
			}
		}
	case fieldAck:
		f.chosen = map[string]bool{"OK": v == "OK"}
	case fieldRank:
		f.items = s.Choices(st.Path)
		f.labels = make([]string, len(f.items))
		for i, c := range f.items {
			f.labels[i] = s.ChoiceLabel(c)
		}
		f.setRank(v)
	}
	return f
}

// setRank loads a stored rank ("b a c"): its options first in that order, then any option it
// does not name in list order.
func (f *field) setRank(v string) {
	f.order = f.order[:0]
	used := make([]bool, len(f.items))
	for _, name := range strings.Fields(v) {
		for i, c := range f.items {
			if c.Name == name && !used[i] {
				f.order = append(f.order, i)
				used[i] = true
			}
		}
	}
	f.ranked = len(f.order) > 0
	for i := range f.items {
		if !used[i] {
			f.order = append(f.order, i)
		}
	}
	f.cursor = 0
}

// moveRank moves the option under the cursor to position to (0-based) and keeps the cursor
// on it.
func (f *field) moveRank(to int) {
	if len(f.order) == 0 {
		return
	}
	to = max(min(to, len(f.order)-1), 0)
	it := f.order[f.cursor]
	f.order = append(f.order[:f.cursor], f.order[f.cursor+1:]...)
	f.order = append(f.order[:to], append([]int{it}, f.order[to:]...)...)
	f.cursor = to
	f.ranked = true
}

// relabel refreshes the choice labels after the form language changed.
func (f *field) relabel(s *forms.Session) {
	for i, c := range f.items {
		f.labels[i] = s.ChoiceLabel(c)
	}
}

// setMask loads a stored value into the mask's digit slots.
func (f *field) setMask(v string) {
	f.digits = f.digits[:0]
	if len(v) < len(f.layout) {
		return
	}
	for i := 0; i < len(f.layout); i++ {
		if isSlot(f.layout[i]) {
			if v[i] < '0' || v[i] > '9' {
				f.digits = f.digits[:0]
				return
			}
			f.digits = append(f.digits, v[i])
		}
	}
}

func isSlot(c byte) bool { return c == 'Y' || c == 'M' || c == 'D' || c == 'h' || c == 'm' }

func (f *field) slots() int {
	n := 0
	for i := 0; i < len(f.layout); i++ {
		if isSlot(f.layout[i]) {
			n++
		}
	}
	return n
}

// maskText fills the layout with the typed digits; placeholder marks the empty slots.
func (f *field) maskText(placeholder bool) string {
	var b strings.Builder
	d := 0
	for i := 0; i < len(f.layout); i++ {
		c := f.layout[i]
		if !isSlot(c) {
			b.WriteByte(c)
			continue
		}
		switch {
		case d < len(f.digits):
			b.WriteByte(f.digits[d])
		case placeholder:
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
		d++
	}
	return b.String()
}

// slotKind returns the layout letter of digit slot n.
func (f *field) slotKind(n int) (kind byte, first bool) {
	d := 0
	for i := 0; i < len(f.layout); i++ {
		if isSlot(f.layout[i]) {
			if d == n {
				return f.layout[i], i == 0 || f.layout[i-1] != f.layout[i]
			}
			d++
		}
	}
	return 0, false
}

// maskAccepts reports whether digit c may follow the digits typed so far: the entry never
// holds an impossible date or time (month 13, 31 April, 29 February 2025, 24:00).
func (f *field) maskAccepts(c byte) bool {
	n := len(f.digits)
	if n >= f.slots() {
		return false
	}
	next := append(append([]byte(nil), f.digits...), c)
	txt := f.maskTextOf(next)
	kind, _ := f.slotKind(n)
	get := func(letter byte) (string, bool) {
		i := strings.IndexByte(f.layout, letter)
		j := strings.LastIndexByte(f.layout, letter)
		part := txt[i : j+1]
		return part, !strings.Contains(part, "_")
	}
	switch kind {
	case 'Y':
		if y, _ := get('Y'); y[0] != '1' && y[0] != '2' {
			return false
		}
	case 'M':
		m, full := get('M')
		if m[0] > '1' || (full && (m == "00" || m > "12")) {
			return false
		}
	case 'D':
		d, full := get('D')
		if d[0] > '3' {
			return false
		}
		y, _ := get('Y')
		m, _ := get('M')
		year, _ := strconv.Atoi(y)
		month, _ := strconv.Atoi(m)
		limit := daysIn(year, month)
		if !full {
			return int(d[0]-'0')*10 <= limit
		}
		day, _ := strconv.Atoi(d)
		return day >= 1 && day <= limit
	case 'h':
		h, full := get('h')
		if h[0] > '2' || (full && h > "23") {
			return false
		}
	case 'm':
		mm, _ := get('m')
		if mm[0] > '5' {
			return false
		}
	}
	return true
}

func (f *field) maskTextOf(digits []byte) string {
	saved := f.digits
	f.digits = digits
	s := f.maskText(false)
	f.digits = saved
	return s
}

// daysIn returns the days of a month of a year (Gregorian).
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// filter recomputes the visible choices from the query: the choice whose number is the query
// first, then those whose label contains it or whose code starts with it.
func (f *field) filter() {
	f.visible = f.visible[:0]
	q := strings.ToLower(strings.TrimSpace(f.query))
	if q == "" {
		for i := range f.items {
			f.visible = append(f.visible, i)
		}
		f.cursor = min(f.cursor, max(len(f.visible)-1, 0))
		return
	}
	seen := -1
	if n, err := strconv.Atoi(q); err == nil && n >= 1 && n <= len(f.items) {
		f.visible = append(f.visible, n-1)
		seen = n - 1
	}
	for i, c := range f.items {
		if i == seen {
			continue
		}
		if strings.HasPrefix(strings.ToLower(c.Name), q) || strings.Contains(strings.ToLower(f.labels[i]), q) {
			f.visible = append(f.visible, i)
		}
	}
	f.cursor = 0
}

// short reports whether a choice list is short enough for one digit to pick an option.
func (f *field) short() bool { return len(f.items) <= 9 }

// update handles a key for the field; it returns false for keys the field does not use.
func (f *field) update(msg tea.Msg) bool {
	f.note = ""
	if f.readOnly {
		return false
	}
	k, isKey := msg.(tea.KeyPressMsg)
	if f.fresh {
		f.fresh = false
		if isKey && len(k.Text) > 0 && k.Text != " " {
			f.edit.SetValue("")
			f.digits = f.digits[:0]
		}
	}
	switch f.kind {
	case fieldText, fieldInteger, fieldDecimal:
		handled, refused := f.edit.update(msg)
		if refused {
			f.note = "live.number"
		}
		return handled
	case fieldMask:
		if p, ok := msg.(tea.PasteMsg); ok {
			for i := 0; i < len(p.Content); i++ {
				if c := p.Content[i]; c >= '0' && c <= '9' && f.maskAccepts(c) {
					f.digits = append(f.digits, c)
				}
			}
			return true
		}
		if !isKey {
			return false
		}
		switch k.String() {
		case "backspace", "ctrl+h":
			if len(f.digits) > 0 {
				f.digits = f.digits[:len(f.digits)-1]
			}
			return true
		case "ctrl+u":
			f.digits = f.digits[:0]
			return true
		}
		if len(k.Text) == 1 {
			c := k.Text[0]
			switch {
			case c >= '0' && c <= '9':
				if f.maskAccepts(c) {
					f.digits = append(f.digits, c)
				} else {
					f.note = "live.date"
				}
				return true
			case c == '-' || c == ':' || c == '/' || c == 'T' || c == ' ' || c == '.':
				return true
			}
		}
		return false
	case fieldOne, fieldMany:
		if !isKey {
			if p, ok := msg.(tea.PasteMsg); ok {
				f.query += p.Content
				f.touched = true
				f.filter()
				return true
			}
			return false
		}
		switch s := k.String(); s {
		case "up":
			if f.cursor > 0 {
				f.cursor--
			}
			f.touched = true
			return true
		case "down":
			if f.cursor < len(f.visible)-1 {
				f.cursor++
			}
			f.touched = true
			return true
		case "pgup":
			f.cursor = max(f.cursor-8, 0)
			f.touched = true
			return true
		case "pgdown":
			f.cursor = max(min(f.cursor+8, len(f.visible)-1), 0)
			f.touched = true
			return true
		case "backspace", "ctrl+h":
			if f.query != "" {
				r := []rune(f.query)
				f.query = string(r[:len(r)-1])
				f.filter()
			}
			return true
		case "esc":
			if f.query != "" {
				f.query = ""
				f.filter()
				return true
			}
			return false
		case "space":
			if f.kind == fieldMany {
				if len(f.visible) > 0 {
					name := f.items[f.visible[f.cursor]].Name
					f.chosen[name] = !f.chosen[name]
					f.query = ""
					cur := f.visible[f.cursor]
					f.filter()
					f.cursor = cur
				}
				return true
			}
			if f.query != "" {
				f.query += " "
				f.filter()
				return true
			}
			if len(f.visible) > 0 {
				f.pick(f.visible[f.cursor])
			}
			return true
		}
		if k.Text == "" || k.Mod&^tea.ModShift != 0 {
			return false
		}
		if f.short() && f.query == "" && len(k.Text) == 1 && k.Text[0] >= '1' && k.Text[0] <= '9' {
			i := int(k.Text[0] - '1')
			if i < len(f.items) {
				if f.kind == fieldMany {
					f.chosen[f.items[i].Name] = !f.chosen[f.items[i].Name]
				} else {
					f.pick(i)
				}
				f.cursor = i
				f.touched = false
			}
			return true
		}
		f.query += k.Text
		f.touched = true
		f.filter()
		return true
	case fieldAck:
		if isKey && (k.String() == "space" || k.Text == "1") {
			f.chosen["OK"] = !f.chosen["OK"]
			return true
		}
	case fieldRank:
		if !isKey {
			return false
		}
		switch k.String() {
		case "up":
			f.cursor = max(f.cursor-1, 0)
			return true
		case "down":
			f.cursor = max(min(f.cursor+1, len(f.order)-1), 0)
			return true
		case "shift+up", "alt+up", "-":
			f.moveRank(f.cursor - 1)
			return true
		case "shift+down", "alt+down", "+", "=":
			f.moveRank(f.cursor + 1)
			return true
		case "space":
			f.ranked = true
			return true
		case "ctrl+u", "backspace", "ctrl+h":
			f.setRank("")
			return true
		}
		// a digit puts the option under the cursor at that place (lists of up to 9 options)
		if len(k.Text) == 1 && k.Text[0] >= '1' && k.Text[0] <= '9' && k.Mod&^tea.ModShift == 0 {
			if n := int(k.Text[0] - '0'); n <= len(f.order) {
				f.moveRank(n - 1)
			}
			return true
		}
	}
	return false
}

// pick chooses item i of a single choice.
func (f *field) pick(i int) {
	clear(f.chosen)
	f.chosen[f.items[i].Name] = true
}

// value returns the answer the field holds; ok is false (with a message id) when the entry
// is incomplete.
func (f *field) value() (v string, problem string) {
	switch f.kind {
	case fieldText, fieldInteger, fieldDecimal:
		return strings.TrimSpace(f.edit.Value()), ""
	case fieldMask:
		if len(f.digits) == 0 {
			return "", ""
		}
		if len(f.digits) < f.slots() {
			return "", "live.incomplete"
		}
		return f.maskText(false), ""
	case fieldOne:
		if (f.touched || f.query != "") && len(f.visible) > 0 {
			f.pick(f.visible[f.cursor])
		}
		for _, c := range f.items {
			if f.chosen[c.Name] {
				return c.Name, ""
			}
		}
		return "", ""
	case fieldMany:
		var names []string
		for _, c := range f.items {
			if f.chosen[c.Name] {
				names = append(names, c.Name)
			}
		}
		return strings.Join(names, " "), ""
	case fieldAck:
		if f.chosen["OK"] {
			return "OK", ""
		}
	case fieldRank:
		if !f.ranked {
			return "", ""
		}
		names := make([]string, len(f.order))
		for i, idx := range f.order {
			names[i] = f.items[idx].Name
		}
		return strings.Join(names, " "), ""
	}
	return "", ""
}

// view renders the input in width columns and at most height rows.
func (f *field) view(t texts, st Styles, width, height int) string {
	if height < 1 {
		height = 1
	}
	var lines []string
	switch f.kind {
	case fieldNote:
		return st.Muted.Render(t["f.note"])
	case fieldText, fieldInteger, fieldDecimal:
		if f.readOnly {
			return "  " + f.edit.Value() + "  " + st.Muted.Render(t["f.readonly"])
		}
		lines = append(lines, f.edit.view(min(width-2, 60), st, true))
	case fieldMask:
		txt := f.maskText(false)
		ph := t["f.layout."+f.layout]
		filled := txt[:f.prefixLen()]
		rest := ph[len(filled):]
		line := "› " + st.Input.Render(filled)
		if rest != "" {
			line += st.Cursor.Render(rest[:1]) + st.Muted.Render(rest[1:])
		}
		if f.readOnly {
			line = "  " + txt + "  " + st.Muted.Render(t["f.readonly"])
		}
		lines = append(lines, line)
	case fieldAck:
		box := "[ ]"
		if f.chosen["OK"] {
			box = "[x]"
		}
		lines = append(lines, st.Selected.Render("› "+box+" 1 "+t["f.ack"]))
	case fieldPrompt:
		lines = append(lines, "  1 "+t["f.prompt.yes"], "  2 "+t["f.prompt.no"])
	case fieldRank:
		if f.ranked {
			lines = append(lines, st.Muted.Render(ansi.Truncate("  "+t["f.rank.hint"], width, "…")))
		} else {
			lines = append(lines, st.Warn.Render(ansi.Truncate("  "+t["f.rank.unranked"], width, "…")))
		}
		height--
		numW := len(strconv.Itoa(len(f.items)))
		start := 0
		if f.cursor >= height {
			start = f.cursor - height + 1
		}
		for row := start; row < len(f.order) && row < start+height; row++ {
			num := strconv.Itoa(row + 1)
			num = strings.Repeat(" ", numW-len(num)) + num + "."
			if !f.ranked {
				num = strings.Repeat(" ", numW-1) + "· "
			}
			line := ansi.Truncate(num+" "+f.labels[f.order[row]], width-2, "…")
			if row == f.cursor && !f.readOnly {
				line = st.Selected.Render("› " + line)
			} else {
				line = "  " + line
			}
			lines = append(lines, line)
		}
	case fieldOne, fieldMany:
		if !f.short() || f.query != "" {
			q := "  " + t["f.filter"] + " " + st.Input.Render(f.query) + st.Cursor.Render(" ")
			q += st.Muted.Render("  " + strconv.Itoa(len(f.visible)) + "/" + strconv.Itoa(len(f.items)))
			lines = append(lines, q)
			height--
		}
		numW := len(strconv.Itoa(len(f.items)))
		start := 0
		if f.cursor >= height {
			start = f.cursor - height + 1
		}
		for row := start; row < len(f.visible) && row < start+height; row++ {
			i := f.visible[row]
			c := f.items[i]
			mark := "( )"
			if f.kind == fieldMany {
				mark = "[ ]"
			}
			if f.chosen[c.Name] {
				mark = "(•)"
				if f.kind == fieldMany {
					mark = "[x]"
				}
			}
			num := strconv.Itoa(i + 1)
			num = strings.Repeat(" ", numW-len(num)) + num
			line := mark + " " + num + " " + f.labels[i]
			line = ansi.Truncate(line, width-2, "…")
			switch {
			case row == f.cursor && !f.readOnly:
				line = st.Selected.Render("› " + line)
			case f.chosen[c.Name]:
				line = st.Selected.Render("  " + line)
			default:
				line = "  " + line
			}
			lines = append(lines, line)
		}
		if len(f.visible) == 0 {
			lines = append(lines, st.Muted.Render("  "+t["f.nomatch"]))
		}
	}
	return strings.Join(lines, "\n")
}

// prefixLen is the length of the mask text up to the last typed digit.
func (f *field) prefixLen() int {
	if len(f.digits) == 0 {
		return 0
	}
	d := 0
	for i := 0; i < len(f.layout); i++ {
		if isSlot(f.layout[i]) {
			d++
			if d == len(f.digits) {
				j := i + 1
				// include a separator that directly follows a completed part
				for j < len(f.layout) && !isSlot(f.layout[j]) && d < f.slots() {
					j++
				}
				return j
			}
		}
	}
	return len(f.layout)
}
