package tui

import (
	"strconv"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/forms"
)

// numberInput enters an integer or a decimal. Digits, a leading minus and the separators
// '.' and ',' can be typed; what was typed is read by readNumber when the answer is taken,
// so "4,5" is 4.5 and "6.500.000" is 6500000, and what cannot be read is refused with a
// message, never saved as other digits.
type numberInput struct {
	keys     *EditKeyMap
	kind     fieldKind
	edit     lineEdit
	readOnly bool
	fresh    bool
	note     string
}

func newNumberInput(km *EditKeyMap, kind fieldKind, v string, ro bool) *numberInput {
	f := &numberInput{keys: km, kind: kind, readOnly: ro, fresh: v != ""}
	f.edit.accept = func(r rune, before []rune) bool {
		return unicode.IsDigit(r) || (r == '-' && len(before) == 0) || r == '.' || r == ','
	}
	f.edit.SetValue(v)
	return f
}

func (f *numberInput) Kind() fieldKind { return f.kind }

func (f *numberInput) Update(msg tea.Msg) bool {
	f.note = ""
	if f.readOnly {
		return false
	}
	replaceFresh(&f.fresh, msg, func() { f.edit.SetValue("") })
	handled, refused := f.edit.update(f.keys, msg)
	if refused {
		f.note = "live.number"
	}
	return handled
}

func (f *numberInput) Value() (string, string) {
	return readNumber(f.edit.Value(), f.kind == fieldDecimal)
}

func (f *numberInput) Note() string           { return f.note }
func (f *numberInput) NoteArgs() []any        { return nil }
func (f *numberInput) Typing() bool           { return false }
func (f *numberInput) Relabel(*forms.Session) {}

func (f *numberInput) View(t texts, st Styles, width, height int) string {
	if f.readOnly {
		return "  " + groupDigits(f.edit.Value(), t) + "  " + st.Muted.Render(t["f.readonly"])
	}
	line := f.edit.view(min(width-2, 40), st, true)
	// the number as it will be saved, when the entry is not already written that way
	if v, p := f.Value(); p == "" && v != "" {
		if shown := groupDigits(v, t); shown != strings.TrimSpace(f.edit.Value()) {
			line += st.Muted.Render("  = " + shown)
		}
	}
	return line
}

func (f *numberInput) ShortHelp() []key.Binding { return []key.Binding{f.keys.ClearBefore} }
func (f *numberInput) FullHelp() []key.Binding {
	k := f.keys
	return []key.Binding{k.Left, k.Right, k.Backspace, k.ClearBefore}
}

// readNumber reads a typed number the way Indonesians and the English write it: thousands
// grouped by '.' or ',' ("6.500.000", "6,500,000"), a decimal comma or point ("4,5",
// "4.5"), both ("1.234,5"). It returns the number as the form stores it ("6500000", "4.5"),
// or a text id saying why it cannot be read: the answer is then refused, never guessed.
func readNumber(s string, decimal bool) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	if body == "" {
		return "", "live.numberformat"
	}
	dots, commas := strings.Count(body, "."), strings.Count(body, ",")
	var whole, frac string
	switch {
	case dots == 0 && commas == 0:
		whole = body
	case dots > 0 && commas > 0:
		// the separator that comes last is the decimal one; the other groups thousands
		dec := ","
		if strings.LastIndex(body, ".") > strings.LastIndex(body, ",") {
			dec = "."
		}
		i := strings.LastIndex(body, dec)
		if strings.Count(body, dec) != 1 {
			return "", "live.numberformat"
		}
		whole, frac = body[:i], body[i+1:]
		g := "."
		if dec == "." {
			g = ","
		}
		var ok bool
		if whole, ok = ungroup(whole, g); !ok {
			return "", "live.numberformat"
		}
	case dots+commas == 1:
		// one separator: "4,5" and "4.5" are decimals; in an integer, "6.500" is six thousand
		// five hundred and "4,5" cannot be an integer
		sep := "."
		if commas == 1 {
			sep = ","
		}
		i := strings.Index(body, sep)
		if !decimal {
			if w, ok := ungroup(body, sep); ok {
				whole = w
				break
			}
			return "", "live.notinteger"
		}
		whole, frac = body[:i], body[i+1:]
	default:
		// several of one separator: thousands
		sep := "."
		if commas > 0 {
			sep = ","
		}
		var ok bool
		if whole, ok = ungroup(body, sep); !ok {
			return "", "live.numberformat"
		}
	}
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return "", "live.numberformat"
	}
	if whole == "" {
		whole = "0"
	}
	if frac != "" && !decimal {
		return "", "live.notinteger"
	}
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out, ""
}

// ungroup removes thousands separators from digits grouped as 1-3 digits then groups of 3.
func ungroup(s, sep string) (string, bool) {
	parts := strings.Split(s, sep)
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return "", false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return "", false
		}
	}
	return strings.Join(parts, ""), allDigits(strings.Join(parts, ""))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// groupDigits writes a stored number ("6500000", "4.5") for reading in the UI language:
// thousands grouped from 10 000 up ("6.500.000" in Bahasa Indonesia, "6,500,000" in
// English; four-digit numbers such as years stay as they are) and the decimal separator of
// the language. Anything that is not a plain number is returned unchanged.
func groupDigits(v string, t texts) string {
	neg := strings.HasPrefix(v, "-")
	body := strings.TrimPrefix(v, "-")
	whole, frac, hasFrac := strings.Cut(body, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) {
		return v
	}
	if _, err := strconv.ParseFloat(body, 64); err != nil {
		return v
	}
	if len(whole) > 4 {
		var b strings.Builder
		for i, r := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteString(t["num.thousands"])
			}
			b.WriteRune(r)
		}
		whole = b.String()
	}
	out := whole
	if hasFrac {
		out += t["num.decimal"] + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
