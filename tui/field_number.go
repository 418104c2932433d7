package tui

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/forms"
)

// numberInput enters an integer or a decimal. Digits, a leading minus and the separators
// '.' and ',' can be typed. A decimal is handed to the form engine as typed, which reads
// "4,5" as 4.5 and refuses a number that reads two ways; an integer (Rupiah) may be typed
// with thousands separators, "6.500.000", which readInteger removes. What cannot be read is
// refused with a message, never saved as other digits.
type numberInput struct {
	keys     *EditKeyMap
	kind     fieldKind
	edit     lineEdit
	readOnly bool
	fresh    bool
	note     liveID
	// refused is set by a key the entry did not take ("4O"): the next Enter says so
	// instead of saving what is shown, which is not what was typed.
	refused bool
	// refusedKey is the last key refused, which the next Enter names.
	refusedKey string
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
	f.note = liveNone
	if f.readOnly {
		return false
	}
	if p, ok := msg.(tea.PasteMsg); ok {
		// a paste replaces the value the entry opened with, as typing does, and is taken
		// whole or not at all
		trial := f.edit
		if f.fresh {
			trial.SetValue("")
		}
		if trial.paste(p.Content) {
			f.note = liveNumber
			return true
		}
		f.edit, f.fresh = trial, false
		return true
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && k.Code == tea.KeyEnter && f.refused {
		f.refused = false
		f.note = liveKeyRefused
		return true
	}
	// a key the entry refuses leaves the value opened with as it was, still to be replaced
	opened, fresh := f.edit, f.fresh
	replaceFresh(&f.fresh, msg, func() { f.edit.SetValue("") })
	handled, refused := f.edit.update(f.keys, msg)
	if refused && fresh {
		f.edit, f.fresh = opened, true
		f.note = liveNumber
	} else if refused {
		f.note, f.refused = liveNumber, true
		if k, ok := msg.(tea.KeyPressMsg); ok {
			f.refusedKey = k.Text
		}
	} else if k, ok := msg.(tea.KeyPressMsg); ok && (key.Matches(k, f.keys.Backspace, f.keys.Delete, f.keys.ClearBefore, f.keys.ClearAfter, f.keys.DeleteWord)) {
		f.refused = false // what is shown is being corrected
	}
	return handled
}

func (f *numberInput) Value() (string, liveID) {
	if f.kind == fieldDecimal {
		v := strings.TrimSpace(f.edit.Value())
		if !f.fresh && dottedThousands.MatchString(v) { // a saved answer opened as it is stays
			// 1.234 is one thousand two hundred and thirty-four to an Indonesian, and
			// 1.234 to the form: as 1,234 is refused, so is this, never guessed.
			return "", liveDecimalDot
		}
		return v, liveNone
	}
	return readInteger(f.edit.Value())
}

// dottedThousands is a decimal typed as Indonesians group thousands: a non-zero whole part
// of one to three digits, a dot, exactly three digits (1.234, 12.500).
var dottedThousands = regexp.MustCompile(`^[+-]?[1-9][0-9]{0,2}\.[0-9]{3}$`)

func (f *numberInput) Note() liveID { return f.note }
func (f *numberInput) NoteArgs() []any {
	if f.note == liveKeyRefused {
		return []any{f.refusedKey}
	}
	return nil
}
func (f *numberInput) Typing() bool           { return false }
func (f *numberInput) Relabel(*forms.Session) {}

func (f *numberInput) View(t *texts, st Styles, width, height int) string {
	if f.readOnly {
		return "  " + groupDigits(f.edit.Value(), t) + "  " + st.Muted.Render(t.FieldReadOnly)
	}
	line := f.edit.view(min(width-2, 40), st, true)
	// an amount as it will be saved, when the entry is not already written that way
	if v, p := f.Value(); p == liveNone && v != "" && f.kind == fieldInteger {
		if shown := groupDigits(v, t); shown != strings.TrimSpace(f.edit.Value()) {
			line += st.Muted.Render("  = " + shown)
		}
	}
	return line + freshHint(f.fresh && f.edit.Value() != "", t.FieldFreshHint, st, width, height)
}

func (f *numberInput) ShortHelp() []key.Binding {
	if f.readOnly {
		return nil
	}
	return []key.Binding{f.keys.ClearBefore}
}
func (f *numberInput) FullHelp() []key.Binding {
	if f.readOnly {
		return nil
	}
	k := f.keys
	return []key.Binding{k.Left, k.Right, k.Backspace, k.ClearBefore}
}

// readInteger reads a typed whole number: digits, or digits grouped by thousands with '.'
// or ',' ("6.500.000", "6,500,000"), as Rupiah are written. It returns the digits, or the
// problem saying why the entry is not a whole number ("4,5"); such an entry is refused,
// never read as other digits.
func readInteger(s string) (string, liveID) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", liveNone
	}
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	dots, commas := strings.Count(body, "."), strings.Count(body, ",")
	switch {
	case body == "":
		return "", liveNumberFormat
	case dots > 0 && commas > 0:
		return "", liveNotInteger
	case dots+commas > 0:
		sep := "."
		if commas > 0 {
			sep = ","
		}
		whole, ok := ungroup(body, sep)
		if !ok {
			return "", liveNotInteger
		}
		body = whole
	}
	if !allDigits(body) {
		return "", liveNumberFormat
	}
	if neg {
		body = "-" + body
	}
	return body, liveNone
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
func groupDigits(v string, t *texts) string {
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
				b.WriteString(t.ThousandsSep)
			}
			b.WriteRune(r)
		}
		whole = b.String()
	}
	out := whole
	if hasFrac {
		out += t.DecimalSep + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
