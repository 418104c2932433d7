package survey

import (
	"strings"
)

// PhoneKind tells a mobile number from a landline.
type PhoneKind int

// The kinds of Indonesian phone numbers.
const (
	PhoneMobile   PhoneKind = iota + 1 // 08..., allowed everywhere
	PhoneLandline                      // an area code and a subscriber number
)

// String returns "mobile" or "landline".
func (k PhoneKind) String() string {
	switch k {
	case PhoneMobile:
		return "mobile"
	case PhoneLandline:
		return "landline"
	}
	return "unknown"
}

// NormalizePhone turns an Indonesian phone number as people write it ("0812-3456-7890",
// "+62 812 3456 7890", "62812...", "0062812...", a bare "812...") into E.164 ("+6281234567890")
// following docs/INDICATORS.md (Phone numbers), and says whether it is a mobile number (a national number of
// 8[1-35-9] and 7-10 more digits) or a landline (7-11 digits starting 2-9 but not 8). It
// returns an EINVALID *Error for anything else and for a mobile number whose digits are all
// the same. It does not know operator prefixes.
func NormalizePhone(raw string) (e164 string, kind PhoneKind, err error) {
	var b strings.Builder
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9', r == '+':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0' || r == '\t':
		default:
			return "", 0, Errorf(EINVALID, "phone number may hold only digits, spaces and + - . ( ), got %q", r)
		}
	}
	s := b.String()
	if s == "" {
		return "", 0, Errorf(EINVALID, "phone number is empty")
	}
	if strings.LastIndexByte(s, '+') > 0 {
		return "", 0, Errorf(EINVALID, "phone number has a + inside")
	}
	var nsn string
	switch {
	case strings.HasPrefix(s, "+62"):
		nsn = s[3:]
	case strings.HasPrefix(s, "+"):
		return "", 0, Errorf(EINVALID, "phone number is not Indonesian (+62)")
	case strings.HasPrefix(s, "0062"):
		nsn = s[4:]
	case strings.HasPrefix(s, "62"):
		nsn = s[2:]
	case strings.HasPrefix(s, "0"):
		nsn = s[1:]
	case strings.HasPrefix(s, "8") && len(s) >= 9 && len(s) <= 12:
		nsn = s
	default:
		return "", 0, Errorf(EINVALID, "phone number must start with 0, 62 or +62")
	}
	switch {
	case isMobile(nsn):
		if strings.Count(nsn[1:], nsn[1:2]) == len(nsn)-1 {
			return "", 0, Errorf(EINVALID, "phone number has all digits the same")
		}
		return "+62" + nsn, PhoneMobile, nil
	case len(nsn) >= 7 && len(nsn) <= 11 && nsn[0] >= '2' && nsn[0] != '8':
		return "+62" + nsn, PhoneLandline, nil
	case strings.HasPrefix(nsn, "8"):
		return "", 0, Errorf(EINVALID, "mobile number must have 10-13 digits written as 08..., got %d", len(nsn)+1)
	}
	return "", 0, Errorf(EINVALID, "not a valid Indonesian phone number")
}

// isMobile reports whether nsn, a national significant number, matches ^8[1-35-9][0-9]{7,10}$.
func isMobile(nsn string) bool {
	if len(nsn) < 9 || len(nsn) > 12 || nsn[0] != '8' || nsn[1] == '0' || nsn[1] == '4' {
		return false
	}
	for i := 1; i < len(nsn); i++ {
		if nsn[i] < '0' || nsn[i] > '9' {
			return false
		}
	}
	return true
}

// CheckPhone applies the soft plausibility rule of docs/INDICATORS.md (Phone numbers) to a normalised
// number: a run of seven or more consecutive digits counting up or down (as in
// 0812-3456-7890) looks made up and should be confirmed.
func CheckPhone(e164 string) []Problem {
	d := strings.TrimPrefix(e164, "+62")
	run, best := 1, 1
	step := 0
	for i := 1; i < len(d); i++ {
		s := (int(d[i]) - int(d[i-1]) + 10) % 10
		if (s == 1 || s == 9) && (run == 1 || s == step) {
			run++
			step = s
		} else if s == 1 || s == 9 {
			run, step = 2, s
		} else {
			run = 1
		}
		best = max(best, run)
	}
	if best >= 7 {
		return []Problem{{"phone", "phone number looks made up (a run of consecutive digits)"}}
	}
	return nil
}

// LocalPhone returns an E.164 Indonesian number in the local form people dial (+62812... ->
// 0812...); other strings are returned unchanged.
func LocalPhone(e164 string) string {
	if strings.HasPrefix(e164, "+62") {
		return "0" + e164[3:]
	}
	return e164
}
