package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// numbersForm has a text question with the numbers appearance, as ODK's widgets form asks
// for a phone number, and one without it.
const numbersForm = `
| settings |
| | form_id | form_title | version |
| | numtext | Numbers | 1 |

| survey |
| | type | name | label | appearance |
| | text | phone | Phone number | numbers |
| | text | note | Anything else? | |
`

// A text question with the numbers appearance takes what ODK Collect's keyboard for it
// types (digits, space, '.', ',', '-', '+'): a letter typed, or a paste with a letter,
// changes nothing of the answer and says which keys it takes; a text question without it
// still takes every key.
func TestNumbersAppearanceText(t *testing.T) {
	e, _ := newFormEnv(t, numbersForm)
	m := start(t, e)
	walkIn(t, m)
	id := m.iv().iv.ID
	at(t, m, "phone")
	typeText(t, m, "+62 81a")
	if m.iv().live != liveNumbersText || !strings.Contains(plain(m), "Hanya angka, spasi dan . , - +") {
		t.Errorf("a refused key does not say which keys are taken (live %d):\n%s", m.iv().live, plain(m))
	}
	typeText(t, m, "2-3,4.5")
	if v, _ := m.iv().fld.Value(); v != "+62 812-3,4.5" {
		t.Errorf("entry %q, want the letter left out", v)
	}
	drive(t, m, tea.PasteMsg{Content: "0812 abc"})
	if v, _ := m.iv().fld.Value(); v != "+62 812-3,4.5" || m.iv().live != liveNumbersText {
		t.Errorf("a paste with letters: entry %q, live %d; want it refused whole", v, m.iv().live)
	}
	drive(t, m, keypress("enter"))
	at(t, m, "note")
	typeText(t, m, "abc 12?")
	drive(t, m, keypress("enter"))
	// back on the saved answer: a letter does not empty it
	if m.screen == screenReview {
		drive(t, m, keypress("esc"))
	}
	drive(t, m, keypress("shift+tab"))
	at(t, m, "phone")
	typeText(t, m, "x")
	if v, _ := m.iv().fld.Value(); v != "+62 812-3,4.5" {
		t.Errorf("a letter over the saved answer left %q", v)
	}
	drive(t, m, keypress("ctrl+s"))
	got := storedAnswers(t, e, id)
	if got["phone"] != "+62 812-3,4.5" || got["note"] != "abc 12?" {
		t.Errorf("stored %v", got)
	}
}

// Enter after a key a number entry refused names that key, so that the enumerator knows what
// to look for in the number shown ("4O": the letter O, not a zero).
func TestNumberEntryNamesTheRefusedKey(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		e, _ := newFormEnv(t, kindsForm)
		e.cfg.Lang = lang
		m := start(t, e)
		walkIn(t, m)
		drive(t, m, goInterviewMsg{path: "income"})
		at(t, m, "income")
		typeText(t, m, "45O0")
		drive(t, m, keypress("enter"))
		at(t, m, "income")
		want := map[string]string{"id": `Tombol "O" tadi tidak diterima`, "en": `The key "O" typed was not taken`}[lang]
		if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, want) {
			t.Errorf("%s: Enter after a refused key does not say %q:\n%s", lang, want, plain(m))
		}
		drive(t, m, keypress("enter"))
		if got := storedAnswers(t, e, m.iv().iv.ID)["income"]; got != "450" {
			t.Errorf("%s: the second Enter saved %q, want 450", lang, got)
		}
	}
}

// In a searched multiple choice, Space separates the search's words; a second Space says how
// to pick rather than nothing, and after Enter said "Space picks the highlighted option", the
// next Space does.
func TestSearchSpaceSaysHowToPick(t *testing.T) {
	e, _ := newFormEnv(t, kindsForm)
	m := start(t, e)
	walkIn(t, m)
	drive(t, m, goInterviewMsg{path: "provs"})
	at(t, m, "provs")
	typeText(t, m, "jawa")
	drive(t, m, keypress("space"))
	drive(t, m, keypress("space"))
	f := m.iv().fld.(*listInput)
	if len(f.chosen) != 0 || m.iv().live != liveSearchSpace || !strings.Contains(plain(m), "Spasi memisahkan kata") {
		t.Errorf("a second Space: chosen %v, live %d:\n%s", f.chosen, m.iv().live, plain(m))
	}
	drive(t, m, keypress("enter"))
	if m.iv().live != liveSearchMany {
		t.Fatalf("Enter on the search: live %d\n%s", m.iv().live, plain(m))
	}
	drive(t, m, keypress("space"))
	if v, _ := m.iv().fld.Value(); v != "32" {
		t.Errorf("Space after Enter said it picks: value %q, want 32 (Jawa Barat)\n%s", v, plain(m))
	}
	drive(t, m, keypress("enter"))
	if got := storedAnswers(t, e, m.iv().iv.ID)["provs"]; got != "32" {
		t.Errorf("stored %q, want 32", got)
	}
}
