package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// pickerScreen searches the roster as the enumerator types and starts or resumes the
// interview of the chosen respondent, or of a walk-in.
type pickerScreen struct {
	c       *common
	query   lineEdit
	matches []survey.Match
	// matched is the query matches answer. While it is not the query on screen, the search
	// for that query runs, and the keys that act on the matches (arrows, Enter), with every
	// key after them, wait in queued until its answer comes.
	matched string
	queued  []tea.KeyPressMsg
	cursor  int
	err     error
	busy    bool
	// prior is the completed interview of the chosen alumnus in this form and year: a
	// second one starts only once the enumerator confirms it.
	prior         *priorMsg
	rosterSize    int // -1 until counted
	width, height int
}

func newPickerScreen(c *common) *pickerScreen { return &pickerScreen{c: c, rosterSize: -1} }

func (p *pickerScreen) reset() tea.Cmd {
	p.query.SetValue("")
	p.matches, p.matched, p.queued, p.cursor, p.err, p.busy, p.prior = nil, "", nil, 0, nil, false, nil
	ctx, roster := p.c.ctx, p.c.cfg.Roster
	if roster == nil {
		return nil
	}
	return func() tea.Msg {
		n, err := roster.Count(ctx)
		if err != nil {
			n = -1
		}
		return rosterSizeMsg{n: n}
	}
}

// priorMsg carries the completed interview (finalized, sent or returned) an alumnus already
// has in the form on screen and the current wave (wave names it), or the current year when
// the study has no waves; iv is nil when there is none.
type priorMsg struct {
	resp *survey.Respondent
	iv   *survey.Interview
	wave string
	err  error
}

// priorCmd looks for the alumnus's completed interview of this wave: the same form, begun
// in the current wave of the pulled waves, or in the same calendar year when the study has
// no waves.
func (p *pickerScreen) priorCmd(resp *survey.Respondent) tea.Cmd {
	ctx, cfg := p.c.ctx, p.c.cfg
	year := cfg.Now().Year()
	p.c.hold(priorMsg{}) // the keys typed until the interview opens are its
	return func() tea.Msg {
		ivs, err := cfg.Interviews.List(ctx, survey.InterviewFilter{RespondentID: resp.RosterID, Limit: 50})
		if err != nil {
			return priorMsg{resp: resp, err: err}
		}
		for _, iv := range ivs {
			if iv.State == survey.StateDraft && iv.FormID == cfg.Form.ID {
				return priorMsg{resp: resp} // the draft is resumed
			}
		}
		waves, err := cfg.waves(ctx)
		if err != nil {
			return priorMsg{resp: resp, err: err}
		}
		for _, iv := range ivs {
			if iv.FormID != cfg.Form.ID {
				continue
			}
			// with waves, one of the current wave; else one of this calendar year
			if len(waves) > 0 && survey.Interviewed(waves, []*survey.Interview{iv})[resp.RosterID] ||
				len(waves) == 0 && iv.StartedAt.Year() == year {
				return priorMsg{resp: resp, iv: iv, wave: survey.CurrentWave(waves)}
			}
		}
		return priorMsg{resp: resp}
	}
}

// rosterSizeMsg carries the number of respondents on the roster.
type rosterSizeMsg struct{ n int }

func (p *pickerScreen) SetSize(w, h int) { p.width, p.height = w, h }

// searchCmd looks query up in the roster.
func (p *pickerScreen) searchCmd(query string) tea.Cmd {
	ctx, roster := p.c.ctx, p.c.cfg.Roster
	if roster == nil {
		return nil
	}
	return func() tea.Msg {
		ms, err := roster.Search(ctx, query, 50)
		return searchMsg{query: query, matches: ms, err: err}
	}
}

func (p *pickerScreen) Update(msg tea.Msg) tea.Cmd {
	k := p.c.keys
	switch msg := msg.(type) {
	case rosterSizeMsg:
		p.rosterSize = msg.n
		return nil
	case goPickerMsg:
		return p.reset()
	case openedMsg:
		p.busy = false // the interview did not open: the picker takes keys again
		return nil
	case priorMsg:
		if msg.err != nil {
			p.busy, p.err = false, msg.err
			return nil
		}
		if msg.iv == nil {
			return p.c.startCmd(msg.resp, "")
		}
		p.busy, p.prior = false, &msg
		return nil
	case searchMsg:
		if msg.query != p.query.Value() {
			return nil // a stale answer to an earlier keystroke
		}
		p.matches, p.matched, p.err, p.cursor = msg.matches, msg.query, msg.err, 0
		if msg.err != nil {
			p.c.log.Error("search roster", "err", msg.err)
		}
		// The keys typed while the search ran act now, on its matches, in order.
		keys := p.queued
		p.queued = nil
		cmds := make([]tea.Cmd, 0, len(keys))
		for _, k := range keys {
			if p.c.holding() {
				p.c.holdKey(k) // typed after the Enter that opens an interview: for it
				continue
			}
			cmds = append(cmds, p.Update(k))
		}
		return tea.Batch(cmds...)
	case tea.KeyPressMsg:
		if p.busy {
			return nil
		}
		if len(p.queued) > 0 || (p.searching() && key.Matches(msg, k.Up, k.Down, k.Next)) {
			if len(p.queued) < maxQueued {
				p.queued = append(p.queued, msg)
			}
			return nil
		}
		if p.prior != nil {
			prior := p.prior
			p.prior = nil
			if key.Matches(msg, k.Yes) {
				p.busy = true
				return p.c.startCmd(prior.resp, "")
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Esc):
			return p.c.navigate(goHomeMsg{})
		case key.Matches(msg, k.Up):
			p.cursor = max(p.cursor-1, 0)
			return nil
		case key.Matches(msg, k.Down):
			p.cursor = max(min(p.cursor+1, len(p.matches)-1), 0)
			return nil
		case key.Matches(msg, k.Next):
			if len(p.matches) == 0 {
				return nil
			}
			p.busy = true
			return p.priorCmd(p.matches[p.cursor].Respondent)
		case key.Matches(msg, k.WalkIn):
			p.busy = true
			return p.c.startCmd(nil, "")
		}
	}
	before := p.query.Value()
	if handled, _ := p.query.update(&p.c.fkeys.Edit, msg); handled && p.query.Value() != before {
		q := p.query.Value()
		if strings.TrimSpace(q) == "" {
			p.matches, p.matched = nil, q
			return nil
		}
		cmd := p.searchCmd(q)
		if cmd == nil {
			p.matches, p.matched = nil, q // no roster: nothing to wait for
		}
		return cmd
	}
	return nil
}

// maxQueued is the most keys the picker holds while a search runs.
const maxQueued = 256

// searching reports whether the roster search for the query on screen has not answered yet.
func (p *pickerScreen) searching() bool {
	return strings.TrimSpace(p.query.Value()) != "" && p.matched != p.query.Value()
}

func (p *pickerScreen) View() string {
	c, t, st := p.c, p.c.t, p.c.st
	var b strings.Builder
	b.WriteString(st.Label.Render(t.PickerPrompt) + "\n")
	b.WriteString(p.query.view(min(p.width-4, 50), st, true) + "\n")
	hint := wrap(t.PickerHint, p.width, st.Hint.Render)
	if p.rosterSize == 0 {
		// A laptop without a roster: say how to get one.
		hint += "\n" + wrap(t.PickerEmpty, p.width, st.Warn.Render)
	}
	b.WriteString(hint + "\n\n")
	if p.err != nil {
		b.WriteString(st.Error.Render(t.ErrLoad+" "+p.c.errText(p.err)) + "\n")
	}
	esc := survey.Printable
	detail := func(r *survey.Respondent) string {
		return fmt.Sprintf("%s · %s · NIK %s · %s", esc(r.ProgramName), esc(r.BatchID), esc(survey.MaskNIK(r.NIK)), esc(survey.MaskPhone(r.Phone)))
	}
	// The alumnus highlighted has the whole of his details, wrapped; the others one line.
	var selected string
	if p.cursor >= 0 && p.cursor < len(p.matches) {
		selected = hang("    ", detail(p.matches[p.cursor].Respondent), p.width)
	}
	rows := max(p.height-5-strings.Count(hint, "\n")-1-strings.Count(selected, "\n"), 1) / 2
	start := 0
	if p.cursor >= rows {
		start = p.cursor - rows + 1
	}
	if strings.TrimSpace(p.query.Value()) != "" && len(p.matches) == 0 && !p.searching() {
		b.WriteString(st.Muted.Render("  "+t.PickerNone) + "\n")
	}
	if pr := p.prior; pr != nil {
		state := t.state(pr.iv.State)
		when := t.PickerThisYear
		if pr.wave != "" {
			when = survey.Plurals(t.PickerThisWave, survey.Printable(pr.wave))
		}
		why := survey.Plurals(t.PickerPrior, pr.resp.Name, when, state, pr.iv.StartedAt.Local().Format("02-01-2006"), pr.iv.Revision)
		b.WriteString(wrap(why, p.width, st.Warn.Render) + "\n" + wrap(t.PickerPriorAsk, p.width, st.Warn.Render) + "\n\n")
	}
	for i := start; i < len(p.matches) && i < start+rows; i++ {
		m := p.matches[i]
		r := m.Respondent
		mark := "  "
		if i == p.cursor {
			mark = "› "
		}
		prog := ""
		switch m.Progress {
		case survey.ProgressDraft:
			prog = st.Warn.Render(" [" + t.PickerDraft + "]")
		case survey.ProgressDone:
			prog = st.OK.Render(" [" + t.PickerDone + "]")
		}
		line1 := fmt.Sprintf("%s%-11s %s", mark, esc(r.RosterID), esc(r.Name)) + prog
		line2 := ansi.Truncate("    "+detail(r), p.width, "…")
		if i == p.cursor {
			line1 = st.Selected.Render(line1)
			line2 = selected
		}
		b.WriteString(ansi.Truncate(line1, p.width, "…") + "\n" + st.Muted.Render(line2) + "\n")
	}
	_ = c
	return b.String()
}

func (p *pickerScreen) ShortHelp() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.Next, k.Up, k.Down, k.WalkIn, k.Esc}
}

func (p *pickerScreen) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{{k.Next, k.Up, k.Down}, {k.WalkIn, k.Esc, k.Quit}}
}
