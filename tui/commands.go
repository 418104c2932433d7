package tui

import (
	"context"
	"errors"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"tracer/forms"
	"tracer/survey"
)

// journal runs writes one at a time in the order Update numbered them, whatever order the
// runtime starts their commands in, so that a later answer never lands before an earlier one.
type journal struct {
	mu   sync.Mutex
	cond *sync.Cond
	next uint64
}

func newJournal() *journal {
	j := &journal{}
	j.cond = sync.NewCond(&j.mu)
	return j
}

// do waits for the turn of seq, runs fn and passes the turn on.
func (j *journal) do(seq uint64, fn func() error) error {
	j.mu.Lock()
	for j.next != seq {
		j.cond.Wait()
	}
	j.mu.Unlock()
	err := fn()
	j.mu.Lock()
	j.next++
	j.cond.Broadcast()
	j.mu.Unlock()
	return err
}

// write numbers a write now, in Update, and returns the command that runs it in turn and
// reports its outcome as the message done makes.
func (c *common) write(fn func(ctx context.Context) error, done func(error) tea.Msg) tea.Cmd {
	seq := c.seq
	c.seq++
	ctx := c.ctx
	return func() tea.Msg {
		return done(c.writes.do(seq, func() error { return fn(ctx) }))
	}
}

// flushedMsg says that every write numbered before it has run.
type flushedMsg struct{}

// flush returns a command that finishes once the writes before it have run.
func (c *common) flush() tea.Cmd {
	return c.write(func(context.Context) error { return nil }, func(error) tea.Msg { return flushedMsg{} })
}

// homeMsg carries the counts of interviews by state.
type homeMsg struct {
	forms  []*forms.Form // the study's forms now, when Config.Offered is set
	counts map[survey.State]int
	// byForm counts the interviews of each form id by state
	byForm map[string]map[survey.State]int
	today  int
	roster int
	// wave is the current wave's name and waveDone the alumni with a completed interview
	// of the form in use begun in it; wave is empty when the study has no waves.
	wave     string
	waveDone int
	err      error
}

// searchMsg carries the roster matches of a query.
type searchMsg struct {
	query   string
	matches []survey.Match
	err     error
}

// errSealed says a finalized interview's answers were sealed for the server (or purged
// after its approval) and cannot be shown on this laptop.
var errSealed = errors.New("the interview is sealed for the server")

// openedMsg carries an interview to show: a new one (created), a draft to resume, or a
// finalized one to read (readOnly).
type openedMsg struct {
	iv       *survey.Interview
	answers  []survey.Answer
	resp     *survey.Respondent
	created  bool
	readOnly bool
	// corrected is set when a returned interview has just become a draft again: it opens
	// at the first question the supervisor commented on.
	corrected bool
	// form is the form the interview was made with; newer, a newer version of it the
	// draft may move to (the enumerator is asked).
	form  *forms.Form
	newer *forms.Form
	// mode is how a new interview is made ("phone" from the call list): the form's mode
	// question starts with it answered when it offers that choice.
	mode string
	err  error
}

// listMsg carries the interviews of the list screen with their respondents' names.
type listMsg struct {
	rows []listRow
	err  error
}

// savedMsg reports the outcome of saving answers; paths are the answers it wrote or removed.
type savedMsg struct {
	id      string
	changed []string
	removed []string
	err     error
}

// finalizedMsg reports the outcome of finalizing an interview.
type finalizedMsg struct {
	id  string
	err error
}

// langChangedMsg switches the UI language.
type langChangedMsg struct{ lang string }

// startCmd opens the respondent's draft if there is one, else creates a new interview made
// by mode ("" when not known: nothing is prefilled for it).
func (c *common) startCmd(resp *survey.Respondent, mode string) tea.Cmd {
	ctx, cfg := c.ctx, c.cfg
	formLang := c.formLang()
	c.hold(openedMsg{}) // the keys typed until it opens are the interview's
	return func() tea.Msg {
		if resp != nil {
			// the alumnus's draft of this form; a draft of another form is another interview
			ivs, err := cfg.Interviews.List(ctx, survey.InterviewFilter{RespondentID: resp.RosterID, FormID: cfg.Form.ID,
				State: survey.StateDraft, Limit: 1})
			if err != nil {
				return openedMsg{err: err}
			}
			if len(ivs) > 0 {
				return c.load(ctx, ivs[0], resp)
			}
		}
		iv := &survey.Interview{
			FormID: cfg.Form.ID, FormVersion: cfg.Form.Version, FormHash: cfg.Form.Hash,
			Enumerator: cfg.Enumerator, Lang: formLang,
		}
		if resp != nil {
			iv.RespondentID = resp.RosterID
		} else {
			resp = &survey.Respondent{RosterID: "WALKIN-" + strings.ToUpper(survey.ShortID(survey.NewID()))}
		}
		if err := cfg.Interviews.Create(ctx, iv); err != nil {
			return openedMsg{err: err}
		}
		return openedMsg{iv: iv, resp: resp, created: true, form: cfg.Form, mode: mode}
	}
}

// load reads an interview's answers and respondent for the interview screen: a draft to
// continue (with a "resume" event), any other interview to read.
func (c *common) load(ctx context.Context, iv *survey.Interview, resp *survey.Respondent) openedMsg {
	cfg := c.cfg
	readOnly := iv.State != survey.StateDraft
	answers, err := cfg.Interviews.Answers(ctx, iv.ID)
	if err != nil {
		return openedMsg{err: err}
	}
	if readOnly && len(answers) == 0 && iv.State != survey.StateReturned {
		return openedMsg{err: errSealed}
	}
	if resp == nil && iv.RespondentID != "" {
		resp, _ = cfg.Roster.Get(ctx, iv.RespondentID)
	}
	f := cfg.Form
	if cfg.FormOf != nil {
		if f, err = cfg.FormOf(ctx, iv); err != nil {
			return openedMsg{err: err}
		}
	}
	var newer *forms.Form
	if !readOnly && cfg.Newer != nil {
		if newer, err = cfg.Newer(ctx, f); err != nil {
			c.log.Warn("newer form version", "err", err)
			newer = nil
		}
	}
	if !readOnly && cfg.Events != nil {
		if err := cfg.Events.Append(ctx, survey.Event{InterviewID: iv.ID, Kind: survey.EventResume, Path: iv.Position}); err != nil {
			c.log.Warn("append resume event", "err", err)
		}
	}
	return openedMsg{iv: iv, answers: answers, resp: resp, readOnly: readOnly, form: f, newer: newer}
}

// openCmd opens a stored interview: a draft to continue, a returned one corrected as its
// next revision (survey.InterviewStore.Correct), any other to read.
func (c *common) openCmd(id string) tea.Cmd {
	ctx, cfg := c.ctx, c.cfg
	c.hold(openedMsg{}) // the keys typed until it opens are the interview's
	return func() tea.Msg {
		iv, err := cfg.Interviews.Get(ctx, id)
		if err != nil {
			return openedMsg{err: err}
		}
		corrected := iv.State == survey.StateReturned
		if corrected {
			if iv, err = cfg.Interviews.Correct(ctx, id); err != nil {
				return openedMsg{err: err}
			}
		}
		msg := c.load(ctx, iv, nil)
		msg.corrected = corrected
		return msg
	}
}

// formLang returns the form language that follows the UI language, "" when the form does
// not have it.
func (c *common) formLang() string { return c.formLangOf(c.cfg.Form) }

// formLangOf is formLang for form f, which may be another form than Home's: the language
// chosen with Ctrl+L when f has it, else f's language matching the UI's, else f's default.
func (c *common) formLangOf(f *forms.Form) string {
	if c.formPref != "" {
		if l, ok := f.MatchLang(c.formPref); ok {
			return l
		}
		if f == c.cfg.Form {
			return c.formPref
		}
	}
	if l, ok := f.MatchLang(c.lang); ok {
		return l
	}
	return f.DefaultLang
}
