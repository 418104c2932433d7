package server

import (
	"log/slog"
	"net"
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
// perAddr from one address (an IPv6 /64 network): a connection over either bound is closed as soon as it is
// accepted (the client sees the connection reset and tries again later), and one warning
// line is logged at most every 10 seconds.
func LimitConns(ln net.Listener, total, perAddr int, log *slog.Logger) net.Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &connLimiter{Listener: ln, total: total, perAddr: perAddr, log: log, byAddr: map[string]int{}}
}

type connLimiter struct {
	net.Listener
	total, perAddr int
	log            *slog.Logger

	mu       sync.Mutex
	open     int
	byAddr   map[string]int
	warnedAt time.Time
	refused  int
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
		if l.open >= l.total || l.byAddr[addr] >= l.perAddr {
			l.refused++
			if now := time.Now(); now.Sub(l.warnedAt) >= 10*time.Second {
				l.log.Warn("connections refused: too many open", "open", l.open, "from_address", l.byAddr[addr], "refused", l.refused)
				l.warnedAt, l.refused = now, 0
			}
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.open++
		l.byAddr[addr]++
		l.mu.Unlock()
		return &limitedConn{Conn: c, l: l, addr: addr}, nil
	}
}

// limitedConn gives its place back when it is closed (once).
type limitedConn struct {
	net.Conn
	l    *connLimiter
	addr string
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		if c.l.byAddr[c.addr]--; c.l.byAddr[c.addr] <= 0 {
			delete(c.l.byAddr, c.addr)
		}
		c.l.mu.Unlock()
	})
	return err
}
