package tui

import (
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"tracer/forms"
	"tracer/survey"
)

// letThrough carries a message the laggy program held back, to be handled now.
type letThrough struct{ msg tea.Msg }

// laggy is a real program whose commands' answers of the kinds lag picks are held back
// until the test lets them through, as on a slow laptop: the test types in between.
type laggy struct {
	*program
	late chan tea.Msg
}

func runLaggy(tb testing.TB, e *env, lag func(tea.Msg) bool) *laggy {
	tb.Helper()
	m := New(context.Background(), e.cfg)
	l := &laggy{program: &program{tb: tb, m: m, done: make(chan error, 1)}, late: make(chan tea.Msg, 16)}
	l.p = tea.NewProgram(m,
		tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24), tea.WithoutSignals(),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			switch msg := msg.(type) {
			case probeMsg:
				msg.fn(m)
				close(msg.done)
				return nil
			case letThrough:
				return msg.msg
			}
			if lag(msg) {
				l.late <- msg
				return nil
			}
			return msg
		}))
	go func() {
		_, err := l.p.Run()
		l.done <- err
	}()
	tb.Cleanup(func() { l.p.Kill() })
	return l
}

// held waits for the next message held back.
func (l *laggy) held() tea.Msg {
	l.tb.Helper()
	select {
	case msg := <-l.late:
		return msg
	case <-time.After(30 * time.Second):
		l.tb.Fatal("no message held back")
		return nil
	}
}

// TestTypeaheadReachesTheScreenOpening: keys typed after the key that opens a screen, before
// the command opening it has answered, act on that screen once it shows, in order; none acts
// on the screen left. When what shows is not what the keys were typed for (a question asked
// first), they are dropped.
func TestTypeaheadReachesTheScreenOpening(t *testing.T) {
	const id = "BTG25-0105"
	pickWithLag := func(t *testing.T, e *env, lag func(tea.Msg) bool) *laggy {
		l := runLaggy(t, e, lag)
		l.findRespondent(id)
		return l
	}
	openedLate := func(msg tea.Msg) bool { _, ok := msg.(openedMsg); return ok }

	t.Run("the first answer typed at once after Enter on the picker", func(t *testing.T) {
		e := newEnv(t, true)
		l := pickWithLag(t, e, openedLate)
		l.press("enter")
		opened := l.held()
		// past the introduction, "yes" to the consent, on to the next question
		l.press("enter", "1", "enter")
		var query string
		l.look(func(m *Model) { query = m.picker().query.Value() })
		if query != id {
			t.Errorf("keys typed after Enter changed the picker's query to %q", query)
		}
		l.p.Send(letThrough{opened})
		l.waitFor("past the consent", func(m *Model) bool {
			return m.screen == screenInterview && m.iv() != nil && m.iv().stop.Path != "grp_consent/intro" && m.iv().stop.Path != "grp_consent/consent"
		})
		var ivID string
		l.look(func(m *Model) { ivID = m.iv().iv.ID })
		l.quit()
		got := storedAnswers(t, e, ivID)
		if got["grp_consent/consent"] != "yes" {
			t.Errorf("consent stored %q, want yes (answers %v)", got["grp_consent/consent"], got)
		}
		if got["grp_consent/roster_id"] != id {
			t.Errorf("the interview is %q's, want %s's", got["grp_consent/roster_id"], id)
		}
	})

	t.Run("a query typed at once after the key that opens the picker", func(t *testing.T) {
		e := newEnv(t, true)
		l := runLaggy(t, e, func(msg tea.Msg) bool { _, ok := msg.(goPickerMsg); return ok })
		l.waitFor("home", func(m *Model) bool { return m.screen == screenHome && m.home().loaded })
		l.press("1")
		picker := l.held()
		l.typ(id) // "2" on home would open the list
		l.p.Send(letThrough{picker})
		l.waitFor("the query on the picker", func(m *Model) bool {
			return m.screen == screenPicker && m.picker().query.Value() == id && len(m.picker().matches) > 0
		})
		l.quit()
	})

	t.Run("keys typed before the question of a second interview are dropped", func(t *testing.T) {
		e := newEnv(t, true)
		ctx := context.Background()
		prior := &survey.Interview{FormID: e.form.ID, FormVersion: e.form.Version, FormHash: e.form.Hash, Enumerator: "ani", RespondentID: id}
		if err := e.cfg.Interviews.Create(ctx, prior); err != nil {
			t.Fatal(err)
		}
		if _, err := e.cfg.Interviews.Finalize(ctx, prior.ID, nil); err != nil {
			t.Fatal(err)
		}
		l := pickWithLag(t, e, func(msg tea.Msg) bool { _, ok := msg.(priorMsg); return ok })
		l.press("enter")
		asked := l.held()
		l.press("y", "enter", "1")
		l.p.Send(letThrough{asked})
		l.waitFor("the question", func(m *Model) bool { return m.screen == screenPicker && m.picker().prior != nil })
		// the dialog still asks: the "y" typed before it showed did not answer it
		var asking bool
		l.look(func(m *Model) { asking = m.screen == screenPicker && m.picker().prior != nil })
		if !asking {
			t.Error("keys typed before the question answered it")
		}
		l.quit()
		ivs, err := e.cfg.Interviews.List(ctx, survey.InterviewFilter{RespondentID: id, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(ivs) != 1 {
			t.Errorf("%d interviews of %s, want the earlier one only", len(ivs), id)
		}
	})

	t.Run("keys typed after finalizing act on home", func(t *testing.T) {
		e := newEnv(t, true)
		persona := loadPersona(t, "employed")
		l := runLaggy(t, e, func(msg tea.Msg) bool { _, ok := msg.(finalizedMsg); return ok })
		l.pickRespondent(persona["roster_id"])
		l.interview(persona, -1)
		l.waitFor("review without problems", func(m *Model) bool { return m.screen == screenReview && m.review().problems == 0 })
		l.press("f", "y")
		finalized := l.held()
		l.press("1") // a new interview
		l.p.Send(letThrough{finalized})
		l.waitFor("the picker", func(m *Model) bool { return m.screen == screenPicker })
		l.quit()
	})
}

// TestTypeaheadWaitsForTheRows: Enter typed at once after the key that opens the list acts
// on the list's rows once they are read, and opens the draft, as it would on a quick laptop.
func TestTypeaheadWaitsForTheRows(t *testing.T) {
	e := newEnv(t, true)
	draft := &survey.Interview{FormID: e.form.ID, FormVersion: e.form.Version, FormHash: e.form.Hash, Enumerator: "ani", RespondentID: "BTG25-0105"}
	if err := e.cfg.Interviews.Create(context.Background(), draft); err != nil {
		t.Fatal(err)
	}
	l := runLaggy(t, e, func(msg tea.Msg) bool { _, ok := msg.(listMsg); return ok })
	l.waitFor("home", func(m *Model) bool { return m.screen == screenHome && m.home().loaded })
	l.press("2")
	rows := l.held()
	l.press("enter")
	l.p.Send(letThrough{rows})
	l.waitFor("the draft open", func(m *Model) bool { return m.screen == screenInterview && m.iv() != nil && m.iv().iv.ID == draft.ID })
	l.quit()
}

// TestTypeaheadIsBounded: more keys than the hold keeps are dropped whole, never a part of
// them; the program takes keys again once the screen shows.
func TestTypeaheadIsBounded(t *testing.T) {
	const id = "BTG25-0105"
	e := newEnv(t, true)
	l := runLaggy(t, e, func(msg tea.Msg) bool { _, ok := msg.(openedMsg); return ok })
	l.findRespondent(id)
	l.press("enter")
	opened := l.held()
	l.press("enter", "1", "enter")
	for range 100 { // more than the hold keeps
		l.press("2")
	}
	l.p.Send(letThrough{opened})
	l.waitFor("the interview", func(m *Model) bool { return m.screen == screenInterview && m.iv() != nil })
	var at string
	l.look(func(m *Model) { at = m.iv().stop.Path })
	if at != "grp_consent/intro" {
		t.Errorf("the interview opened at %s: a part of the keys typed was applied", at)
	}
	l.press("enter", "1", "enter")
	l.waitFor("past the consent", func(m *Model) bool {
		return m.iv().stop.Path != "grp_consent/consent" && m.iv().stop.Path != "grp_consent/intro"
	})
	var ivID string
	l.look(func(m *Model) { ivID = m.iv().iv.ID })
	l.quit()
	if got := storedAnswers(t, e, ivID)["grp_consent/consent"]; got != "yes" {
		t.Errorf("consent stored %q after the burst, want yes", got)
	}
}

// TestTypeaheadAnswersNothingUnseen: keys typed at once after the key that opens a screen
// never answer a question the enumerator has not seen: not a question of a draft resumed
// where it was left (she typed for the first question of a new interview), not a dialog a
// key typed ahead opened (finalize, asked with y).
func TestTypeaheadAnswersNothingUnseen(t *testing.T) {
	const id = "BTG25-0105"
	t.Run("a draft resumed mid-way", func(t *testing.T) {
		e := newEnv(t, true)
		ctx := context.Background()
		draft := &survey.Interview{FormID: e.form.ID, FormVersion: e.form.Version, FormHash: e.form.Hash, Enumerator: "ani", RespondentID: id}
		if err := e.cfg.Interviews.Create(ctx, draft); err != nil {
			t.Fatal(err)
		}
		const mode = "grp_consent/" + forms.ModeQuestion
		ch := survey.Changes{Answers: []survey.Answer{{Path: "grp_consent/consent", Value: "yes"}, {Path: "grp_consent/roster_id", Value: id}}, Position: mode}
		if err := e.cfg.Interviews.SaveProgress(ctx, draft.ID, ch); err != nil {
			t.Fatal(err)
		}
		l := runLaggy(t, e, func(msg tea.Msg) bool { _, ok := msg.(openedMsg); return ok })
		l.waitFor("home", func(m *Model) bool { return m.screen == screenHome && m.home().loaded })
		l.press("1")
		l.waitFor("picker", func(m *Model) bool { return m.screen == screenPicker })
		l.typ(id)
		l.waitFor("match "+id, func(m *Model) bool {
			return len(m.picker().matches) > 0 && m.picker().matches[0].Respondent.RosterID == id && m.picker().query.Value() == id
		})
		l.press("enter")
		opened := l.held()
		l.press("2") // for a first question; the draft resumes at the mode, where 2 is "phone"
		l.p.Send(letThrough{opened})
		l.waitFor("the draft at the mode", func(m *Model) bool {
			return m.screen == screenInterview && m.iv() != nil && m.iv().iv.ID == draft.ID && m.iv().stop.Path == mode
		})
		l.quit()
		if got := storedAnswers(t, e, draft.ID)[mode]; got != "" {
			t.Errorf("the mode stored %q, chosen by a key typed before it showed", got)
		}
	})

	t.Run("finalize confirmed before it was asked", func(t *testing.T) {
		e := newEnv(t, true)
		persona := loadPersona(t, "employed")
		var lag atomic.Bool
		l := runLaggy(t, e, func(msg tea.Msg) bool { _, ok := msg.(goReviewMsg); return ok && lag.Load() })
		l.pickRespondent(persona["roster_id"])
		l.interview(persona, -1)
		l.waitFor("review without problems", func(m *Model) bool { return m.screen == screenReview && m.review().problems == 0 })
		l.press("esc")
		l.waitFor("the interview", func(m *Model) bool { return m.screen == screenInterview })
		lag.Store(true)
		l.press("ctrl+r")
		review := l.held()
		l.press("f", "y")
		l.p.Send(letThrough{review})
		l.waitFor("the review", func(m *Model) bool { return m.screen == screenReview })
		var asked bool
		var ivID string
		l.look(func(m *Model) { asked, ivID = m.review().confirm, m.review().ses.iv.ID })
		l.quit()
		if !asked {
			t.Error("the question to finalize is not on show: the y typed before it showed answered it")
		}
		iv, err := e.cfg.Interviews.Get(context.Background(), ivID)
		if err != nil {
			t.Fatal(err)
		}
		if iv.State != survey.StateDraft {
			t.Errorf("the interview is %s, finalized by keys typed before the review showed", iv.State)
		}
	})
}
