package survey

import "strings"

// MaskNIK hides the middle of a NIK for display: "6474060307910001" -> "6474********0001".
// Spaces, dots and dashes are dropped first; a value of eight characters or fewer is hidden
// entirely.
func MaskNIK(nik string) string {
	return maskMiddle(strings.Map(dropSeparators, nik))
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

// Personal reports whether the question named name (the last step of an answer's path,
// without a repeat index) holds data that identifies a person: the NIK (and what is
// computed from it, "nik_..."), the full name, the birth date, a phone number, an e-mail address or a street address. It is the one rule
// that says which answers are masked for people who may not see them in full.
func Personal(name string) bool {
	switch name {
	case "nik", "full_name", "birth_date", "email":
		return true
	}
	return strings.HasPrefix(name, "nik_") || strings.Contains(name, "phone") || strings.Contains(name, "address") || strings.Contains(name, "alamat")
}

// MaskAnswer returns the answer at path as shown to someone who may not see personal data
// in full: a NIK or phone number keeps its first and last four digits, a birth date its
// year, an e-mail address its first letter and domain, a name its initials; any other
// personal answer is starred. Answers that are not personal (see Personal), and values
// under a "phone" name that are not phone numbers (say yes or a date), are returned as
// they are.
func MaskAnswer(path, value string) string {
	name := path[strings.LastIndexByte(path, '/')+1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	if value == "" || !Personal(name) {
		return value
	}
	switch {
	case name == "nik" || strings.HasPrefix(name, "nik_"):
		return MaskNIK(value)
	case name == "birth_date":
		if len(value) >= 4 {
			return value[:4] + "-**-**"
		}
		return strings.Repeat("*", len(value))
	case name == "email":
		local, domain, ok := strings.Cut(value, "@")
		if !ok || local == "" {
			return strings.Repeat("*", len([]rune(value)))
		}
		r := []rune(local)
		return string(r[:1]) + strings.Repeat("*", len(r)-1) + "@" + domain
	case name == "full_name":
		var parts []string
		for _, w := range strings.Fields(value) {
			parts = append(parts, string([]rune(w)[:1])+".")
		}
		return strings.Join(parts, " ")
	case strings.Contains(name, "phone"):
		if _, _, err := NormalizePhone(value); err != nil {
			return value
		}
		return MaskPhone(value)
	}
	return strings.Repeat("*", len([]rune(value)))
}

// Masked returns a copy of r with its personal answers masked (see MaskAnswer).
func (r *Record) Masked() *Record {
	c := *r
	c.Answers = make(map[string]string, len(r.Answers))
	for p, v := range r.Answers {
		c.Answers[p] = MaskAnswer(p, v)
	}
	return &c
}
