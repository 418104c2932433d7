package survey_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
)

// TestNIKFormAgrees: the NIK rules in Go (ParseNIK) and the built-in form's portable regex()
// constraint accept and refuse the same NIKs: every province, regency and district code,
// every birth day (women's day + 40) against every month and leap and common years, impossible
// dates, zero and non-zero serials, wrong lengths, separators and random digits.
func TestNIKFormAgrees(t *testing.T) {
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := f.Node(builtin.NIK)
	if n == nil {
		t.Fatal("the built-in form has no NIK question")
	}
	// Portable: XPath 1.0's translate() and ODK's regex(), nothing only tracer runs.
	if n.Constraint == nil {
		t.Fatal("the NIK question has no constraint")
	}
	for _, m := range regexp.MustCompile(`([a-z:-]+)\(`).FindAllStringSubmatch(n.Constraint.Src, -1) {
		if m[1] != "regex" && m[1] != "translate" {
			t.Errorf("the NIK constraint calls %s(), not only regex() and translate()", m[1])
		}
	}
	s := forms.NewSession(f, forms.Options{Now: func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }})
	if p, err := s.Set(f.Node(builtin.Consent).Path(), "yes"); p != nil || err != nil {
		t.Fatalf("consent: %v %v", p, err)
	}
	formAccepts := func(nik string) bool {
		p, err := s.Set(n.Path(), nik)
		if err != nil {
			t.Fatalf("set %q: %v", nik, err)
		}
		return p == nil
	}

	var niks []string
	two := func(i int) string { return fmt.Sprintf("%02d", i) }
	for i := range 100 {
		niks = append(niks,
			two(i)+"0101"+"010190"+"0001",    // province
			"64"+two(i)+"01"+"010190"+"0001", // regency or city
			"6474"+two(i)+"010190"+"0001",    // district
		)
	}
	for dd := range 100 {
		for mm := range 14 {
			for _, yy := range []string{"00", "01", "02", "03", "04", "23", "24", "90", "96", "99"} {
				niks = append(niks, "647406"+two(dd)+two(mm)+yy+"0001")
			}
		}
	}
	for _, serial := range []string{"0000", "0001", "0010", "0100", "1000", "9999"} {
		niks = append(niks, "647406"+"430291"+serial, "647406"+"030291"+serial)
	}
	niks = append(niks, "647406030791001", "64740603079100011", "6474 0603 0791 0001", "6474.0603.0791.0001",
		"6474-060307-910001", "647406030791000a", "x", "6474060307910001 ")
	r := rand.New(rand.NewPCG(11, 16))
	for range 3000 {
		var b strings.Builder
		for range 16 {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		niks = append(niks, b.String())
	}

	valid := 0
	for _, nik := range niks {
		_, err := survey.ParseNIK(nik)
		goAccepts := err == nil
		if goAccepts {
			valid++
		}
		if fa := formAccepts(nik); fa != goAccepts {
			t.Errorf("NIK %q: Go accepts %v (%v), the form accepts %v", nik, goAccepts, err, fa)
		}
	}
	if valid < 1000 || valid == len(niks) {
		t.Errorf("%d of %d generated NIKs are valid: the generator does not test both sides", valid, len(niks))
	}
}

// TestNIKProvinceFormAgrees: the form's warning about an unknown province (a note shown by
// its own regex) and NIK.Check's province rule name the same province codes.
func TestNIKProvinceFormAgrees(t *testing.T) {
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{Now: func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }})
	if p, err := s.Set(f.Node(builtin.Consent).Path(), "yes"); p != nil || err != nil {
		t.Fatalf("consent: %v %v", p, err)
	}
	note := f.Node("nik_region_note")
	if note == nil {
		t.Fatal("the built-in form has no nik_region_note")
	}
	known := 0
	for pp := 11; pp < 100; pp++ {
		nik := fmt.Sprintf("%02d7406030791%04d", pp, 1)
		parsed, err := survey.ParseNIK(nik)
		if err != nil {
			t.Fatalf("%s: %v", nik, err)
		}
		goWarns := false
		for _, p := range parsed.Check("", "", time.Now()) {
			goWarns = goWarns || p.Field == "nik"
		}
		if p, err := s.Set(f.Node(builtin.NIK).Path(), nik); p != nil || err != nil {
			t.Fatalf("set %s: %v %v", nik, p, err)
		}
		if formWarns := s.Relevant(note.Path()); formWarns != goWarns {
			t.Errorf("province %02d: Go warns %v, the form warns %v", pp, goWarns, formWarns)
		}
		if !goWarns {
			known++
		}
	}
	if known == 0 || known == 89 {
		t.Errorf("%d known provinces: the test does not see both sides", known)
	}
}
