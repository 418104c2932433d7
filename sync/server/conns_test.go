package server

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// TestLimitConnsCountsEachAddress: a newcomer that takes the place of its own address's
// last connection (the server at its bound, that connection idle longest) is counted
// under its address, and the count stays right as connections close.
func TestLimitConnsCountsEachAddress(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	l := LimitConns(raw, 2, 2, nil).(*connLimiter)
	accept := func(from string) *limitedConn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 2 * time.Second}
		c, err := d.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		nc, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		return nc.(*limitedConn)
	}
	count := func(addr string) int {
		l.mu.Lock()
		defer l.mu.Unlock()
		if a := l.byAddr[addr]; a != nil {
			return a.open
		}
		return 0
	}
	a1 := accept("127.0.0.1") // idle longest
	b1 := accept("127.0.0.2")
	trackConnState(b1, http.StateActive)
	a2 := accept("127.0.0.1") // the server is full: takes a1's place
	if !a1.released {
		t.Fatal("the connection idle longest kept its place")
	}
	if got := count("127.0.0.1"); got != 1 {
		t.Fatalf("127.0.0.1 holds %d connections by the count, want 1", got)
	}
	a3 := accept("127.0.0.1") // takes a2's place, the only idle one
	if !a2.released || count("127.0.0.1") != 1 {
		t.Fatalf("after a third newcomer: a2 released %v, 127.0.0.1 counted %d, want true and 1", a2.released, count("127.0.0.1"))
	}
	a3.Close()
	b1.Close()
	if got, open := count("127.0.0.1"), l.open; got != 0 || open != 0 {
		t.Fatalf("all closed: 127.0.0.1 counted %d, %d open, want 0 and 0", got, open)
	}
	if len(l.byAddr) != 0 {
		t.Fatalf("all closed: %d addresses still counted", len(l.byAddr))
	}
}
