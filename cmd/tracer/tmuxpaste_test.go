package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
)

const pasteForm = `| survey |
| | type | name | label |
| | text | city | City of work |
| | text | street | Street of the workplace |
| | integer | children | Number of children |
| | text | remark | Remark |
| settings |
| | form_id | version | form_title |
| | paste_check | 1 | Paste check |
`

// TestTmuxPasteWithoutBrackets pastes three lines into the first question of an interview
// in a tmux window, as tmux's paste-buffer without -p (or Windows' console host) does: as
// keys, without bracketed paste. The line breaks must not answer the question and the next
// ones the enumerator never saw: the text lands in the question on screen, the status line
// says the line breaks were not taken as Enter, and nothing is saved. The same holds for
// keys that arrive in one write (send-keys of several keys). Then she corrects the answer
// and types the next one key by key, as a fast typist, each Enter going on; the database
// holds exactly those two answers.
func TestTmuxPasteWithoutBrackets(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tracer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	form := filepath.Join(dir, "paste.md")
	if err := os.WriteFile(form, []byte(pasteForm), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("tracer-paste-%d", os.Getpid()), bin: bin, data: filepath.Join(dir, "data")}
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	tm.tmux("new-session", "-d", "-s", "day", "-x", "80", "-y", "24",
		bin, "--data", tm.data, "--form", form, "--lang", "en", "--enumerator", "ani")
	tm.waitFor("Home")
	tm.keys("1")
	tm.waitFor("Find the respondent")
	tm.keys("C-n") // a walk-in
	tm.waitFor("City of work")

	onCity := func(what, want string) {
		t.Helper()
		s := tm.screen()
		if !strings.Contains(s, "City of work") || strings.Contains(s, "Street of the workplace") ||
			!strings.Contains(s, "› "+want) || !strings.Contains(s, "were not taken as Enter") {
			t.Fatalf("after %s the screen is not the first question holding %q with the note:\n%s", what, want, s)
		}
	}
	// tmux's paste-buffer without -p types the buffer as it is, line feeds as Enter
	tm.tmux("set-buffer", "-b", "lines", "Jakarta\nBandung\n3\nyes")
	before := tm.screen()
	tm.tmux("paste-buffer", "-b", "lines", "-t", "day")
	tm.settle(before)
	onCity("paste-buffer", "Jakarta Bandung 3 yes")

	// several keys in one send-keys reach the program in one write, as a paste does
	tm.keys("C-u")
	before = tm.screen()
	tm.tmux("send-keys", "-t", "day", "Solo", "Enter", "Bogor", "Enter")
	tm.settle(before)
	onCity("send-keys of several keys", "Solo Bogor")

	store := sqlite.NewInterviewStore(openDB(t, tm.data))
	answers := func() map[string]string {
		t.Helper()
		ivs, err := store.List(context.Background(), survey.InterviewFilter{})
		if err != nil || len(ivs) != 1 {
			t.Fatalf("%d interviews, %v", len(ivs), err)
		}
		as, err := store.Answers(context.Background(), ivs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, a := range as {
			got[a.Path[strings.LastIndexByte(a.Path, '/')+1:]] = a.Value
		}
		return got
	}
	if got := answers(); len(got) != 0 {
		t.Fatalf("saved after the pastes: %v", got)
	}

	// the enumerator corrects the answer and goes on key by key
	tm.keys("C-u")
	tm.text("Jakarta")
	tm.keys("Enter")
	tm.waitFor("Street of the workplace")
	for _, k := range []string{"J", "l", "Space", "M", "e", "r", "d", "e", "k", "a"} {
		tm.keys(k)
	}
	tm.keys("Enter")
	tm.waitFor("Number of children", "✓ saved") // the store confirmed the street
	if got, want := answers(), map[string]string{"city": "Jakarta", "street": "Jl Merdeka"}; !maps.Equal(got, want) {
		t.Errorf("saved %v, meant %v", got, want)
	}
}

func openDB(t *testing.T, data string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(data, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
