package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTmuxTypeAhead types a key before the interview screens have started, as an
// enumerator does who types the command, Enter and a menu key at once: the key must reach
// the screens (here 3, the settings), not be read and dropped while the program starts.
func TestTmuxTypeAhead(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tracer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("tracer-ahead-%d", os.Getpid()), bin: bin, data: filepath.Join(dir, "data")}
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	// The program starts a second after the window opens; the key is typed before.
	tm.tmux("new-session", "-d", "-s", "day", "-x", "80", "-y", "24",
		"sleep 1; exec "+bin+" --data "+tm.data+" --lang en --enumerator ani")
	tm.tmux("send-keys", "-t", "day", "3")
	if s := tm.screen(); strings.Contains(s, "Home") || strings.Contains(s, "Settings") {
		t.Fatalf("the program was already running when the key was typed:\n%s", s)
	}
	tm.waitFor("tracer · Settings")
}

// The screens start dark unless $COLORFGBG names a light background.
func TestDarkGuess(t *testing.T) {
	for v, want := range map[string]bool{"": true, "15;0": true, "0;15": false, "0;default;15": false, "0;7": false, "7;0": true, "nonsense": true} {
		if got := darkGuess(v); got != want {
			t.Errorf("darkGuess(%q) = %v, want %v", v, got, want)
		}
	}
}
