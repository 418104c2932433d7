package forms

import (
	"reflect"
	"strings"
	"testing"
)

// TestEngineTextsComplete: every message of the engine exists in both languages.
func TestEngineTextsComplete(t *testing.T) {
	for name, tx := range map[string]engineTexts{"id": indonesianTexts, "en": englishTexts} {
		v := reflect.ValueOf(tx)
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: message %s is empty", name, v.Type().Field(i).Name)
			}
		}
	}
	for _, m := range []message{msgDecimal, msgAmbiguous, msgYear, msgMonthYear, msgDate} {
		if m(&indonesianTexts) == "" || m(&englishTexts) == "" || m(&indonesianTexts) == m(&englishTexts) {
			t.Errorf("a parser's refusal has no message in one language: %q / %q", m(&indonesianTexts), m(&englishTexts))
		}
	}
}

// TestMessageLang: the engine's own messages follow Options.MessageLang (the UI's) whatever
// the form's language, and the form's language when it is not set.
func TestMessageLang(t *testing.T) {
	f, err := Parse("f.md", []byte("| survey |\n| | type | name | label | required |\n| | decimal | amount | Amount | yes |\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, want string }{
		{"id", indonesianTexts.Ambiguous},
		{"en", englishTexts.Ambiguous},
		{"", englishTexts.Ambiguous}, // the form is in English
	} {
		s := NewSession(f, Options{MessageLang: c.lang})
		p, err := s.Set("amount", "1,234")
		if err == nil && p != nil {
			err = p
		}
		if err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("MessageLang %q: %v, want %q", c.lang, err, c.want)
		}
		if p := s.Check("amount"); c.lang == "id" && (p == nil || p.Message != indonesianTexts.Required) {
			t.Errorf("MessageLang id: required says %v", p)
		}
	}
}
