package survey_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"tracer/survey"
)

func TestParseNIK(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string // want "" means invalid
		sex            string
	}{
		{"male", "6474060307910001", "6474060307910001", survey.SexMale},
		{"female day plus 40", "6472015702990005", "6472015702990005", survey.SexFemale},
		{"spaces dots dashes", "6474 0115.0599-0013", "6474011505990013", survey.SexMale},
		{"leading zero province invalid", "0674060307910001", "", ""},
		{"too short", "647412345", "", ""},
		{"too long", "64740603079100011", "", ""},
		{"letters", "64740603079100O1", "", ""},
		{"regency 00", "6400060307910001", "", ""},
		{"regency 70", "6470060307910001", "", ""},
		{"city 71", "6471060307910001", "6471060307910001", survey.SexMale},
		{"district 00", "6474000307910001", "", ""},
		{"day 00", "6474060007910001", "", ""},
		{"day 32", "6472013202990005", "", ""},
		{"day 40", "6472014002990005", "", ""},
		{"day 72", "6472017202990005", "", ""},
		{"month 13", "6474060313910001", "", ""},
		{"month 00", "6474060300910001", "", ""},
		{"31 April", "6474063104910001", "", ""},
		{"30 February", "6474063002920001", "", ""},
		{"29 February leap", "6474062902920001", "6474062902920001", survey.SexMale},
		{"29 February 2000", "6474066902000001", "6474066902000001", survey.SexFemale},
		{"29 February not leap", "6474062902910001", "", ""},
		{"serial 0000", "6474082805870000", "", ""},
		{"empty", "", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := survey.ParseNIK(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseNIK(%q) = %v, want an error", tt.in, n)
				}
				if code := survey.ErrorCode(err); code != survey.EINVALID {
					t.Errorf("code = %q, want %q", code, survey.EINVALID)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseNIK(%q): %v", tt.in, err)
			}
			if n.String() != tt.want || n.Sex() != tt.sex {
				t.Errorf("ParseNIK(%q) = %s sex %s, want %s sex %s", tt.in, n, n.Sex(), tt.want, tt.sex)
			}
		})
	}
}

func TestNIKParts(t *testing.T) {
	n, err := survey.ParseNIK("6474064307910001")
	if err != nil {
		t.Fatal(err)
	}
	ref := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	got := []string{n.Province(), n.Regency(), n.District(), n.Sex(), n.BirthDate(ref).Format(time.DateOnly)}
	want := []string{"64", "6474", "647406", "P", "1991-07-03"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
}

func TestNIKBirthDateCentury(t *testing.T) {
	ref := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ nik, want string }{
		{"6474060307050001", "2005-07-03"}, // 21: 2005
		{"6474060307600001", "1960-07-03"}, // 66: 1960
		{"6474060307150001", "2015-07-03"}, // age 11: no plausible century, not in the future
		{"6474060307300001", "1930-07-03"}, // 2030 is in the future
	} {
		t.Run(tt.nik, func(t *testing.T) {
			n, err := survey.ParseNIK(tt.nik)
			if err != nil {
				t.Fatal(err)
			}
			if got := n.BirthDate(ref).Format(time.DateOnly); got != tt.want {
				t.Errorf("BirthDate = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNIKCheck(t *testing.T) {
	ref := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, nik, sex, birth string
		fields                []string
	}{
		{"consistent", "6474060307910001", "L", "1991-07-03", nil},
		{"nothing to compare", "6474060307910001", "", "", nil},
		{"female coded male", "6474060307910001", "P", "1991-07-03", []string{"sex"}},
		{"birth date differs", "6474042002040004", "L", "2003-12-23", []string{"birth_date"}},
		{"year differs", "6474060307910001", "L", "1992-07-03", []string{"birth_date"}},
		{"unknown province", "1074060307910001", "L", "1991-07-03", []string{"nik"}},
		{"legacy Timor Timur", "5401060307910001", "L", "1991-07-03", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := survey.ParseNIK(tt.nik)
			if err != nil {
				if tt.name == "unknown province" {
					return // 10 is rejected by the hard rule already
				}
				t.Fatal(err)
			}
			var fields []string
			for _, p := range n.Check(tt.sex, tt.birth, ref) {
				fields = append(fields, p.Field)
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("Check fields (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseNIK(f *testing.F) {
	for _, s := range []string{"6474060307910001", "6474 0115 0599 0013", "647412345", "6472013202990005", "6474082805870000", ""} {
		f.Add(s)
	}
	ref := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		n, err := survey.ParseNIK(s)
		if err != nil {
			if survey.ErrorCode(err) != survey.EINVALID {
				t.Fatalf("ParseNIK(%q): code %q", s, survey.ErrorCode(err))
			}
			return
		}
		// A valid NIK is stable under reparsing and its parts are consistent.
		again, err := survey.ParseNIK(n.String())
		if err != nil || again != n {
			t.Fatalf("reparse of %s: %v %v", n, again, err)
		}
		bd := n.BirthDate(ref)
		if bd.IsZero() {
			t.Fatalf("%s: zero birth date", n)
		}
		if got := n.Check(n.Sex(), bd.Format(time.DateOnly), ref); len(got) > 1 || (len(got) == 1 && got[0].Field != "nik") {
			t.Fatalf("%s: self-check found %v", n, got)
		}
		if m := survey.MaskNIK(n.String()); len(m) != 16 || m[4:12] != "********" {
			t.Fatalf("MaskNIK(%s) = %s", n, m)
		}
	})
}
