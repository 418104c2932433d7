package survey_test

import (
	"strings"
	"testing"

	"tracer/survey"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Dewi Lestari", "Dewi Lestari"},
		{"Rp 6.500.000 · ✓ ═", "Rp 6.500.000 · ✓ ═"},
		{"ani\x1b[2J\x1b]0;pwned\x07", `ani\x1b[2J\x1b]0;pwned\x07`},
		{"a\x00b\x7fc", `a\x00b\x7fc`},
		{"line\nnext\r\tx", `line\nnext\r\tx`},
		{"\u009b31m", `\u009b31m`},
		{"abc\u202edcba", `abc\u202edcba`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"nbsp\u00a0ok", "nbsp\u00a0ok"},
	}
	for _, tt := range tests {
		if got := survey.Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got, want := survey.HasHidden(tt.in), tt.in != tt.want; got != want {
			t.Errorf("HasHidden(%q) = %v", tt.in, got)
		}
		if survey.HasHidden(survey.Printable(tt.in)) {
			t.Errorf("Printable(%q) still hides something", tt.in)
		}
	}
}

// A pushed record whose identifiers hold control characters is refused; answers may hold
// any text and are escaped where they are shown.
func TestDecodeRecordRefusesControlCharacters(t *testing.T) {
	base := `{"id":"0b6f1f4e-8a44-4a8e-9a2b-6f0e4b1d2c3a","revision":1,"form_id":"blk_tracer","form_version":"1","enumerator":"ENUM","started_at":"2026-11-20T09:00:00Z","finalized_at":"2026-11-20T09:30:00Z","answers":{PATH:"ANSWER"}}`
	rec := func(enum, path, answer string) []byte {
		r := strings.NewReplacer("ENUM", enum, "PATH", `"`+path+`"`, "ANSWER", answer)
		return []byte(r.Replace(base))
	}
	if _, err := survey.DecodeRecord(rec("ani", "/data/q", `line\nnext \u001b[2J`)); err != nil {
		t.Fatalf("an answer with control characters: %v", err)
	}
	for _, b := range [][]byte{rec(`ani\u001b[2J`, "/data/q", "x"), rec("ani", `/data/q\u0000`, "x")} {
		if _, err := survey.DecodeRecord(b); survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("%s: %v, want invalid", b, err)
		}
	}
}
