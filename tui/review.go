package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/forms"
	"tracer/survey"
)

// reviewScreen shows the problems first, then every answer by section; finalizing asks once.
type reviewScreen struct {
	c             *common
	ses           *ivSession
	lines         []reviewLine
	problems      int
	cursor        int
	confirm       bool
	busy          bool
	err           string
	width, height int
}

func newReviewScreen(c *common, ses *ivSession) *reviewScreen {
	r := &reviewScreen{c: c, ses: ses}
	r.build()
	return r
}

// build lays out the review from the session.
func (r *reviewScreen) build() {
	t, s := r.c.t, r.ses.sess
	r.lines = r.lines[:0]
	probs := s.Problems()
	r.problems = len(probs)
	if !r.ses.readOnly {
		if len(probs) > 0 {
			r.lines = append(r.lines, reviewLine{text: survey.Plurals(t.FinalizeProblems, len(probs))})
			for _, p := range probs {
				r.lines = append(r.lines, reviewLine{text: s.Label(p.Path) + " — " + p.Message, path: p.Path, problem: true})
			}
			r.lines = append(r.lines, reviewLine{})
		} else {
			r.lines = append(r.lines, reviewLine{text: t.FinalizeNoProblems}, reviewLine{})
		}
	}
	section := "\x00"
	for _, st := range s.Stops() {
		if st.Prompt || st.Node.Kind == forms.KindNote {
			continue
		}
		if sec := strings.Join(s.Sections(st.Path), " › "); sec != section {
			section = sec
			r.lines = append(r.lines, reviewLine{text: "## " + sec})
		}
		v := display(t, s, st.Path)
		r.lines = append(r.lines, reviewLine{label: s.Label(st.Path), value: v, path: st.Path})
	}
	r.cursor = 0
	r.moveTo(0, 1)
}

// moveTo puts the cursor on the nearest line with a path from i in direction dir.
func (r *reviewScreen) moveTo(i, dir int) {
	for i >= 0 && i < len(r.lines) {
		if r.lines[i].path != "" {
			r.cursor = i
			return
		}
		i += dir
	}
}

func (r *reviewScreen) SetSize(w, h int) { r.width, r.height = w, h }

// finalizeCmd freezes the relevant answers (calculations included), then finalizes.
func (r *reviewScreen) finalizeCmd() tea.Cmd {
	iv := r.ses
	final := iv.sess.Final()
	id, store := iv.iv.ID, r.c.cfg.Interviews
	r.c.hold(finalizedMsg{}) // the keys typed until home shows are home's
	iv.saved = map[string]string{}
	for _, a := range final {
		iv.saved[a.Path] = a.Value
	}
	return r.c.write(func(ctx context.Context) error {
		// Only the relevant answers are frozen: what became irrelevant is dropped, as ODK does.
		_, err := store.Finalize(ctx, id, final)
		return err
	}, func(err error) tea.Msg { return finalizedMsg{id: id, err: err} })
}

func (r *reviewScreen) Update(msg tea.Msg) tea.Cmd {
	k := r.c.keys
	switch msg := msg.(type) {
	case finalizedMsg:
		if msg.id != r.ses.iv.ID {
			return nil
		}
		r.busy = false
		if msg.err != nil {
			r.c.log.Error("finalize", "interview", msg.id, "err", msg.err)
			r.err = r.c.t.ErrFinalize + " " + r.c.errText(msg.err)
			return nil
		}
		r.ses.readOnly = true
		return r.c.navigate(goHomeMsg{status: r.c.t.FinalizeDone})
	case tea.KeyPressMsg:
		if r.busy {
			return nil
		}
		if r.confirm {
			r.confirm = false
			if key.Matches(msg, k.Yes) {
				r.busy = true
				return r.finalizeCmd()
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Esc):
			if r.ses.readOnly {
				return r.c.navigate(goListMsg{})
			}
			return r.c.navigate(goInterviewMsg{})
		case key.Matches(msg, k.Up):
			r.moveTo(r.cursor-1, -1)
		case key.Matches(msg, k.Down):
			r.moveTo(r.cursor+1, 1)
		case key.Matches(msg, k.PageUp):
			r.moveTo(max(r.cursor-10, 0), 1)
		case key.Matches(msg, k.PageDown):
			r.moveTo(min(r.cursor+10, len(r.lines)-1), -1)
		case key.Matches(msg, k.Next):
			if r.ses.readOnly || r.cursor >= len(r.lines) || r.lines[r.cursor].path == "" {
				return nil
			}
			return r.c.navigate(goInterviewMsg{path: r.lines[r.cursor].path})
		case key.Matches(msg, k.Finalize), msg.String() == "f":
			if r.ses.readOnly {
				return nil
			}
			if r.problems > 0 {
				r.err = r.c.t.FinalizeFixFirst
				return nil
			}
			r.err = ""
			r.confirm = true
		}
	}
	return nil
}

func (r *reviewScreen) View() string {
	t, st := r.c.t, r.c.st
	var b strings.Builder
	if r.ses.readOnly {
		b.WriteString(wrap(t.FinalizeReadOnly, r.width, st.Warn.Render) + "\n")
	} else {
		b.WriteString(wrap(t.FinalizeHelp, r.width, st.Muted.Render) + "\n")
	}
	// The line under the list is wrapped, as long as it takes: the question that
	// finalizes says in full which key confirms and that any other cancels.
	foot, footLines := "", 1
	switch {
	case r.confirm:
		foot = wrap(t.FinalizeConfirm, r.width, st.Warn.Render)
	case r.busy:
		foot = wrap(t.FinalizeBusy, r.width, st.Muted.Render)
	case r.err != "":
		foot = wrap(r.err, r.width, st.Error.Render)
	}
	if foot != "" {
		footLines = strings.Count(foot, "\n") + 1
	}
	rows := max(r.height-1-footLines, 1)
	b.WriteString(entriesView(r.lines, r.cursor, r.width, rows, st, r.c.t) + "\n")
	return fit(b.String(), r.width, rows+1) + "\n" + foot
}

func (r *reviewScreen) ShortHelp() []key.Binding {
	k := r.c.keys
	if r.ses.readOnly {
		return []key.Binding{k.Up, k.Down, k.Esc}
	}
	return []key.Binding{k.Next, k.Finalize, k.Up, k.Down, k.Esc}
}

func (r *reviewScreen) FullHelp() [][]key.Binding {
	k := r.c.keys
	return [][]key.Binding{{k.Next, k.Finalize, k.Esc}, {k.Up, k.Down, k.PageUp, k.PageDown}}
}
