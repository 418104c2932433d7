package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// laterRuleForm has an answer that a later change of another answer makes break its rule.
const laterRuleForm = `
| settings |
| | form_id | form_title | version |
| | later_rule | Later rule | 1 |

| survey |
| | type | name | label | constraint |
| | integer | low | Lowest wage | |
| | integer | high | Highest wage | . >= ${low} |
| | text | last | Anything else? | |
`

// The jump list shows the value an interview holds even when a rule now refuses it (a
// roster's name the form's name rule refuses, an answer whose rule reads a changed one):
// the enumerator sees what to fix, not an empty line.
func TestJumpListShowsRefusedValues(t *testing.T) {
	e, _ := newFormEnv(t, laterRuleForm)
	m := start(t, e)
	walkIn(t, m)
	at(t, m, "low")
	answerHere(t, m, "100")
	at(t, m, "high")
	answerHere(t, m, "250")
	at(t, m, "last")
	goToQuestion(t, m, "low")
	drive(t, m, keypress("ctrl+u"))
	answerHere(t, m, "300")
	if err := m.iv().sess.Check("high"); err == nil {
		t.Fatal("250 >= 300 holds: the test needs a refused answer")
	}
	drive(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	drive(t, m, keypress("ctrl+j"))
	if m.screen != screenJump {
		t.Fatalf("no jump screen:\n%s", plain(m))
	}
	var line string
	for _, l := range strings.Split(plain(m), "\n") {
		if strings.Contains(l, "Highest wage") {
			line = l
		}
	}
	if !strings.Contains(line, "!") || !strings.Contains(line, "250") {
		t.Errorf("the refused answer's line is %q, want its mark and its value 250:\n%s", line, plain(m))
	}
}

// The jump list names a repeat with no label by its name on the question whether to add
// another, as that question's screen does, never "Add another ?".
func TestJumpNamesAnUnlabelledRepeat(t *testing.T) {
	e, _ := newFormEnv(t, `
| survey |
| | type | name | label |
| | begin repeat | immunization | |
| | text | info | An immunization record |
| | end repeat | | |
| | text | last | Last |
`)
	m := start(t, e)
	walkIn(t, m)
	drive(t, m, keypress("ctrl+j"))
	v := plain(m)
	if !strings.Contains(v, "immunization? (") && !strings.Contains(v, "immunization lagi? (") {
		t.Errorf("the jump list does not name the repeat:\n%s", v)
	}
}
