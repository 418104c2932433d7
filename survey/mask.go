package survey

import (
	"strings"

	"tracer/forms"
)

// MaskNIK hides the middle of a NIK for display: "6474060307910001" -> "6474********0001".
// Spaces, dots and dashes are dropped first; a value of eight characters or fewer is hidden
// entirely.
func MaskNIK(nik string) string {
	return maskMiddle(NormalizeNIK(nik))
}

// MaskPhone hides the middle of a phone number for display, in local form:
// "+6281234567890" -> "0812****7890".
func MaskPhone(phone string) string {
	return maskMiddle(LocalPhone(strings.Map(dropSeparators, phone)))
}

// dropSeparators drops the characters people put between digits.
func dropSeparators(r rune) rune {
	switch r {
	case ' ', '.', '-', '(', ')', '\u00a0', '\t':
		return -1
	}
	return r
}

// maskMiddle keeps the first and last four characters and stars the rest.
func maskMiddle(s string) string {
	r := []rune(s)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// PersonalDataColumn is the survey-sheet column that marks a question holding data that
// identifies a person, for any form. Its value says how the answer is masked for people who
// may not see it in full: "nik" and "phone" keep the first and last four digits, "name"
// keeps the initials, "date" the year, "email" the first letter and the domain; "yes" (or
// any other value) stars the whole answer. Empty, "no", "false" and "0" mean not personal.
// ODK and KoboToolbox ignore the column, so a form that uses it still loads there.
const PersonalDataColumn = "personal_data"

// The masking kinds of the personal_data column.
const (
	PersonalNIK   = "nik"
	PersonalPhone = "phone"
	PersonalName  = "name"
	PersonalDate  = "date"
	PersonalEmail = "email"
	PersonalOther = "yes"
)

// PersonalData returns how the answers of n are masked, from the form's personal_data
// column; "" when n is nil or its answers are not personal data.
func PersonalData(n *forms.Node) string {
	if n == nil {
		return ""
	}
	switch v := strings.ToLower(strings.TrimSpace(n.Extra[PersonalDataColumn])); v {
	case "", "no", "false", "0":
		return ""
	case PersonalNIK, PersonalPhone, PersonalName, PersonalDate, PersonalEmail:
		return v
	default:
		return PersonalOther
	}
}

// MaskValue returns value as shown to someone who may not see personal data in full, masked
// as kind says (see PersonalDataColumn); kind "" returns value as it is. A value under kind
// "phone" that is not a phone number (an acknowledgement, a date) is returned as it is.
func MaskValue(kind, value string) string {
	if value == "" || kind == "" {
		return value
	}
	switch kind {
	case PersonalNIK:
		return MaskNIK(value)
	case PersonalDate:
		if len(value) >= 4 {
			return value[:4] + "-**-**"
		}
	case PersonalEmail:
		local, domain, ok := strings.Cut(value, "@")
		if ok && local != "" {
			r := []rune(local)
			return string(r[:1]) + strings.Repeat("*", len(r)-1) + "@" + domain
		}
	case PersonalName:
		var parts []string
		for _, w := range strings.Fields(value) {
			parts = append(parts, string([]rune(w)[:1])+".")
		}
		return strings.Join(parts, " ")
	case PersonalPhone:
		if _, _, err := NormalizePhone(value); err != nil {
			return value
		}
		return MaskPhone(value)
	}
	return strings.Repeat("*", len([]rune(value)))
}

// MaskAnswer returns the answer at path of a record made with form f as shown to someone who
// may not see personal data in full: masked as the question's personal_data column says
// (see MaskValue). The question is found by its path, else (an answer of another version
// of the form, the question since moved to another group) by the last step of path
// without its repeat index.
func MaskAnswer(f *forms.Form, path, value string) string {
	n := f.NodeAt(path)
	if n == nil {
		name := path[strings.LastIndexByte(path, '/')+1:]
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		n = f.Node(name)
	}
	return MaskValue(PersonalData(n), value)
}

// Masked returns a copy of r, made with form f, with its personal answers masked (see
// MaskAnswer).
func (r *Record) Masked(f *forms.Form) *Record {
	c := *r
	c.Answers = make(map[string]string, len(r.Answers))
	for p, v := range r.Answers {
		c.Answers[p] = MaskAnswer(f, p, v)
	}
	return &c
}
