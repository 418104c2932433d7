package forms

import (
	"fmt"
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

// TestFillMessagesInTheFormsLanguage: what a headless fill refuses in its answers file (a
// name no question has or two have, a repeat not given as a list, an instance not an object, an answer
// of another type) is said in the language of the engine's other messages, never English
// alone beside Indonesian.
func TestFillMessagesInTheFormsLanguage(t *testing.T) {
	src := "| survey |\n| | type | name | label::Bahasa Indonesia (id) | label::English (en) |\n" +
		"| | text | nama | Nama | Name |\n| | begin repeat | anggota | Anggota | Member |\n| | integer | umur | Umur | Age |\n| | end repeat | | | |\n" +
		"| | begin group | kerja | Kerja | Work |\n| | text | telepon | Telepon | Phone |\n| | end group | | | |\n" +
		"| | begin group | rujukan | Rujukan | Referee |\n| | text | telepon | Telepon | Phone |\n| | end group | | | |\n"
	f, err := Parse("f.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]any{"nosuch": "x", "nama": map[string]any{"a": 1}, "anggota": []any{"x"}, "telepon": "0812"}
	for lang, tx := range map[string]*engineTexts{"id": &indonesianTexts, "en": &englishTexts} {
		s := NewSession(f, Options{MessageLang: lang})
		got := map[string]string{}
		for _, e := range s.Fill(answers) {
			got[e.Name] = e.Message
		}
		want := map[string]string{"nosuch": tx.NoQuestion, "nama": tx.AnswerType, "anggota[1]": tx.InstanceObject,
			"telepon": fmt.Sprintf(tx.SameName, "kerja/telepon, rujukan/telepon")}
		for name, msg := range want {
			if got[name] != msg {
				t.Errorf("%s: %s says %q, want %q", lang, name, got[name], msg)
			}
		}
		s = NewSession(f, Options{MessageLang: lang})
		for _, e := range s.Fill(map[string]any{"anggota": "x"}) {
			got[e.Name] = e.Message
		}
		if got["anggota"] != tx.RepeatList {
			t.Errorf("%s: a repeat not a list says %q, want %q", lang, got["anggota"], tx.RepeatList)
		}
	}
	// Without MessageLang, the form's default language (here the first, Indonesian).
	for _, e := range NewSession(f, Options{}).Fill(map[string]any{"nosuch": "x"}) {
		if e.Name == "nosuch" && e.Message != indonesianTexts.NoQuestion {
			t.Errorf("default: %q", e.Message)
		}
	}
}
