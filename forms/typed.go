package forms

import (
	"math"
	"strconv"
	"strings"
	"time"

	"tracer/forms/expr"
)

// This file reads a typed answer the way ODK stores it. Every caller of Session.Set (the
// interview screen, form fill, a server check) gets the same reading.

// parseDecimal reads a typed decimal number. A comma is a decimal separator, as Indonesians
// write it: "4,5" is 4.5, never 45. A number that reads two ways is refused rather than
// guessed: two separators ("1.234,5", "1,234,5") or a comma before exactly three digits
// after a non-zero whole part ("1,234", which an English speaker means as 1234). It returns
// the message of the refusal, nil when the number is read.
func parseDecimal(v string) (float64, message) {
	v = strings.TrimSpace(v)
	if strings.ContainsAny(v, "xXpP_eE") || v == "" {
		// No hexadecimal, no exponents: nobody types those for a count or a weight.
		return 0, msgDecimal
	}
	commas, dots := strings.Count(v, ","), strings.Count(v, ".")
	if commas+dots > 1 {
		return 0, msgAmbiguous
	}
	if commas == 1 {
		whole, frac, _ := strings.Cut(v, ",")
		w := strings.TrimLeft(whole, "+-")
		if len(frac) == 3 && strings.Trim(w, "0") != "" {
			return 0, msgAmbiguous
		}
		v = whole + "." + frac
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, msgDecimal
	}
	return f, nil
}

// ungroupThousands removes the thousands separators of a typed whole number written as
// Rupiah are, "6.500.000" or "6,500,000": one kind of separator, 1-3 digits then groups of
// exactly 3. Anything else ("4,5", "1.23.456") is returned as typed, for the caller to
// refuse; a decimal is never read as a whole number.
func ungroupThousands(v string) string {
	sign := ""
	body := v
	if strings.HasPrefix(body, "-") {
		sign, body = "-", body[1:]
	}
	sep := ""
	switch {
	case strings.Contains(body, ".") && strings.Contains(body, ","):
		return v
	case strings.Contains(body, "."):
		sep = "."
	case strings.Contains(body, ","):
		sep = ","
	default:
		return v
	}
	parts := strings.Split(body, sep)
	if len(parts[0]) < 1 || len(parts[0]) > 3 {
		return v
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return v
		}
	}
	return sign + strings.Join(parts, "")
}

// DateParts says what a date question asks, from its appearance: "year" (only the year,
// stored as YYYY-01-01), "month-year" (month and year, stored as YYYY-MM-01) or "" (the
// whole date). A screen uses it to show the layout to type.
func (n *Node) DateParts() string { return dateParts(n.Appearance) }

func dateParts(appearance string) string {
	for _, w := range strings.Fields(strings.ToLower(appearance)) {
		if w == "year" || w == "month-year" {
			return w
		}
	}
	return ""
}

// parseDate reads a typed date as ODK stores it. A question with appearance year takes a
// year and stores YYYY-01-01; month-year takes YYYY-MM (or MM/YYYY) and stores YYYY-MM-01.
// The stored form itself is accepted too, so that a saved answer checks again. It returns
// the message of the refusal, nil when the date is read.
func parseDate(v, parts string) (string, message) {
	switch parts {
	case "year":
		if len(v) == 4 {
			if y, err := strconv.Atoi(v); err == nil && y > 0 {
				return v + "-01-01", nil
			}
		}
		if t, err := time.Parse("2006-01-02", v); err == nil && t.Month() == 1 && t.Day() == 1 {
			return v, nil
		}
		return "", msgYear
	case "month-year":
		for _, layout := range []string{"2006-01", "01/2006", "1/2006"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t.Format("2006-01") + "-01", nil
			}
		}
		if t, err := time.Parse("2006-01-02", v); err == nil && t.Day() == 1 {
			return v, nil
		}
		return "", msgMonthYear
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return "", msgDate
	}
	return t.Format("2006-01-02"), nil
}

// parseTime reads a typed time and writes it as ODK does, HH:MM:SS.sss with a time-zone
// offset: the offset typed, or else the enumerator's (loc's on the interview's day).
func parseTime(v string, day time.Time, loc *time.Location) (string, bool) {
	for _, layout := range []string{"15:04:05.000Z07:00", "15:04:05Z07:00", "15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("15:04:05.000-07:00"), true
		}
	}
	for _, layout := range []string{"15:04", "15:04:05", "15:04:05.000"} {
		if t, err := time.Parse(layout, v); err == nil {
			y, m, d := day.In(loc).Date()
			local := time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
			return local.Format("15:04:05.000-07:00"), true
		}
	}
	return "", false
}

// parseDateTime reads a typed date and time and writes it as ODK does, with a time-zone
// offset: the offset typed, or else the enumerator's.
func parseDateTime(v string, loc *time.Location) (string, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-07:00", "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return formatDateTime(t), true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05.000"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return formatDateTime(t), true
		}
	}
	return "", false
}

// calcValue turns the result of a calculation or default into the value stored for n, cast
// to n's type as ODK casts it: NaN is no value; an integer question keeps the whole part (a
// calculation of 2.5 stores 2); a date question stores the date a number of days or a
// dateTime stands for (today() + 30 stores a date, not 20547); a dateTime question stores a
// dateTime with its offset.
// storedNumber is a number a calculation gives as ODK Collect stores it (JavaRosa wraps it
// by its value): within 1e-9 of a whole number, that number; any other as Java writes a
// double (expr.JavaNumber: "0.30000000000000004", "1.1666666666666666E7").
func storedNumber(f float64) string {
	if math.IsInf(f, 0) {
		return expr.JavaNumber(f)
	}
	// Java's (long) cast: toward zero, saturated.
	l := math.Trunc(f)
	l = math.Max(math.Min(l, math.MaxInt64), math.MinInt64)
	if math.Abs(f-l) < 1e-9 {
		if l >= math.MaxInt64 {
			return strconv.FormatInt(math.MaxInt64, 10)
		}
		return strconv.FormatInt(int64(l), 10)
	}
	return expr.JavaNumber(f)
}

// plainNumber writes f in plain notation with the fewest digits that read back as f.
func plainNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (s *Session) calcValue(n *Node, v expr.Value) string {
	str := expr.ToString(v)
	if str == "NaN" || str == "" {
		return ""
	}
	if num, ok := v.(expr.Number); ok {
		switch n.Type {
		case "integer", "date", "dateTime":
		case "decimal", "range":
			// A decimal answer is written in its shortest plain form (docs/XLSFORM.md),
			// which the question itself takes back.
			return plainNumber(float64(num))
		default:
			return storedNumber(float64(num))
		}
	}
	switch n.Type {
	case "integer":
		f := expr.ToNumber(v)
		if math.IsNaN(f) {
			return str
		}
		// JavaRosa stores it as Java's (int) cast of the double: the whole part, and past
		// 32 bits the nearest bound (Recalculate.wrapData), so 3e9 is 2147483647.
		return strconv.FormatFloat(math.Max(math.MinInt32, math.Min(math.MaxInt32, math.Trunc(f))), 'f', -1, 64)
	case "date":
		if d, ok := expr.ToDate(v); ok {
			return d.T.Format("2006-01-02")
		}
	case "dateTime":
		if d, ok := expr.ToDate(v); ok {
			if !d.HasTime {
				y, m, dd := d.T.Date()
				return formatDateTime(time.Date(y, m, dd, 0, 0, 0, 0, s.opt.Location))
			}
			return formatDateTime(d.T)
		}
	}
	return str
}
