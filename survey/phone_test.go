package survey_test

import (
	"strings"
	"testing"

	"tracer/survey"
)

func TestNormalizePhone(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want "" means invalid
		kind     survey.PhoneKind
	}{
		{"081234567891", "+6281234567891", survey.PhoneMobile},
		{"0812-3456-7891", "+6281234567891", survey.PhoneMobile},
		{"+62 812-3456-7890", "+6281234567890", survey.PhoneMobile},
		{"62 812 3456 7891", "+6281234567891", survey.PhoneMobile},
		{"0062812345678910", "+62812345678910", survey.PhoneMobile},
		{"(0812) 3456.7891", "+6281234567891", survey.PhoneMobile},
		{"81234567891", "+6281234567891", survey.PhoneMobile},
		{"0899324611836", "+62899324611836", survey.PhoneMobile},
		{"08123456", "", 0},       // 8 digits: too short for a mobile
		{"08123456789012", "", 0}, // 14 digits: too long
		{"0841234567", "", 0},     // 84 is not a mobile range
		{"0801234567", "", 0},     // 80 is not a mobile range
		{"08111111111", "", 0},    // all the same digits
		{"0888888888888", "", 0},  // all the same digits
		{"12345", "", 0},          // no prefix
		{"+60123456789", "", 0},   // Malaysia
		{"0812+3456", "", 0},      // + inside
		{"0812abc", "", 0},        // letters
		{"", "", 0},               // empty
		{"0", "", 0},              // nothing after 0
		{"0541 123456", "+62541123456", survey.PhoneLandline},
		{"021-7654321", "+62217654321", survey.PhoneLandline},
		{"(0548) 21234", "+6254821234", survey.PhoneLandline},
		{"021 123", "", 0}, // too short for a landline
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, kind, err := survey.NormalizePhone(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("NormalizePhone(%q) = %s, want an error", tt.in, got)
				}
				if survey.ErrorCode(err) != survey.EINVALID {
					t.Errorf("code = %q", survey.ErrorCode(err))
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizePhone(%q): %v", tt.in, err)
			}
			if got != tt.want || kind != tt.kind {
				t.Errorf("NormalizePhone(%q) = %s %v, want %s %v", tt.in, got, kind, tt.want, tt.kind)
			}
		})
	}
}

func TestCheckPhone(t *testing.T) {
	for _, tt := range []struct {
		in   string
		warn bool
	}{
		{"+6281234567890", true},
		{"+6289876543210", true},
		{"+6281290123456", true}, // 9 -> 0 wraps
		{"+62899324611836", false},
		{"+6281253953855", false},
		{"+6281234561234", false}, // runs of six at most
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := len(survey.CheckPhone(tt.in)) > 0; got != tt.warn {
				t.Errorf("CheckPhone(%s) warns %v, want %v", tt.in, got, tt.warn)
			}
		})
	}
}

func TestMask(t *testing.T) {
	for _, tt := range []struct{ name, got, want string }{
		{"nik", survey.MaskNIK("6474060307910001"), "6474********0001"},
		{"nik spaced", survey.MaskNIK("6474 0603 0791 0001"), "6474********0001"},
		{"nik short", survey.MaskNIK("64741"), "*****"},
		{"phone e164", survey.MaskPhone("+6281234567890"), "0812****7890"},
		{"phone local", survey.MaskPhone("0812-3456-7890"), "0812****7890"},
		{"phone 13 digits", survey.MaskPhone("+62899324611836"), "0899*****1836"},
		{"empty", survey.MaskPhone(""), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"081234567891", "+62 812-3456-7890", "12345", "0062812345678910", "0541 123456", "08111111111", "81234567891"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		e164, kind, err := survey.NormalizePhone(raw)
		if err != nil {
			if survey.ErrorCode(err) != survey.EINVALID {
				t.Fatalf("code %q", survey.ErrorCode(err))
			}
			return
		}
		if !strings.HasPrefix(e164, "+62") || kind == 0 {
			t.Fatalf("NormalizePhone(%q) = %q %v", raw, e164, kind)
		}
		// Normalising is idempotent, from E.164 and from the local form.
		for _, again := range []string{e164, survey.LocalPhone(e164)} {
			got, k, err := survey.NormalizePhone(again)
			if err != nil || got != e164 || k != kind {
				t.Fatalf("NormalizePhone(%q) = %q %v %v, want %q %v", again, got, k, err, e164, kind)
			}
		}
		_ = survey.CheckPhone(e164)
		_ = survey.MaskPhone(e164)
	})
}
