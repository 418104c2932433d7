package client_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// slow delays every push, so that a kill lands in the middle of a sync.
type slow struct{ next http.Handler }

func (s slow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/push") {
		time.Sleep(15 * time.Millisecond)
	}
	s.next.ServeHTTP(w, r)
}

// Killed syncs: a sync process killed with SIGKILL at random moments resumes;
// after one good sync nothing is pending and the server holds exactly the finalized set.
func TestKilledSyncResumes(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, func(h http.Handler) http.Handler { return slow{h} })
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
	killed, finished := 0, 0
	for range 6 {
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
		case <-time.After(time.Duration(30+rng.IntN(150)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
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
	c, _ := client.NewClient(env.URL, client.WithToken(tok), fastRetry())
	sum, err := c.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, nil)
	if err != nil || !sum.Complete() {
		t.Fatalf("good sync: %+v %v", sum, err)
	}
	t.Logf("%d syncs killed, %d finished; %d left before the good sync, which pushed %d new and found %d already there",
		killed, finished, len(left), sum.Count(survey.OutcomeStored), sum.Count(survey.OutcomeDuplicate))
	if killed == 0 {
		t.Error("no sync was killed")
	}
	testbed.CheckSame(t, env.Subs, want, l)
}
