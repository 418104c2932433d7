package expr

import (
	"math"
	"strconv"
	"strings"
	"time"
)

const (
	secondsPerDay = 86400
	// maxDays bounds the days a number may stand for (about 27,000 years either way), so
	// that conversions stay within time.Time.
	maxDays = 1e7
)

// dateTimeLayouts are the dateTime forms parseDate accepts after "2006-01-02T". Parsing
// accepts fractional seconds after the seconds even where a layout does not show them.
var dateTimeLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
}

// parseDate parses a date ("2006-01-02") or a dateTime. It does not trim s. A date read
// from the very string formatDate would write for it keeps that string, so that an answer
// read as a date is not formatted again each time an expression reads it as a string.
func parseDate(s string) (Date, bool) {
	d, ok := parseDateText(s)
	if ok {
		if y := d.T.Year(); y >= 0 && y <= 9999 {
			var buf [len(dateTimeLayout) + 8]byte
			if string(appendDate(buf[:0], d)) == s {
				d.text = s
			}
		}
	}
	return d, ok
}

// parseDateText is parseDate without the text kept.
func parseDateText(s string) (Date, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	if len(s) == 10 {
		y, m, d, ok := parseYMD(s)
		if !ok {
			return Date{}, false
		}
		return Date{T: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)}, true
	}
	if s[10] != 'T' {
		return Date{}, false
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return Date{T: t, HasTime: true}, true
		}
	}
	return Date{}, false
}

// parseYMD parses a valid calendar date "2006-01-02".
func parseYMD(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// padMonthDay pads a month or day of one digit in a date or dateTime, 2025-1-5 or
// 2025-1-5T10:00, to two: it reports false when s is not of that form or has nothing to pad.
func padMonthDay(s string) (string, bool) {
	if len(s) < 8 || s[4] != '-' {
		return "", false
	}
	if _, ok := atoi(s[:4]); !ok {
		return "", false
	}
	date, rest, hasTime := strings.Cut(s, "T")
	if hasTime {
		rest = "T" + rest
	}
	parts := strings.Split(date[5:], "-")
	if len(parts) != 2 {
		return "", false
	}
	padded := false
	for i, p := range parts {
		if _, ok := atoi(p); !ok || len(p) > 2 {
			return "", false
		}
		if len(p) == 1 {
			if p == "0" {
				return "", false
			}
			parts[i], padded = "0"+p, true
		}
	}
	return date[:5] + parts[0] + "-" + parts[1] + rest, padded
}

// stringDays reads a date or dateTime string as days since 1970-01-01.
func stringDays(s string) (float64, bool) {
	if y, m, d, ok := parseYMD(s); ok {
		return float64(daysFromCivil(y, m, d)), true
	}
	if d, ok := parseDate(s); ok {
		return days(d), true
	}
	return 0, false
}

// daysFromCivil returns the days from 1970-01-01 to the given day of the proleptic
// Gregorian calendar (the algorithm of Howard Hinnant's "chrono-compatible low-level date
// algorithms").
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// atoi parses a string of ASCII digits.
func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}

// DaysIn returns the days of month (1-12) in year, in the Gregorian calendar. It is the one
// calendar rule of the program: dates in expressions, date entry and a NIK's birth day use it.
func DaysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// days returns the days from 1970-01-01 to d, read on d's wall clock; fractional when d has
// a time.
func days(d Date) float64 {
	y, m, dd := d.T.Date()
	n := float64(daysFromCivil(y, int(m), dd))
	if !d.HasTime {
		return n
	}
	return n + dayFraction(d.T)
}

// dayFraction returns the part of the day elapsed at t, on t's wall clock.
func dayFraction(t time.Time) float64 {
	h, m, s := t.Clock()
	return (float64(h*3600+m*60+s) + float64(t.Nanosecond())/1e9) / secondsPerDay
}

// fromDays converts days since 1970-01-01 to a date, or to a dateTime in UTC rounded to the
// millisecond if f is not whole.
func fromDays(f float64) (Date, bool) {
	if math.IsNaN(f) || math.Abs(f) > maxDays {
		return Date{}, false
	}
	whole := math.Floor(f)
	t := time.Unix(int64(whole)*secondsPerDay, 0).UTC()
	ms := math.Round((f - whole) * secondsPerDay * 1000)
	if ms == 0 {
		return Date{T: t}, true
	}
	return Date{T: t.Add(time.Duration(ms) * time.Millisecond), HasTime: true}, true
}

// dateOnly drops the time of d, keeping the calendar day of its wall clock.
func dateOnly(d Date) Date {
	y, m, dd := d.T.Date()
	return Date{T: time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)}
}

func formatDate(d Date) string {
	if d.text != "" {
		return d.text
	}
	if y := d.T.Year(); y < 0 || y > 9999 {
		if d.HasTime {
			return d.T.Format(dateTimeLayout)
		}
		return d.T.Format(dateLayout)
	}
	return string(appendDate(make([]byte, 0, len(dateTimeLayout)), d))
}

// The layouts formatDate writes: ODK's date and dateTime.
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02T15:04:05.000Z07:00"
)

// appendDate appends d as time.Format writes it with dateLayout, or with dateTimeLayout
// when d has a time, for a year from 0 to 9999, without parsing the layout.
func appendDate(b []byte, d Date) []byte {
	t := d.T
	year, month, day := t.Date()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	if !d.HasTime {
		return b
	}
	hour, min, sec := t.Clock()
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, min, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1e6, 3)
	_, offset := t.Zone()
	if offset == 0 {
		return append(b, 'Z')
	}
	zone := offset / 60 // whole minutes, as time.Format has them
	sign := byte('+')
	if zone < 0 {
		sign, zone = '-', -zone
	}
	b = append(b, sign)
	b = appendDigits(b, zone/60, 2)
	b = append(b, ':')
	return appendDigits(b, zone%60, 2)
}

// appendDigits appends n (0 or more) in decimal, with leading zeros to width digits.
func appendDigits(b []byte, n, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for n >= 10 || width > 1 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	i--
	buf[i] = byte('0' + n)
	return append(b, buf[i:]...)
}

// parseTime reads a time ("15:04", "15:04:05.000+07:00") as the seconds since midnight on
// its wall clock, with the offset it is written with in seconds (zoned false when it has
// none).
func parseTime(s string) (secs float64, offset int, zoned, ok bool) {
	if len(s) < 5 || s[2] != ':' {
		return 0, 0, false, false
	}
	h, ok1 := atoi(s[0:2])
	m, ok2 := atoi(s[3:5])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, 0, false, false
	}
	secs = float64(h*3600 + m*60)
	rest := s[5:]
	if len(rest) >= 3 && rest[0] == ':' {
		sec, ok := atoi(rest[1:3])
		if !ok || sec > 59 {
			return 0, 0, false, false
		}
		secs += float64(sec)
		rest = rest[3:]
		if len(rest) > 1 && rest[0] == '.' {
			i := 1
			for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
				i++
			}
			frac, err := strconv.ParseFloat("0"+rest[:i], 64)
			if err != nil {
				return 0, 0, false, false
			}
			secs += frac
			rest = rest[i:]
		}
	}
	switch {
	case rest == "":
	case rest == "Z":
		zoned = true
	case isZone(rest):
		zoned = true
		digits := strings.Replace(rest[1:], ":", "", 1)
		oh, _ := atoi(digits[:2])
		om := 0
		if len(digits) == 4 {
			om, _ = atoi(digits[2:])
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, 0, false, false
	}
	return secs, offset, zoned, true
}

// isZone reports whether s is a zone offset: +07:00, -0700 or +07.
func isZone(s string) bool {
	if s[0] != '+' && s[0] != '-' {
		return false
	}
	s = strings.Replace(s[1:], ":", "", 1)
	_, ok := atoi(s)
	return ok && (len(s) == 2 || len(s) == 4)
}

var (
	monthAbbr = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	dayAbbr   = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// formatDateODK formats d with ODK's format-date directives: %Y year, %y two-digit year,
// %m month 01-12, %n month 1-12, %b month name, %d day 01-31, %e day 1-31, %H hour 00-23,
// %h hour 0-23, %M minute, %S second, %3 millisecond, %a weekday name. Other characters,
// and unknown directives, are copied.
func formatDateODK(d Date, layout string) string {
	t := d.T
	var b strings.Builder
	pad := func(n, width int) {
		s := strconv.Itoa(n)
		for i := len(s); i < width; i++ {
			b.WriteByte('0')
		}
		b.WriteString(s)
	}
	for i := 0; i < len(layout); i++ {
		c := layout[i]
		if c != '%' || i+1 == len(layout) {
			b.WriteByte(c)
			continue
		}
		i++
		switch layout[i] {
		case 'Y':
			pad(t.Year(), 4)
		case 'y':
			pad(((t.Year()%100)+100)%100, 2)
		case 'm':
			pad(int(t.Month()), 2)
		case 'n':
			pad(int(t.Month()), 1)
		case 'b':
			b.WriteString(monthAbbr[t.Month()-1])
		case 'd':
			pad(t.Day(), 2)
		case 'e':
			pad(t.Day(), 1)
		case 'H':
			pad(t.Hour(), 2)
		case 'h':
			pad(t.Hour(), 1)
		case 'M':
			pad(t.Minute(), 2)
		case 'S':
			pad(t.Second(), 2)
		case '3':
			pad(t.Nanosecond()/1e6, 3)
		case 'a':
			b.WriteString(dayAbbr[t.Weekday()])
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(layout[i])
		}
	}
	return b.String()
}
