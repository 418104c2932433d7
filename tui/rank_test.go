package tui

import (
	"strings"
	"testing"
)

func TestRankInput(t *testing.T) {
	e, _ := newFormEnv(t, rosterForm)
	m := start(t, e)
	walkIn(t, m)
	drive(t, m, goInterviewMsg{path: "prio"})
	at(t, m, "prio")
	if m.iv().fld.Kind() != fieldRank {
		t.Fatalf("rank question gets field kind %d", m.iv().fld.Kind())
	}
	if v := plain(m); !strings.Contains(v, "Belum diurutkan") || !strings.Contains(v, "Pay") || !strings.Contains(v, "Close to home") {
		t.Errorf("unranked view:\n%s", v)
	}
	if v, _ := m.iv().fld.Value(); v != "" {
		t.Errorf("an untouched rank holds %q", v)
	}
	// an untouched rank is no answer: the required message comes
	drive(t, m, keypress("enter"))
	at(t, m, "prio")
	if m.iv().problem == "" {
		t.Error("an untouched required rank was accepted")
	}

	// shift+down moves the option under the cursor one place down
	drive(t, m, keypress("shift+down")) // pay skills near -> skills pay near
	if v, _ := m.iv().fld.Value(); v != "skills pay near" {
		t.Errorf("after shift+down: %q", v)
	}
	// a digit puts the option under the cursor (pay: the cursor moved with it) at that place
	drive(t, m, keypress("3")) // skills near pay
	if v, _ := m.iv().fld.Value(); v != "skills near pay" {
		t.Errorf("after 3: %q", v)
	}
	drive(t, m, keypress("shift+up")) // pay moves up: skills pay near
	drive(t, m, keypress("shift+up")) // pay skills near
	drive(t, m, keypress("shift+up")) // stays first
	if v, _ := m.iv().fld.Value(); v != "pay skills near" {
		t.Errorf("after shift+up x3: %q", v)
	}
	drive(t, m, keypress("up")) // the cursor does not leave the list
	drive(t, m, keypress("down"))
	drive(t, m, keypress("down"))
	drive(t, m, keypress("down"))
	drive(t, m, keypress("1")) // near first
	if v := plain(m); !strings.Contains(v, "1. Close to home") || !strings.Contains(v, "3. Skills") {
		t.Errorf("ranked view:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	at(t, m, "last")
	if got := m.iv().sess.Value("prio"); got != "near pay skills" {
		t.Errorf("stored rank %q", got)
	}
	if got := storedAnswers(t, e, m.iv().iv.ID)["prio"]; got != "near pay skills" {
		t.Errorf("store rank %q", got)
	}

	// back on the question, the stored order is shown; ctrl+u starts over
	drive(t, m, keypress("shift+tab"))
	at(t, m, "prio")
	if v, _ := m.iv().fld.Value(); v != "near pay skills" {
		t.Errorf("reopened rank %q", v)
	}
	drive(t, m, keypress("ctrl+u"))
	if v, _ := m.iv().fld.Value(); v != "" || !strings.Contains(plain(m), "Belum diurutkan") {
		t.Errorf("ctrl+u: %q", v)
	}
	// space keeps the order shown
	drive(t, m, keypress("space"))
	drive(t, m, keypress("enter"))
	if got := m.iv().sess.Value("prio"); got != "pay skills near" {
		t.Errorf("space then enter stored %q", got)
	}
}
