package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
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
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// serveEnv names the environment variable that turns the test binary into a server child
// process: "DBPATH|ADDR", or "DBPATH|ADDR|FILE" to also write to FILE, whenever it
// changes, how many pushes wait for their commit.
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
	addr, status, _ := strings.Cut(addr, "|")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	cfg := testbed.Config(db, nil)
	if status != "" {
		subs := cfg.Submissions.(*sqlite.SubmissionStore)
		go func() {
			last := -1
			for {
				if n := subs.Waiting(); n != last {
					os.WriteFile(status+".tmp", []byte(strconv.Itoa(n)), 0o644)
					os.Rename(status+".tmp", status)
					last = n
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := server.NewHTTPServer(addr, server.New(cfg), server.DefaultTimeouts, nil)
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

// kill kills the server with SIGKILL and reports whether it was running and died of it.
func (c *child) kill() bool {
	if c.cmd == nil {
		return false
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
	ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	c.cmd = nil
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
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

	// pushes counts the connections that carried a push.
	pushes atomic.Int64

	mu         gosync.Mutex
	rng        *rand.Rand
	counts     [nFaults]int
	pushCounts [nFaults]int
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

// pushLine starts every push request.
const pushLine = "POST /api/v1/interviews/push "

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.accept(c.(*net.TCPConn))
	}
}

// accept reads the start of the request, to tell pushes apart, picks the connection's
// fault and handles it.
func (p *proxy) accept(c *net.TCPConn) {
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	head, _ := br.Peek(len(pushLine))
	c.SetReadDeadline(time.Time{})
	isPush := string(head) == pushLine
	{
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
		if isPush {
			p.pushCounts[f]++
			p.pushes.Add(1)
		}
		p.mu.Unlock()
		p.handle(c, br, f, n, delay)
	}
}

// handle does f to the connection c, whose request is read through br.
func (p *proxy) handle(c *net.TCPConn, br *bufio.Reader, f fault, n int, delay time.Duration) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second)) // nothing lives forever
	switch f {
	case reset:
		c.SetLinger(0)
		return
	case blackHole:
		io.Copy(io.Discard, io.LimitReader(br, 1<<20))
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
			io.CopyN(up, br, int64(n))
			up.Close()
			c.SetLinger(0)
			c.Close()
		} else {
			io.Copy(up, br)
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
	t.Cleanup(func() { srv.kill() })
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

	// Kill the server twice while the laptops push: each time once three more pushes have
	// gone through the proxy.
	stop := make(chan struct{})
	kills := 0
	var killer gosync.WaitGroup
	killer.Go(func() {
		for range 2 {
			for seen := px.pushes.Load(); px.pushes.Load() < seen+3; {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
			if srv.kill() {
				kills++
			}
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
	faulted := 0
	for f, n := range px.counts {
		stats = append(stats, fmt.Sprintf("%s %d (%d pushes)", faultNames[f], n, px.pushCounts[f]))
		if fault(f) != pass {
			faulted += px.pushCounts[f]
		}
	}
	px.mu.Unlock()
	t.Logf("connections: %s; server killed %d times; sync rounds per laptop %v", strings.Join(stats, ", "), kills, rounds)
	if kills != 2 {
		t.Errorf("the server was killed %d times while the laptops pushed, want 2", kills)
	}
	if faulted < 5 {
		t.Errorf("faults hit %d pushes, want at least 5", faulted)
	}
	testbed.CheckSame(t, sqlite.NewSubmissionStore(db), want, laps...)
}
