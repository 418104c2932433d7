package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/survey"
)

// migratedMsg reports a draft moved to a newer version of its form.
type migratedMsg struct {
	m   *survey.Migration
	err error
}

// migrateScreen asks whether a draft moves to the newer version of its form that arrived
// since it was started, then lists what did not fit.
type migrateScreen struct {
	c             *common
	opened        openedMsg // the draft as it is, opened when the enumerator keeps it
	busy          bool
	done          *survey.Migration
	err           error
	width, height int
}

func newMigrateScreen(c *common, msg openedMsg) *migrateScreen {
	return &migrateScreen{c: c, opened: msg}
}

func (s *migrateScreen) SetSize(w, h int) { s.width, s.height = w, h }

func (s *migrateScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case migratedMsg:
		s.busy, s.done, s.err = false, msg.m, msg.err
		if msg.err != nil {
			s.c.log.Error("migrate draft", "interview", s.opened.iv.ID, "err", msg.err)
		}
		return nil
	case tea.KeyPressMsg:
		if s.busy {
			return nil
		}
		id := s.opened.iv.ID
		if s.done != nil || s.err != nil {
			return s.c.openCmd(id) // on its version now, or as it was when the move failed
		}
		if key.Matches(msg, s.c.keys.Yes) {
			s.busy = true
			ctx, store, from, to := s.c.ctx, s.c.cfg.Interviews, s.opened.form, s.opened.newer
			return func() tea.Msg {
				m, err := store.Migrate(ctx, id, from, to)
				return migratedMsg{m: m, err: err}
			}
		}
		kept := s.opened
		kept.newer = nil
		return s.c.navigate(kept)
	}
	return nil
}

func (s *migrateScreen) View() string {
	t, st := s.c.t, s.c.st
	iv, from, to := s.opened.iv, s.opened.form, s.opened.newer
	var b strings.Builder
	b.WriteString(st.Title.Render(survey.Plurals(t.MigrateTitle, from.ID)) + "\n\n")
	switch {
	case s.err != nil:
		b.WriteString(wrap(t.MigrateFailed+" "+s.c.errText(s.err), s.width, st.Error.Render) + "\n\n")
		b.WriteString(st.Muted.Render(t.MigrateContinue) + "\n")
	case s.done != nil:
		b.WriteString(wrap(survey.Plurals(t.MigrateDone, to.Version, s.done.Kept), s.width, st.OK.Render) + "\n")
		if len(s.done.Dropped) == 0 {
			b.WriteString(wrap(t.MigrateAllFit, s.width, st.OK.Render) + "\n")
		} else {
			b.WriteString(wrap(survey.Plurals(t.MigrateDropped, len(s.done.Dropped)), s.width, st.Warn.Render) + "\n")
			limit := max(s.height-8, 3)
			for i, d := range s.done.Dropped {
				if i == limit {
					b.WriteString(st.Muted.Render(survey.Plurals("  "+t.MigrateMore, len(s.done.Dropped)-i)) + "\n")
					break
				}
				b.WriteString(wrap(fmt.Sprintf("  • %s = %q: %s", d.Path, d.Value, d.Reason), s.width, st.Muted.Render) + "\n")
			}
		}
		b.WriteString("\n" + st.Muted.Render(t.MigrateContinue) + "\n")
	default:
		b.WriteString(wrap(survey.Plurals(t.MigrateAsk, iv.FormVersion, to.Version), s.width, unstyled) + "\n\n")
		b.WriteString(st.Key.Render("y") + "  " + survey.Plurals(t.MigrateYes, to.Version) + "\n")
		b.WriteString(st.Key.Render("n") + "  " + survey.Plurals(t.MigrateNo, iv.FormVersion) + "\n")
	}
	return b.String()
}

// unstyled is the style of plain text, for wrap.
func unstyled(s ...string) string { return strings.Join(s, " ") }

func (s *migrateScreen) ShortHelp() []key.Binding {
	return []key.Binding{s.c.keys.Yes, s.c.keys.No}
}

func (s *migrateScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
