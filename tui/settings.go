package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"tracer/forms"
)

// settingsScreen switches the UI language and the form language of new interviews; both
// are saved for the next run. An interview already started keeps its own form language.
type settingsScreen struct {
	c             *common
	row           int
	width, height int
}

func newSettingsScreen(c *common) *settingsScreen { return &settingsScreen{c: c} }

func (s *settingsScreen) SetSize(w, h int) { s.width, s.height = w, h }

func (s *settingsScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(km, k.Esc):
		return s.c.navigate(goHomeMsg{})
	case key.Matches(km, k.Up), key.Matches(km, k.Down):
		s.row = 1 - s.row
	case key.Matches(km, k.Toggle), km.String() == "enter", km.String() == "left", km.String() == "right":
		step := 1
		if km.String() == "left" {
			step = -1
		}
		if s.row == 0 {
			i := indexOf(uiLangs, s.c.lang)
			lang := uiLangs[(i+step+len(uiLangs))%len(uiLangs)]
			return send(langChangedMsg{lang: lang})
		}
		langs := s.c.cfg.Form.Languages
		i := indexOf(langs, s.c.formLang())
		s.c.formPref = langs[(i+step+len(langs))%len(langs)]
		return s.c.saveSettings()
	}
	return keyUnused(s.c, km)
}

func indexOf(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return 0
}

func (s *settingsScreen) View() string {
	t, st := s.c.t, s.c.st
	var b strings.Builder
	rows := []struct{ label, value string }{
		{t.SettingsUI, t.langName(s.c.lang)},
		{t.SettingsForm, langName(s.c.formLang())},
	}
	for i, r := range rows {
		line := "  " + r.label + ": ‹ " + r.value + " ›"
		if i == s.row {
			line = st.Selected.Render("› " + r.label + ": ‹ " + r.value + " ›")
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n" + wrap(t.SettingsHint, s.width, st.Hint.Render) + "\n")
	return b.String()
}

// langName shows a form language, "default" for an untranslated form.
func langName(l string) string {
	if l == "" {
		return "default"
	}
	if c := forms.LangCode(l); c != "" && c != strings.ToLower(l) {
		return l
	}
	return l
}

func (s *settingsScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Up, k.Down, k.Filter, k.Esc}
}

func (s *settingsScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{k.Up, k.Down, k.Filter, k.Toggle}, {k.Esc, k.Quit}}
}
