package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"tracer/survey"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// trickler is one push sent over its own connection a byte at a time, all but its last
// byte, which is sent once finish is closed; the answer's status comes on status.
type trickler struct {
	id     string
	sent   chan int // how many bytes of the body were sent, after each one
	finish chan struct{}
	status chan string
}

// startTrickle starts a trickler of a push of one interview by enumerator with tok.
func startTrickle(t *testing.T, addr, tok, enumerator string) *trickler {
	t.Helper()
	id := uuid.NewString()
	body, hash, err := testbed.Record(id, enumerator, 1, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	push, _ := json.Marshal(wire.PushRequest{DeviceTime: time.Now().UTC(), Items: []wire.PushItem{{ID: id, Revision: 1, Hash: hash, Body: body}}})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /api/v1/interviews/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", tok, len(push))
	tr := &trickler{id: id, sent: make(chan int, len(push)), finish: make(chan struct{}), status: make(chan string, 1)}
	go func() {
		for i := range len(push) - 1 {
			if _, err := conn.Write(push[i : i+1]); err != nil {
				tr.status <- err.Error()
				return
			}
			tr.sent <- i + 1
			time.Sleep(2 * time.Millisecond)
		}
		<-tr.finish
		if _, err := conn.Write(push[len(push)-1:]); err != nil {
			tr.status <- err.Error()
			return
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			tr.status <- err.Error()
			return
		}
		io.Copy(io.Discard, resp.Body)
		tr.status <- resp.Status
	}()
	return tr
}

// TestTricklingBodiesHoldNoSlot: while laptops of two accounts (as many as there are
// decoding slots) trickle their push bodies, a third account's laptop syncs and its
// interviews are stored, before either trickled body is whole; the trickled pushes are
// then stored too.
func TestTricklingBodiesHoldNoSlot(t *testing.T) {
	env := testbed.NewEnv(t, func(c *server.Config) { c.DecodeWait = 500 * time.Millisecond }, nil)
	addr := env.HTTP.Listener.Addr().String()
	var trs []*trickler
	for _, name := range []string{"eve", "bob"} {
		tok := testbed.Token(t, env.Users, name, survey.RoleEnumerator)
		tr := startTrickle(t, addr, tok, name)
		trs = append(trs, tr)
		// The server is reading this body: its account has a request with a body in hand,
		// and bytes of it have been sent.
		for env.Server.Waiting(name) != 1 {
			<-tr.sent
		}
		<-tr.sent
	}

	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(t.Context(), lap.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	if sum := syncOnce(t, newClient(t, env.URL, tok), lap); sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("a laptop's sync while two bodies trickle: %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
	for i, tr := range trs {
		select {
		case s := <-tr.status:
			t.Fatalf("trickler %d ended before its last byte: %s", i, s)
		default:
		}
		// Its last byte is still unsent, so its push is not stored yet.
		if _, err := env.Subs.Get(t.Context(), tr.id, 1); survey.ErrorCode(err) != survey.ENOTFOUND {
			t.Fatalf("trickler %d's interview is there before its body was whole: %v", i, err)
		}
	}
	for i, tr := range trs {
		close(tr.finish)
		if s := <-tr.status; s != "200 OK" {
			t.Errorf("trickler %d: %s, want 200 OK", i, s)
		}
		if _, err := env.Subs.Get(t.Context(), tr.id, 1); err != nil {
			t.Errorf("trickler %d's interview: %v", i, err)
		}
	}
}
