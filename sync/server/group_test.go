package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// items makes n finalized interviews of the built-in form naming enumerator.
func items(t *testing.T, enumerator string, n int) []wire.PushItem {
	t.Helper()
	var out []wire.PushItem
	for range n {
		id := survey.NewID()
		body, hash, err := testbed.Record(id, enumerator, 1, time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, wire.PushItem{ID: id, Revision: 1, Hash: hash, Body: body})
	}
	return out
}

// TestConcurrentPushes pushes one interview per request from many goroutines at once
// through the real handler, two goroutines per account sending the same interviews (the
// server lets an account send one request at a time: the other is told to retry, as a
// laptop that sent twice would be): every receipt names a stored row with its sequence
// number and hash, and each interview is stored once.
func TestConcurrentPushes(t *testing.T) {
	ctx := context.Background()
	e := testbed.NewEnv(t, nil, nil)
	const accounts, each = 6, 8
	type push struct {
		c  *client.Client
		it wire.PushItem
	}
	var all []wire.PushItem
	var lanes [][]push
	for a := range accounts {
		name := fmt.Sprintf("e%d", a)
		c, err := client.NewClient(e.URL, client.WithToken(testbed.Token(t, e.Users, name, survey.RoleEnumerator)),
			client.WithRetry(50, time.Millisecond, 20*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		its := items(t, name, each)
		all = append(all, its...)
		for range 2 {
			var lane []push
			for _, it := range its {
				lane = append(lane, push{c, it})
			}
			lanes = append(lanes, lane)
		}
	}
	var mu gosync.Mutex
	var receipts []wire.Receipt
	var wg gosync.WaitGroup
	for _, lane := range lanes {
		wg.Go(func() {
			for _, p := range lane {
				resp, err := p.c.Push(ctx, []wire.PushItem{p.it})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				receipts = append(receipts, resp.Receipts...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(receipts) != 2*len(all) {
		t.Fatalf("%d receipts for %d pushes", len(receipts), 2*len(all))
	}
	stored := map[string]int64{}
	for _, rc := range receipts {
		if rc.Status != survey.ReceiptStored && rc.Status != survey.ReceiptDuplicate {
			t.Fatalf("receipt %+v", rc)
		}
		got, err := e.Subs.Get(ctx, rc.InterviewID, rc.Revision)
		if err != nil || got.Seq != rc.Seq || got.Hash != rc.Hash {
			t.Fatalf("receipt %+v; stored %+v %v", rc, got, err)
		}
		if rc.Status == survey.ReceiptStored {
			if _, twice := stored[rc.InterviewID]; twice {
				t.Fatalf("interview %s stored twice", rc.InterviewID)
			}
			stored[rc.InterviewID] = rc.Seq
		}
	}
	if n, err := e.Subs.Count(ctx); err != nil || n != len(all) || len(stored) != len(all) {
		t.Fatalf("%d rows (%v), %d stored receipts; want %d of each", n, err, len(stored), len(all))
	}
}

// TestKillBeforeGroupCommit queues pushes in a server process whose database another
// process holds locked, kills the server with SIGKILL before it could commit, and checks
// that no push got a receipt and none is stored; pushed again to the restarted server,
// each is stored once.
func TestKillBeforeGroupCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "server.db")
	db, err := testbed.OpenServerDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// One account per push: the server takes one request at a time from an account.
	const pushes = 6
	var tokens []string
	for i := range pushes {
		tokens = append(tokens, testbed.Token(t, sqlite.NewUserStore(db), fmt.Sprintf("e%d", i), survey.RoleEnumerator))
	}
	db.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	status := filepath.Join(dir, "waiting")
	srv := &child{t: t, spec: path + "|" + addr + "|" + status, addr: addr}
	srv.start()
	t.Cleanup(func() { srv.kill() })

	// Another process's write lock: the server's writer waits for it.
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	clients := make([]*client.Client, pushes)
	its := make([]wire.PushItem, pushes)
	for i := range clients {
		if clients[i], err = client.NewClient("http://"+addr, client.WithToken(tokens[i]), client.WithRetry(1, 0, 0)); err != nil {
			t.Fatal(err)
		}
		its[i] = items(t, fmt.Sprintf("e%d", i), 1)[0]
	}
	errs := make([]error, pushes)
	got := make([]*wire.PushResponse, pushes)
	var wg gosync.WaitGroup
	for i := range its {
		wg.Go(func() { got[i], errs[i] = clients[i].Push(ctx, its[i:i+1]) })
	}
	for {
		if b, _ := os.ReadFile(status); string(b) == fmt.Sprint(pushes) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if !srv.kill() {
		t.Fatal("the server did not die of SIGKILL")
	}
	wg.Wait()
	conn.ExecContext(ctx, "ROLLBACK")
	conn.Close()
	for i := range its {
		if errs[i] == nil {
			t.Fatalf("push %d got receipts %+v from a server killed before its commit", i, got[i].Receipts)
		}
	}
	var n int
	if err := other.QueryRowContext(ctx, "SELECT COUNT(*) FROM submissions").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows stored (%v), want none", n, err)
	}

	srv.start()
	for i, c := range clients {
		resp, err := c.Push(ctx, its[i:i+1])
		if err != nil {
			t.Fatal(err)
		}
		if rc := resp.Receipts[0]; rc.Status != survey.ReceiptStored {
			t.Fatalf("after the restart: %+v, want stored", rc)
		}
	}
}

// TestCollectPhonesShareGroupCommit: the submissions of ODK Collect phones sharing one
// account join one group commit, as pushes of several laptops do: once a submission is
// checked, the account's turn goes to the next one while it waits for the commit. Another
// process holds the database's write lock until every submission waits for the commit.
func TestCollectPhonesShareGroupCommit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := testbed.OpenServerDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := testbed.Config(db, nil)
	store := cfg.Submissions.(*sqlite.SubmissionStore)
	hs := httptest.NewServer(server.New(cfg))
	defer hs.Close()
	tok := testbed.Token(t, sqlite.NewUserStore(db), "sari", survey.RoleEnumerator)
	f, answers, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}

	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	const phones = 4
	statuses := make(chan int, phones)
	for i := range phones {
		doc := instanceXML(f, answers, fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1))
		go func() {
			resp := postInstance(t, hs.URL+"/v1/key/"+tok+"/submission", doc, nil)
			statuses <- resp.StatusCode
		}()
	}
	for i := 0; store.Waiting() < phones; i++ {
		if i == 300 {
			conn.ExecContext(ctx, "ROLLBACK")
			t.Fatalf("%d of %d submissions of one account wait for the commit, want all: the account's turn is held until each commits", store.Waiting(), phones)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	for range phones {
		if s := <-statuses; s != http.StatusCreated {
			t.Errorf("a phone's submission: %d, want 201", s)
		}
	}
	if n, err := store.Count(ctx); err != nil || n != phones {
		t.Errorf("%d interviews stored (%v), want %d", n, err, phones)
	}
	// The writer took the first submission alone and the rest together.
	if commits, calls := store.Commits(); calls != phones || commits > 2 {
		t.Errorf("%d commits for %d submissions, want at most 2", commits, calls)
	}
}
