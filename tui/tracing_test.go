package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"tracer/survey"
	"tracer/survey/report"
)

// stubTracing answers the tracing screen's two calls from memory and records the
// assignments asked; the screen against the real server is in cmd/tracer's tests.
type stubTracing struct {
	p       *report.Progress
	asked   []survey.AssignSelector
	to      []string
	failure error
}

func (f *stubTracing) Progress(context.Context) (*report.Progress, error) { return f.p, nil }

func (f *stubTracing) Assign(_ context.Context, to string, sel survey.AssignSelector) (survey.AssignResult, error) {
	f.asked, f.to = append(f.asked, sel), append(f.to, to)
	if f.failure != nil {
		return survey.AssignResult{}, f.failure
	}
	return survey.AssignResult{To: to, Assigned: 3}, nil
}

func withTracing(t *testing.T, e *env) *stubTracing {
	t.Helper()
	f := &stubTracing{p: &report.Progress{Day: "2026-11-20",
		Enumerators: []report.EnumeratorProgress{
			{Enumerator: "ani", Assigned: 5, Attempts: 8, AttemptsToday: 3, Contacts: 3, ContactsToday: 1, Completes: 1, CompleteToday: 1, Refusals: 1},
			{Enumerator: "eko", Assigned: 1},
		},
		NotTried: []report.Pending{{RosterID: "BTG25-0099", Enumerator: "eko"}},
		Overdue:  []report.Pending{{RosterID: "BTG25-0071", Enumerator: "ani", Callback: fixedNow.Add(-90 * time.Minute)}},
	}}
	if e.cfg.Sync == nil {
		withSync(e)
	}
	e.cfg.Role, e.cfg.Tracing = survey.RoleSupervisor, f
	return f
}

// TestTracingScreen: 0 on home opens the supervisor's tracing screen with the progress
// per enumerator (today/all), the alumni never tried and the call-backs overdue; the
// assignment dialog sends nothing until y, Esc and n cancel, a list of ids is split, and
// a refusal is shown in one line.
func TestTracingScreen(t *testing.T) {
	e := newEnv(t, true)
	e.cfg.Lang = "en"
	f := withTracing(t, e)
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "0  Tracing: progress, assignments") {
		t.Fatalf("home lacks the tracing action:\n%s", v)
	}
	drive(t, m, keypress("0"))
	v := plain(m)
	if m.screen != screenTracing {
		t.Fatalf("screen %d\n%s", m.screen, v)
	}
	for _, want := range []string{"Today 2026-11-20", "1 never tried", "1 call-back overdue", "ani               5       3/8       1/3       1/1       0/1"} {
		if !strings.Contains(v, want) {
			t.Errorf("tracing screen lacks %q:\n%s", want, v)
		}
	}
	drive(t, m, keypress("right"))
	if v := plain(m); !strings.Contains(v, "BTG25-0099       eko") {
		t.Errorf("not tried tab:\n%s", v)
	}
	drive(t, m, keypress("right"))
	if v := plain(m); !strings.Contains(v, "BTG25-0071       ani            call-back 2026-11-20 08:00 (overdue 1h30m0s)") {
		t.Errorf("overdue tab:\n%s", v)
	}

	// Esc at any step sends nothing; n at the question neither.
	drive(t, m, keypress("a"))
	drive(t, m, keypress("b"))
	typeText(t, m, "B1")
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("a"))
	drive(t, m, keypress("k"))
	typeText(t, m, "LAS")
	drive(t, m, keypress("enter"))
	typeText(t, m, "eko")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Assign kejuruan LAS to eko? (y/n)") {
		t.Errorf("no question:\n%s", v)
	}
	drive(t, m, keypress("n"))
	if len(f.asked) != 0 {
		t.Fatalf("sent without y: %v", f.asked)
	}
	// Enter on an empty value moves on to nothing.
	drive(t, m, keypress("a"))
	drive(t, m, keypress("r"))
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Type it first, then Enter.") {
		t.Errorf("empty value accepted:\n%s", v)
	}
	typeText(t, m, "6474")
	drive(t, m, keypress("enter"))
	typeText(t, m, "ani")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("y"))
	if len(f.asked) != 1 || f.asked[0].Regency != "6474" || f.asked[0].Named() != 1 || f.to[0] != "ani" {
		t.Fatalf("assignment sent: %+v to %v", f.asked, f.to)
	}
	if v := plain(m); !strings.Contains(v, "Assigned 3 alumni to ani.") {
		t.Errorf("no outcome:\n%s", v)
	}
	// A list of roster ids, and the server's refusal in one line.
	f.failure = survey.Errorf(survey.ENOTFOUND, "The roster has no row %q; nothing was assigned.", "X9")
	drive(t, m, keypress("a"))
	drive(t, m, keypress("l"))
	typeText(t, m, "BTG25-0071, X9")
	drive(t, m, keypress("enter"))
	typeText(t, m, "eko")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Assign 2 roster ids to eko? (y/n)") {
		t.Errorf("no question for the list:\n%s", v)
	}
	drive(t, m, keypress("y"))
	if got := f.asked[1].RosterIDs; len(got) != 2 || got[0] != "BTG25-0071" || got[1] != "X9" {
		t.Errorf("ids sent: %v", got)
	}
	if v := plain(m); !strings.Contains(v, `Not assigned: The roster has no row "X9"; nothing was assigned.`) {
		t.Errorf("refusal not shown:\n%s", v)
	}
	// A column of ids pasted from a spreadsheet, and a ? typed in the enumerator's name,
	// are typed in: the paste's line breaks separate ids and never send the entry.
	f.failure = nil
	drive(t, m, keypress("a"))
	drive(t, m, keypress("l"))
	drive(t, m, tea.PasteMsg{Content: "BTG25-0071\r\nBTG25-0072\nBTG25-0073\n"})
	if v := plain(m); strings.Contains(v, "(y/n)") || !strings.Contains(v, "BTG25-0073") {
		t.Fatalf("the pasted ids:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	typeText(t, m, "eko?")
	if m.showHelp {
		t.Fatalf("? in the enumerator's name opened the help")
	}
	drive(t, m, keypress("backspace"))
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("y"))
	if got := f.asked[len(f.asked)-1]; len(got.RosterIDs) != 3 || got.RosterIDs[2] != "BTG25-0073" || f.to[len(f.to)-1] != "eko" {
		t.Errorf("pasted ids sent: %v to %v", got.RosterIDs, f.to)
	}
	drive(t, m, keypress("esc"))
	if m.screen != screenHome {
		t.Errorf("esc leaves to screen %d", m.screen)
	}
}
