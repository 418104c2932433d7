package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"tracer/survey"
)

// fakeRefusals is the server's late refusals as a supervisor reads them.
type fakeRefusals struct {
	list  []survey.LateRefusal
	err   error
	reads int
}

func (f *fakeRefusals) LateRefusals(context.Context) ([]survey.LateRefusal, error) {
	f.reads++
	return f.list, f.err
}

// withRefusals gives e's supervisor three late refusals: an interview's revision, a contact
// attempt and a roster update.
func withRefusals(e *env) *fakeRefusals {
	at := fixedNow.Add(-time.Hour)
	f := &fakeRefusals{list: []survey.LateRefusal{
		{Seq: 1, Kind: survey.ItemInterview, Refusal: survey.Refusal{InterviewID: "iv-0232", Revision: 1, Hash: "h1", Code: survey.EFORBIDDEN,
			Message: "The record names enumerator \"ani\"; an enumerator sends only her own interviews (budi).", At: at},
			SubmittedBy: "budi", Relay: "rina", Outcome: survey.OutcomeRefused},
		{Seq: 2, Kind: survey.ItemAttempt, Refusal: survey.Refusal{InterviewID: "at-0071", Code: survey.ECONFLICT,
			Message: "Another content was stored for attempt at-0071 before; both are kept for the supervisor.", At: at},
			SubmittedBy: "ani", Relay: "rina", Outcome: survey.OutcomeConflict},
		{Seq: 3, Kind: survey.ItemRosterUpdate, Refusal: survey.Refusal{InterviewID: "up-0100", Code: survey.EFORBIDDEN,
			Message: "Roster update up-0100: alumnus BTG25-0100 is not assigned to ani (assigned to another enumerator); ask the supervisor to assign it.", At: at},
			SubmittedBy: "ani", Relay: "rina", Outcome: survey.OutcomeRefused},
	}}
	e.cfg.Refusals = f
	return f
}

// A supervisor's Home counts what the centre refused after relays took it, in either
// language, and r lists each with its kind, account, relay and reason, the newest first;
// with none, Home says nothing of it; a server that cannot be read is said in one line.
func TestSupervisorLateRefusals(t *testing.T) {
	for _, c := range []struct {
		lang, home, title string
		kinds             []string
	}{
		{"id", "r  Ditolak pusat setelah diterima relay (3)", "Ditolak pusat setelah diterima relay: 3",
			[]string{"usulan data up-0100", "percobaan kontak at-0071", "wawancara iv-0232 revisi 1"}},
		{"en", "r  Refused at the centre after a relay took it (3)", "Refused at the centre after a relay took it: 3",
			[]string{"roster update up-0100", "contact attempt at-0071", "interview iv-0232 revision 1"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			e := newEnv(t, true)
			e.cfg.Lang = c.lang
			withReviewer(t, e)
			f := withRefusals(e)
			m := start(t, e)
			if v := plain(m); !strings.Contains(v, c.home) {
				t.Fatalf("home lacks %q:\n%s", c.home, v)
			}
			drive(t, m, keypress("r"))
			if m.screen != screenRefused {
				t.Fatalf("r did not open the late refusals:\n%s", plain(m))
			}
			v := plain(m)
			if !strings.Contains(v, c.title) {
				t.Errorf("the list lacks its title %q:\n%s", c.title, v)
			}
			last := -1
			for _, k := range c.kinds {
				i := strings.Index(v, k)
				if i < 0 || i < last {
					t.Errorf("the list lacks %q, or not newest first:\n%s", k, v)
				}
				last = i
			}
			// The one under the cursor is shown whole: its reason to the end.
			if !strings.Contains(strings.Join(strings.Fields(v), " "), "ask the supervisor to assign it. (forbidden)") {
				t.Errorf("the selected refusal is not shown whole:\n%s", v)
			}
			drive(t, m, keypress("down"))
			if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "both are kept for the supervisor. (conflict)") {
				t.Errorf("down does not select the attempt:\n%s", plain(m))
			}
			drive(t, m, keypress("esc"))
			if m.screen != screenHome {
				t.Fatalf("esc did not go home:\n%s", plain(m))
			}
			f.list = nil
			drive(t, m, goHomeMsg{})
			if v := plain(m); strings.Contains(v, "relay (") || strings.Contains(v, "relay took it (") {
				t.Errorf("home counts late refusals when there are none:\n%s", v)
			}
			f.err = survey.Errorf(survey.EUNAVAILABLE, "The server cannot be reached now.")
			drive(t, m, keypress("r"))
			if v := plain(m); !strings.Contains(v, "The server cannot be reached now.") {
				t.Errorf("a failed read is not said:\n%s", v)
			}
		})
	}
}

// An enumerator has no list of late refusals: r does nothing on her Home.
func TestEnumeratorHasNoLateRefusalList(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	drive(t, m, keypress("r"))
	if m.screen != screenHome {
		t.Fatalf("r opened screen %d for an enumerator", m.screen)
	}
}
