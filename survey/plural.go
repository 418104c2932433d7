package survey

import (
	"fmt"
	"strings"
)

// Plurals formats like fmt.Sprintf, then gives each plural mark of format the form its
// count takes in English: "{s}" is "" after a count of 1 and "s" after any other count
// ("%d roster row{s}"), and "{one|other}" is one or other ("%d table{s} {differs|differ}").
// A mark's count is the last integer argument printed before it. Indonesian has no plural
// form, so its texts carry no marks and pass through as fmt.Sprintf prints them.
func Plurals(format string, args ...any) string {
	if !strings.Contains(format, "{") {
		return fmt.Sprintf(format, args...) // and go vet checks the calls as fmt.Sprintf's
	}
	return fmt.Sprintf(pluralForms(format, args), args...)
}

// PluralKey returns format with each plural mark in its form for counts other than 1:
// the text as it reads for many, which is the key of its Indonesian in the catalogue.
func PluralKey(format string) string {
	return pluralForms(format, nil)
}

// pluralForms returns format with each plural mark replaced by its form for the count
// before it in args; with no such count, the form for many.
func pluralForms(format string, args []any) string {
	if !strings.Contains(format, "{") {
		return format
	}
	var b strings.Builder
	count, arg := int64(2), 0
	for i := 0; i < len(format); i++ {
		switch format[i] {
		case '%':
			end := verbEnd(format, i)
			if end < 0 {
				b.WriteString(format[i:])
				return b.String()
			}
			v := format[i:end]
			b.WriteString(v)
			i = end - 1
			if v == "%%" {
				continue
			}
			if arg < len(args) {
				if n, ok := integer(args[arg]); ok {
					count = n
				}
			}
			arg++
		case '{':
			one, other, end, ok := pluralMark(format[i:])
			if !ok {
				b.WriteByte('{')
				continue
			}
			if count == 1 {
				b.WriteString(one)
			} else {
				b.WriteString(other)
			}
			i += end - 1
		default:
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

// pluralMark reads the plural mark at the start of s ("{s}" or "{one|other}"), giving its
// two forms and its length; ok is false when s does not start with one.
func pluralMark(s string) (one, other string, n int, ok bool) {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return "", "", 0, false
	}
	body := s[1:end]
	if body == "s" {
		return "", "s", end + 1, true
	}
	one, other, found := strings.Cut(body, "|")
	if !found || strings.ContainsAny(body, "{%\"\n\t") || strings.Contains(other, "|") {
		return "", "", 0, false
	}
	return one, other, end + 1, true
}

// integer returns a as an int64 when it is of an integer type.
func integer(a any) (int64, bool) {
	switch n := a.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint:
		return int64(n), true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		return int64(n), true
	}
	return 0, false
}
