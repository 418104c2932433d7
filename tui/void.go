package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/survey"
)

// draftRef names a draft interview for the void flow.
type draftRef struct {
	id, who string
}

// voidedMsg reports the outcome of voiding a draft.
type voidedMsg struct {
	ref draftRef
	err error
}

// voidCmd voids a draft with the enumerator's reason (survey.InterviewStore.Void).
func (c *common) voidCmd(ref draftRef, reason string) tea.Cmd {
	store := c.cfg.Interviews
	return c.write(func(ctx context.Context) error { return store.Void(ctx, ref.id, reason) },
		func(err error) tea.Msg { return voidedMsg{ref: ref, err: err} })
}

// voidPrompt asks for the reason to void a draft: a screen embeds one and hands it keys
// while it is open. Void needs a reason; an empty one is refused.
type voidPrompt struct {
	c      *common
	ref    *draftRef // the draft offered or being voided
	asking bool      // the reason is being typed
	reason lineEdit
	err    string
}

// offer opens the prompt for ref, asking for the reason.
func (v *voidPrompt) offer(ref draftRef) {
	v.ref, v.asking, v.err = &ref, true, ""
	v.reason.SetValue("")
}

// editing reports whether the reason is being typed (so "?" is a character).
func (v *voidPrompt) editing() bool { return v != nil && v.asking }

// keys are the keys of the prompt, for the help line of the screen it is open on.
func (v *voidPrompt) keys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", v.c.t.KeyVoidDraft)),
		v.c.keys.Esc,
	}
}

// update handles a key while the reason is typed: Enter voids, Esc cancels.
func (v *voidPrompt) update(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.keys
	switch {
	case key.Matches(msg, k.Esc):
		v.asking, v.ref, v.err = false, nil, ""
	case msg.String() == "enter":
		r := strings.TrimSpace(v.reason.Value())
		if r == "" {
			v.err = v.c.t.VoidNeedReason
			return nil
		}
		v.asking = false
		return v.c.voidCmd(*v.ref, r)
	default:
		v.reason.update(&v.c.fkeys.Edit, msg)
	}
	return nil
}

// done takes the outcome of the void; it returns the status line to show.
func (v *voidPrompt) done(msg voidedMsg) string {
	v.ref = nil
	if msg.err != nil {
		v.c.log.Error("void draft", "interview", msg.ref.id, "err", msg.err)
		return v.c.t.ErrVoid + " " + v.c.errText(msg.err)
	}
	return survey.Plurals(v.c.t.VoidDone, msg.ref.who)
}

// view draws the prompt: the question and the reason being typed.
func (v *voidPrompt) view(width int) string {
	t, st := v.c.t, v.c.st
	out := wrap(survey.Plurals(t.VoidAsk, v.ref.who), width, st.Warn.Render) + "\n" + v.reason.view(min(width-2, 60), st, true)
	if v.err != "" {
		out += "\n" + st.Error.Render(v.err)
	}
	return out
}
