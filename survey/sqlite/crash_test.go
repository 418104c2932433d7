package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// The crash test runs this test binary again as a child process that saves answers; these
// variables tell the child what to do.
const (
	envCrashDB    = "TRACER_CRASH_DB"
	envCrashID    = "TRACER_CRASH_INTERVIEW"
	envCrashRound = "TRACER_CRASH_ROUND"
)

func TestMain(m *testing.M) {
	if os.Getenv(envCrashDB) != "" {
		crashChild()
		return
	}
	os.Exit(m.Run())
}

// crashChild saves answers in a loop and prints each one after its commit, until it is
// killed (or, as a safety net, after ten seconds).
func crashChild() {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, os.Getenv(envCrashDB))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	s := sqlite.NewInterviewStore(db)
	id, round := os.Getenv(envCrashID), os.Getenv(envCrashRound)
	fmt.Fprintln(os.Stdout, "ready")
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		path := fmt.Sprintf("r%s/q%d", round, i)
		value := strings.Repeat(fmt.Sprintf("%s-%d;", round, i), 1+i%40) // some answers span pages
		if err := saveAnswer(ctx, s, id, path, value, survey.Event{Kind: survey.EventLeave, Path: path}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		// os.Stdout is unbuffered: the line is in the pipe when Fprintf returns.
		fmt.Fprintf(os.Stdout, "saved %s %s\n", path, value)
	}
	os.Exit(0)
}

// TestCrashLoop is RELIABILITY test 1: a child process saves answers and prints each after
// its commit; it is killed with SIGKILL at random moments (a third of the kills during
// start-up and recovery, the rest while saving, after it acknowledged a random number of
// answers). After every kill the database opens, passes integrity_check and holds every
// answer the child printed; the kills must have let hundreds of answers through, or the
// test proved little.
func TestCrashLoop(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("kill -9 semantics are tested on Unix")
	}
	// The budget ends the loop once enough answers went through; a slow machine gets more
	// time, up to hardCap, rather than a weaker test.
	rounds, budget, minAcked, hardCap := 200, 40*time.Second, 300, 5*time.Minute
	if testing.Short() {
		rounds, budget, minAcked, hardCap = 20, 10*time.Second, 0, time.Minute
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	iv := &survey.Interview{FormID: "crash", Enumerator: "test"}
	if err := sqlite.NewInterviewStore(db).Create(ctx, iv); err != nil {
		t.Fatal(err)
	}
	must(t, db.Close())

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	saved := map[string]string{}
	start := time.Now()
	round, saving := 0, 0
	for ; round < rounds && time.Since(start) < hardCap && (time.Since(start) < budget || len(saved) < minAcked); round++ {
		// A third of the kills come at a random moment after start-up (opening, recovering
		// the WAL, migrating); the rest once the child has acknowledged 1 to 30 answers,
		// a moment later, to land in the middle of a save.
		afterSaves := 0
		delay := time.Duration(rng.IntN(25_000)) * time.Microsecond
		if round%3 != 0 {
			afterSaves, delay = 1+rng.IntN(30), time.Duration(rng.IntN(3_000))*time.Microsecond
			saving++
		}
		lines := runAndKill(t, exe, path, iv.ID, round, afterSaves, delay)
		for _, l := range lines {
			f := strings.SplitN(l, " ", 3)
			if len(f) != 3 || f[0] != "saved" {
				continue
			}
			saved[f[1]] = f[2]
		}
		verify(t, path, iv.ID, saved, round)
		if t.Failed() {
			return
		}
	}
	t.Logf("%d rounds in %v, %d answers acknowledged and found", round, time.Since(start).Round(time.Millisecond), len(saved))
	// Each kill while saving came after at least one acknowledged answer, 15 on average.
	if want := 5 * saving; len(saved) < want || len(saved) < minAcked {
		t.Errorf("%d answers acknowledged over %d kills while saving; want at least %d and %d in all", len(saved), saving, want, minAcked)
	}
}

// runAndKill starts the child, kills it after delay, counted from its start or, when
// afterSaves > 0, from its afterSaves-th acknowledged answer, and returns the complete lines
// it printed.
func runAndKill(t *testing.T, exe, path, id string, round int, afterSaves int, delay time.Duration) []string {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashDB+"="+path, envCrashID+"="+id, envCrashRound+"="+strconv.Itoa(round))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	enough := make(chan struct{})
	done := make(chan []string)
	go func() {
		var lines []string
		saves := 0
		r := bufio.NewReader(out)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				break // a last line without its newline was cut by the kill: not acknowledged
			}
			l = strings.TrimSuffix(l, "\n")
			if strings.HasPrefix(l, "saved ") {
				if saves++; saves == afterSaves {
					close(enough)
				}
			}
			lines = append(lines, l)
		}
		io.Copy(io.Discard, out)
		done <- lines
	}()
	if afterSaves > 0 {
		select {
		case <-enough:
		case <-time.After(10 * time.Second):
			t.Errorf("round %d: the child never acknowledged %d answers", round, afterSaves)
		}
	}
	time.Sleep(delay)
	_ = cmd.Process.Kill() // SIGKILL
	lines := <-done
	err = cmd.Wait()
	if err == nil || (stderr.Len() > 0 && !strings.Contains(err.Error(), "killed")) {
		t.Fatalf("round %d: child ended with %v before the kill: %s", round, err, stderr.String())
	}
	return lines
}

// verify opens the database and checks its integrity and every acknowledged answer.
func verify(t *testing.T, path, id string, saved map[string]string, round int) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("round %d: reopen: %v", round, err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	answers, err := sqlite.NewInterviewStore(db).Answers(ctx, id)
	if err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	have := make(map[string]string, len(answers))
	for _, a := range answers {
		have[a.Path] = a.Value
	}
	for p, v := range saved {
		if have[p] != v {
			t.Errorf("round %d: acknowledged answer %s lost (have %q)", round, p, have[p])
		}
	}
}
