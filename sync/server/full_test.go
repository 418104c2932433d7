package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// healthz returns /healthz's status and body.
func healthz(t *testing.T, url string) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// A server whose database is full (a real SQLITE_FULL from SQLite's page cap) answers
// pushes with 507 disk_full and a message saying who must act, /healthz says it cannot
// write, the laptop keeps its interviews, and once there is room the same laptop's sync
// lands them all.
func TestServerDiskFull(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := testbed.OpenServerDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	tok := testbed.Token(t, sqlite.NewUserStore(db), "ani", survey.RoleEnumerator)
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	full, err := sqlite.Open(ctx, path, sqlite.WithMaxPages(int(fi.Size()/4096)+2))
	if err != nil {
		t.Fatal(err)
	}
	cfg := testbed.Config(full, nil)
	cfg.ProbeEvery = time.Nanosecond
	hs := httptest.NewServer(server.New(cfg))
	defer hs.Close()

	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 40)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, hs.URL, tok)
	sum, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State}, nil)
	if survey.ErrorCode(err) != survey.EFULL || !strings.Contains(survey.ErrorMessage(err), "server's disk is full") {
		t.Fatalf("sync on a full server: %+v %v, want disk_full", sum, err)
	}
	if status, body := healthz(t, hs.URL); status != http.StatusInsufficientStorage || body["status"] != "cannot_write" || body["code"] != survey.EFULL {
		t.Errorf("/healthz on a full server: %d %v", status, body)
	}
	if err := c.Health(ctx); survey.ErrorCode(err) != survey.EFULL {
		t.Errorf("client health: %v", err)
	}
	out, err := lap.Interviews.Outbox(ctx, 1000)
	if err != nil || len(out) < len(want)-sum.Count(survey.OutcomeStored) || len(out) == 0 {
		t.Fatalf("outbox holds %d of %d after %d pushed: %v", len(out), len(want), sum.Count(survey.OutcomeStored), err)
	}
	hs.Close()
	full.Close()

	// Room again.
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hs = httptest.NewServer(server.New(testbed.Config(db, nil)))
	defer hs.Close()
	if status, body := healthz(t, hs.URL); status != http.StatusOK || body["status"] != "ok" {
		t.Errorf("/healthz with room: %d %v", status, body)
	}
	syncOnce(t, newClient(t, hs.URL, tok), lap)
	testbed.CheckSame(t, sqlite.NewSubmissionStore(db), want, lap)
}
