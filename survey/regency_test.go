package survey_test

import (
	"strings"
	"testing"

	"tracer/survey"
)

// TestParseRegency reads a regency as rosters write it: its code, its name with or without
// its kind, in any case; an unknown or ambiguous value is refused naming it.
func TestParseRegency(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{"3273", "3273", ""},
		{" 32.73 ", "3273", ""},
		{"Kota Bandung", "3273", ""},
		{"KOTA BANDUNG", "3273", ""},
		{"Kab. Bandung", "3204", ""},
		{"kabupaten bandung", "3204", ""},
		{"Kab Bandung Barat", "3217", ""},
		{"Kutai Kartanegara", "6402", ""},
		{"Kota Bontang", "6474", ""},
		{"Jakarta Selatan", "3174", ""},
		{"Kota Adm. Jakarta Selatan", "3174", ""},
		{"", "", ""},
		{"Bandung", "", `"Bandung" names more than one regency or city (3204 Kabupaten Bandung, 3273 Kota Bandung)`},
		{"abc", "", `"abc" is not a regency or city of the Kepmendagri list`},
		{"9999", "", `"9999" is not the code of a regency or city`},
		{"Kota Kutai Kartanegara", "", "is not a regency or city"},
	} {
		got, err := survey.ParseRegency(tt.in)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseRegency(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil || survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(survey.ErrorMessage(err), tt.err) {
			t.Errorf("ParseRegency(%q) = %q, %v; want an error with %q", tt.in, got, err, tt.err)
		}
	}
}
