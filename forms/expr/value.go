package expr

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Value is the result of an expression: one of String, Number, Bool, Date and Nodes.
type Value interface{ value() }

// String is a string value. Answers reach expressions as strings; the empty string is an
// empty answer.
type String string

// Number is an XPath number, a float64 that may be NaN or infinite.
type Number float64

// Bool is a boolean value.
type Bool bool

// Date is a date or a dateTime. A date (HasTime false) is the calendar day of T, and is
// built at midnight UTC. A dateTime (HasTime true) is T as a wall-clock time in T's
// location: conversions to days read that wall clock, as ODK reads the device's local time.
type Date struct {
	T       time.Time
	HasTime bool

	text string // what ToString gives, when the date was read from it; "" otherwise
}

// Nodes is a node-set: what a reference to a field inside a repeat gives from outside the
// repeat (one value per instance), or a reference to a repeat itself (one String("") per
// instance).
type Nodes []Value

func (String) value() {}
func (Number) value() {}
func (Bool) value()   {}
func (Date) value()   {}
func (Nodes) value()  {}

// ToString converts v to a string as XPath's string() does. A Number has no exponent and no
// trailing zeros ("3", "2.5", "NaN", "Infinity"); a Bool is "true" or "false"; a Date is
// "2006-01-02", or "2006-01-02T15:04:05.000Z07:00" when it has a time; a Nodes is the string
// of its first node, or "" if it is empty.
func ToString(v Value) string {
	switch v := v.(type) {
	case String:
		return string(v)
	case Number:
		return formatNumber(float64(v))
	case Bool:
		if v {
			return "true"
		}
		return "false"
	case Date:
		return formatDate(v)
	case Nodes:
		if len(v) == 0 {
			return ""
		}
		return ToString(v[0])
	}
	return ""
}

func formatNumber(f float64) string {
	// As ODK Collect writes a number as text (JavaRosa's XPath toString): 0 within 1e-12, a
	// whole number within 1e-12 of one that fits in 32 bits as that integer, and any other
	// number as Java writes a double (JavaNumber).
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.Abs(f) < 1e-12:
		return "0" // and not "-0"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	if i := javaInt(f); math.Abs(f-float64(i)) < 1e-12 {
		return strconv.FormatInt(int64(i), 10)
	}
	return JavaNumber(f)
}

// javaInt is Java's (int) cast of a double: toward zero, NaN 0, saturated at the bounds of
// 32 bits.
func javaInt(f float64) int32 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

// JavaNumber writes f as Java's Double.toString does, which ODK Collect uses for a decimal
// it stores or writes as text: the shortest digits that read back as f, in plain notation
// with at least one decimal ("65.0", "0.001") from 10^-3 up to 10^7, and in scientific
// notation outside it ("1.1666666666666666E7", "1.0E-5").
func JavaNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64) // 1.1666666666666666E+07
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(exp, "+-0")
	if neg {
		exp = "-" + exp
	}
	return mant + "E" + exp
}

// ToNumber converts v to a number as XPath's number() does, with ODK's reading of dates. A
// String is trimmed and read as a decimal number (an optional '-', digits, an optional
// '.', or a ',' as ODK Collect reads it); a date ("2006-01-02") or dateTime string gives its days since 1970-01-01; anything
// else, the empty string included, gives NaN. A Bool is 1 or 0; a Date is its days since
// 1970-01-01, fractional when it has a time; a Nodes is the number of its first node, or
// NaN if it is empty.
func ToNumber(v Value) float64 {
	switch v := v.(type) {
	case String:
		return stringToNumber(string(v))
	case Number:
		return float64(v)
	case Bool:
		if v {
			return 1
		}
		return 0
	case Date:
		return days(v)
	case Nodes:
		if len(v) == 0 {
			return math.NaN()
		}
		return ToNumber(v[0])
	}
	return math.NaN()
}

func stringToNumber(s string) float64 {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, ',') >= 0 {
		// ODK Collect reads a comma as the decimal point ("some locales use ','"):
		// number('4,5') is 4.5, and a text or file value written so computes as one.
		s = strings.ReplaceAll(s, ",", ".")
	}
	if isDecimal(s) {
		f, _ := strconv.ParseFloat(s, 64) // only a range error is possible, with ±Inf
		return f
	}
	if d, ok := stringDays(s); ok {
		return d
	}
	return math.NaN()
}

// isDecimal reports whether s is an XPath number: '-'? (Digits ('.' Digits?)? | '.' Digits).
func isDecimal(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// ToBool converts v to a boolean as XPath's boolean() does: a String is true if it is not
// empty, a Number if it is neither 0 nor NaN, a Date always, a Nodes if it is not empty.
func ToBool(v Value) bool {
	switch v := v.(type) {
	case String:
		return v != ""
	case Number:
		return v != 0 && !math.IsNaN(float64(v))
	case Bool:
		return bool(v)
	case Date:
		return true
	case Nodes:
		return len(v) > 0
	}
	return false
}

// ToDate converts v to a date. It accepts a Date; a String holding a date ("2006-01-02") or
// an RFC 3339 dateTime (fractional seconds and zone optional); a Number of days since
// 1970-01-01, which gives a date when whole and a dateTime otherwise; or a Nodes whose first
// node is one of these. It reports false for anything else.
func ToDate(v Value) (Date, bool) {
	switch v := v.(type) {
	case Date:
		return v, true
	case String:
		return parseDate(strings.TrimSpace(string(v)))
	case Number:
		return fromDays(float64(v))
	case Nodes:
		if len(v) == 0 {
			return Date{}, false
		}
		return ToDate(v[0])
	}
	return Date{}, false
}

// orEmpty replaces the nil an Env may return for a missing value with the empty string.
func orEmpty(v Value) Value {
	if v == nil {
		return String("")
	}
	return v
}
