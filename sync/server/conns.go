package server

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// MaxConns and MaxConnsPerAddr bound the connections the server keeps open at once: in
// all, and from one client address. 500 laptops syncing at once through one hotspot or a
// reverse proxy fit; a client opening thousands of connections (each costs a goroutine and
// the header it trickles, up to the header limit) does not take the server's memory or
// the file descriptors its database needs.
const (
	MaxConns        = 4096
	MaxConnsPerAddr = 1024
)

// LimitConns returns ln accepting at most total connections open at once, and at most
// perAddr from one address (an IPv6 /64 network). A connection over either bound takes the
// place of the one idle longest (one with no request in hand: still sending its first
// header, or kept alive between requests), of its own address when that address is at its
// bound, of any address otherwise; with none idle it is closed as soon as it is accepted
// (the client sees the connection reset and tries again later). So connections opened and
// left idle, from however few addresses, keep no one out, and a request being received or
// answered is never cut for a newcomer. One warning line is logged at most every 10
// seconds. The http.Server serving the listener must report its connections' states
// (NewHTTPServer's does): without it every connection counts as idle.
func LimitConns(ln net.Listener, total, perAddr int, log *slog.Logger) net.Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &connLimiter{Listener: ln, total: total, perAddr: perAddr, log: log, byAddr: map[string]*addrConns{}}
}

type connLimiter struct {
	net.Listener
	total, perAddr int
	log            *slog.Logger

	mu       sync.Mutex
	open     int
	byAddr   map[string]*addrConns
	idle     idleList // every idle connection, longest idle first
	warnedAt time.Time
	refused  int
	evicted  int
}

// addrConns is what one address holds: its open connections and its idle ones.
type addrConns struct {
	open int
	idle idleList
}

// idleList is a list of idle connections in the order they became idle, linked through
// the connections themselves (one list across addresses, one per address).
type idleList struct {
	head, tail *limitedConn
}

// which is the links of the list: 0 for the limiter's, 1 for the address's.
func (q *idleList) push(c *limitedConn, which int) {
	c.prev[which], c.next[which] = q.tail, nil
	if q.tail != nil {
		q.tail.next[which] = c
	} else {
		q.head = c
	}
	q.tail = c
}

func (q *idleList) remove(c *limitedConn, which int) {
	if c.prev[which] != nil {
		c.prev[which].next[which] = c.next[which]
	} else {
		q.head = c.next[which]
	}
	if c.next[which] != nil {
		c.next[which].prev[which] = c.prev[which]
	} else {
		q.tail = c.prev[which]
	}
	c.prev[which], c.next[which] = nil, nil
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := c.RemoteAddr().String()
		if host, _, err := net.SplitHostPort(addr); err == nil {
			addr = host
		}
		if ip := net.ParseIP(addr); ip != nil {
			addr = addrKey(ip) // an IPv6 client counts as its /64 network
		}
		l.mu.Lock()
		a := l.byAddr[addr]
		var victim *limitedConn
		switch {
		case a != nil && a.open >= l.perAddr:
			victim = a.idle.head
		case l.open >= l.total:
			victim = l.idle.head
		}
		open, from := l.open, 0
		if a != nil {
			from = a.open
		}
		full := (from >= l.perAddr || open >= l.total) && victim == nil
		if victim != nil {
			l.release(victim)
			l.evicted++
			// The victim may have been its address's last: its entry is then gone.
			a = l.byAddr[addr]
		}
		if full {
			l.refused++
		}
		if (full || victim != nil) && time.Since(l.warnedAt) >= 10*time.Second {
			l.log.Warn("connections closed: too many open", "open", open, "from_address", from, "idle_closed", l.evicted, "refused", l.refused)
			l.warnedAt, l.refused, l.evicted = time.Now(), 0, 0
		}
		if full {
			l.mu.Unlock()
			c.Close()
			continue
		}
		if a == nil {
			a = &addrConns{}
			l.byAddr[addr] = a
		}
		lc := &limitedConn{Conn: c, l: l, a: a, addr: addr}
		l.open++
		a.open++
		l.setIdle(lc, true) // no request yet
		l.mu.Unlock()
		if victim != nil {
			victim.Conn.Close()
		}
		return lc, nil
	}
}

// setIdle marks c idle (at the end of the idle lists) or busy; l.mu is held.
func (l *connLimiter) setIdle(c *limitedConn, idle bool) {
	if c.released || c.idle == idle {
		return
	}
	c.idle = idle
	if idle {
		l.idle.push(c, 0)
		c.a.idle.push(c, 1)
		return
	}
	l.idle.remove(c, 0)
	c.a.idle.remove(c, 1)
}

// release gives c's place back (once); l.mu is held.
func (l *connLimiter) release(c *limitedConn) {
	if c.released {
		return
	}
	l.setIdle(c, false)
	c.released = true
	l.open--
	if c.a.open--; c.a.open <= 0 && l.byAddr[c.addr] == c.a {
		delete(l.byAddr, c.addr)
	}
}

// limitedConn gives its place back when it is closed, or when a newcomer takes it while
// it is idle (it is then closed).
type limitedConn struct {
	net.Conn
	l    *connLimiter
	a    *addrConns
	addr string
	// under l.mu:
	idle, released bool
	prev, next     [2]*limitedConn // links of the limiter's idle list and the address's
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.l.mu.Lock()
	c.l.release(c)
	c.l.mu.Unlock()
	return err
}

// trackConnState is an http.Server's ConnState for connections of LimitConns: a connection
// is busy from the end of a request's header until its answer is written, idle otherwise.
func trackConnState(nc net.Conn, s http.ConnState) {
	c, ok := nc.(*limitedConn)
	if !ok {
		return
	}
	c.l.mu.Lock()
	switch s {
	case http.StateNew, http.StateIdle:
		c.l.setIdle(c, true)
	case http.StateActive, http.StateHijacked:
		c.l.setIdle(c, false)
	}
	c.l.mu.Unlock()
}
