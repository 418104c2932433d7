package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
)

// Syncer is the laptop's link to its server as the program uses it; cmd/tracer adapts the
// sync client to it. A nil Syncer in Config means the laptop is not logged in.
type Syncer interface {
	// Online reports whether the server answers now. It returns within a few seconds.
	Online(ctx context.Context) bool
	// Sync pushes the outbox and pulls forms, the roster and the interviews returned for
	// correction, calling progress from its own goroutine as the server answers for each
	// revision. It returns what it did, one outcome per pushed revision, also when it stops
	// on an error; an error wrapping survey.ErrUnreachable means the server was not reached.
	Sync(ctx context.Context, progress func(survey.SyncProgress)) (*survey.SyncSummary, error)
	// LastSync returns when a sync last finished without error; zero for never.
	LastSync(ctx context.Context) (time.Time, error)
}

// outcomeGroups are the outcomes as the sync screen groups them, the problems first, with
// the key of each group and its label.
var outcomeGroups = []struct {
	key      string
	label    func(*texts) string
	outcomes []survey.Outcome
}{
	{"refused", func(t *texts) string { return t.SyncOutcomeRefused }, []survey.Outcome{survey.OutcomeConflict, survey.OutcomeRefused}},
	{"waiting", func(t *texts) string { return t.SyncOutcomeWaiting }, []survey.Outcome{survey.OutcomeWaiting}},
	{"pushed", func(t *texts) string { return t.SyncOutcomePushed }, []survey.Outcome{survey.OutcomeStored}},
	{"already", func(t *texts) string { return t.SyncOutcomeAlready }, []survey.Outcome{survey.OutcomeDuplicate}},
}

// Messages of the sync.
type (
	// onlineMsg reports whether the server answered a probe; auto asks to sync when there
	// is something to push or the last sync is old.
	onlineMsg struct {
		online bool
		auto   bool
		push   bool // the outbox is known to hold something
	}
	// syncTickMsg is the timer of the background sync.
	syncTickMsg struct{}
	// syncProgressMsg carries progress and the channel the rest of the sync comes on.
	syncProgressMsg struct {
		p  survey.SyncProgress
		ch <-chan tea.Msg
	}
	// syncDoneMsg ends a sync; names maps interview ids to respondents for the outcomes.
	syncDoneMsg struct {
		sum   *survey.SyncSummary
		names map[string]string
		at    time.Time
		err   error
	}
	// lastSyncMsg carries the time of the last sync, read at start.
	lastSyncMsg struct{ at time.Time }
)

// syncState is the program's view of the server, kept across screens.
type syncState struct {
	checked  bool // an Online probe has answered
	online   bool
	running  bool
	auto     bool // the running sync was started in the background
	progress survey.SyncProgress
	last     time.Time
	sum      *survey.SyncSummary
	names    map[string]string
	err      error
	// stuck counts the finalized interviews the last sync did not push and will not push
	// again unchanged (held back for their form, or refused earlier): they alone do not
	// start a background sync.
	stuck int
}

// onlineCmd probes the server; auto is passed on to decide about a background sync.
func (c *common) onlineCmd(auto bool) tea.Cmd { return c.probeCmd(auto, false) }

// probeCmd probes the server; push says the outbox holds something to send.
func (c *common) probeCmd(auto, push bool) tea.Cmd {
	s, ctx := c.cfg.Sync, c.ctx
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return onlineMsg{online: s.Online(pctx), auto: auto, push: push}
	}
}

// lastSyncCmd reads when the last sync finished.
func (c *common) lastSyncCmd() tea.Cmd {
	s, ctx := c.cfg.Sync, c.ctx
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		at, err := s.LastSync(ctx)
		if err != nil {
			c.log.Warn("read last sync", "err", err)
		}
		return lastSyncMsg{at: at}
	}
}

// syncTick waits for the next background check; none when the interval is zero.
func (c *common) syncTick() tea.Cmd {
	if c.cfg.Sync == nil || c.cfg.SyncPoll <= 0 {
		return nil
	}
	return tea.Tick(c.cfg.SyncPoll, func(time.Time) tea.Msg { return syncTickMsg{} })
}

// syncCmd starts a sync in its own goroutine and returns its first message; the rest come
// through waitSync, one at a time, so progress reaches the screen while it runs.
func (c *common) syncCmd() tea.Cmd {
	s, ctx, cfg := c.cfg.Sync, c.ctx, c.cfg
	ch := make(chan tea.Msg, 16)
	go func() {
		defer close(ch)
		sum, err := s.Sync(ctx, func(p survey.SyncProgress) {
			select {
			case ch <- syncProgressMsg{p: p, ch: ch}:
			default: // the screen is behind: a later progress will do
			}
		})
		if sum == nil {
			sum = &survey.SyncSummary{}
		}
		names := map[string]string{}
		for _, o := range slices.Concat(sum.RefusedLater, sum.Outcomes) {
			if _, ok := names[o.InterviewID]; ok {
				continue
			}
			if o.Kind.Of() != survey.ItemInterview {
				names[o.InterviewID] = alumnusOf(ctx, cfg, o.Kind, o.InterviewID)
				continue
			}
			names[o.InterviewID] = respondentOf(ctx, cfg, o.InterviewID)
		}
		ch <- syncDoneMsg{sum: sum, names: names, at: cfg.Now(), err: err}
	}()
	return waitSync(ch)
}

// waitSync returns the next message of a running sync.
func waitSync(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// respondentOf names the respondent of an interview for the sync's outcome list.
func respondentOf(ctx context.Context, cfg Config, id string) string {
	iv, err := cfg.Interviews.Get(ctx, id)
	if err != nil || iv.RespondentID == "" {
		return ""
	}
	name := iv.RespondentID
	if cfg.Roster != nil {
		if r, err := cfg.Roster.Get(ctx, iv.RespondentID); err == nil && r.Name != "" {
			name += " " + r.Name
		}
	}
	return survey.Printable(name)
}

// alumnusOf names the alumnus of a contact attempt or roster update (kind) for the sync's
// outcome list; "" when the laptop does not hold it.
func alumnusOf(ctx context.Context, cfg Config, kind survey.ItemKind, id string) string {
	rosterID := ""
	switch {
	case kind == survey.ItemAttempt && cfg.Attempts != nil:
		list, err := cfg.Attempts.List(ctx, survey.AttemptFilter{})
		if err != nil {
			return ""
		}
		for _, a := range list {
			if a.ID == id {
				rosterID = a.RosterID
			}
		}
	case kind == survey.ItemRosterUpdate && cfg.Updates != nil:
		list, err := cfg.Updates.List(ctx, survey.UpdateFilter{})
		if err != nil {
			return ""
		}
		for _, u := range list {
			if u.ID == id {
				rosterID = u.RosterID
			}
		}
	}
	if rosterID == "" {
		return ""
	}
	name := rosterID
	if cfg.Roster != nil {
		if r, err := cfg.Roster.Get(ctx, rosterID); err == nil && r.Name != "" {
			name += " " + r.Name
		}
	}
	return survey.Printable(name)
}

// startSync starts a sync unless one runs or the laptop is not logged in.
func (m *Model) startSync(auto bool) tea.Cmd {
	s := &m.c.sync
	if m.c.cfg.Sync == nil || s.running {
		return nil
	}
	m.c.log.Info("sync start", "auto", auto)
	s.running, s.auto = true, auto
	s.progress = survey.SyncProgress{}
	s.err = nil
	if !auto {
		s.sum = nil
	}
	return m.c.syncCmd()
}

// updateSync handles the sync's messages at the root, whatever screen is on show.
func (m *Model) updateSync(msg tea.Msg) tea.Cmd {
	s := &m.c.sync
	switch msg := msg.(type) {
	case lastSyncMsg:
		if msg.at.After(s.last) {
			s.last = msg.at
		}
	case syncTickMsg:
		return tea.Batch(m.c.onlineCmd(true), m.c.syncTick())
	case onlineMsg:
		s.checked, s.online = true, msg.online
		if !msg.online || !msg.auto || s.running {
			return nil
		}
		due := m.c.cfg.SyncEvery > 0 && m.c.cfg.Now().Sub(s.last) >= m.c.cfg.SyncEvery
		if msg.push || m.home().counts[survey.StateFinalized] > s.stuck || due {
			return m.startSync(true)
		}
	case syncProgressMsg:
		s.progress = msg.p
		return waitSync(msg.ch)
	case syncDoneMsg:
		s.running = false
		sum := msg.sum
		m.c.log.Info("sync done", "auto", s.auto, "pushed", len(sum.Outcomes), "returned", sum.Returned, "roster", sum.RosterRows)
		if msg.err != nil {
			m.c.log.Warn("sync", "err", msg.err, "auto", s.auto)
			s.online = !errors.Is(msg.err, survey.ErrUnreachable)
		} else {
			s.online, s.last = true, msg.at
			s.stuck = len(sum.Held) + sum.Skipped
		}
		s.checked = true
		// A background sync that did nothing keeps the last outcome list on show; one that
		// learnt of a refusal after a relay took something shows it.
		if !s.auto || len(sum.Outcomes) > 0 || sum.Returned > 0 || len(sum.Held) > 0 || len(sum.RefusedLater) > 0 || msg.err != nil {
			s.sum, s.names, s.err = sum, msg.names, msg.err
		}
		// Counts change under the home screen only; an open interview is left alone.
		if m.screen == screenHome || m.screen == screenList {
			return tea.Batch(m.home().load(), m.reloadList())
		}
		return m.home().load()
	}
	return nil
}

func (m *Model) reloadList() tea.Cmd {
	if m.screen == screenList {
		return m.list().load()
	}
	return nil
}

// syncScreen shows the server, a progress bar while a sync runs and the outcome of each
// pushed interview; Enter syncs now.
type syncScreen struct {
	c             *common
	offset        int
	width, height int
}

func newSyncScreen(c *common) *syncScreen { return &syncScreen{c: c} }

func (s *syncScreen) SetSize(w, h int) { s.width, s.height = w, h }

// syncNowMsg asks the root to start a sync.
type syncNowMsg struct{}

func (s *syncScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := s.c.keys
	switch {
	case key.Matches(km, k.Esc), km.String() == "q":
		return s.c.navigate(goHomeMsg{})
	case key.Matches(km, k.Next), key.Matches(km, k.SyncNow):
		if s.c.cfg.Sync != nil {
			s.offset = 0
			return send(syncNowMsg{})
		}
	case key.Matches(km, k.Up):
		s.offset = max(s.offset-1, 0)
	case key.Matches(km, k.Down):
		s.offset++
	case key.Matches(km, k.PageUp):
		s.offset = max(s.offset-10, 0)
	case key.Matches(km, k.PageDown):
		s.offset += 10
	default:
		return keyUnused(s.c, km)
	}
	return nil
}

// serverLine is the one line about the server the home and sync screens show.
func (c *common) serverLine() string {
	t, st, s := c.t, c.st, &c.sync
	if c.cfg.Sync == nil {
		return st.Warn.Render(t.SyncNoLoginShort)
	}
	state := st.Muted.Render(t.SyncChecking)
	switch {
	case s.running:
		state = st.OK.Render(t.SyncRunning)
	case s.checked && s.online:
		state = st.OK.Render("● " + t.SyncOnline)
	case s.checked:
		state = st.Warn.Render("○ " + t.SyncOffline)
	}
	last := t.SyncNever
	if !s.last.IsZero() {
		last = s.last.Local().Format("2006-01-02 15:04")
	}
	return state + st.Muted.Render(" · "+t.SyncLast+" "+last)
}

// syncBar draws done of total as a bar of width cells.
func syncBar(st Styles, done, total, width int) string {
	full := 0
	if total > 0 {
		full = min(width*done/total, width)
	}
	return st.BarFull.Render(strings.Repeat("█", full)) + st.BarEmpty.Render(strings.Repeat("░", width-full))
}

func (s *syncScreen) View() string {
	c, t, st := s.c, s.c.t, s.c.st
	w := max(s.width, 20)
	var b strings.Builder
	if c.cfg.Sync == nil {
		b.WriteString(st.Warn.Render(t.SyncNoLogin) + "\n\n")
		b.WriteString(wrap(t.SyncHowLogin, w, st.Hint.Render) + "\n\n")
		b.WriteString("    " + st.Key.Render(t.SyncLoginCmd) + "\n\n")
		b.WriteString(wrap(t.SyncHowLogin2, w, st.Hint.Render) + "\n")
		return b.String()
	}
	b.WriteString(ansi.Truncate(t.SyncServer+" "+c.cfg.Server, w, "…") + "\n")
	b.WriteString(c.serverLine() + "\n\n")
	ss := &c.sync
	switch {
	case ss.running:
		label := " " + t.SyncRunning
		if ss.progress.Total > 0 {
			label = survey.Plurals(" "+t.SyncProgress, ss.progress.Done, ss.progress.Total)
		}
		b.WriteString(syncBar(st, ss.progress.Done, ss.progress.Total, min(w-ansi.StringWidth(label)-1, 50)) + label + "\n")
	case ss.sum == nil && ss.err == nil:
		b.WriteString(wrap(t.SyncHint, w, st.Muted.Render) + "\n")
	default:
		n := len(ss.sum.Outcomes)
		b.WriteString(syncBar(st, n, max(n, 1), min(w-2, 50)) + "\n")
	}
	if ss.err != nil {
		msg := t.SyncFailed + " " + s.c.errText(ss.err)
		if errors.Is(ss.err, survey.ErrUnreachable) {
			msg = t.SyncUnreachable
		}
		b.WriteString(wrap(msg, w, st.Error.Render) + "\n")
	}
	if ss.sum != nil && !ss.running {
		sum := ss.sum
		line := survey.Plurals(t.SyncSummary, sum.Count(survey.OutcomeStored), sum.Count(survey.OutcomeDuplicate),
			sum.Count(survey.OutcomeConflict, survey.OutcomeRefused)+sum.Skipped, sum.Count(survey.OutcomeWaiting))
		b.WriteString(wrap(line, w, st.Title.Render) + "\n")
		b.WriteString(wrap(survey.Plurals(t.SyncPulled, sum.Forms, sum.RosterRows, sum.Returned), w, st.Muted.Render) + "\n")
		if sum.RosterGone > 0 {
			b.WriteString(wrap(survey.Plurals(t.SyncRosterGone, sum.RosterGone), w, st.Muted.Render) + "\n")
		}
		if sum.Relay != "" && sum.Count(survey.OutcomeStored, survey.OutcomeDuplicate) > 0 {
			b.WriteString(wrap(survey.Plurals(t.SyncRelay, survey.Printable(sum.Relay)), w, st.Muted.Render) + "\n")
		}
		if len(sum.Held) > 0 {
			b.WriteString(wrap(survey.Plurals(t.SyncHeld, len(sum.Held), sum.HeldForms()), w, st.Warn.Render) + "\n")
		}
		if sum.Returned > 0 {
			b.WriteString(wrap(t.SyncReturnedHint, w, st.Warn.Render) + "\n")
		}
		ivs := 0
		for _, x := range sum.RefusedLater {
			if x.Kind.Of() == survey.ItemInterview {
				ivs++
			}
		}
		if ivs > 0 {
			b.WriteString(wrap(survey.Plurals(t.SyncRefusedLater, ivs), w, st.Error.Render) + "\n")
		}
		if n := len(sum.RefusedLater) - ivs; n > 0 {
			b.WriteString(wrap(survey.Plurals(t.SyncRefusedLaterOther, n), w, st.Error.Render) + "\n")
		}
		b.WriteString("\n")
		head := strings.Count(b.String(), "\n")
		rows := max(s.height-head, 1)
		lines := s.outcomeLines(w)
		s.offset = min(s.offset, max(len(lines)-rows, 0))
		for i := s.offset; i < len(lines) && i < s.offset+rows; i++ {
			b.WriteString(lines[i] + "\n")
		}
	}
	return b.String()
}

// outcomeLines lists the outcome of each pushed interview, the problems first.
func (s *syncScreen) outcomeLines(w int) []string {
	c, t, st := s.c, s.c.t, s.c.st
	var out []string
	for _, x := range c.sync.sum.RefusedLater {
		out = append(out, s.outcomeLine(w, "✗", t.SyncOutcomeLate, x, st.Error.Render)...)
	}
	for _, g := range outcomeGroups {
		for _, x := range c.sync.sum.With(g.outcomes...) {
			mark, style := "✓", st.OK.Render
			switch g.key {
			case "already":
				mark, style = "=", st.Muted.Render
			case "refused":
				mark, style = "✗", st.Error.Render
			case "waiting":
				mark, style = "…", st.Warn.Render
			}
			out = append(out, s.outcomeLine(w, mark, g.label(t), x, style)...)
		}
	}
	return out
}

// outcomeLine is the line of one revision's outcome, and its reason below when there is one.
func (s *syncScreen) outcomeLine(w int, mark, label string, x survey.PushOutcome, style func(...string) string) []string {
	c, t, st := s.c, s.c.t, s.c.st
	who := c.sync.names[x.InterviewID]
	if who == "" {
		who = t.ListWalkIn
	}
	what := fmt.Sprintf("r%d", x.Revision)
	if x.Kind.Of() != survey.ItemInterview {
		what = t.Refused.kind(x.Kind)
	}
	line := fmt.Sprintf("%s %-*s %s · %s", mark, outcomeWidth(), label, ansi.Truncate(who, 36, "…"), what)
	out := []string{style(ansi.Truncate(line, w, "…"))}
	if x.Reason != "" {
		out = append(out, st.Muted.Render(ansi.Truncate("    "+x.Reason, w, "…")))
	}
	return out
}

// outcomeWidth is the width of the outcome labels in any UI language.
func outcomeWidth() int {
	n := 0
	for _, lang := range uiLangs {
		t, _ := textsFor(lang)
		for _, g := range outcomeGroups {
			n = max(n, ansi.StringWidth(g.label(t)))
		}
		n = max(n, ansi.StringWidth(t.SyncOutcomeLate))
	}
	return n
}

func (s *syncScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if s.c.cfg.Sync == nil {
		return []key.Binding{k.Esc}
	}
	return []key.Binding{k.SyncNow, k.Up, k.Down, k.Esc}
}

func (s *syncScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{k.SyncNow, k.Esc}, {k.Up, k.Down, k.PageUp, k.PageDown}}
}

// syncMark is the header's sign of the server: syncing, online, offline or not yet known.
func (c *common) syncMark() string {
	s := &c.sync
	switch {
	case s.running:
		return c.st.OK.Render("⇅")
	case s.checked && s.online:
		return c.st.OK.Render("●")
	case s.checked:
		return c.st.Warn.Render("○")
	}
	return c.st.Muted.Render("·")
}

// questionMark starts a question's line in the comment the laptop keeps for a returned
// interview: the sync client stores the supervisor's comment followed by one line
// "- path: comment" per question.
const questionMark = "- "

// splitReturnComment splits a returned interview's comment into the comment on the
// interview and the comments by question path. A line counts as a question's only when
// what precedes ": " is a path (no spaces), so a supervisor's own "- " list stays text.
func splitReturnComment(s string) (string, map[string]string) {
	var general []string
	byPath := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if rest, ok := strings.CutPrefix(line, questionMark); ok {
			if path, c, ok := strings.Cut(rest, ": "); ok && path != "" && !strings.ContainsAny(path, " \t") {
				byPath[path] = c
				continue
			}
		}
		general = append(general, line)
	}
	return strings.TrimSpace(strings.Join(general, "\n")), byPath
}
