package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/forms"
	"tracer/forms/expr"
	"tracer/survey"
)

// MaskKeyMap holds the keys of date and time entry.
type MaskKeyMap struct {
	Backspace, Clear key.Binding
}

func defaultMaskKeyMap() MaskKeyMap {
	return MaskKeyMap{
		Backspace: key.NewBinding(key.WithKeys("backspace", "ctrl+h"), key.WithHelp("backspace", "delete")),
		Clear:     key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "clear")),
	}
}

// maskInput enters a date, a time or both digit by digit into a layout whose letters are
// digit slots (Y year, M month, D day, h hour, m minute). A date is typed year first
// (2004-02-12) or, as Indonesians write it, day first (12-02-2004, 12/02/2004): a separator
// after the day, or a first digit no year starts with, switches to day first. The entry
// never holds an impossible date or time, and says why a digit is refused ("30 Februari
// tidak ada"). The year and month-year appearances ask only for those parts and store the
// first day of the period, as ODK does.
type maskInput struct {
	keys     *MaskKeyMap
	typ      string // the node type: date, time, dateTime
	period   string // "year", "month-year" or "" (a full date)
	layout   string // the entry layout
	digits   []byte
	readOnly bool
	fresh    bool
	note     liveID
	// blocked is set by a refused digit: no more digits or separators are taken until one
	// is deleted, so that the keys typed after it never make another date of what was
	// meant ("31/11/1996" is never 31-01-1996).
	blocked bool
	// why and whyArgs are the refusal that blocked the entry, said again with each key
	// it does not take.
	why     liveID
	whyArgs []any
	args    []any
	// orig is the value the entry opened with, kept as it is until the digits or the layout
	// change: the slots cannot show its seconds, its time zone, the day of a date asked by
	// year, or a time written "9:05", and passing over it must not rewrite it.
	orig   string
	edited bool
}

func newMaskInput(km *MaskKeyMap, n *forms.Node, v string, ro bool) *maskInput {
	f := &maskInput{keys: km, typ: n.Type, readOnly: ro, fresh: v != "", orig: v}
	if n.Type == "date" {
		f.period = n.DateParts()
	}
	f.layout = f.entryLayout(false)
	f.load(v)
	return f
}

// entryLayout is the layout typed into, year first or day first.
func (f *maskInput) entryLayout(dayFirst bool) string {
	switch f.typ {
	case "time":
		return "hh:mm"
	case "dateTime":
		if dayFirst {
			return "DD-MM-YYYY hh:mm"
		}
		return "YYYY-MM-DD hh:mm"
	}
	switch f.period {
	case "year":
		return "YYYY"
	case "month-year":
		if dayFirst {
			return "MM-YYYY"
		}
		return "YYYY-MM"
	}
	if dayFirst {
		return "DD-MM-YYYY"
	}
	return "YYYY-MM-DD"
}

func (f *maskInput) dayFirst() bool {
	return strings.HasPrefix(f.layout, "DD") || strings.HasPrefix(f.layout, "MM")
}

// load puts a stored value (2004-02-12, 14:30, 2004-02-12T14:30:00) into the slots.
func (f *maskInput) load(v string) {
	f.digits = f.digits[:0]
	var ds []byte
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			ds = append(ds, v[i])
		}
	}
	if len(ds) < f.slots() {
		ds = padParts(f.layout, v)
		if len(ds) < f.slots() {
			return
		}
	}
	f.digits = append(f.digits, ds[:f.slots()]...)
}

// padParts reads a value written with short parts ("9:05", "2004-2-5") into the digits of
// layout, each part padded with zeros to its slots; nil when the parts do not fit.
func padParts(layout, v string) []byte {
	var widths []int
	for i := 0; i < len(layout); {
		if !isSlot(layout[i]) {
			i++
			continue
		}
		j := i
		for j < len(layout) && layout[j] == layout[i] {
			j++
		}
		widths = append(widths, j-i)
		i = j
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if len(parts) < len(widths) {
		return nil
	}
	var out []byte
	for i, w := range widths {
		if len(parts[i]) > w {
			return nil
		}
		out = append(out, strings.Repeat("0", w-len(parts[i]))+parts[i]...)
	}
	return out
}

func isSlot(c byte) bool { return c == 'Y' || c == 'M' || c == 'D' || c == 'h' || c == 'm' }

func (f *maskInput) slots() int {
	n := 0
	for i := 0; i < len(f.layout); i++ {
		if isSlot(f.layout[i]) {
			n++
		}
	}
	return n
}

// maskText fills the layout with the typed digits, '_' in the empty slots.
func (f *maskInput) maskText(bool) string { return fillLayout(f.layout, f.digits) }

func fillLayout(layout string, digits []byte) string {
	var b strings.Builder
	d := 0
	for i := 0; i < len(layout); i++ {
		c := layout[i]
		if !isSlot(c) {
			b.WriteByte(c)
			continue
		}
		if d < len(digits) {
			b.WriteByte(digits[d])
		} else {
			b.WriteByte('_')
		}
		d++
	}
	return b.String()
}

// part returns the digits of a layout letter in txt and whether they are all typed.
func part(layout, txt string, letter byte) (string, bool, bool) {
	i := strings.IndexByte(layout, letter)
	if i < 0 {
		return "", false, false
	}
	j := strings.LastIndexByte(layout, letter)
	p := txt[i : j+1]
	return p, !strings.Contains(p, "_"), true
}

// check reports whether digits can begin a real date or time in layout; when not, the problem
// and the arguments of its text.
func check(layout string, digits []byte) (bool, liveID, []any) {
	txt := fillLayout(layout, digits)
	y, yFull, hasY := part(layout, txt, 'Y')
	mo, mFull, hasM := part(layout, txt, 'M')
	d, dFull, hasD := part(layout, txt, 'D')
	if hasY && y[0] != '_' {
		if y[0] != '1' && y[0] != '2' || len(y) > 1 && y[1] != '_' && y[:2] != "19" && y[:2] != "20" {
			return false, liveYear, nil
		}
	}
	if hasM && mo[0] != '_' {
		if mo[0] > '1' || mFull && (mo == "00" || mo > "12") {
			return false, liveMonth, nil
		}
	}
	if hasD && d[0] != '_' {
		if d[0] > '3' || dFull && (d == "00" || d > "31") {
			return false, liveDay, nil
		}
	}
	if hasD && dFull && hasM && mFull {
		day, _ := strconv.Atoi(d)
		month, _ := strconv.Atoi(mo)
		limit := expr.DaysIn(2000, month) // 29 February stays possible until the year is known
		if yFull {
			year, _ := strconv.Atoi(y)
			limit = expr.DaysIn(year, month)
			if day > limit && month == 2 && day == 29 {
				return false, liveNoDayYear, []any{day, month, year}
			}
		}
		if day > limit {
			return false, liveNoDay, []any{day, month}
		}
	}
	if h, full, ok := part(layout, txt, 'h'); ok && h[0] != '_' {
		if h[0] > '2' || full && h > "23" {
			return false, liveHour, nil
		}
	}
	if m, _, ok := part(layout, txt, 'm'); ok && m[0] != '_' && m[0] > '5' {
		return false, liveMinute, nil
	}
	return true, liveNone, nil
}

// typeDigit adds digit c when it can begin a real date, switching a date typed year first
// to day first when the digits so far can only be a day (12..., 3...).
func (f *maskInput) typeDigit(c byte) {
	if len(f.digits) >= f.slots() {
		return
	}
	next := append(append([]byte(nil), f.digits...), c)
	ok, id, args := check(f.layout, next)
	if ok {
		f.digits = next
		return
	}
	if f.typ != "time" && !f.dayFirst() && len(next) <= 2 {
		other := f.entryLayout(true)
		if ok2, _, _ := check(other, next); ok2 {
			f.layout, f.digits = other, next
			return
		}
		if len(f.digits) == 0 {
			if ok2, _, _ := check(other, []byte{'0', c}); ok2 {
				f.layout, f.digits = other, []byte{'0', c}
				return
			}
		}
	}
	// a day, month or hour that cannot start with c is the one-digit c: "5" is the 5th
	if padded := f.padded(c); padded != nil {
		f.digits = padded
		return
	}
	f.note, f.args = id, args
	f.blocked, f.why, f.whyArgs = true, id, args
}

// padded returns the digits with "0c" typed when the next slot begins a two-digit day,
// month or hour that cannot begin with c but can be 0c; nil otherwise.
func (f *maskInput) padded(c byte) []byte {
	n := len(f.digits)
	letter, i := f.slotAt(n)
	if i < 0 || n+2 > f.slots() || (letter != 'D' && letter != 'M' && letter != 'h') {
		return nil
	}
	if i > 0 && f.layout[i-1] == letter || i+1 >= len(f.layout) || f.layout[i+1] != letter {
		return nil
	}
	next := append(append([]byte(nil), f.digits...), '0', c)
	if ok, _, _ := check(f.layout, next); ok {
		return next
	}
	return nil
}

// separator handles a typed '-', '/', '.', ':' or space: after one or two digits of a date
// it means the day (or month) was typed first and short ("5/" is the 5th).
func (f *maskInput) separator() {
	if f.typ == "time" {
		return
	}
	n := len(f.digits)
	if !f.dayFirst() && (n == 1 || n == 2) {
		other := f.entryLayout(true)
		ds := append([]byte(nil), f.digits...)
		if n == 1 {
			ds = []byte{'0', ds[0]}
		}
		if ok, _, _ := check(other, ds); ok {
			f.layout, f.digits = other, ds
		}
		return
	}
	// a one-digit day or month closed by a separator is padded with a zero
	if n > 0 && n < f.slots() {
		letter, _ := f.slotAt(n - 1)
		first := strings.IndexByte(f.layout, letter)
		last := strings.LastIndexByte(f.layout, letter)
		start := f.slotIndex(first)
		if (letter == 'D' || letter == 'M' || letter == 'h') && n-start == 1 && last-first == 1 {
			ds := append(append(append([]byte(nil), f.digits[:start]...), '0'), f.digits[start])
			if ok, _, _ := check(f.layout, ds); ok {
				f.digits = ds
			}
		}
	}
}

// slotAt returns the layout letter of digit slot n.
func (f *maskInput) slotAt(n int) (byte, int) {
	d := 0
	for i := 0; i < len(f.layout); i++ {
		if isSlot(f.layout[i]) {
			if d == n {
				return f.layout[i], i
			}
			d++
		}
	}
	return 0, -1
}

// slotIndex returns the digit slot number at layout position i.
func (f *maskInput) slotIndex(i int) int {
	n := 0
	for j := 0; j < i; j++ {
		if isSlot(f.layout[j]) {
			n++
		}
	}
	return n
}

func (f *maskInput) Kind() fieldKind { return fieldMask }

func (f *maskInput) Update(msg tea.Msg) bool {
	f.note, f.args = liveNone, nil
	if f.readOnly {
		return false
	}
	digits, layout := string(f.digits), f.layout
	defer func() {
		if string(f.digits) != digits || f.layout != layout {
			f.edited = true
		}
	}()
	if p, ok := msg.(tea.PasteMsg); ok {
		if f.blocked {
			f.note, f.args = liveMaskBlocked, append([]any{f.why}, f.whyArgs...)
			return true
		}
		f.paste(p.Content)
		return true
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	// The value opened with stays until a key the entry takes: a digit types a new date
	// over it, Backspace and Ctrl+U edit it. A letter or an arrow changes nothing, and the
	// digits after an arrow still replace the value, as the hint under it says.
	if f.fresh {
		switch {
		case key.Matches(k, f.keys.Backspace), key.Matches(k, f.keys.Clear):
			f.fresh = false
		case len(k.Text) == 1 && k.Mod&^tea.ModShift == 0 && k.Text[0] >= '0' && k.Text[0] <= '9':
			f.fresh = false
			f.digits, f.layout = f.digits[:0], f.entryLayout(false)
		}
	}
	switch {
	case key.Matches(k, f.keys.Backspace):
		f.edited = true // even when the slots show nothing of the value opened with
		f.blocked = false
		if len(f.digits) > 0 {
			f.digits = f.digits[:len(f.digits)-1]
		}
		if len(f.digits) == 0 {
			f.layout = f.entryLayout(false)
		}
		return true
	case key.Matches(k, f.keys.Clear):
		f.edited = true
		f.blocked = false
		f.digits, f.layout = f.digits[:0], f.entryLayout(false)
		return true
	}
	if len(k.Text) != 1 || k.Mod&^tea.ModShift != 0 {
		return false
	}
	if c := k.Text[0]; f.blocked && (c >= '0' && c <= '9' || strings.IndexByte("-/.: T", c) >= 0) {
		f.note, f.args = liveMaskBlocked, append([]any{f.why}, f.whyArgs...)
		return true
	}
	c := k.Text[0]
	if len(f.digits) >= f.slots() && (c >= '0' && c <= '9' || strings.IndexByte("-/.: T", c) >= 0) {
		f.note, f.args = liveMaskFull, []any{f.entry()}
		return true
	}
	switch {
	case c >= '0' && c <= '9':
		f.typeDigit(c)
		return true
	case c == '-' || c == '/' || c == '.':
		f.separator()
		return true
	case c == ':' || c == 'T' || c == ' ':
		return true
	}
	return false
}

// paste types a pasted date or time whole, or not at all: a digit the entry refuses (a month
// 13, 30 February), a character that is not a digit or a separator, or more digits than the
// entry holds leave the entry as it was and say why, so that the rest of the paste is never
// read as another date. A paste replaces the value the entry opened with, as typing does.
func (f *maskInput) paste(s string) {
	trial := *f
	trial.digits = append([]byte(nil), f.digits...)
	if f.fresh {
		trial.digits, trial.layout = trial.digits[:0], f.entryLayout(false)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if len(trial.digits) >= trial.slots() {
				f.note, f.args = livePasteLong, nil
				return
			}
			trial.typeDigit(c)
			if trial.note != liveNone {
				f.note, f.args = trial.note, trial.args
				return
			}
		case c == '-' || c == '/' || c == '.':
			trial.separator()
		case c == ':' || c == 'T' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			f.note, f.args = liveMaskKey, nil
			return
		}
	}
	f.digits, f.layout, f.fresh = trial.digits, trial.layout, false
}

// Value returns the date in the form's layout (YYYY-MM-DD, hh:mm, YYYY-MM-DDThh:mm), or the
// value the entry opened with while it is not edited.
func (f *maskInput) Value() (string, liveID) {
	if !f.edited && f.orig != "" {
		return f.orig, liveNone
	}
	if len(f.digits) == 0 {
		return "", liveNone
	}
	if len(f.digits) < f.slots() {
		return "", liveIncomplete
	}
	txt := f.maskText(false)
	get := func(letter byte) string { p, _, _ := part(f.layout, txt, letter); return p }
	switch f.typ {
	case "time":
		return txt, liveNone
	case "dateTime":
		return get('Y') + "-" + get('M') + "-" + get('D') + "T" + get('h') + ":" + get('m'), liveNone
	}
	switch f.period {
	case "year":
		return get('Y') + "-01-01", liveNone
	case "month-year":
		return get('Y') + "-" + get('M') + "-01", liveNone
	}
	return get('Y') + "-" + get('M') + "-" + get('D'), liveNone
}

// ValueArgs are the values the problem Value reports is formatted with: the entry and,
// for one not complete, its first part not typed ("the date entry is not complete: type
// its year").
func (f *maskInput) ValueArgs() []any {
	letter, _ := f.slotAt(len(f.digits))
	return []any{f.entry(), maskPart(letter)}
}

// entry names what the entry asks for, for the messages about it.
func (f *maskInput) entry() maskEntry {
	switch {
	case f.typ == "time":
		return entryTime
	case f.typ == "dateTime":
		return entryDateTime
	case f.period == "year":
		return entryYear
	case f.period == "month-year":
		return entryMonthYear
	}
	return entryDate
}

// maskEntry names a kind of date or time entry in a message; liveText words it in the UI
// language.
type maskEntry uint8

const (
	entryDate maskEntry = iota
	entryTime
	entryDateTime
	entryYear
	entryMonthYear
)

// maskPart names a part of a date or time entry by its layout letter (Y, M, D, h, m) in a
// message; liveText words it in the UI language.
type maskPart byte

func (f *maskInput) Note() liveID           { return f.note }
func (f *maskInput) NoteArgs() []any        { return f.args }
func (f *maskInput) Typing() bool           { return false }
func (f *maskInput) Relabel(*forms.Session) {}

// placeholder writes the layout in the UI language's letters (TTTT-BB-HH).
func placeholder(layout string, t *texts) string {
	var b strings.Builder
	for i := 0; i < len(layout); i++ {
		switch layout[i] {
		case 'Y':
			b.WriteString(t.PlaceholderYear)
		case 'M':
			b.WriteString(t.PlaceholderMonth)
		case 'D':
			b.WriteString(t.PlaceholderDay)
		case 'h':
			b.WriteString(t.PlaceholderHour)
		case 'm':
			b.WriteString(t.PlaceholderMinute)
		default:
			b.WriteByte(layout[i])
		}
	}
	return b.String()
}

func (f *maskInput) View(t *texts, st Styles, width, height int) string {
	txt := f.maskText(false)
	if f.readOnly {
		return "  " + txt + "  " + st.Muted.Render(t.FieldReadOnly)
	}
	ph := placeholder(f.layout, t)
	n := f.prefixLen()
	line := "› " + st.Input.Render(txt[:n])
	if rest := ph[n:]; rest != "" {
		line += st.Cursor.Render(rest[:1]) + st.Muted.Render(rest[1:])
	}
	if f.typ != "time" {
		line += "  " + st.Muted.Render(survey.Plurals(t.FieldDateOrder, placeholder(f.entryLayout(!f.dayFirst()), t)))
	}
	return line + freshHint(f.fresh && len(f.digits) > 0, t.FieldFreshMaskHint, st, width, height)
}

// prefixLen is the length of the mask text up to the last typed digit.
func (f *maskInput) prefixLen() int {
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

func (f *maskInput) ShortHelp() []key.Binding {
	if f.readOnly {
		return nil
	}
	return []key.Binding{f.keys.Clear}
}
func (f *maskInput) FullHelp() []key.Binding {
	if f.readOnly {
		return nil
	}
	return []key.Binding{f.keys.Backspace, f.keys.Clear}
}
