package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSettingsPersist(t *testing.T) {
	e := newEnv(t, true)
	dir := t.TempDir()
	path := filepath.Join(dir, SettingsFileName)
	e.cfg.SettingsFile = path
	m := start(t, e)
	if _, err := os.Stat(path); err == nil {
		t.Fatal("settings written before anything was chosen")
	}
	drive(t, m, keypress("3"))
	drive(t, m, keypress("right")) // UI language: English
	drive(t, m, keypress("down"))
	drive(t, m, keypress("right")) // form language: back to Indonesian for new interviews
	idLang := m.c.formLang()
	if !strings.HasSuffix(idLang, "(id)") {
		t.Fatalf("form language %q", idLang)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("settings file mode %v, want 0600", fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tui-settings-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	saved, err := LoadSettings(path)
	if err != nil || saved != (Settings{UILang: "en", FormLang: idLang}) {
		t.Fatalf("saved %+v (%v)", saved, err)
	}

	// the next run starts in the saved languages; --lang still overrides the UI language
	id := func(string) string { return "id_ID.UTF-8" }
	if got := ResolveLang("", saved, id); got != "en" {
		t.Errorf("saved UI language not used: %s", got)
	}
	if got := ResolveLang("id", saved, id); got != "id" {
		t.Errorf("--lang does not override: %s", got)
	}
	if got := ResolveLang("", Settings{}, id); got != "id" {
		t.Errorf("no setting: %s, want the locale's", got)
	}
	e.cfg.Lang, e.cfg.Settings = ResolveLang("", saved, id), saved
	m2 := start(t, e)
	if m2.c.lang != "en" || m2.c.formLang() != idLang || !strings.Contains(plain(m2), "New interview") {
		t.Errorf("restarted in %s / %s:\n%s", m2.c.lang, m2.c.formLang(), plain(m2))
	}
	openRespondent(t, m2, "BTG25-0071")
	if m2.iv().sess.Lang() != idLang {
		t.Errorf("a new interview starts in %q, want the saved %q", m2.iv().sess.Lang(), idLang)
	}

	// a saved form language this form does not have is ignored
	e.cfg.Settings = Settings{UILang: "en", FormLang: "Klingon (tlh)"}
	if m3 := New(context.Background(), e.cfg); m3.c.formPref != "" {
		t.Errorf("unknown form language kept: %q", m3.c.formPref)
	}
	// a damaged file is reported and gives no settings
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := LoadSettings(path); err == nil || s != (Settings{}) {
		t.Errorf("damaged file: %+v, %v", s, err)
	}
	if s, err := LoadSettings(filepath.Join(dir, "absent.json")); err != nil || s != (Settings{}) {
		t.Errorf("absent file: %+v, %v", s, err)
	}
}

// TestResumeKeepsFormLanguage: a draft resumed after the UI language changed keeps its form
// language (the respondent's) and says how to switch.
func TestResumeKeepsFormLanguage(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	id := m.iv().iv.ID
	lang := m.iv().sess.Lang()
	if !strings.HasSuffix(lang, "(id)") {
		t.Fatalf("interview language %q", lang)
	}
	if strings.Contains(plain(m), "Ctrl+L") {
		t.Errorf("a new interview shows the language hint:\n%s", plain(m))
	}
	drive(t, m, keypress("ctrl+s"))
	drive(t, m, keypress("3"))
	drive(t, m, keypress("right")) // UI in English
	drive(t, m, keypress("esc"))
	iv, err := e.cfg.Interviews.Get(context.Background(), id)
	if err != nil || iv.Lang != lang {
		t.Fatalf("changing the UI language changed the draft's language to %q (%v)", iv.Lang, err)
	}
	drive(t, m, keypress("2"))
	drive(t, m, keypress("enter"))
	if m.screen != screenInterview || m.iv().iv.ID != id {
		t.Fatalf("not resumed:\n%s", plain(m))
	}
	if m.iv().sess.Lang() != lang {
		t.Errorf("resumed in %q, want %q", m.iv().sess.Lang(), lang)
	}
	v := plain(m)
	if !strings.Contains(v, "form language is kept: "+lang) || !strings.Contains(v, "Ctrl+L") {
		t.Errorf("no hint:\n%s", v)
	}
	drive(t, m, keypress("ctrl+l"))
	if !strings.HasSuffix(m.iv().sess.Lang(), "(en)") || strings.Contains(plain(m), "language is kept") {
		t.Errorf("ctrl+l: %q\n%s", m.iv().sess.Lang(), plain(m))
	}
	drive(t, m, m.c.flush()())
	if iv, _ := e.cfg.Interviews.Get(context.Background(), id); iv.Lang != m.iv().sess.Lang() {
		t.Errorf("switched language not stored: %q", iv.Lang)
	}

	// the hint also shows when the program starts in another UI language, and goes when the
	// enumerator moves on
	drive(t, m, keypress("ctrl+l")) // back to Indonesian
	drive(t, m, keypress("ctrl+s"))
	e.cfg.Lang = "en"
	m2 := start(t, e)
	drive(t, m2, keypress("2"))
	drive(t, m2, keypress("enter"))
	if !strings.Contains(plain(m2), "language is kept") {
		t.Errorf("no hint after a restart in English:\n%s", plain(m2))
	}
	drive(t, m2, keypress("enter"))
	if strings.Contains(plain(m2), "language is kept") {
		t.Errorf("hint stays after moving on:\n%s", plain(m2))
	}
}
