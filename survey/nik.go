package survey

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tracer/forms/expr"
)

// NIK is a valid Nomor Induk Kependudukan, the 16-digit national id, laid out as
// PP RR KK DD MM YY SSSS: province, regency or city, district, birth day (plus 40 for
// women), birth month, the last two digits of the birth year and a serial number. The zero
// NIK is not valid; make one with ParseNIK.
type NIK struct{ digits string }

// Problem is a soft finding about a value: something a supervisor should confirm, not a
// reason to refuse it. Field names the field it is about.
type Problem struct {
	Field   string
	Message string
}

// String returns the problem as "field: message".
func (p Problem) String() string { return p.Field + ": " + p.Message }

// NormalizeNIK drops the separators people type between a NIK's digits: spaces, dots,
// dashes, tabs and non-breaking spaces. It is the one normalisation of a NIK, used by
// ParseNIK, the review flags and the masks; the built-in form's constraint does the same
// with XPath's translate() over space, dot and dash.
func NormalizeNIK(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\u00a0', '\t':
			return -1
		}
		return r
	}, s)
}

// ParseNIK normalises s (NormalizeNIK) and applies the hard rules of a NIK (docs/INDICATORS.md,
// "NIK"): sixteen digits, a province of 11-99, a regency of 01-69 or a city of 71-99, a
// district of 01-99, a birth day of 01-31 (41-71 for women), a month of 01-12, a real
// calendar day (29 February only in years ending in a multiple of four) and a serial other
// than 0000. There is no check digit. It returns an EINVALID *Error saying which rule
// failed; the message never repeats the NIK. The built-in form's regex() constraint states
// the same rules; TestNIKFormAgrees keeps the two together.
func ParseNIK(s string) (NIK, error) {
	d := NormalizeNIK(s)
	for _, r := range d {
		if r < '0' || r > '9' {
			return NIK{}, Errorf(EINVALID, "NIK may hold only digits, got %q", r)
		}
	}
	if len(d) != 16 {
		return NIK{}, Errorf(EINVALID, "NIK must have 16 digits, got %d", len(d))
	}
	num := func(i int) int { n, _ := strconv.Atoi(d[i : i+2]); return n }
	pp, rr, kk, dd, mm, yy := num(0), num(2), num(4), num(6), num(8), num(10)
	switch {
	case pp < 11:
		return NIK{}, Errorf(EINVALID, "NIK province code %02d is not 11-99", pp)
	case rr == 0 || rr == 70:
		return NIK{}, Errorf(EINVALID, "NIK regency code %02d is not 01-69 or 71-99", rr)
	case kk == 0:
		return NIK{}, Errorf(EINVALID, "NIK district code is 00")
	case dd == 0 || (dd > 31 && dd < 41) || dd > 71:
		return NIK{}, Errorf(EINVALID, "NIK birth day %02d is not 01-31 or 41-71", dd)
	case mm == 0 || mm > 12:
		return NIK{}, Errorf(EINVALID, "NIK birth month %02d is not 01-12", mm)
	case d[12:] == "0000":
		return NIK{}, Errorf(EINVALID, "NIK serial number is 0000")
	}
	day := dd
	if day > 40 {
		day -= 40
	}
	if day > expr.DaysIn(2000+yy, mm) { // a year ending in a multiple of four is a leap year
		return NIK{}, Errorf(EINVALID, "NIK birth date %02d-%02d is not a real day", day, mm)
	}
	return NIK{digits: d}, nil
}

// String returns the sixteen digits.
func (n NIK) String() string { return n.digits }

// IsZero reports whether n is the zero NIK.
func (n NIK) IsZero() bool { return n.digits == "" }

// Province returns the two-digit province code.
func (n NIK) Province() string { return n.digits[:2] }

// Regency returns the four-digit regency or city code (province included).
func (n NIK) Regency() string { return n.digits[:4] }

// District returns the six-digit district (kecamatan) code.
func (n NIK) District() string { return n.digits[:6] }

// Sex returns SexFemale when the birth day is coded above 40, else SexMale.
func (n NIK) Sex() string {
	if n.digits[6] >= '4' {
		return SexFemale
	}
	return SexMale
}

// BirthDate returns the birth date the NIK encodes. The NIK holds only two digits of the
// year; the century is chosen so that the age at ref is 15 to 70 when possible, else so
// that the date is not after ref.
func (n NIK) BirthDate(ref time.Time) time.Time {
	day, _ := strconv.Atoi(n.digits[6:8])
	if day > 40 {
		day -= 40
	}
	month, _ := strconv.Atoi(n.digits[8:10])
	yy, _ := strconv.Atoi(n.digits[10:12])
	var fallback time.Time
	for _, century := range []int{2000, 1900} {
		t := time.Date(century+yy, time.Month(month), day, 0, 0, 0, 0, time.UTC)
		if a := age(t, ref); a >= 15 && a <= 70 {
			return t
		}
		if fallback.IsZero() && !t.After(ref) {
			fallback = t
		}
	}
	return fallback
}

// age returns the completed years from birth to at.
func age(birth, at time.Time) int {
	a := at.Year() - birth.Year()
	if at.Month() < birth.Month() || (at.Month() == birth.Month() && at.Day() < birth.Day()) {
		a--
	}
	return a
}

// provinces holds the province codes a NIK may start with (docs/INDICATORS.md), legacy codes included
// (54 Timor Timur; 91-96 cover Papua before and after the 2022 splits).
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true, "16": true, "17": true,
	"18": true, "19": true, "21": true, "31": true, "32": true, "33": true, "34": true,
	"35": true, "36": true, "51": true, "52": true, "53": true, "54": true, "61": true,
	"62": true, "63": true, "64": true, "65": true, "71": true, "72": true, "73": true,
	"74": true, "75": true, "76": true, "81": true, "82": true, "91": true, "92": true,
	"93": true, "94": true, "95": true, "96": true,
}

// Check applies the soft rules of a NIK (docs/INDICATORS.md): a known province code, and the sex and
// birth date given elsewhere (either may be empty; birthDate is YYYY-MM-DD) against what
// the NIK encodes. ref is the date the age is judged at (the interview or import date).
// Each finding is a Problem about the NIK to confirm, not a reason to refuse it.
func (n NIK) Check(sex, birthDate string, ref time.Time) []Problem {
	var ps []Problem
	if !provinces[n.Province()] {
		ps = append(ps, Problem{"nik", fmt.Sprintf("province code %s is not in the region table", n.Province())})
	}
	if sex != "" && sex != n.Sex() {
		ps = append(ps, Problem{"sex", fmt.Sprintf("sex is %s but the NIK's birth day is coded for %s", sex, n.Sex())})
	}
	if birthDate != "" {
		if bd, err := time.Parse(time.DateOnly, birthDate); err == nil {
			nd := n.BirthDate(ref)
			if bd.Day() != nd.Day() || bd.Month() != nd.Month() || bd.Year()%100 != nd.Year()%100 {
				ps = append(ps, Problem{"birth_date", fmt.Sprintf("birth date %s differs from the NIK's %02d-%02d-%02d (day-month-year)",
					birthDate, nd.Day(), nd.Month(), nd.Year()%100)})
			}
		}
	}
	return ps
}
