package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestProgressNeverJumpsBack walks two personas through the built-in form: going forward,
// the bar never empties and the part never goes back, while the label's counts stay those of
// the relevant stops of the part.
func TestProgressNeverJumpsBack(t *testing.T) {
	for _, name := range []string{"employed", "unemployed"} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, true)
			persona := loadPersona(t, name)
			pr := runProgram(t, e)
			pr.pickRespondent(persona["roster_id"])
			var last progress
			steps := 0
			for ; steps < 500; steps++ {
				var p progress
				var screen screen
				var bar string
				pr.look(func(m *Model) {
					screen = m.screen
					if m.screen == screenInterview {
						p = m.iv().progress()
						bar = ansi.Strip(m.iv().bar(80))
					}
				})
				if screen != screenInterview {
					break
				}
				if p.done < last.done || p.part < last.part {
					t.Fatalf("step %d: progress went back from %+v to %+v", steps, last, p)
				}
				if p.i < 1 || p.i > p.n || p.done > p.total || p.part < 1 || p.part > p.parts {
					t.Fatalf("step %d: progress %+v", steps, p)
				}
				if want := fmt.Sprintf("%d/%d · %d/%d", p.part, p.parts, p.i, p.n); !strings.HasSuffix(bar, want) {
					t.Fatalf("step %d: bar %q does not end in %q", steps, bar, want)
				}
				last = p
				pr.interview(persona, 1)
			}
			if steps < 10 || last.done*2 < last.total && name == "employed" {
				t.Errorf("%d steps, ended at %+v", steps, last)
			}
			pr.quit()
		})
	}
}

func TestProgressPlan(t *testing.T) {
	e, _ := newFormEnv(t, rosterForm)
	p := planProgress(e.form)
	// intro | member | n_kids | kid | prio, last: each repeat is a part, and a run of
	// top-level questions between them makes one
	if p.total != 8 || p.parts != 5 {
		t.Errorf("total %d parts %d", p.total, p.parts)
	}
	m := start(t, e)
	walkIn(t, m)
	drive(t, m, keypress("enter"))
	empty := m.iv().progress()
	drive(t, m, keypress("1"))
	first := m.iv().progress()
	answerHere(t, m, "Ani")
	answerHere(t, m, "9")
	prompt := m.iv().progress()
	drive(t, m, keypress("1"))
	second := m.iv().progress()
	// the bar stands still in a repeat: at the empty prompt, in every instance and at the
	// prompt after them; it moves on after the repeat
	if second.done != first.done || prompt.done != first.done || empty.done != first.done || second.part != first.part {
		t.Errorf("empty prompt %+v first %+v prompt %+v second %+v", empty, first, prompt, second)
	}
	if prompt.i <= first.i || second.i < prompt.i {
		t.Errorf("the label does not count on in the repeat: %+v %+v %+v", first, prompt, second)
	}
	drive(t, m, keypress("ctrl+d"))
	drive(t, m, keypress("y"))
	drive(t, m, keypress("enter"))
	at(t, m, "n_kids")
	if after := m.iv().progress(); after.done <= second.done {
		t.Errorf("after the repeat %+v, in it %+v", after, second)
	}
}
