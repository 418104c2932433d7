//go:build unix

package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// smallBuffers sets a socket's kernel buffers to their least, so that an answer of a few
// hundred kilobytes fills them when its reader does not read.
func smallBuffers(opt int) func(network, address string, c syscall.RawConn) error {
	return func(_, _ string, c syscall.RawConn) error {
		var err error
		c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, opt, 4096) })
		return err
	}
}

// serveSmallBuffers serves env's server again on a listener whose sockets' send buffers are
// at their least, so that an answer of a few hundred kilobytes waits for its reader, and
// returns the listener's address.
func serveSmallBuffers(t *testing.T, env *testbed.Env, log *slog.Logger) string {
	t.Helper()
	env.HTTP.Close()
	ln, err := (&net.ListenConfig{Control: smallBuffers(syscall.SO_SNDBUF)}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := server.NewHTTPServer("", env.Server, server.DefaultTimeouts, log)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// TestSlowReplyReaderHoldsNoSlot: a supervisor's request that makes links for 3,000
// alumni, whose answer (every link) its client does not read, holds no decoding slot while
// the answer waits to be written: a laptop's push is stored meanwhile, with the only slot.
func TestSlowReplyReaderHoldsNoSlot(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, func(c *server.Config) { c.MaxDecoding, c.DecodeWait = 1, 300*time.Millisecond }, nil)
	addr := serveSmallBuffers(t, env, nil)
	url := "http://" + addr

	const alumni = 3000
	var rows []*survey.Respondent
	for i := range alumni {
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("BTG25-%05d", i), Name: "Alumni", Sex: "P", BatchID: "B1", Completion: "pass"})
	}
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, rows); err != nil {
		t.Fatal(err)
	}
	f, _, _ := testbed.Builtin()
	body, _ := json.Marshal(wire.LinkRequest{AssignSelector: survey.AssignSelector{Batch: "B1"}, FormID: f.ID, Expires: time.Now().Add(time.Hour)})
	sup := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	conn, err := (&net.Dialer{Control: smallBuffers(syscall.SO_RCVBUF)}).DialContext(ctx, "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s", sup, len(body), body)
	// The links are made; the answer goes out to a client that reads nothing yet.
	for {
		ls, err := sqlite.NewLinkStore(env.DB).Links(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) == alumni {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if sum := syncOnce(t, newClient(t, url, tok), lap); sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("a laptop's sync while an answer waits for its reader: %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
	if n := env.Server.Handling("sri"); n != 1 {
		t.Fatalf("the links' answer: %d of the supervisor's requests being handled, want 1 (still being written)", n)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var made wire.LinksMade
	if err := json.NewDecoder(resp.Body).Decode(&made); err != nil || resp.StatusCode != http.StatusCreated || len(made.Links) != alumni {
		t.Errorf("the links' answer: %d, %d links (%v), want 201 with %d", resp.StatusCode, len(made.Links), err, alumni)
	}
}
