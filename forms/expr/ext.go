package expr

// This file holds functions that real forms call beyond the core of ODK's XPath: ODK
// functions that need something this device does not have (attached CSV files, geo
// answers), and extensions of Enketo and of the Community Health Toolkit (CHT).
//
//   - pulldata(instance, column, keyColumn, key) (ODK) looks a value up in a CSV file
//     attached to the form: the column of its first row whose keyColumn is key, through
//     LookupEnv. Without the file (or an Env that has none) it gives "".
//   - randomize(nodeset[, seed]) (ODK) shuffles a node-set, for choice lists in random
//     order. With a seed it gives ODK Collect's order for that seed (Shuffle); without one
//     it gives the node-set in its own order: a fixed order keeps evaluation a pure
//     function of the answers.
//   - area(geoshape), distance(geo...) and geofence(point, shape) (ODK) measure geo
//     values as JavaRosa does (geo.go); this device takes no geo answers, but a default,
//     a calculation or an imported record may hold one.
//   - digest(s, algorithm[, encoding]) and base64-decode(s) are ODK's.
//   - difference-in-months(d1, d2) is Enketo's, add-date and parse-timestamp-to-date are
//     CHT's, as are cht:difference-in-years, -months, -weeks and -days (whole units from d1
//     to d2, rounded toward zero, as moment.js's diff counts them), cht:strip-whitespace
//     and cht:validate-luhn.
//
// Other CHT functions (z-score, to-bikram-sambat, cht:extension-lib) need data or code only
// CHT has: Check refuses them by name (see refused in check.go).

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"math"
	"strings"
	"time"
)

// digests are the algorithms of digest(), by their names in upper case.
var digests = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// digestEncodings are the encodings of digest()'s result.
var digestEncodings = map[string]func([]byte) string{
	"base64": base64.StdEncoding.EncodeToString,
	"hex":    hex.EncodeToString,
}

// compileDigest compiles ODK's digest(s, algorithm[, encoding]): the hash of the UTF-8
// bytes of s with MD5, SHA-1, SHA-256, SHA-384 or SHA-512 (in any case), encoded in
// base64 (the default) or hex. An unknown algorithm or encoding gives "" (Check reports a
// literal one).
func compileDigest(args []evalFn) evalFn {
	return func(env Env) Value {
		newHash := digests[strings.ToUpper(strings.TrimSpace(ToString(args[1](env))))]
		encoding := "base64"
		if len(args) == 3 {
			encoding = strings.ToLower(strings.TrimSpace(ToString(args[2](env))))
		}
		encode := digestEncodings[encoding]
		if newHash == nil || encode == nil {
			return String("")
		}
		h := newHash()
		h.Write([]byte(ToString(args[0](env))))
		return String(encode(h.Sum(nil)))
	}
}

// LookupEnv is an Env that holds the form's attached files, for pulldata().
type LookupEnv interface {
	Env
	Lookup(instance, column, keyColumn, key string) string
}

func compilePulldata(args []evalFn) evalFn {
	return func(env Env) Value {
		le, ok := env.(LookupEnv)
		if !ok {
			return String("")
		}
		return String(le.Lookup(ToString(args[0](env)), ToString(args[1](env)), ToString(args[2](env)), ToString(args[3](env))))
	}
}

// checkDigest returns what is wrong with the literal algorithm or encoding of a digest
// call, or "".
func checkDigest(c *CallNode) string {
	if s, ok := c.Args[1].(*StringNode); ok && digests[strings.ToUpper(strings.TrimSpace(s.Value))] == nil {
		return "digest() algorithm must be MD5, SHA-1, SHA-256, SHA-384 or SHA-512, not '" + s.Value + "'"
	}
	if len(c.Args) == 3 {
		if s, ok := c.Args[2].(*StringNode); ok && digestEncodings[strings.ToLower(strings.TrimSpace(s.Value))] == nil {
			return "digest() encoding must be base64 or hex, not '" + s.Value + "'"
		}
	}
	return ""
}

// base64Decode decodes ODK's base64-decode(s): the text whose UTF-8 bytes s encodes in
// standard base64, padded or not; "" if s is not base64. Bytes that are not UTF-8 become
// U+FFFD.
func base64Decode(s string) string {
	s = strings.TrimSpace(s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(s)
		if err != nil {
			return ""
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// compileDifferenceInMonths compiles Enketo's difference-in-months(d1, d2): the whole
// calendar months from d1 to d2, negative when d2 is before d1, "" when either is not a
// date. Only the calendar days count, not the times: from 2024-01-31 to 2024-02-29 is 0
// months, to 2024-03-01 is 1. Forwards this is Enketo's count; backwards it is the count
// from d2 to d1, negated, so that swapping the dates flips the sign (Enketo's formula
// would count a partial month backwards as a whole one).
func compileDifferenceInMonths(args []evalFn) evalFn { return compileDateDiff(args, monthsDiff) }

// monthsDiff returns the whole calendar months from d1 to d2, as difference-in-months counts.
func monthsDiff(d1, d2 Date) float64 {
	if days(dateOnly(d2)) < days(dateOnly(d1)) {
		return -monthsBetween(d2.T, d1.T)
	}
	return monthsBetween(d1.T, d2.T)
}

// compileDateDiff compiles a function of two dates that gives diff(d1, d2), or "" when
// either argument is not a date.
func compileDateDiff(args []evalFn, diff func(d1, d2 Date) float64) evalFn {
	return func(env Env) Value {
		d1, ok1 := ToDate(args[0](env))
		d2, ok2 := ToDate(args[1](env))
		if !ok1 || !ok2 {
			return String("")
		}
		return Number(diff(d1, d2))
	}
}

// stripWhitespace is CHT's cht:strip-whitespace(s): s without any white space.
func stripWhitespace(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// compileLuhn compiles CHT's cht:validate-luhn(number[, length]): whether number, white
// space removed, is all digits, has the given length (when given and not 0) and passes the
// Luhn checksum.
func compileLuhn(args []evalFn) evalFn {
	return func(env Env) Value {
		s := stripWhitespace(ToString(args[0](env)))
		if len(args) == 2 {
			if n := ToNumber(args[1](env)); !math.IsNaN(n) && n != 0 && float64(len(s)) != n {
				return Bool(false)
			}
		}
		if s == "" {
			return Bool(false)
		}
		sum := 0
		for i := len(s) - 1; i >= 0; i-- {
			c := s[i]
			if c < '0' || c > '9' {
				return Bool(false)
			}
			d := int(c - '0')
			if (len(s)-1-i)%2 == 1 {
				d *= 2
				if d > 9 {
					d -= 9
				}
			}
			sum += d
		}
		return Bool(sum%10 == 0)
	}
}

// monthsBetween returns the whole calendar months from a to b, on their wall clocks, for
// a not after b.
func monthsBetween(a, b time.Time) float64 {
	y1, m1, d1 := a.Date()
	y2, m2, d2 := b.Date()
	n := (y2-y1)*12 + int(m2-m1)
	if d2 < d1 {
		n--
	}
	return float64(n)
}

// maxAddMonths bounds the months add-date may add (30,000 years), so that the result stays
// within time.Time.
const maxAddMonths = 12 * 30000

// compileAddDate compiles CHT's add-date(date, years, months, days, hours, minutes): the
// dateTime that many years, months, days, hours and minutes after date (before it, for
// negative amounts), "" if date is not a date. A missing amount, or one that is not a
// number (an empty answer), is 0. As in moment.js, which CHT uses, years, months and days
// are rounded to whole numbers and a day past the end of the month is the month's last
// (2024-01-31 plus 1 month is 2024-02-29).
func compileAddDate(args []evalFn) evalFn {
	return func(env Env) Value {
		d, ok := ToDate(args[0](env))
		if !ok {
			return String("")
		}
		var amount [5]float64 // years, months, days, hours, minutes
		for i, a := range args[1:] {
			if x := ToNumber(a(env)); !math.IsNaN(x) {
				amount[i] = x
			}
		}
		months := math.Round(amount[0])*12 + math.Round(amount[1])
		mins := math.Round(amount[2])*24*60 + amount[3]*60 + amount[4]
		if math.Abs(months) > maxAddMonths || math.Abs(mins) > maxDays*24*60 {
			return String("")
		}
		t := d.T
		y, m, day := t.Date()
		total := y*12 + int(m) - 1 + int(months)
		y, m = floorDiv(total, 12), time.Month(total-floorDiv(total, 12)*12+1)
		day = min(day, DaysIn(y, int(m)))
		hh, mm, ss := t.Clock()
		t = time.Date(y, m, day, hh, mm, ss, t.Nanosecond(), t.Location())
		whole := math.Trunc(mins / (24 * 60))
		t = t.AddDate(0, 0, int(whole))
		ms := math.Round((mins - whole*24*60) * 60 * 1000)
		t = t.Add(time.Duration(ms) * time.Millisecond)
		if math.Abs(float64(t.Year())) > 30000 {
			return String("")
		}
		return Date{T: t, HasTime: true}
	}
}

// floorDiv returns a divided by b, rounded down.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// compileParseTimestamp compiles CHT's parse-timestamp-to-date(ms): the dateTime ms
// milliseconds after 1970-01-01T00:00:00Z, on the clock of the session (the location of
// Env.Now), as CHT reads it on the device's; "" if ms is not a number. A fraction of a
// millisecond is dropped, as JavaScript's parseInt drops it.
func compileParseTimestamp(a evalFn) evalFn {
	return func(env Env) Value {
		ms := math.Trunc(ToNumber(a(env)))
		if math.IsNaN(ms) || math.Abs(ms) > maxDays*secondsPerDay*1000 {
			return String("")
		}
		return Date{T: time.UnixMilli(int64(ms)).In(env.Now().Location()), HasTime: true}
	}
}
