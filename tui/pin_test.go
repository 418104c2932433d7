package tui

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
)

// TestPINScreen drives the PIN screen on a real vault: wrong PINs are counted and then
// cost time (Enter does nothing while the delay runs, and the screen says until when),
// the right PIN unlocks, and no PIN is ever shown.
func TestPINScreen(t *testing.T) {
	dir := t.TempDir()
	key := vault.NewDataKey()
	if err := vault.Create(dir, "laptop-1", "482916", key); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var opened []byte
	m := NewPINModel(UnlockConfig{Lang: "id", Now: clock, Try: func(pin string) (bool, time.Time, error) {
		k, err := vault.Unlock(dir, pin, now)
		var we *vault.WaitError
		switch {
		case err == nil:
			opened = k
			return true, time.Time{}, nil
		case errors.As(err, &we):
			return false, we.Until, nil
		case errors.Is(err, vault.ErrWrongPIN):
			_, next, _ := vault.Failures(dir)
			return false, next, nil
		}
		return false, time.Time{}, err
	}})
	submit := func(pin string) tea.Cmd {
		t.Helper()
		for _, r := range pin {
			m.Update(keypress(string(r)))
		}
		if v := pinScreen(m); strings.Contains(v, pin) || !strings.Contains(v, strings.Repeat("•", len(pin))) {
			t.Fatalf("the PIN shows on screen:\n%s", v)
		}
		_, cmd := m.Update(keypress("enter"))
		if cmd == nil {
			return nil
		}
		_, next := m.Update(cmd())
		return next
	}
	for i := 1; i <= vault.FreeTries; i++ {
		submit("000000")
		if v := pinScreen(m); !strings.Contains(v, "PIN salah (") || m.Unlocked {
			t.Fatalf("wrong PIN %d:\n%s", i, v)
		}
	}
	if tick := submit("111111"); tick == nil {
		t.Fatal("the fourth wrong PIN starts no countdown")
	}
	if v := pinScreen(m); !strings.Contains(v, "Terlalu banyak PIN salah") || !strings.Contains(v, "Tidak ada data yang hilang") {
		t.Fatalf("after the fourth wrong PIN:\n%s", v)
	}
	// During the delay Enter tries nothing, not even the right PIN.
	if cmd := submit("482916"); cmd != nil || m.Unlocked {
		t.Fatal("a PIN was tried during the delay")
	}
	m.Update(keypress("ctrl+u"))
	for range 6 {
		m.Update(keypress("backspace"))
	}
	now = now.Add(2 * time.Second)
	m.Update(pinTickMsg(now))
	cmd := submit("482916")
	if !m.Unlocked || cmd == nil || string(opened) != string(key) {
		t.Fatalf("the right PIN after the delay: unlocked %v", m.Unlocked)
	}
	if n, _, _ := vault.Failures(dir); n != 0 {
		t.Fatalf("%d failures left after the right PIN", n)
	}
	en := NewPINModel(UnlockConfig{Lang: "en", Try: nil})
	if v := pinScreen(en); !strings.Contains(v, "Forgot the PIN?") || !strings.Contains(v, "tracer login URL CODE") {
		t.Fatalf("English screen:\n%s", v)
	}
}

// pinScreen returns the PIN screen's text without styles, its lines joined by spaces.
func pinScreen(m *PINModel) string {
	return strings.Join(strings.Fields(ansi.Strip(m.View().Content)), " ")
}

// TestSealedInterviewOpens: on an enrolled laptop a finalized interview is sealed for the
// server; opening it from the lists says so instead of showing an empty interview.
func TestSealedInterviewOpens(t *testing.T) {
	e := newEnv(t, false)
	key, err := seal.LoadOrCreate(t.TempDir() + "/server.db.age")
	if err != nil {
		t.Fatal(err)
	}
	rcpt, err := seal.ParseRecipient(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	store := sqlite.NewInterviewStore(e.db, sqlite.SealedTo(rcpt))
	e.cfg.Interviews = store
	ctx := context.Background()
	iv := &survey.Interview{FormID: e.form.ID, FormVersion: e.form.Version, Enumerator: "ani"}
	if err := store.Create(ctx, iv); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Finalize(ctx, iv.ID, []survey.Answer{{Path: "grp_consent/consent", Value: "no"}}); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	drive(t, m, m.c.openCmd(iv.ID)())
	if v := ansi.Strip(m.View().Content); !strings.Contains(strings.Join(strings.Fields(v), " "), "terkunci untuk server") {
		t.Fatalf("opening a sealed interview:\n%s", v)
	}
}

// TestUnlockProgram runs the PIN screen as a real Bubble Tea program fed through its input:
// the right PIN unlocks; ctrl+c leaves it locked.
func TestUnlockProgram(t *testing.T) {
	dir := t.TempDir()
	if err := vault.Create(dir, "laptop-1", "482916", vault.NewDataKey()); err != nil {
		t.Fatal(err)
	}
	try := func(pin string) (bool, time.Time, error) {
		_, err := vault.Unlock(dir, pin, time.Now())
		if errors.Is(err, vault.ErrWrongPIN) {
			return false, time.Time{}, nil
		}
		return err == nil, time.Time{}, err
	}
	for _, tc := range []struct {
		input string
		want  error
	}{
		{"482916\r", nil},
		{"48\x03", ErrLocked},
	} {
		done := make(chan error, 1)
		go func() {
			done <- Unlock(context.Background(), UnlockConfig{Lang: "en", Try: try},
				tea.WithInput(strings.NewReader(tc.input)), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24), tea.WithoutSignals())
		}()
		select {
		case err := <-done:
			if !errors.Is(err, tc.want) && err != tc.want {
				t.Errorf("input %q: %v, want %v", tc.input, err, tc.want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("input %q: the PIN screen did not end", tc.input)
		}
	}
}
