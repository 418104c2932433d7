package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
)

// program runs a real tea.Program on a model and lets the test look at the model between
// messages, from inside the program's event loop.
type program struct {
	tb   testing.TB
	p    *tea.Program
	m    *Model
	done chan error
	keys int
}

type probeMsg struct {
	fn   func(*Model)
	done chan struct{}
}

func runProgram(tb testing.TB, e *env) *program {
	tb.Helper()
	m := New(context.Background(), e.cfg)
	pr := &program{tb: tb, m: m, done: make(chan error, 1)}
	pr.p = tea.NewProgram(m,
		tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24), tea.WithoutSignals(),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if p, ok := msg.(probeMsg); ok {
				p.fn(m)
				close(p.done)
				return nil
			}
			return msg
		}))
	go func() {
		_, err := pr.p.Run()
		pr.done <- err
	}()
	tb.Cleanup(func() {
		pr.p.Kill()
	})
	return pr
}

// look runs fn on the model inside the event loop.
func (pr *program) look(fn func(*Model)) {
	pr.tb.Helper()
	d := make(chan struct{})
	pr.p.Send(probeMsg{fn: fn, done: d})
	select {
	case <-d:
	case <-time.After(10 * time.Second):
		pr.tb.Fatal("program did not answer")
	}
}

// waitFor waits until cond holds on the model.
func (pr *program) waitFor(what string, cond func(*Model) bool) {
	pr.tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ok := false
		pr.look(func(m *Model) { ok = cond(m) })
		if ok {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	var screen string
	pr.look(func(m *Model) { screen = m.render() })
	pr.tb.Fatalf("waiting for %s; screen:\n%s", what, screen)
}

func (pr *program) press(names ...string) {
	for _, n := range names {
		pr.keys++
		pr.p.Send(keypress(n))
	}
}

func (pr *program) typ(s string) {
	for _, r := range s {
		pr.keys++
		if r == ' ' {
			pr.p.Send(keypress("space"))
			continue
		}
		pr.p.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// quit presses Ctrl+C and waits for the program to end.
func (pr *program) quit() {
	pr.tb.Helper()
	pr.press("ctrl+c")
	select {
	case err := <-pr.done:
		if err != nil {
			pr.tb.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		pr.tb.Fatal("program did not quit")
	}
}

func loadPersona(tb testing.TB, name string) map[string]string {
	tb.Helper()
	b, err := builtin.Persona(name)
	if err != nil {
		tb.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = v
		case float64:
			out[k] = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			out[k] = strconv.FormatBool(v)
		}
	}
	return out
}

// pickRespondent goes from home to the interview of the roster id.
func (pr *program) pickRespondent(id string) {
	pr.tb.Helper()
	pr.findRespondent(id)
	pr.press("enter")
	pr.waitFor("interview", func(m *Model) bool { return m.screen == screenInterview && m.iv() != nil })
}

// findRespondent goes from home to the picker showing the roster id first.
func (pr *program) findRespondent(id string) {
	pr.tb.Helper()
	pr.waitFor("home", func(m *Model) bool { return m.screen == screenHome && m.home().loaded })
	pr.press("1")
	pr.waitFor("picker", func(m *Model) bool { return m.screen == screenPicker })
	pr.typ(id)
	pr.waitFor("match "+id, func(m *Model) bool {
		return len(m.picker().matches) > 0 && m.picker().matches[0].Respondent.RosterID == id && m.picker().query.Value() == id
	})
}

// stopInfo is what the test needs to know about the question on screen.
type stopInfo struct {
	screen  screen
	path    string
	name    string
	kind    fieldKind
	value   string
	items   []string
	codes   []string
	short   bool
	problem string
	checked bool
}

func (pr *program) current() stopInfo {
	var si stopInfo
	pr.look(func(m *Model) {
		si.screen = m.screen
		if m.iv() == nil || m.iv().fld == nil {
			return
		}
		si.path, si.kind, si.problem = m.iv().stop.Path, m.iv().fld.Kind(), m.iv().problem
		if !m.iv().stop.Prompt {
			si.name = m.iv().stop.Node.Name
		}
		si.value = m.iv().sess.Value(si.path)
		si.items, si.short = fieldItems(m.iv().fld)
		si.codes = fieldCodes(m.iv().fld)
		if a, ok := m.iv().fld.(*ackInput); ok {
			si.checked = a.ok
		}
	})
	return si
}

// answer types the persona's answer to the question on screen and presses Enter.
func (pr *program) answer(si stopInfo, persona map[string]string) {
	want, has := persona[si.name]
	pick := func(name string) {
		for i, n := range si.items {
			if n == name {
				if si.short {
					pr.typ(strconv.Itoa(i + 1))
				} else {
					pr.typ(strings.TrimSpace(si.codes[i])) // the number or letter shown before it
					if si.kind == fieldMany {
						pr.press("space")
					}
				}
				return
			}
		}
		pr.tb.Fatalf("%s: no choice %q", si.path, name)
	}
	switch si.kind {
	case fieldText, fieldInteger, fieldDecimal:
		if has && si.value != want {
			pr.press("ctrl+u")
			pr.typ(want)
		}
	case fieldMask:
		if has && si.value != want {
			pr.press("ctrl+u")
			pr.typ(strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, want))
		}
	case fieldOne:
		if has && si.value != want {
			pick(want)
		}
	case fieldMany:
		if has && si.value != want {
			now := map[string]bool{}
			for _, n := range strings.Fields(si.value) {
				now[n] = true
			}
			for _, n := range strings.Fields(want) {
				if !now[n] {
					pick(n)
				}
				delete(now, n)
			}
			for n := range now {
				pick(n)
			}
		}
	case fieldAck:
		if !si.checked {
			pr.press("space")
		}
	}
	pr.press("enter")
}

// interview answers every question with the persona until the review screen.
func (pr *program) interview(persona map[string]string, stopAfter int) {
	pr.tb.Helper()
	for i := 0; stopAfter < 0 || i < stopAfter; i++ {
		si := pr.current()
		if si.screen == screenReview {
			return
		}
		if si.screen != screenInterview {
			pr.tb.Fatalf("left the interview at %s (screen %d)", si.path, si.screen)
		}
		pr.answer(si, persona)
		pr.waitFor("leaving "+si.path, func(m *Model) bool {
			return m.screen != screenInterview || m.iv().stop.Path != si.path || m.iv().problem != ""
		})
		if after := pr.current(); after.screen == screenInterview && after.path == si.path {
			pr.tb.Fatalf("%s refused: %s", si.path, after.problem)
		}
		if i > 500 {
			pr.tb.Fatal("interview does not end")
		}
	}
}

func storedAnswers(tb testing.TB, e *env, id string) map[string]string {
	tb.Helper()
	as, err := e.cfg.Interviews.Answers(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range as {
		out[a.Path] = a.Value
	}
	return out
}

func TestFlowPersonas(t *testing.T) {
	for _, name := range []string{"employed", "self-employed", "unemployed", "refused"} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, true)
			persona := loadPersona(t, name)
			pr := runProgram(t, e)
			pr.pickRespondent(persona["roster_id"])
			pr.keys = 0
			pr.interview(persona, -1)
			var id string
			var sess *forms.Session
			pr.look(func(m *Model) { id, sess = m.iv().iv.ID, m.iv().sess })
			pr.waitFor("review without problems", func(m *Model) bool { return m.screen == screenReview && m.review().problems == 0 })
			pr.press("f", "y")
			pr.waitFor("home after finalizing", func(m *Model) bool { return m.screen == screenHome && m.home().counts[survey.StateFinalized] == 1 })
			t.Logf("%s: %d keystrokes from the first question to finalized", name, pr.keys)
			pr.quit()

			iv, err := e.cfg.Interviews.Get(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if iv.State != survey.StateFinalized || iv.RespondentID != persona["roster_id"] {
				t.Errorf("interview state %s respondent %s", iv.State, iv.RespondentID)
			}
			stored := storedAnswers(t, e, id)
			byName := map[string]string{}
			for p, v := range stored {
				byName[p[strings.LastIndexByte(p, '/')+1:]] = v
			}
			for k, want := range persona {
				n := e.form.Node(k)
				if n == nil {
					continue
				}
				relevant := false
				for _, st := range sess.Stops() {
					if st.Node == n {
						relevant = true
					}
				}
				if !relevant {
					continue
				}
				if got := byName[k]; got != want {
					t.Errorf("%s: stored %q, persona %q", k, got, want)
				}
			}
		})
	}
}

func TestFlowQuitAndResume(t *testing.T) {
	e := newEnv(t, true)
	persona := loadPersona(t, "employed")
	pr := runProgram(t, e)
	pr.pickRespondent(persona["roster_id"])
	pr.interview(persona, 20)
	// type into the next question, then quit without leaving it
	var path, id string
	var before []forms.Answer
	pr.look(func(m *Model) { path, id = m.iv().stop.Path, m.iv().iv.ID })
	pr.quit()
	pr.look2(func(m *Model) { before = m.iv().sess.Answers() })

	pr2 := runProgram(t, e)
	pr2.waitFor("home", func(m *Model) bool {
		return m.screen == screenHome && m.home().loaded && m.home().counts[survey.StateDraft] == 1
	})
	pr2.press("2")
	pr2.waitFor("list", func(m *Model) bool { return m.screen == screenList && len(m.list().rows) == 1 })
	pr2.press("enter")
	pr2.waitFor("resumed", func(m *Model) bool { return m.screen == screenInterview && m.iv() != nil })
	var after []forms.Answer
	var at, aid string
	pr2.look(func(m *Model) { at, aid, after = m.iv().stop.Path, m.iv().iv.ID, m.iv().sess.Answers() })
	if at != path || aid != id {
		t.Errorf("resumed at %s of %s, left at %s of %s", at, aid, path, id)
	}
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("answers after resume differ:\n got %v\nwant %v", after, before)
	}
	if len(after) < 20 {
		t.Errorf("only %d answers resumed", len(after))
	}
	pr2.quit()
}

// look2 reads the model of a program that has ended.
func (pr *program) look2(fn func(*Model)) { fn(pr.m) }
