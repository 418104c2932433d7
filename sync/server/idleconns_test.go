package server_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestIdleConnectionsMakeRoom: connections opened and left idle (a header begun and never
// finished) keep no client out, from the flooding address or another, once the bounds are
// reached: a newcomer takes the place of the one idle longest. Connections whose request is
// being received are never cut for one: with an address's every place busy, a newcomer
// from it is closed, and the pushes being received all land.
func TestIdleConnectionsMakeRoom(t *testing.T) {
	env := testbed.NewEnv(t, nil, nil)
	env.HTTP.Close()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const total, perAddr = 6, 4
	hs := server.NewHTTPServer("", env.Server, server.DefaultTimeouts, nil)
	go hs.Serve(server.LimitConns(raw, total, perAddr, nil))
	t.Cleanup(func() { hs.Close() })
	addr := raw.Addr().String()
	dial := func(from string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 2 * time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// idle opens a connection from the address and begins a header it never finishes.
	idle := func(from string) net.Conn {
		c := dial(from)
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
		return c
	}
	// closedByServer says whether the server has closed c (a read ends at once).
	closedByServer := func(c net.Conn) bool {
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		return err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
	}
	// served says whether a request on a new connection from the address is answered 200.
	served := func(from string) bool {
		c := dial(from)
		defer c.Close()
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		return err == nil && strings.HasPrefix(line, "HTTP/1.1 200")
	}
	// Two pushes are being received from 127.0.0.1: their handlers read their bodies.
	var trs []*trickler
	names := []string{"eve", "bob", "ani", "dan"}
	push := func(name string) {
		t.Helper()
		tr := startTrickle(t, addr, testbed.Token(t, env.Users, name, survey.RoleEnumerator), name)
		for sent := 0; env.Server.Waiting(name) != 1 || sent < 2; sent++ {
			select {
			case <-tr.sent:
			case s := <-tr.status:
				t.Fatalf("%s's push ended before its body was sent: %s", name, s)
			case <-time.After(5 * time.Second):
				t.Fatalf("%s's push was not received in 5 s", name)
			}
		}
		trs = append(trs, tr)
	}
	push(names[0])
	push(names[1])

	// Six idle connections from the same address: two fit beside the pushes, and each of
	// the next four takes the place of the one idle longest.
	var flood []net.Conn
	for range 6 {
		flood = append(flood, idle("127.0.0.1"))
	}
	time.Sleep(50 * time.Millisecond)
	for i, c := range flood {
		if got, want := closedByServer(c), i < 4; got != want {
			t.Errorf("idle connection %d of 6 closed: %v, want %v", i, got, want)
		}
	}
	if !served("127.0.0.1") {
		t.Error("a request from the flooding address was not served")
	}
	// The server in all: the pushes, an idle one of 127.0.0.1 and four idle ones of
	// another address; a third address is served all the same.
	for range 4 {
		idle("127.0.0.2")
	}
	if !served("127.0.0.3") {
		t.Error("a request from a third address was not served")
	}

	// With every place of the address busy, a newcomer from it is closed at once.
	push(names[2])
	push(names[3])
	if c := dial("127.0.0.1"); !closedByServer(c) {
		t.Error("a fifth connection beside four pushes being received was kept open")
	}
	for i, tr := range trs {
		select {
		case s := <-tr.status:
			t.Fatalf("push %d ended before its last byte: %s", i, s)
		default:
		}
		close(tr.finish)
		if s := <-tr.status; s != "200 OK" {
			t.Errorf("push %d: %s, want 200 OK", i, s)
		}
	}
}
