package server_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// serveEnv names the environment variable that turns the test binary into a server child
// process: "DBPATH|ADDR".
const serveEnv = "TRACER_TEST_SERVE"

func TestMain(m *testing.M) {
	if spec := os.Getenv(serveEnv); spec != "" {
		if err := serveChild(spec); err != nil {
			fmt.Fprintln(os.Stderr, "child server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveChild runs a server until it is killed.
func serveChild(spec string) error {
	path, addr, _ := strings.Cut(spec, "|")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := server.NewHTTPServer(addr, server.New(testbed.Config(db, nil)), server.DefaultTimeouts, nil)
	return hs.Serve(ln)
}

// child is a server process the test can kill -9 and start again on the same address.
type child struct {
	t    *testing.T
	spec string
	addr string
	cmd  *exec.Cmd
}

func (c *child) start() {
	c.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"="+c.spec)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.cmd = cmd
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + c.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatal("the child server did not come up in 15s")
}

func (c *child) kill() {
	if c.cmd != nil {
		c.cmd.Process.Signal(syscall.SIGKILL)
		c.cmd.Wait()
		c.cmd = nil
	}
}

// fault is what the proxy does to one connection.
type fault int

const (
	pass       fault = iota // forward, with some latency
	reset                   // close at once, with RST
	blackHole               // swallow the request, never answer
	cutReply                // forward the request, cut the reply short
	cutRequest              // forward part of the request, then close
	trickle                 // forward the reply in tiny slow pieces
	nFaults
)

var faultNames = [...]string{"pass", "reset", "black hole", "cut reply", "cut request", "trickle"}

// proxy is a fault-injecting TCP proxy on 127.0.0.1.
type proxy struct {
	ln     net.Listener
	target string
	healed atomic.Bool

	mu     gosync.Mutex
	rng    *rand.Rand
	counts [nFaults]int
}

func newProxy(t *testing.T, target string, seed uint64) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, rng: rand.New(rand.NewPCG(seed, seed+1))}
	go p.serve()
	t.Cleanup(func() { ln.Close() })
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		f := fault(p.rng.IntN(int(nFaults)))
		if p.rng.IntN(3) == 0 { // a third of the connections pass as they are
			f = pass
		}
		if p.healed.Load() {
			f = pass
		}
		n := 1 + p.rng.IntN(300)
		delay := time.Duration(p.rng.IntN(20)) * time.Millisecond
		p.counts[f]++
		p.mu.Unlock()
		go p.handle(c.(*net.TCPConn), f, n, delay)
	}
}

func (p *proxy) handle(c *net.TCPConn, f fault, n int, delay time.Duration) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second)) // nothing lives forever
	switch f {
	case reset:
		c.SetLinger(0)
		return
	case blackHole:
		io.Copy(io.Discard, io.LimitReader(c, 1<<20))
		return
	}
	up, err := net.DialTimeout("tcp", p.target, 2*time.Second)
	if err != nil {
		c.SetLinger(0)
		return
	}
	defer up.Close()
	up.SetDeadline(time.Now().Add(10 * time.Second))
	time.Sleep(delay)
	done := make(chan struct{}, 2)
	go func() { // request
		if f == cutRequest {
			io.CopyN(up, c, int64(n))
			up.Close()
			c.SetLinger(0)
			c.Close()
		} else {
			io.Copy(up, c)
		}
		done <- struct{}{}
	}()
	go func() { // reply
		switch f {
		case cutReply:
			io.CopyN(c, up, int64(n))
			c.SetLinger(0)
			c.Close()
		case trickle:
			buf := make([]byte, 256)
			for {
				k, err := up.Read(buf)
				if k > 0 {
					if _, werr := c.Write(buf[:k]); werr != nil {
						break
					}
					time.Sleep(2 * time.Millisecond)
				}
				if err != nil {
					break
				}
			}
			c.CloseWrite()
		default:
			io.Copy(c, up)
			c.CloseWrite()
		}
		done <- struct{}{}
	}()
	<-done
	<-done
}

// A hostile network: four laptops push through a proxy that resets, black-holes,
// cuts and trickles connections while the server is killed with SIGKILL and restarted;
// after healing and one clean sync each, the server holds exactly their finalized set.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos run in -short mode")
	}
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "server.db")
	db, err := testbed.OpenServerDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	users := sqlite.NewUserStore(db)
	const laptops, perLaptop = 4, 40
	var tokens []string
	for i := range laptops {
		tokens = append(tokens, testbed.Token(t, users, fmt.Sprintf("e%d", i), survey.RoleEnumerator))
	}
	db.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := &child{t: t, spec: path + "|" + addr, addr: addr}
	srv.start()
	t.Cleanup(srv.kill)
	px := newProxy(t, addr, 3)
	url := "http://" + px.ln.Addr().String()

	var want []*survey.OutboxItem
	laps := make([]*testbed.Laptop, laptops)
	for i := range laps {
		laps[i] = testbed.NewLaptop(t)
		items, err := testbed.Seed(ctx, laps[i].Interviews, fmt.Sprintf("e%d", i), perLaptop)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, items...)
	}

	// Kill the server twice while the laptops push.
	stop := make(chan struct{})
	kills := 0
	var killer gosync.WaitGroup
	killer.Go(func() {
		for range 2 {
			select {
			case <-stop:
				return
			case <-time.After(400 * time.Millisecond):
			}
			srv.kill()
			kills++
			time.Sleep(150 * time.Millisecond)
			srv.start()
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	var wg gosync.WaitGroup
	rounds := make([]int, laptops)
	for i, l := range laps {
		wg.Go(func() {
			hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			c, _ := client.NewClient(url, client.WithToken(tokens[i]), client.WithHTTPClient(hc),
				client.WithRetry(3, 5*time.Millisecond, 50*time.Millisecond), client.WithBatch(6, 1<<20))
			for rounds[i] < 200 && time.Now().Before(deadline) {
				rounds[i]++
				sum, err := c.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, nil)
				if err == nil && sum.Complete() {
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	killer.Wait()

	// Heal and sync once more, cleanly.
	px.healed.Store(true)
	for i, l := range laps {
		c, _ := client.NewClient(url, client.WithToken(tokens[i]), client.WithRetry(3, 10*time.Millisecond, 100*time.Millisecond))
		sum, err := c.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, nil)
		if err != nil || !sum.Complete() {
			t.Fatalf("clean sync of laptop %d: %+v %v", i, sum, err)
		}
	}
	srv.kill()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	px.mu.Lock()
	var stats []string
	for f, n := range px.counts {
		stats = append(stats, fmt.Sprintf("%s %d", faultNames[f], n))
	}
	px.mu.Unlock()
	t.Logf("connections: %s; server killed %d times; sync rounds per laptop %v", strings.Join(stats, ", "), kills, rounds)
	testbed.CheckSame(t, sqlite.NewSubmissionStore(db), want, laps...)
}
