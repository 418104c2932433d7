package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// heldBody opens a connection and sends the headers of a push announcing length bytes, and
// the first sent bytes of its body, then holds it; close the connection to end it.
func heldBody(t *testing.T, addr, tok string, length, sent int) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	body := `{"items":[` + strings.Repeat(" ", sent-len(`{"items":[`))
	fmt.Fprintf(conn, "POST /api/v1/interviews/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s", tok, length, body)
	return conn
}

// waitReceived waits until the bodies the server is receiving hold mem bytes in memory and
// disk bytes in spool files.
func waitReceived(t *testing.T, s *server.Server, mem, disk int64) {
	t.Helper()
	// A guard against a hang, not a timing assertion.
	deadline := time.Now().Add(time.Minute)
	for {
		m, d := s.Received()
		if m == mem && d == disk {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bodies being received hold %d bytes in memory and %d on disk, want %d and %d", m, d, mem, disk)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// spoolFiles lists the spool files of bodies being received in dir.
func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "tracer-body-*"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// paddedPush is an empty push of size bytes.
func paddedPush(size int) []byte {
	return []byte(`{"items":[` + strings.Repeat(" ", size-len(`{"items":[]}`)) + `]}`)
}

// TestTricklersHoldOnlyWhatTheySent: eight pushes from four accounts, each announcing the
// largest body (together the whole default receiving budget, which they used to reserve
// before a byte arrived), send their first 128 KB and stall; meanwhile another account's
// laptop syncs and its interviews are stored, while the eight are still mid-body and hold
// only the bytes they sent.
func TestTricklersHoldOnlyWhatTheySent(t *testing.T) {
	dir := t.TempDir()
	env := testbed.NewEnv(t, func(c *server.Config) { c.DecodeWait, c.TempDir = time.Second, dir }, nil)
	addr := env.HTTP.Listener.Addr().String()
	names := []string{"eve", "bob", "dan", "tia"}
	const sent = 128 << 10
	if 2*len(names)*wire.MaxBody < 64<<20 {
		t.Fatalf("eight bodies of %d bytes do not fill the default budget", wire.MaxBody)
	}
	for _, name := range names {
		tok := testbed.Token(t, env.Users, name, survey.RoleEnumerator)
		for range 2 {
			heldBody(t, addr, tok, wire.MaxBody, sent)
		}
	}
	held := int64(2 * len(names) * sent)
	waitReceived(t, env.Server, held, 0)
	midBody := func(when string) {
		t.Helper()
		for _, name := range names {
			if n := env.Server.Waiting(name); n != 2 {
				t.Fatalf("%s: %d of %s's bodies are being received, want 2", when, n, name)
			}
		}
		if m, d := env.Server.Received(); m+d != held {
			t.Fatalf("%s: the stalled bodies hold %d bytes, want the %d they sent", when, m+d, held)
		}
	}
	midBody("before the sync")

	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(t.Context(), lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if sum := syncOnce(t, newClient(t, env.URL, tok, noRetry()), lap); sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("a laptop's sync while eight bodies stall: %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
	midBody("after the sync")
}

// TestSteadySlowBodyIsSpooled: while stalled bodies of two accounts hold the whole memory
// budget with bytes they really sent, a push sent slowly but steadily is received into a
// spool file in TempDir, stored whole, and its file removed once it is answered.
func TestSteadySlowBodyIsSpooled(t *testing.T) {
	dir := t.TempDir()
	env := testbed.NewEnv(t, func(c *server.Config) { c.MaxBody, c.MaxReceiving, c.TempDir = 300000, 1, dir }, nil)
	addr := env.HTTP.Listener.Addr().String()
	// Each takes its account's share: 256 KB received and the last 37,856 bytes' chunk
	// reserved as it is read, 600,000 of the 600,002 bytes of memory.
	for _, name := range []string{"eve", "bob"} {
		heldBody(t, addr, testbed.Token(t, env.Users, name, survey.RoleEnumerator), 300000, 256<<10)
	}
	waitReceived(t, env.Server, 2*256<<10, 0)

	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	var req wire.PushRequest
	req.DeviceTime = time.Now().UTC()
	for range 60 {
		id := uuid.NewString()
		body, hash, err := testbed.Record(id, "ani", 1, time.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		req.Items = append(req.Items, wire.PushItem{ID: id, Revision: 1, Hash: hash, Body: body})
	}
	push, _ := json.Marshal(req)
	if len(push) < 4*16<<10 {
		t.Fatalf("a push of %d bytes; want several spool chunks", len(push))
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/interviews/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", tok, len(push))
	// 1 KB at a time, as a weak link would; half way through, part is in a spool file.
	half := len(push) / 2 / (16 << 10) * (16 << 10)
	for i := 0; i < len(push); i += 1 << 10 {
		if _, err := conn.Write(push[i:min(i+1<<10, len(push))]); err != nil {
			t.Fatal(err)
		}
		if i+1<<10 == half {
			waitReceived(t, env.Server, 2*256<<10, int64(half))
			if files := spoolFiles(t, dir); len(files) != 1 {
				t.Fatalf("spool files half way through the slow body: %v, want one", files)
			}
		}
		time.Sleep(time.Millisecond)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	var pr wire.PushResponse
	if err := json.NewDecoder(resp.Body).Decode(&pr); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the slow push: %s %v", resp.Status, err)
	}
	for _, rc := range pr.Receipts {
		if rc.Status != survey.ReceiptStored {
			t.Fatalf("receipt %+v", rc)
		}
	}
	if n, _ := env.Subs.Count(t.Context()); n != len(req.Items) {
		t.Fatalf("%d interviews stored, want %d", n, len(req.Items))
	}
	waitReceived(t, env.Server, 2*256<<10, 0)
	if files := spoolFiles(t, dir); len(files) != 0 {
		t.Fatalf("spool files left once the push was answered: %v", files)
	}
}

// TestBusyServerSaysComeBack: once stalled bodies hold the whole memory budget and nearly
// all the disk budget with bytes they sent, another push is refused at once, mid-body, with
// 503 and Retry-After (never waiting while it holds part of its body), and gives back what it
// held; once the stalled bodies end, the laptop's retried sync lands.
func TestBusyServerSaysComeBack(t *testing.T) {
	dir := t.TempDir()
	env := testbed.NewEnv(t, func(c *server.Config) {
		c.MaxBody, c.MaxReceiving, c.MaxSpooled, c.DecodeWait, c.TempDir = 100000, 1, 1, time.Minute, dir
	}, nil)
	addr := env.HTTP.Listener.Addr().String()
	// Budgets of 200,002 bytes, 100,001 per account. A first body of each account takes
	// 64 KB and reserves its last chunk (34,464 bytes): memory is full; a second one of each
	// goes to disk.
	var slows []net.Conn
	toks := []string{testbed.Token(t, env.Users, "eve", survey.RoleEnumerator), testbed.Token(t, env.Users, "bob", survey.RoleEnumerator)}
	for _, tok := range toks {
		slows = append(slows, heldBody(t, addr, tok, 100000, 64<<10))
	}
	waitReceived(t, env.Server, 2*64<<10, 0)
	for _, tok := range toks {
		slows = append(slows, heldBody(t, addr, tok, 100000, 96<<10))
	}
	waitReceived(t, env.Server, 2*64<<10, 2*96<<10)

	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	status, e, retry := postRaw(t, env.URL, "/api/v1/interviews/push", tok, paddedPush(40000), false)
	if status != http.StatusServiceUnavailable || e.Code != survey.EUNAVAILABLE || retry == "" {
		t.Fatalf("%d %+v Retry-After %q, want 503 unavailable with Retry-After", status, e, retry)
	}
	waitReceived(t, env.Server, 2*64<<10, 2*96<<10)
	if files := spoolFiles(t, dir); len(files) != 2 {
		t.Fatalf("spool files: %v, want the two stalled bodies'", files)
	}
	for _, c := range slows {
		c.Close()
	}
	waitReceived(t, env.Server, 0, 0)
	if files := spoolFiles(t, dir); len(files) != 0 {
		t.Fatalf("spool files left once the stalled bodies ended: %v", files)
	}
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(t.Context(), lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if sum := syncOnce(t, newClient(t, env.URL, tok), lap); sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("summary %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}

// TestOneSharePerAccount: one account's bodies being received take at most a quarter of
// each budget: with its share of memory and of disk held by two stalled bodies, its third
// is refused at once with 503, while another account's laptop syncs.
func TestOneSharePerAccount(t *testing.T) {
	env := testbed.NewEnv(t, func(c *server.Config) {
		c.MaxBody, c.MaxReceiving, c.MaxSpooled, c.TempDir = 100000, 400004, 400004, t.TempDir()
	}, nil)
	addr := env.HTTP.Listener.Addr().String()
	slowTok := testbed.Token(t, env.Users, "eve", survey.RoleEnumerator)
	heldBody(t, addr, slowTok, 100000, 64<<10)
	waitReceived(t, env.Server, 64<<10, 0)
	heldBody(t, addr, slowTok, 100000, 96<<10)
	waitReceived(t, env.Server, 64<<10, 96<<10)
	if status, e, _ := postRaw(t, env.URL, "/api/v1/interviews/push", slowTok, paddedPush(40000), false); status != http.StatusServiceUnavailable || e.Code != survey.EUNAVAILABLE {
		t.Fatalf("a third body of the same account: %d %+v, want 503", status, e)
	}
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(t.Context(), lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if sum := syncOnce(t, newClient(t, env.URL, tok, noRetry()), lap); sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("summary %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
	if n := env.Server.Waiting("eve"); n != 2 {
		t.Fatalf("%d of eve's bodies are being received, want the two stalled", n)
	}
}

// noRetry makes a client try each request once, so that a 503 ends its sync.
func noRetry() client.Option { return client.WithRetry(1, time.Millisecond, time.Millisecond) }
