package expr

import (
	"strings"
	"testing"
)

// TestEvalExtensionsFormsUse evaluates the functions of Enketo and the Community Health
// Toolkit that public forms call, and coalesce with more than two arguments.
func TestEvalExtensionsFormsUse(t *testing.T) {
	tests := []struct {
		src  string
		want Value
	}{
		{"coalesce('', '', 'c', 'd')", String("c")},
		{"coalesce('', '', '')", String("")},
		{"coalesce(${unknown}, ${name}, 'x')", String("Siti")},
		{"cht:difference-in-days('2023-08-01', '2023-01-01')", Number(-212)},
		{"cht:difference-in-days('2024-02-28', '2024-03-01')", Number(2)},
		{"cht:difference-in-days('2024-02-28T10:00:00.000Z', '2024-03-01T09:00:00.000Z')", Number(1)},
		{"cht:difference-in-days('x', '2024-03-01')", String("")},
		{"cht:difference-in-weeks('2020-02-29', '2024-02-29')", Number(208)},
		{"cht:difference-in-weeks('2024-02-29', '2020-02-29')", Number(-208)},
		{"cht:difference-in-months('2024-01-31', '2024-03-01')", Number(1)},
		{"cht:difference-in-years('2000-06-15', '2024-06-14')", Number(23)},
		{"cht:difference-in-years('2000-06-15', '2024-06-15')", Number(24)},
		{"cht:difference-in-years('2024-06-15', '2000-06-16')", Number(-23)},
		{"cht:strip-whitespace(' 0812 345\t678 ')", String("0812345678")},
		{"cht:validate-luhn('4111 1111 1111 1111')", Bool(true)},
		{"cht:validate-luhn('4111 1111 1111 1112')", Bool(false)},
		{"cht:validate-luhn('79927398713', 11)", Bool(true)},
		{"cht:validate-luhn('79927398713', 12)", Bool(false)},
		{"cht:validate-luhn('7992739871a')", Bool(false)},
		// XPath 1.0's substring, with its own rounding (the examples of the XPath 1.0 spec).
		{"substring('12345', 2, 3)", String("234")},
		{"substring('12345', 2)", String("2345")},
		{"substring('12345', 1.5, 2.6)", String("234")},
		{"substring('12345', 0, 3)", String("12")},
		{"substring('12345', 0 div 0, 3)", String("")},
		{"substring('12345', 1, 0 div 0)", String("")},
		{"substring('12345', -42, 1 div 0)", String("12345")},
		{"substring('Jawa Timur', 6)", String("Timur")},
		// Enketo's decimal-date is decimal-date-time.
		{"decimal-date('1970-01-02T00:00:00Z')", Number(1)},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e := mustParse(t, tt.src)
			if err := Check(e); err != nil {
				t.Fatalf("Check(%q): %v", tt.src, err)
			}
			if got, want := show(e.Eval(newTestEnv())), show(tt.want); got != want {
				t.Errorf("Eval(%q) = %s, want %s", tt.src, got, want)
			}
		})
	}
}

// TestCheckRefusesOtherEnginesFunctionsByName: a function of another engine that tracer
// cannot evaluate is refused with its name and the reason, saying it is not ODK.
func TestCheckRefusesOtherEnginesFunctionsByName(t *testing.T) {
	for _, src := range []string{"z-score('weight-for-age', ${sex}, ${age}, ${w})", "to-bikram-sambat(today())", "cht:extension-lib('x.js', 1)"} {
		e := mustParse(t, src)
		err := Check(e)
		name := src[:strings.IndexByte(src, '(')]
		if err == nil || !strings.Contains(err.Error(), name+"()") || !strings.Contains(err.Error(), "not in ODK") {
			t.Errorf("Check(%q) = %v, want a refusal naming %s() and saying it is not in ODK", src, err, name)
		}
	}
}
