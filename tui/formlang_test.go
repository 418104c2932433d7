package tui

import (
	"regexp"
	"strings"
	"testing"

	"tracer/forms"
)

// threeLangForm has three languages, two of which word the first question alike, as the
// onaio good_eats form's English and default columns do.
const threeLangForm = `
| settings |
| | form_id | form_title | version |
| | eats | Eats | 1 |

| survey |
| | type | name | label | label::English | label::French |
| | text | food | Type of eat | Type of eat | Type de repas |
| | text | last | Anything else? | Anything else? | Autre chose ? |
`

// Ctrl+L says which of the form's languages the interview is now in, until the next key: when
// two languages word the question alike, nothing else on screen would show that it did
// anything.
func TestFormLangKeySaysTheLanguage(t *testing.T) {
	e, _ := newFormEnv(t, threeLangForm)
	m := start(t, e)
	walkIn(t, m)
	at(t, m, "food")
	now := regexp.MustCompile(`Bahasa formulir sekarang: (\S+) \((\d) dari 3\)`)
	seen := map[string]bool{}
	for range 3 {
		drive(t, m, keypress("ctrl+l"))
		v := strings.Join(strings.Fields(plain(m)), " ")
		g := now.FindStringSubmatch(v)
		if g == nil {
			t.Fatalf("Ctrl+L does not say the form language now:\n%s", plain(m))
		}
		if want := langName(m.iv().sess.Lang()); g[1] != want {
			t.Errorf("says %q, the interview is in %q", g[1], want)
		}
		seen[g[1]] = true
	}
	if len(seen) != 3 {
		t.Errorf("three Ctrl+L named %v, want the three languages", seen)
	}
	typeText(t, m, "x")
	if strings.Contains(plain(m), "Bahasa formulir sekarang") {
		t.Errorf("the language line stays after the next key:\n%s", plain(m))
	}
}

// formLangOf gives another form than Home's a language of its own: the one chosen with
// Ctrl+L when that form has it, else the one matching the UI's, else its default; never
// Home's language the other form lacks.
func TestFormLangOfAnotherForm(t *testing.T) {
	e := newEnv(t, false) // Home: the built-in form, Indonesian and English
	m := start(t, e)
	other, err := forms.Parse("t.md", []byte(threeLangForm))
	if err != nil {
		t.Fatal(err)
	}
	c := m.c
	c.lang, c.formPref = "id", ""
	if got := c.formLangOf(other); got != other.DefaultLang {
		t.Errorf("UI in Indonesian, a form without it: %q, want its default %q", got, other.DefaultLang)
	}
	c.lang = "en"
	if got := c.formLangOf(other); got != "English" {
		t.Errorf("UI in English: %q, want English", got)
	}
	c.formPref = "French"
	if got := c.formLangOf(other); got != "French" {
		t.Errorf("French chosen with Ctrl+L: %q, want French", got)
	}
}
