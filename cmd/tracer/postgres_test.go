package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/postgres"
	"tracer/survey/postgres/pgtest"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// serveProc is a "tracer serve" process on PostgreSQL.
type serveProc struct {
	cmd  *exec.Cmd
	url  string
	addr string
}

// startServe starts "tracer serve --db u --data data" on addr ("127.0.0.1:0" for any
// port) and waits for its URL.
func startServe(t *testing.T, u, data, addr, name string) *serveProc {
	t.Helper()
	urlFile := filepath.Join(data, name+".url")
	os.Remove(urlFile)
	logf, err := os.Create(filepath.Join(data, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	cmd := exec.Command("tracer", "serve", "--db", u, "--data", data, "--addr", addr, "--url-file", urlFile)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd}
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(urlFile); err == nil && len(b) > 0 {
			p.url = strings.TrimSpace(string(b))
			p.addr = strings.TrimPrefix(p.url, "http://")
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, _ := os.ReadFile(logf.Name())
	t.Fatalf("tracer serve %s gave no URL in 30s:\n%s", name, log)
	return nil
}

// kill sends SIGKILL and reports whether the process was running and died of it.
func (p *serveProc) kill() bool {
	if p.cmd == nil {
		return false
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	p.cmd = nil
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// pushProxy forwards TCP connections to a server and watches the pushes through it: a
// push is in the server when its whole request went through and no byte of the answer
// came back yet.
type pushProxy struct {
	ln     net.Listener
	target string

	mu    gosync.Mutex
	conns []*proxyConn
}

type proxyConn struct {
	push      bool
	header    int   // bytes of the request head, 0 until it is read
	body      int64 // Content-Length of the request
	sent      int64 // bytes forwarded to the server
	answered  atomic.Int64
	requests  []byte // the start of what the client sent, to read the request head
	finished  atomic.Bool
	killedMid bool
}

// inServer reports whether the connection's push request reached the server whole and
// is not answered yet.
func (c *proxyConn) inServer() bool {
	return c.push && c.header > 0 && c.sent >= int64(c.header)+c.body && c.answered.Load() == 0 && !c.finished.Load()
}

func newPushProxy(t *testing.T, target string) *pushProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pushProxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.handle(c)
		}
	}()
	return p
}

func (p *pushProxy) handle(in net.Conn) {
	defer in.Close()
	out, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer out.Close()
	pc := &proxyConn{}
	p.mu.Lock()
	p.conns = append(p.conns, pc)
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		io.Copy(in, countReader{n: &pc.answered, src: out})
		pc.finished.Store(true)
		in.Close()
		close(done)
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			p.mu.Lock()
			if pc.header == 0 && len(pc.requests) < 64<<10 {
				pc.requests = append(pc.requests, buf[:n]...)
				if i := bytes.Index(pc.requests, []byte("\r\n\r\n")); i >= 0 {
					head := string(pc.requests[:i])
					pc.header = i + 4
					pc.push = strings.HasPrefix(head, "POST /api/v1/interviews/push ")
					for _, line := range strings.Split(head, "\r\n") {
						if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Content-Length") {
							pc.body, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
						}
					}
				}
			}
			p.mu.Unlock()
			if _, werr := out.Write(buf[:n]); werr != nil {
				break
			}
			p.mu.Lock()
			pc.sent += int64(n)
			p.mu.Unlock()
		}
		if err != nil {
			break
		}
	}
	out.(*net.TCPConn).CloseWrite()
	<-done
}

// pushInServer returns a connection whose push is in the server now, or nil.
func (p *pushProxy) pushInServer() *proxyConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		if c.inServer() {
			return c
		}
	}
	return nil
}

// countReader reads the server's answer and counts its bytes.
type countReader struct {
	n   *atomic.Int64
	src net.Conn
}

func (w countReader) Read(b []byte) (int, error) {
	n, err := w.src.Read(b)
	w.n.Add(int64(n))
	return n, err
}

// TestServersOnPostgres runs three "tracer serve" processes on one PostgreSQL database:
// the role matrix on each, then six laptops spread across them push at once while one
// server is killed with SIGKILL while a push is inside it; the laptops of the killed server
// sync again through another. The database holds every finalized revision once, each with
// one review, and no laptop has anything left to push.
func TestServersOnPostgres(t *testing.T) {
	pgtest.Need(t)
	if testing.Short() {
		t.Skip("three servers in -short mode")
	}
	ctx := context.Background()
	u := pgtest.URL(t)
	data := t.TempDir()
	// The first server makes the keys the others share; then the other two start.
	servers := []*serveProc{startServe(t, u, data, "127.0.0.1:0", "s0")}
	servers = append(servers, startServe(t, u, data, "127.0.0.1:0", "s1"), startServe(t, u, data, "127.0.0.1:0", "s2"))

	key, err := loadCodeKey(filepath.Join(data, postgresKeyName+".key"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, u, postgres.WithCodeKey(key))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	users, subs, reviews := postgres.NewUserStore(db), postgres.NewSubmissionStore(db), postgres.NewReviewStore(db)

	// The role matrix on every server, each with its own accounts.
	var want []*survey.OutboxItem
	for i, s := range servers {
		t.Run(fmt.Sprintf("roles on s%d", i), func(t *testing.T) {
			want = append(want, testbed.RoleMatrix(t, testbed.Matrix{URL: s.url, Users: users, Prefix: fmt.Sprintf("s%d", i),
				LaptopKeyStatus: 400, RelayAccountsStatus: 200, SupervisorReturns: i + 1})...)
		})
	}
	if t.Failed() {
		t.FailNow()
	}

	const laptops, perLaptop = 6, 30
	var fromLaptops []*survey.OutboxItem
	px := newPushProxy(t, servers[2].addr)
	laps := make([]*testbed.Laptop, laptops)
	tokens := make([]string, laptops)
	for i := range laps {
		name := fmt.Sprintf("e%d", i)
		tokens[i] = testbed.Token(t, users, name, survey.RoleEnumerator)
		laps[i] = testbed.NewLaptop(t)
		items, err := testbed.Seed(ctx, laps[i].Interviews, name, perLaptop)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, items...)
		fromLaptops = append(fromLaptops, items...)
	}
	urlOf := func(i int) string {
		if i%3 == 2 {
			return "http://" + px.ln.Addr().String()
		}
		return servers[i%3].url
	}

	// Kill s2 once a push is inside it: its whole request went through, no answer yet.
	killed := make(chan bool, 1)
	var killer gosync.WaitGroup
	stop := make(chan struct{})
	killer.Go(func() {
		for {
			select {
			case <-stop:
				killed <- false
				return
			default:
			}
			if c := px.pushInServer(); c != nil {
				ok := servers[2].kill()
				c.killedMid = ok && c.answered.Load() == 0
				killed <- c.killedMid
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
	})
	var wg gosync.WaitGroup
	firstErr := make([]error, laptops)
	for i, l := range laps {
		wg.Go(func() {
			c, err := client.NewClient(urlOf(i), client.WithToken(tokens[i]), client.WithBatch(10, 1<<20),
				client.WithRetry(2, 10*time.Millisecond, 50*time.Millisecond))
			if err != nil {
				firstErr[i] = err
				return
			}
			_, firstErr[i] = c.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, nil)
		})
	}
	wg.Wait()
	close(stop)
	killer.Wait()
	if !<-killed {
		t.Fatal("s2 was not killed while a push was inside it")
	}
	for i := range laps {
		if i%3 != 2 && firstErr[i] != nil {
			t.Fatalf("laptop %d on s%d: %v", i, i%3, firstErr[i])
		}
	}
	if firstErr[2] == nil && firstErr[5] == nil {
		t.Fatal("no laptop of s2 saw its push cut by the kill")
	}

	// The laptops of s2 sync again through s0; every laptop once more through any server.
	for i, l := range laps {
		target := servers[(i+1)%2].url
		c, err := client.NewClient(target, client.WithToken(tokens[i]))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := c.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, nil)
		if err != nil || !sum.Complete() {
			t.Fatalf("laptop %d through %s: %+v %v", i, target, sum, err)
		}
	}
	testbed.CheckSame(t, subs, want, laps...)
	for _, it := range fromLaptops {
		h, err := reviews.History(ctx, it.InterviewID)
		if err != nil || len(h) != 1 || h[0].To != survey.ReviewReceived {
			t.Fatalf("interview %s: review history %+v %v, want one received", it.InterviewID, h, err)
		}
	}
	for _, s := range servers[:2] {
		resp, err := http.Get(s.url + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s after the run: %v %v", s.url, resp, err)
		}
		resp.Body.Close()
	}
}

// TestServeMigrate copies a SQLite server database into PostgreSQL with "tracer serve
// migrate": every table is the same on both sides, the export is the same byte for byte, a
// second run refuses the database it filled, and a changed row shows in the digests.
func TestServeMigrate(t *testing.T) {
	pgtest.Need(t)
	ctx := context.Background()
	dir := t.TempDir()
	from := filepath.Join(dir, "server.db")
	src, err := testbed.OpenServerDB(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	users := sqlite.NewUserStore(src)
	testbed.Token(t, users, "ani", survey.RoleEnumerator)
	if _, _, err := users.CreateUser(ctx, "sri", survey.RoleSupervisor); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.NewServerRosterStore(src).Upload(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Sari", Kejuruan: "LAS"}}); err != nil {
		t.Fatal(err)
	}
	var subsIn []*survey.Submission
	for i := range 25 {
		id := survey.NewID()
		body, hash, err := testbed.Record(id, "ani", 1, time.Date(2026, 3, 1, 9, i, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := survey.DecodeRecord(body)
		if err != nil {
			t.Fatal(err)
		}
		subsIn = append(subsIn, &survey.Submission{InterviewID: id, Revision: 1, Hash: hash, Body: body, FormID: rec.FormID,
			FormVersion: rec.FormVersion, RespondentID: "R1", Enumerator: "ani", SubmittedBy: "ani"})
	}
	if _, err := sqlite.NewSubmissionStore(src).Ingest(ctx, subsIn); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.NewReviewStore(src).Approve(ctx, subsIn[0].InterviewID, 1, "", "sri"); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.NewReturnStore(src).Return(ctx, subsIn[1].InterviewID, 1, "Cek upah", "sri"); err != nil {
		t.Fatal(err)
	}
	if rc, err := sqlite.NewRosterUpdateLedger(src).Ingest(ctx, []*survey.RosterUpdate{{ID: survey.NewID(), RosterID: "R1",
		Field: survey.FieldRegency, Value: "6474", ProposedBy: "ani", ProposedAt: time.Now().Add(-time.Hour)}}, "ani", true); err != nil || rc[0].Status != survey.ReceiptStored {
		t.Fatalf("roster update: %+v %v", rc, err)
	}
	if _, err := sqlite.NewFormStore(src).Publish(ctx, &survey.PublishedForm{ID: "tracer", Version: "1", Name: "tracer.xlsx", Source: []byte("v1"), PublishedBy: "sri"}); err != nil {
		t.Fatal(err)
	}
	srcLinks := sqlite.NewLinkStore(src)
	oldLink, err := srcLinks.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{"R1"}}, "tracer", time.Now().Add(24*time.Hour), "sri")
	if err != nil {
		t.Fatal(err)
	}
	link, err := srcLinks.MakeLinks(ctx, survey.AssignSelector{RosterIDs: []string{"R1"}}, "tracer", time.Now().Add(24*time.Hour), "sri")
	if err != nil {
		t.Fatal(err)
	}
	if err := srcLinks.LinkUsed(ctx, link[0].Link, 2); err != nil {
		t.Fatal(err)
	}
	// Two waves: R1 was ani's in the first, and is budi's in the second.
	if _, _, err := users.CreateUser(ctx, "budi", survey.RoleEnumerator); err != nil {
		t.Fatal(err)
	}
	srcRoster, srcWaves := sqlite.NewServerRosterStore(src), sqlite.NewWaveStore(src)
	if _, err := srcRoster.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"R1"}}, "ani", "sri"); err != nil {
		t.Fatal(err)
	}
	wave1, wave2 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	if err := srcWaves.AddWave(ctx, survey.Wave{Name: "6 bulan", StartsAt: wave1, CreatedBy: "sri"}); err != nil {
		t.Fatal(err)
	}
	if err := srcWaves.AddWave(ctx, survey.Wave{Name: "12 bulan", StartsAt: wave2, CreatedBy: "sri"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srcRoster.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"R1"}}, "budi", "sri"); err != nil {
		t.Fatal(err)
	}
	src.Close()

	u := pgtest.URL(t)
	data := filepath.Join(dir, "data")
	run := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		err := m.Run(ctx, args)
		return out.String() + errb.String(), err
	}
	out, err := run("serve", "migrate", "--from", from, "--to", u, "--data", data)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 6 {
			rows[f[0]] = strings.Join([]string{f[1], f[2], f[5]}, " ")
		}
	}
	for table, want := range map[string]string{"submissions": "25 25 ok", "review_history": "27 27 ok", "returns": "1 1 ok", "tokens": "1 1 ok", "server_roster_updates": "1 1 ok", "links": "2 2 ok",
		"waves": "2 2 ok", "wave_assignments": "1 1 ok"} {
		if rows[table] != want {
			t.Errorf("migrate printed %s %q, want %q:\n%s", table, rows[table], want, out)
		}
	}
	if !strings.Contains(out, "every table has the same rows") {
		t.Errorf("migrate did not say it checked every table:\n%s", out)
	}
	if strings.Contains(out, "DIFFERS") {
		t.Errorf("migrate found differences:\n%s", out)
	}
	// The keys came along: laptops keep sealing to the same key.
	for _, k := range [][2]string{{from + ".key", "postgres.key"}} {
		a, _ := os.ReadFile(k[0])
		b, err := os.ReadFile(filepath.Join(data, k[1]))
		if err != nil || !bytes.Equal(a, b) || len(a) != 32 {
			t.Errorf("%s: %v, not the SQLite server's key", k[1], err)
		}
	}
	for _, revs := range []string{"latest", "approved"} {
		a, err := run("export", "--db", from, "--format", "jsonl", "--revisions", revs)
		if err != nil {
			t.Fatal(err)
		}
		b, err := run("export", "--db", u, "--data", data, "--format", "jsonl", "--revisions", revs)
		if err != nil {
			t.Fatal(err)
		}
		if a != b || strings.Count(a, "\n") < 1 {
			t.Errorf("%s export differs after the migration:\n%.300s\n---\n%.300s", revs, a, b)
		}
	}
	// Each wave's report, alumni table and progress read the waves and their assignments the same on
	// both engines.
	reports := map[string]string{}
	for _, wave := range []string{"6 bulan", "12 bulan"} {
		for _, args := range [][]string{{"report", "--format", "json", "--revisions", "latest", "--wave", wave}, {"export", "--alumni", "--format", "jsonl", "--wave", wave}, {"progress", "--json", "--wave", wave}} {
			a, err := run(append(args, "--db", from)...)
			if err != nil {
				t.Fatalf("%v on SQLite: %v\n%s", args, err, a)
			}
			b, err := run(append(args, "--db", u, "--data", data)...)
			if err != nil {
				t.Fatalf("%v on PostgreSQL: %v\n%s", args, err, b)
			}
			if a != b || !strings.Contains(a, wave) && args[0] == "report" {
				t.Errorf("%v differs after the migration:\n%.400s\n---\n%.400s", args, a, b)
			}
			reports[args[0]+" "+wave] += b
		}
	}
	for _, what := range []string{"report", "progress"} {
		if reports[what+" 6 bulan"] == reports[what+" 12 bulan"] {
			t.Errorf("the two waves' %s are the same on PostgreSQL: the wave was not read", what)
		}
	}
	if out, err := run("wave", "list", "--db", u, "--data", data); err != nil || !strings.Contains(out, "6 bulan") || !strings.Contains(out, "12 bulan") {
		t.Errorf("wave list on PostgreSQL: %v\n%s", err, out)
	}
	// The links came along: the one in use still opens, with its interview and use; the
	// one it replaced does not.
	pdb, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	pgLinks := postgres.NewLinkStore(pdb)
	got, p, err := pgLinks.OpenLink(ctx, link[0].Token)
	if err != nil || got.ID != link[0].Link.ID || got.InterviewID != oldLink[0].Link.InterviewID || got.Revisions != 2 || p.RosterID != "R1" {
		t.Errorf("the link after the migration: %+v %+v %v", got, p, err)
	}
	if _, _, err := pgLinks.OpenLink(ctx, oldLink[0].Token); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Errorf("the replaced link after the migration: %v", err)
	}
	// The waves came along, with the assignments each kept.
	pgWaves := postgres.NewWaveStore(pdb)
	if ws, err := pgWaves.Waves(ctx); err != nil || len(ws) != 2 || ws[0].Name != "6 bulan" || !ws[1].StartsAt.Equal(wave2) || ws[1].CreatedBy != "sri" {
		t.Errorf("the waves after the migration: %+v %v", ws, err)
	}
	for wave, want := range map[string]string{"6 bulan": "ani", "12 bulan": "budi"} {
		if as, err := pgWaves.WaveAssignments(ctx, wave); err != nil || len(as) != 1 || as["R1"] != want {
			t.Errorf("the assignments of wave %s after the migration: %v %v, want R1 %s", wave, as, err, want)
		}
	}
	pdb.Close()

	out, err = run("serve", "migrate", "--from", from, "--to", u, "--data", data)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a second migrate: %v\n%s", err, out)
	}

	// The digests see a changed row.
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL().ExecContext(ctx, `UPDATE submissions SET body = body || '\x00'::bytea WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	sdb, err := sqlite.Open(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	tables, err := db.Compare(ctx, sdb.SQL())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tables {
		if ok := tc.Table != "submissions"; tc.OK() != ok {
			t.Errorf("%s: ok %v after one submission changed: %+v", tc.Table, tc.OK(), tc)
		}
	}
	// A migrated server goes on adding waves.
	if out, err := run("wave", "add", "24 bulan", "--from", "2027-02-01", "--db", u, "--data", data); err != nil || !strings.Contains(out, "24 bulan") {
		t.Errorf("wave add on PostgreSQL: %v\n%s", err, out)
	}
	if out, err := run("wave", "add", "24 bulan", "--from", "2027-03-01", "--db", u, "--data", data); err == nil {
		t.Errorf("wave add of a taken name on PostgreSQL succeeded:\n%s", out)
	}
}

// TestLinksOnPostgres makes, lists and revokes self-response links with "tracer link
// --db postgres://..." while "tracer serve" runs on the same database: the link's page
// opens on the server, and no longer does once revoked.
func TestLinksOnPostgres(t *testing.T) {
	pgtest.Need(t)
	ctx := context.Background()
	u, data := pgtest.URL(t), t.TempDir()
	s := startServe(t, u, data, "127.0.0.1:0", "s0")
	db, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := postgres.NewServerRosterStore(db).Upload(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan", Phone: "+6281234567001"}}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		err := m.Run(ctx, append(args, "--db", u, "--data", data))
		return out.String() + errb.String(), err
	}
	out, err := run("link", "make", "--url", s.url, "R1")
	if err != nil {
		t.Fatalf("link make: %v\n%s", err, out)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][0] != "R1" || !strings.HasPrefix(recs[1][3], s.url+"/r/") {
		t.Fatalf("link make printed %q (%v)", out, err)
	}
	linkURL, id := recs[1][3], recs[1][7]
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(linkURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(""); code != http.StatusOK || !strings.Contains(body, "<!doctype html>") {
		t.Fatalf("the link's page on PostgreSQL: %d %.300s", code, body)
	}
	if code, body := get("/form.xml"); code != http.StatusOK || !strings.Contains(body, "<full_name>Dimas Gunawan</full_name>") || !strings.Contains(body, "<roster_id>R1</roster_id>") {
		t.Fatalf("the link's form on PostgreSQL: %d %.300s", code, body)
	}
	if out, err := run("link", "list"); err != nil || !strings.Contains(out, id) || !strings.Contains(out, "opened") {
		t.Fatalf("link list: %v\n%s", err, out)
	}
	if out, err := run("link", "revoke", id); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("link revoke: %v\n%s", err, out)
	}
	if code, body := get("/form.xml"); code != http.StatusGone || strings.Contains(body, "Dimas") {
		t.Fatalf("a revoked link's page: %d %.300s", code, body)
	}
	if out, err := run("link", "list"); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("link list after revoking: %v\n%s", err, out)
	}
}
