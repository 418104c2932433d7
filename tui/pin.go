package tui

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"tracer/survey"
)

// ErrLocked is returned by Unlock when the enumerator leaves the PIN screen without
// unlocking the laptop's data.
var ErrLocked = errors.New("the laptop's data stays locked")

// UnlockConfig is what the PIN screen needs.
type UnlockConfig struct {
	// Lang is the UI language, "id" or "en".
	Lang string
	// Try opens the laptop's data with pin. ok is true when it did; otherwise, with a nil
	// err, the PIN was wrong, and retryAt (when not zero) is the earliest the next PIN is
	// tried. A non-nil err is any other failure, shown as it is.
	Try func(pin string) (ok bool, retryAt time.Time, err error)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Dark picks the dark styles.
	Dark bool
}

// pinKeys are the PIN screen's key bindings.
type pinKeys struct {
	Submit, Quit, Delete key.Binding
}

func newPINKeys() pinKeys {
	return pinKeys{
		Submit: key.NewBinding(key.WithKeys("enter")),
		Quit:   key.NewBinding(key.WithKeys("esc", "ctrl+c")),
		Delete: key.NewBinding(key.WithKeys("backspace")),
	}
}

// pinStyles are the PIN screen's styles, built once.
type pinStyles struct {
	Title, Muted, Error lipgloss.Style
}

func newPINStyles(dark bool) pinStyles {
	ld := lipgloss.LightDark(dark)
	return pinStyles{
		Title: lipgloss.NewStyle().Bold(true),
		Muted: lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#666666"), lipgloss.Color("#9a9a9a"))),
		Error: lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#b00020"), lipgloss.Color("#ff6b6b"))),
	}
}

// PINModel is the PIN screen: the enumerator types the PIN (never shown), Enter tries it.
type PINModel struct {
	cfg      UnlockConfig
	t        *texts
	keys     pinKeys
	st       pinStyles
	pin      []rune
	busy     bool
	failures int
	retryAt  time.Time
	errText  string
	now      time.Time
	width    int
	// Unlocked is true once a PIN opened the data.
	Unlocked bool
}

// NewPINModel returns the PIN screen of cfg.
func NewPINModel(cfg UnlockConfig) *PINModel {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	t, _ := textsFor(cfg.Lang)
	return &PINModel{cfg: cfg, t: t, keys: newPINKeys(), st: newPINStyles(cfg.Dark), now: cfg.Now(), width: 80}
}

// pinResultMsg is the outcome of one PIN tried.
type pinResultMsg struct {
	ok      bool
	retryAt time.Time
	err     error
}

// pinTickMsg refreshes the countdown of a delay.
type pinTickMsg time.Time

// Init asks the terminal for its background, to pick the styles.
func (m *PINModel) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Update handles keys and the outcome of a PIN tried.
func (m *PINModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case tea.BackgroundColorMsg:
		m.st = newPINStyles(msg.IsDark())
	case pinTickMsg:
		m.now = time.Time(msg)
		if m.now.Before(m.retryAt) {
			return m, m.tick()
		}
	case pinResultMsg:
		m.busy, m.now = false, m.cfg.Now()
		switch {
		case msg.ok:
			m.Unlocked = true
			return m, tea.Quit
		case msg.err != nil:
			m.errText = msg.err.Error()
		default:
			m.failures++
			m.errText = ""
		}
		m.retryAt = msg.retryAt
		if m.now.Before(m.retryAt) {
			return m, m.tick()
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Quit):
			return m, tea.Quit
		case m.busy:
		case key.Matches(msg, m.keys.Submit):
			if len(m.pin) == 0 || m.now.Before(m.retryAt) {
				return m, nil
			}
			pin := string(m.pin)
			m.pin, m.busy = m.pin[:0], true
			try := m.cfg.Try
			return m, func() tea.Msg {
				ok, at, err := try(pin)
				return pinResultMsg{ok: ok, retryAt: at, err: err}
			}
		case key.Matches(msg, m.keys.Delete):
			if len(m.pin) > 0 {
				m.pin = m.pin[:len(m.pin)-1]
			}
		case msg.Text != "" && len(m.pin) < 64:
			for _, r := range msg.Text {
				if r >= ' ' && r != 0x7f {
					m.pin = append(m.pin, r)
				}
			}
		}
	}
	return m, nil
}

func (m *PINModel) tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return pinTickMsg(t) })
}

// View shows the prompt, one dot per character typed, and what happened.
func (m *PINModel) View() tea.View {
	w := max(20, min(m.width, 80)-2)
	wrap := lipgloss.NewStyle().Width(w)
	var b strings.Builder
	b.WriteString(m.st.Title.Render("tracer · "+m.t.PINTitle) + "\n\n")
	b.WriteString(wrap.Render(m.t.PINWhy) + "\n\n")
	b.WriteString(m.t.PINPrompt + " " + strings.Repeat("•", len(m.pin)) + "\n\n")
	switch {
	case m.busy:
		b.WriteString(m.st.Muted.Render(m.t.PINBusy) + "\n")
	case m.now.Before(m.retryAt):
		secs := int(m.retryAt.Sub(m.now).Seconds() + 0.999)
		b.WriteString(wrap.Inherit(m.st.Error).Render(survey.Plurals(m.t.PINWait, m.retryAt.Local().Format("15:04:05"), secs)) + "\n")
	case m.errText != "":
		b.WriteString(wrap.Inherit(m.st.Error).Render(m.errText) + "\n")
	case m.failures > 0:
		b.WriteString(wrap.Inherit(m.st.Error).Render(survey.Plurals(m.t.PINWrong, m.failures)) + "\n")
	}
	b.WriteString("\n" + wrap.Inherit(m.st.Muted).Render(m.t.PINForgot) + "\n")
	b.WriteString(wrap.Inherit(m.st.Muted).Render(m.t.PINKeys))
	v := tea.NewView(b.String())
	v.AltScreen = true
	return v
}

// Unlock runs the PIN screen until a PIN opens the laptop's data (nil) or the enumerator
// leaves it (ErrLocked).
func Unlock(ctx context.Context, cfg UnlockConfig, opts ...tea.ProgramOption) error {
	m := NewPINModel(cfg)
	if _, err := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, opts...)...).Run(); err != nil {
		return err
	}
	if !m.Unlocked {
		return ErrLocked
	}
	return nil
}
