package tui

import (
	"reflect"

	tea "charm.land/bubbletea/v2"
)

// maxTypeahead is the most keys held while a screen opens. A burst longer than this is
// dropped whole: a part of it could record an answer cut short.
const maxTypeahead = 64

// typeahead holds the keys typed while the screen they are meant for is being opened by a
// command: the interview being created or loaded after Enter on the picker or the list,
// the next screen after a navigation key, home after finalizing, the rows of the list. The
// runtime delivers a command's message after keys already typed, so without it those keys
// would reach the screen being left (which ignores them while busy, or worse, acts on them)
// or a screen with nothing on it yet. Only what the laptop's own database answers is waited
// for: the rows of the review queue and an interview under review come from the server,
// and a slow server would leave every key held, Esc included; keys typed before they come
// act on the screen as it is (arrows and Enter on nothing do nothing).
type typeahead struct {
	on bool
	// want is the type of the message that ends the hold.
	want reflect.Type
	keys []tea.KeyPressMsg
	// lost is set when more than maxTypeahead keys came: none is delivered.
	lost bool
}

// hold starts holding keys until a message of the type of until arrives (arrive).
func (c *common) hold(until tea.Msg) { c.ahead.on, c.ahead.want = true, reflect.TypeOf(until) }

// holding reports whether keys are held.
func (c *common) holding() bool { return c.ahead.on }

// holdKey keeps a key typed while a screen opens.
func (c *common) holdKey(k tea.KeyPressMsg) {
	if c.ahead.lost {
		return
	}
	if len(c.ahead.keys) >= maxTypeahead {
		c.ahead.keys, c.ahead.lost = nil, true
		return
	}
	c.ahead.keys = append(c.ahead.keys, k)
}

// navigate returns a command that shows another screen and holds the keys typed until it
// shows, for it.
func (c *common) navigate(msg tea.Msg) tea.Cmd {
	c.hold(msg)
	return send(msg)
}

// arrives reports whether msg ends the hold: the screen on its way, the interview opened
// (or not), the answer that asks before an interview opens, the outcome of finalizing, the
// rows a screen waited for.
func (c *common) arrives(msg tea.Msg) bool {
	return c.ahead.on && reflect.TypeOf(msg) == c.ahead.want
}

// arrive handles a message that ends a hold, then gives the held keys to the screen now on
// show, in order, as if it had been there when they were typed. They are dropped when what
// shows is not what the enumerator was going to: an error, a question asked first (a newer
// form version, a second interview of the alumnus), or when too many came. When handling
// msg started another hold (the picker found no earlier interview and creates one), the
// keys wait for that.
func (m *Model) arrive(msg tea.Msg) tea.Cmd {
	keys, lost := m.c.ahead.keys, m.c.ahead.lost
	m.c.ahead = typeahead{}
	_, cmd := m.update(msg)
	if m.c.holding() {
		next := m.c.ahead.keys
		m.c.ahead.keys = nil
		for _, k := range append(keys, next...) {
			m.c.holdKey(k)
		}
		m.c.ahead.lost = m.c.ahead.lost || lost
		return cmd
	}
	if len(keys) == 0 && !lost {
		return cmd
	}
	if lost || !m.expected(msg) {
		m.c.log.Info("keys typed while a screen opened dropped", "keys", len(keys), "too_many", lost)
		return cmd
	}
	cmds := []tea.Cmd{cmd}
	for i, k := range keys {
		if !m.c.holding() && m.asking() {
			// A key typed before the question showed never answers it.
			m.c.log.Info("keys typed while a screen opened dropped at a question", "keys", len(keys)-i)
			break
		}
		_, c := m.Update(k)
		cmds = append(cmds, c)
	}
	return tea.Batch(cmds...)
}

// asker is a screen that can ask a question of its own: confirm finalizing or approving,
// void a draft, remove a repeat's instance, start a second interview, record a call's
// outcome, and the like.
type asker interface {
	// asking reports whether the question is on show, waiting for its answer.
	asking() bool
}

// asking reports whether the screen on show asks a question of its own, which no key
// typed before it showed may answer.
func (m *Model) asking() bool {
	a, ok := m.current().(asker)
	return ok && a.asking()
}

func (s *interviewScreen) asking() bool { return s.confirm }
func (r *reviewScreen) asking() bool    { return r.confirm }
func (p *pickerScreen) asking() bool    { return p.prior != nil }
func (h *homeScreen) asking() bool      { return h.void.editing() }
func (l *listScreen) asking() bool      { return l.void.editing() }
func (s *migrateScreen) asking() bool   { return s.done == nil && s.err == nil }
func (f *formsScreen) asking() bool     { return f.confirm != "" }
func (d *detailScreen) asking() bool    { return d.confirm || d.edit != nil }
func (v *updatesScreen) asking() bool   { return v.deciding }
func (v *callsScreen) asking() bool     { return v.picking || v.typing || v.choosing || v.entering }
func (v *tracingScreen) asking() bool   { return v.step != assignNone }
func (v *linksScreen) asking() bool     { return v.step != linkNone }

// expected reports whether the screen msg brought is the one the keys held were typed for.
func (m *Model) expected(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case openedMsg:
		// Keys typed at once after opening an interview are for its first question, the one
		// an enumerator knows before it shows: a draft resumes where it was left, at a
		// question she has not seen yet, so they are dropped there.
		if msg.err != nil {
			return false
		}
		return m.screen == screenReview || m.screen == screenInterview && msg.created
	case listMsg:
		return msg.err == nil
	case priorMsg, finalizedMsg:
		return false
	case callSavedMsg:
		return msg.err == nil // the call list says why the interview did not start
	}
	return true
}
