package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey/sqlite"
)

// pickOutcome moves the outcome list's cursor to code and presses Enter: it reads where the
// cursor and the code are on screen, so the test does not depend on the list's order.
func (tm *tmuxTerm) pickOutcome(code string) {
	tm.t.Helper()
	s := tm.waitFor(code)
	cursor, target := -1, -1
	for i, l := range strings.Split(s, "\n") {
		f := strings.Fields(strings.TrimPrefix(l, ">"))
		if len(f) == 0 {
			continue
		}
		if strings.HasPrefix(l, ">") {
			cursor = i
		}
		if f[0] == code {
			target = i
		}
	}
	if cursor < 0 || target < cursor {
		tm.t.Fatalf("outcome %s not below the cursor; screen:\n%s", code, s)
	}
	for range target - cursor {
		tm.keys("Down")
	}
	tm.keys("Enter")
}

// TestTmuxCallList drives the enumerator's call list in a real terminal: an alumnus who
// does not answer, one who asks to be called back in two hours, and one interviewed from
// the call. The laptop must hold exactly those attempts, the call-back time, and a phone
// interview for the third.
func TestTmuxCallList(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	if _, err := os.Stat(sampleRoster); err != nil {
		t.Skipf("sample roster absent: %v", err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tracer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	if out, err := exec.Command(bin, "roster", "import", "--data", data, sampleRoster).CombinedOutput(); err != nil {
		t.Fatalf("roster import: %v\n%s", err, out)
	}
	tm := &tmuxTerm{t: t, socket: fmt.Sprintf("tracer-calls-%d", os.Getpid()), bin: bin, data: data}
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	tm.start()

	tm.keys("8")
	// the first three alumni the call list offers, top first
	var ids []string
	for _, l := range strings.Split(tm.waitFor("> "), "\n") {
		if !strings.HasPrefix(l, "> ") && !strings.HasPrefix(l, "  ") {
			continue // the title and the count
		}
		if f := strings.Fields(strings.TrimPrefix(l, ">")); len(f) > 1 && strings.Contains(l, " · ") && len(ids) < 3 {
			ids = append(ids, f[0])
		}
	}
	if len(ids) < 3 {
		t.Fatalf("the call list shows fewer than three alumni: %v", ids)
	}
	tm.waitFor("> " + ids[0])
	tm.keys("o")
	tm.pickOutcome("3.13") // no answer
	tm.waitFor("> " + ids[1])
	tm.keys("o")
	tm.pickOutcome("2.21") // asked to be called back
	tm.waitFor("besok 9")  // the call-back prompt shows its formats
	tm.text("+2j")         // two hours (jam)
	tm.keys("Enter")
	tm.waitFor("> " + ids[2])
	tm.keys("i") // asks first
	tm.waitFor("Mulai wawancara")
	tm.keys("i")
	tm.waitFor("Wawancara", ids[2])
	tm.keys("C-s")
	tm.waitFor("Beranda")

	out, err := exec.Command(bin, "attempt", "list", "--data", data).CombinedOutput()
	if err != nil {
		t.Fatalf("attempt list: %v\n%s", err, out)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		for _, id := range ids {
			if strings.Contains(l, id) {
				if lines[id] != "" {
					t.Errorf("%s has two attempts:\n%s", id, out)
				}
				lines[id] = l
			}
		}
	}
	if f := strings.Fields(lines[ids[0]]); len(f) < 5 || f[3] != "phone" || f[4] != "3.13" {
		t.Errorf("%s: want a phone attempt coded 3.13, got %q", ids[0], lines[ids[0]])
	}
	if f := strings.Fields(lines[ids[1]]); len(f) < 5 || f[4] != "2.21" || !strings.Contains(lines[ids[1]], "call back 20") {
		t.Errorf("%s: want 2.21 with its call-back time, got %q", ids[1], lines[ids[1]])
	}
	if lines[ids[2]] == "" {
		t.Errorf("%s: the interview started from the call left no attempt:\n%s", ids[2], out)
	}

	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(data, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := sqlite.NewInterviewStore(db)
	iv := interviewOf(t, store, ids[2])
	answers, err := store.Answers(ctx, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	mode := ""
	for _, a := range answers {
		if a.Path == "interview_mode" || strings.HasSuffix(a.Path, "/interview_mode") {
			mode = a.Value
		}
	}
	if mode != "phone" {
		t.Errorf("the interview started from the call list has interview_mode %q, want phone", mode)
	}
}
