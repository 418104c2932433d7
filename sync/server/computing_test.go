package server_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// gatedRoster is the server's roster store whose Changes, the first read of a report or a
// progress view, waits for gate to close, counting the reads that came in.
type gatedRoster struct {
	survey.ServerRosterStore
	gate    chan struct{}
	entered atomic.Int32
	in      chan struct{}
}

func (g *gatedRoster) Changes(ctx context.Context, after int64, limit int, assignedTo string) ([]survey.RosterRow, error) {
	g.entered.Add(1)
	g.in <- struct{}{}
	<-g.gate
	return g.ServerRosterStore.Changes(ctx, after, limit, assignedTo)
}

// TestComputingIsBounded: reads over every interview (a report, the response rates, the
// progress view, an export) run at most MaxComputing at once, server-wide: with one under
// way, another account's report waits, then is told to come back (503 with Retry-After)
// without starting, and once the first is done the
// next one runs. Without the bound each report of each account ran at once, a core and at a
// million interviews some 200 MB each.
func TestComputingIsBounded(t *testing.T) {
	gated := &gatedRoster{gate: make(chan struct{}), in: make(chan struct{}, 8)}
	env := testbed.NewEnv(t, func(c *server.Config) {
		c.MaxComputing, c.DecodeWait = 1, 300*time.Millisecond
		gated.ServerRosterStore = c.Roster
		c.Roster = gated
	}, nil)
	sri := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	ana := testbed.Token(t, env.Users, "ana", survey.RoleAnalyst)
	// A request that is neither answered nor refused within 15 s (one started beside the
	// first, waiting at the roster's gate) fails instead of waiting for ever.
	client := &http.Client{Timeout: 15 * time.Second}
	get := func(tok, path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, env.URL+"/api/v1/report?format=json", nil)
		req.Header.Set("Authorization", "Bearer "+sri)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	select {
	case <-gated.in: // the first report reads the roster, its turn held
	case <-time.After(30 * time.Second):
		t.Fatal("the first report never started")
	}
	for _, path := range []string{"/api/v1/report?format=json", "/api/v1/report?section=response&format=json", "/api/v1/progress", "/api/v1/export?format=csv"} {
		tok := ana
		if path == "/api/v1/progress" {
			tok = sri
		}
		status, retry := get(tok, path)
		if status != http.StatusServiceUnavailable || retry == "" {
			t.Errorf("%s while a report is computed: %d (Retry-After %q), want 503 with Retry-After", path, status, retry)
		}
	}
	if n := gated.entered.Load(); n != 1 {
		t.Errorf("%d reads of the roster started, want the first report's alone", n)
	}
	close(gated.gate)
	if status := <-first; status != http.StatusOK {
		t.Errorf("the first report: %d", status)
	}
	if status, _ := get(ana, "/api/v1/report?format=json"); status != http.StatusOK {
		t.Errorf("a report after the first: %d, want 200", status)
	}
	if p := env.Server.ComputePeak(); p != 1 {
		t.Errorf("at most %d computed at once, want 1", p)
	}
}
