package client_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// syncEnv turns the test binary into a child that syncs one laptop: "URL|TOKEN|DBPATH".
const syncEnv = "TRACER_TEST_SYNC"

func TestMain(m *testing.M) {
	if spec := os.Getenv(syncEnv); spec != "" {
		parts := strings.SplitN(spec, "|", 3)
		ctx := context.Background()
		l, err := testbed.OpenLaptop(ctx, parts[2])
		if err == nil {
			c, _ := client.NewClient(parts[0], client.WithToken(parts[1]), client.WithBatch(3, 1<<20),
				client.WithRetry(3, time.Millisecond, 10*time.Millisecond))
			_, err = c.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, nil)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child sync:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// pushHook holds the target-th push the server sees, before or after storing it, until the
// test has killed the child that sent it: the kills are timed by what the server sees.
type pushHook struct {
	next http.Handler

	mu     gosync.Mutex
	seen   int  // pushes seen in this round
	target int  // the push to hold; 0 holds none
	after  bool // hold after the push is stored, before the answer
	held   chan struct{}
	killed chan struct{}
}

func (h *pushHook) arm(target int, after bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen, h.target, h.after = 0, target, after
	h.held, h.killed = make(chan struct{}), make(chan struct{})
}

func (h *pushHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/push") {
		h.next.ServeHTTP(w, r)
		return
	}
	h.mu.Lock()
	h.seen++
	hold := h.seen == h.target
	after, held, killed := h.after, h.held, h.killed
	h.mu.Unlock()
	if !hold {
		h.next.ServeHTTP(w, r)
		return
	}
	if after {
		rec := httptest.NewRecorder()
		h.next.ServeHTTP(rec, r)
		close(held)
		<-killed
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	close(held)
	<-killed
	h.next.ServeHTTP(w, r)
}

// Killed syncs: a sync process killed with SIGKILL at random moments resumes;
// after one good sync nothing is pending and the server holds exactly the finalized set.
func TestKilledSyncResumes(t *testing.T) {
	ctx := context.Background()
	hook := &pushHook{}
	env := testbed.NewEnv(t, nil, func(h http.Handler) http.Handler { hook.next = h; return hook })
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	l, err := testbed.OpenLaptop(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := testbed.Seed(ctx, l.Interviews, "ani", 90)
	if err != nil {
		t.Fatal(err)
	}
	l.DB.Close()

	rng := rand.New(rand.NewPCG(4, 4))
	killed, finished, killedAfterStore := 0, 0, 0
	for range 6 {
		after := rng.IntN(2) == 0
		hook.arm(1+rng.IntN(6), after)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), syncEnv+"="+env.URL+"|"+tok+"|"+path)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("child sync: %v", err)
			}
			finished++
		case <-hook.held:
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			close(hook.killed)
			killed++
			if after {
				killedAfterStore++
			}
		}
	}
	l, err = testbed.OpenLaptop(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.DB.Close()
	if err := l.DB.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	left, _ := l.Interviews.Outbox(ctx, 0)
	onServer, err := env.Subs.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := client.NewClient(env.URL, client.WithToken(tok), fastRetry())
	sum, err := c.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, nil)
	if err != nil || !sum.Complete() {
		t.Fatalf("good sync: %+v %v", sum, err)
	}
	t.Logf("%d syncs killed during a push (%d after the server stored it), %d finished; %d on the server and %d left before the good sync, which pushed %d new and found %d already there",
		killed, killedAfterStore, finished, onServer, len(left), sum.Count(survey.OutcomeStored), sum.Count(survey.OutcomeDuplicate))
	if killed < 3 || killedAfterStore == 0 {
		t.Errorf("%d syncs killed during a push, %d after the server stored it; want at least 3 and 1", killed, killedAfterStore)
	}
	if onServer == 0 || len(left) == 0 {
		t.Errorf("at resume the server held %d interviews and the laptop had %d left: the kills did not land mid-sync", onServer, len(left))
	}
	testbed.CheckSame(t, env.Subs, want, l)
}
