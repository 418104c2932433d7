package forms

import (
	"reflect"
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
