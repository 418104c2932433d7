package survey

// Neutralize returns v made safe to open in a spreadsheet: a value starting with = + - @, a
// tab or a carriage return gets a leading single quote, unless it is a plain number, so
// that Excel, LibreOffice and Google Sheets show it as text instead of running it as a
// formula (=HYPERLINK(...), =cmd|...). Every CSV or workbook cell that holds text from
// outside (the roster, answers, names) goes through it.
func Neutralize(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if PlainNumber(v) {
			return v
		}
		return "'" + v
	}
	return v
}

// PlainNumber reports whether v is a decimal number: a sign, digits with at most one point,
// and an optional exponent.
func PlainNumber(v string) bool {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	digits, point := 0, false
	for ; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			goto exp
		}
	}
exp:
	if digits == 0 {
		return false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		start := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(v)
}
