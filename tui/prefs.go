package tui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	tea "charm.land/bubbletea/v2"
)

// SettingsFileName is the file in the data folder that keeps the settings between runs.
const SettingsFileName = "tui-settings.json"

// Settings are what the enumerator chose in the settings screen. They are kept between runs
// in a small JSON file (see LoadSettings and SaveSettings).
type Settings struct {
	// UILang is the UI language, "id" or "en"; "" when never chosen.
	UILang string `json:"ui_lang,omitempty"`
	// FormLang is the form language for new interviews; "" follows the UI language.
	FormLang string `json:"form_lang,omitempty"`
}

// LoadSettings reads the settings file; a missing file gives the zero Settings.
func LoadSettings(path string) (Settings, error) {
	var s Settings
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return Settings{}, fmt.Errorf("read settings %s: %w", path, err)
	}
	if _, ok := textsFor(s.UILang); !ok {
		s.UILang = ""
	}
	return s, nil
}

// SaveSettings writes the settings file atomically (a temporary file in the same folder,
// synced, then renamed over the old one) with mode 0600.
func SaveSettings(path string, s Settings) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tui-settings-*")
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save settings: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save settings: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save settings: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// ResolveLang picks the UI language at start-up: the --lang flag, else the saved setting,
// else the locale of the environment.
func ResolveLang(flag string, saved Settings, getenv func(string) string) string {
	switch {
	case flag != "":
		return flag
	case saved.UILang != "":
		return saved.UILang
	}
	return LangFromEnv(getenv)
}

// settingsSavedMsg reports the outcome of saving the settings.
type settingsSavedMsg struct{ err error }

// saveSettings writes the current settings to the configured file, in turn with the other
// writes; nil when the program keeps no settings file.
func (c *common) saveSettings() tea.Cmd {
	path := c.cfg.SettingsFile
	if path == "" {
		return nil
	}
	s := Settings{UILang: c.lang, FormLang: c.formPref}
	return c.write(func(context.Context) error { return SaveSettings(path, s) },
		func(err error) tea.Msg { return settingsSavedMsg{err: err} })
}
