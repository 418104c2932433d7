// Package loadgen drives a tracer server the way many laptops would: each simulated laptop
// pushes its finalized interviews in batches and pulls forms, the roster and returned
// interviews, and the report gives the throughput, the errors and the latency percentiles.
// docs/BENCHMARKS.md says how to run it.
package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// Config describes a load run.
type Config struct {
	// URL is the server; Tokens holds one enrolled token per laptop (enumerator role).
	// With URLs set (several servers on one database), laptop i syncs with URLs[i%len].
	URL    string
	URLs   []string
	Tokens []string
	// Interviews is how many finalized interviews each laptop pushes, Batch per push.
	Interviews int
	Batch      int
	// Pull makes each laptop also pull forms, the roster and returned interviews.
	Pull bool
	// Gzip compresses push bodies larger than 16 KiB.
	Gzip bool
	// Seal, when not nil, makes each laptop's sealer: every record is sealed to the server's
	// public key, as an enrolled laptop does, so the server opens each one on push.
	Seal func() (survey.Sealer, error)
	// ServerPID, when not 0, is the server's process: its CPU time (user+sys, from
	// /proc/PID/stat) during the run goes into the report. Linux only.
	ServerPID int
	// ServerPIDs are more server processes whose CPU time counts too; DatabasePID is a
	// database server's main process (PostgreSQL's postmaster), whose CPU time and that of
	// its children, ended or running, goes into the report as DatabaseCPU.
	ServerPIDs  []int
	DatabasePID int
	// Retry overrides the client's retry policy when Attempts is positive; by default the
	// laptops retry as the real client does.
	Retry Retry
	// LaptopDir, when not empty, makes each laptop a real laptop database (SQLite) in a new
	// folder under it, removed after the run: its interviews are finalized there before the
	// clock starts (sealed with Seal when set), and its sync is the real client's whole
	// sync (client.Sync, as "tracer sync" runs it: the forms list, the outbox pushed in
	// batches with retries and backoff, each receipt recorded in the laptop's database,
	// then forms, roster, waves, attempts, returns and approvals pulled). Pull is implied.
	// Each laptop holds the forms the server publishes, as a laptop that filled its
	// interviews in them does, unless NewLaptops is set.
	LaptopDir string
	// NewLaptops makes the laptops of a full sync hold no form, as on their first sync
	// after enrollment: each downloads every published form in the timed sync.
	NewLaptops bool
	// CPUProfile, when not nil, receives a CPU profile of this process (the laptops) for
	// the timed part of the run only, to see where the laptops' own time goes.
	CPUProfile io.Writer
}

// SyncRetry is the retry policy of "tracer sync", which full syncs (Config.LaptopDir) use
// unless Config.Retry says otherwise.
var SyncRetry = Retry{Attempts: 4, Base: 250 * time.Millisecond, Max: 4 * time.Second}

// Retry is a client retry policy (see client.WithRetry).
type Retry struct {
	Attempts  int
	Base, Max time.Duration
}

// Report is what a run measured.
type Report struct {
	Laptops, Interviews, Stored, Errors int
	// Duplicates counts duplicate receipts: a push the server stored whose answer was lost
	// (say, cut by a timeout), sent again by the client's retry. The laptop marks them sent,
	// as it does stored ones.
	Duplicates int
	Elapsed    time.Duration
	// PerSecond is interviews stored (duplicates of lost answers included) per second of
	// wall time.
	PerSecond float64
	// Sync holds percentiles of one laptop's whole sync; Push of single push requests
	// (not measured in full syncs, whose requests the client makes).
	Sync, Push Percentiles
	// FirstError is the first error seen, if any.
	FirstError error
	// ServerCPU is the server process's CPU time (user+sys) during the run when
	// Config.ServerPID was set; Load is /proc/loadavg's 1-minute figure at the end.
	ServerCPU time.Duration
	// DatabaseCPU is the database server's CPU time during the run (Config.DatabasePID).
	DatabaseCPU time.Duration
	// LaptopsCPU is this process's CPU time (user+sys) during the run: the simulated
	// laptops' own work (their databases, sealing, HTTP), which shares the machine with the
	// server when both run on it.
	LaptopsCPU time.Duration
	Load       float64
}

// CPUPerInterview is the server's CPU time per stored interview.
func (r *Report) CPUPerInterview() time.Duration {
	if r.Stored == 0 {
		return 0
	}
	return r.ServerCPU / time.Duration(r.Stored)
}

// Percentiles of a latency distribution.
type Percentiles struct {
	P50, P90, P99, Max time.Duration
}

func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return Percentiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ds[len(ds)-1]}
}

// String formats the report on one line.
func (r *Report) String() string {
	s := fmt.Sprintf("%d laptops, %d interviews (%d stored, %d duplicates of lost answers), %d errors in %v: %.0f interviews/s; sync p50 %v p99 %v max %v; push p50 %v p99 %v",
		r.Laptops, r.Interviews, r.Stored, r.Duplicates, r.Errors, r.Elapsed.Round(time.Millisecond), r.PerSecond,
		r.Sync.P50.Round(time.Millisecond), r.Sync.P99.Round(time.Millisecond), r.Sync.Max.Round(time.Millisecond),
		r.Push.P50.Round(time.Millisecond), r.Push.P99.Round(time.Millisecond))
	if r.ServerCPU > 0 {
		s += fmt.Sprintf("; server CPU %v (%.3f ms/interview)", r.ServerCPU.Round(time.Millisecond),
			float64(r.CPUPerInterview().Microseconds())/1000)
	}
	if r.LaptopsCPU > 0 {
		s += fmt.Sprintf("; laptops' CPU %v", r.LaptopsCPU.Round(time.Millisecond))
	}
	if r.DatabaseCPU > 0 && r.Stored > 0 {
		s += fmt.Sprintf("; database CPU %v (%.3f ms/interview)", r.DatabaseCPU.Round(time.Millisecond),
			float64((r.DatabaseCPU/time.Duration(r.Stored)).Microseconds())/1000)
	}
	if r.Load > 0 {
		s += fmt.Sprintf("; load %.2f", r.Load)
	}
	if r.FirstError != nil {
		s += fmt.Sprintf("; first error: %v", r.FirstError)
	}
	return s
}

// Run prepares every laptop's records, then starts all laptops at once and waits for them.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Batch <= 0 {
		cfg.Batch = 200
	}
	transport := &http.Transport{MaxIdleConnsPerHost: len(cfg.Tokens) + 1, MaxConnsPerHost: 0}
	hc := &http.Client{Transport: transport, Timeout: 5 * time.Minute}
	defer transport.CloseIdleConnections()
	gz := -1
	if cfg.Gzip {
		gz = 16 << 10
	}
	if cfg.LaptopDir != "" {
		return runFull(ctx, cfg)
	}
	// Each laptop's records name its own account, as the server requires.
	at := time.Now().Add(-time.Hour)
	clients := make([]*client.Client, len(cfg.Tokens))
	items := make([][]wire.PushItem, len(cfg.Tokens))
	for i, tok := range cfg.Tokens {
		opts := []client.Option{client.WithToken(tok), client.WithHTTPClient(hc), client.WithGzipAbove(gz)}
		if cfg.Retry.Attempts > 0 {
			opts = append(opts, client.WithRetry(cfg.Retry.Attempts, cfg.Retry.Base, cfg.Retry.Max))
		}
		url := cfg.URL
		if len(cfg.URLs) > 0 {
			url = cfg.URLs[i%len(cfg.URLs)]
		}
		c, err := client.NewClient(url, opts...)
		if err != nil {
			return nil, err
		}
		me, err := c.Me(ctx)
		if err != nil {
			return nil, fmt.Errorf("laptop %d: %w", i+1, err)
		}
		clients[i] = c
		var sealer survey.Sealer
		if cfg.Seal != nil {
			if sealer, err = cfg.Seal(); err != nil {
				return nil, err
			}
		}
		for range cfg.Interviews {
			id := survey.NewID()
			body, hash, err := testbed.Record(id, me.Name, 1, at)
			if err != nil {
				return nil, err
			}
			it := wire.PushItem{ID: id, Revision: 1, Hash: hash, Body: body}
			if sealer != nil {
				if it.Sealed, err = sealer.Seal(body); err != nil {
					return nil, err
				}
				it.Body = nil
			}
			items[i] = append(items[i], it)
		}
	}

	var mu sync.Mutex
	rep := &Report{Laptops: len(cfg.Tokens), Interviews: len(cfg.Tokens) * cfg.Interviews}
	var syncs, pushes []time.Duration
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		rep.Errors++
		if rep.FirstError == nil {
			rep.FirstError = err
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			<-start
			t0 := time.Now()
			var mine []time.Duration
			stored, dups := 0, 0
			for b := 0; b < len(items[i]); b += cfg.Batch {
				p0 := time.Now()
				resp, err := c.Push(ctx, items[i][b:min(b+cfg.Batch, len(items[i]))])
				mine = append(mine, time.Since(p0))
				if err != nil {
					fail(err)
					return
				}
				for _, rc := range resp.Receipts {
					if rc.Status == survey.ReceiptStored {
						stored++
					} else if rc.Status == survey.ReceiptDuplicate {
						dups++
					} else {
						fail(fmt.Errorf("receipt %s: %s %s", rc.Status, rc.Code, rc.Message))
					}
				}
			}
			if cfg.Pull {
				if _, err := c.Forms(ctx); err != nil {
					fail(err)
					return
				}
				if _, err := c.Roster(ctx, 0, false); err != nil {
					fail(err)
					return
				}
				if _, err := c.Returned(ctx, 0); err != nil {
					fail(err)
					return
				}
			}
			took := time.Since(t0)
			mu.Lock()
			syncs, pushes = append(syncs, took), append(pushes, mine...)
			rep.Stored += stored
			rep.Duplicates += dups
			mu.Unlock()
		})
	}
	if err := measure(cfg, rep, func() { close(start); wg.Wait() }); err != nil {
		return nil, err
	}
	rep.Sync, rep.Push = percentiles(syncs), percentiles(pushes)
	return rep, nil
}

// measure calls run, which starts every laptop and waits for them, and fills in rep the wall
// time, the rate, the CPU time of the servers and the database, and the load average.
func measure(cfg Config, rep *Report, run func()) error {
	pids := append([]int{cfg.ServerPID}, cfg.ServerPIDs...)
	cpu0, err := processesCPU(pids)
	if err != nil {
		return err
	}
	db0, err := treeCPU(cfg.DatabasePID)
	if err != nil {
		return err
	}
	// The laptops' CPU is read the same way; where /proc is missing it stays 0.
	self0, selfErr := processCPU(os.Getpid())
	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return err
		}
	}
	t0 := time.Now()
	run()
	rep.Elapsed = time.Since(t0)
	if cfg.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	if self1, err := processCPU(os.Getpid()); err == nil && selfErr == nil {
		rep.LaptopsCPU = self1 - self0
	}
	cpu1, err := processesCPU(pids)
	if err != nil {
		return err
	}
	db1, err := treeCPU(cfg.DatabasePID)
	if err != nil {
		return err
	}
	rep.ServerCPU, rep.DatabaseCPU, rep.Load = cpu1-cpu0, db1-db0, loadAverage()
	rep.PerSecond = float64(rep.Stored+rep.Duplicates) / rep.Elapsed.Seconds()
	return nil
}

// holdForms downloads every form the server publishes, once, and writes it into each of
// the forms folders, named as client.Sync names it, so that the laptops' syncs find them
// there.
func holdForms(ctx context.Context, c *client.Client, dirs []string) error {
	list, err := c.Forms(ctx)
	if err != nil {
		return fmt.Errorf("forms: %w", err)
	}
	files := map[string][]byte{}
	for _, f := range list {
		full, err := c.Form(ctx, f.ID, f.Version)
		if err != nil {
			return fmt.Errorf("form %s version %s: %w", f.ID, f.Version, err)
		}
		files[client.FormFileName(f)] = full.Source
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// runFull runs the laptops as real laptop databases, each syncing with client.Sync (see
// Config.LaptopDir).
func runFull(ctx context.Context, cfg Config) (*Report, error) {
	dir, err := os.MkdirTemp(cfg.LaptopDir, "laptops-")
	if err != nil {
		return nil, fmt.Errorf("laptops' folder: %w", err)
	}
	defer os.RemoveAll(dir)
	retry := cfg.Retry
	if retry.Attempts <= 0 {
		retry = SyncRetry
	}
	// Connections are kept per laptop as each laptop would keep its own; the timeout is
	// the real client's.
	transport := &http.Transport{MaxIdleConnsPerHost: len(cfg.Tokens) + 1}
	hc := &http.Client{Transport: transport, Timeout: 2 * time.Minute}
	defer transport.CloseIdleConnections()
	type laptop struct {
		c *client.Client
		l client.Laptop
	}
	laptops := make([]laptop, len(cfg.Tokens))
	var dbs []*sqlite.DB
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	// Every laptop starts from a copy of one new laptop database, so that its migrations
	// run once.
	template, err := newLaptopDB(ctx, filepath.Join(dir, "template"))
	if err != nil {
		return nil, err
	}
	for i, tok := range cfg.Tokens {
		url := cfg.URL
		if len(cfg.URLs) > 0 {
			url = cfg.URLs[i%len(cfg.URLs)]
		}
		c, err := client.NewClient(url, client.WithToken(tok), client.WithHTTPClient(hc),
			client.WithRetry(retry.Attempts, retry.Base, retry.Max), client.WithBatch(cfg.Batch, 2<<20))
		if err != nil {
			return nil, err
		}
		home := filepath.Join(dir, fmt.Sprintf("laptop%03d", i+1))
		if err := os.Mkdir(home, 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(home, sqlite.FileName), template, 0o600); err != nil {
			return nil, err
		}
		db, err := sqlite.Open(ctx, filepath.Join(home, sqlite.FileName))
		if err != nil {
			return nil, fmt.Errorf("laptop %d: %w", i+1, err)
		}
		dbs = append(dbs, db)
		var opts []sqlite.InterviewOption
		if cfg.Seal != nil {
			sealer, err := cfg.Seal()
			if err != nil {
				return nil, err
			}
			opts = append(opts, sqlite.SealedTo(sealer))
		}
		laptops[i] = laptop{c: c, l: client.Laptop{
			Interviews: sqlite.NewInterviewStore(db, opts...), Roster: sqlite.NewRosterStore(db),
			State: sqlite.NewSyncStateStore(db), Attempts: sqlite.NewAttemptStore(db),
			Updates: sqlite.NewRosterUpdateStore(db), Waves: sqlite.NewPulledWaves(db),
			FormsDir: filepath.Join(home, "forms"),
		}}
	}
	// Finalizing every laptop's interviews (a durable transaction each) takes a while:
	// several laptops at once.
	var seedErr error
	var seedMu sync.Mutex
	next := make(chan int)
	var seeders sync.WaitGroup
	for range 16 {
		seeders.Go(func() {
			for i := range next {
				me, err := laptops[i].c.Me(ctx)
				if err == nil {
					_, err = testbed.Seed(ctx, laptops[i].l.Interviews, me.Name, cfg.Interviews)
				}
				if err != nil {
					seedMu.Lock()
					seedErr = errors.Join(seedErr, fmt.Errorf("laptop %d: %w", i+1, err))
					seedMu.Unlock()
				}
			}
		})
	}
	for i := range laptops {
		next <- i
	}
	close(next)
	seeders.Wait()
	if seedErr != nil {
		return nil, seedErr
	}
	if !cfg.NewLaptops && len(laptops) > 0 {
		dirs := make([]string, len(laptops))
		for i, lt := range laptops {
			dirs[i] = lt.l.FormsDir
		}
		if err := holdForms(ctx, laptops[0].c, dirs); err != nil {
			return nil, err
		}
	}

	var mu sync.Mutex
	rep := &Report{Laptops: len(cfg.Tokens), Interviews: len(cfg.Tokens) * cfg.Interviews}
	var syncs []time.Duration
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		rep.Errors++
		if rep.FirstError == nil {
			rep.FirstError = err
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, lt := range laptops {
		wg.Go(func() {
			<-start
			t0 := time.Now()
			sum, err := lt.c.Sync(ctx, lt.l, nil)
			took := time.Since(t0)
			if err != nil {
				fail(fmt.Errorf("laptop %d: %w", i+1, err))
			}
			if sum == nil {
				sum = &client.Summary{}
			}
			if len(sum.Held) > 0 {
				fail(fmt.Errorf("laptop %d: %d interviews held back: the server does not publish their form", i+1, len(sum.Held)))
			}
			for _, o := range sum.Outcomes {
				if o.Outcome != survey.OutcomeStored && o.Outcome != survey.OutcomeDuplicate {
					fail(fmt.Errorf("laptop %d: %s revision %d %s: %s %s", i+1, o.InterviewID, o.Revision, o.Outcome, o.Code, o.Reason))
				}
			}
			mu.Lock()
			defer mu.Unlock()
			syncs = append(syncs, took)
			rep.Stored += sum.Count(survey.OutcomeStored)
			rep.Duplicates += sum.Count(survey.OutcomeDuplicate)
		})
	}
	if err := measure(cfg, rep, func() { close(start); wg.Wait() }); err != nil {
		return nil, err
	}
	rep.Sync = percentiles(syncs)
	return rep, nil
}

// newLaptopDB makes a new laptop database in dir and returns its file's bytes.
func newLaptopDB(ctx context.Context, dir string) ([]byte, error) {
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, sqlite.FileName)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("new laptop database: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil, fmt.Errorf("new laptop database: its WAL was not checkpointed on close")
	}
	return os.ReadFile(path)
}

// processesCPU returns the user+sys CPU time of the processes pids (0 for pid 0).
func processesCPU(pids []int) (time.Duration, error) {
	var sum time.Duration
	for _, pid := range pids {
		d, err := processCPU(pid)
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// treeCPU returns the CPU time of process pid with that of its children: those it waited
// for (cutime, cstime) and those running now (0 for pid 0).
func treeCPU(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	f, err := statFields(pid)
	if err != nil {
		return 0, err
	}
	var ticks int64
	for _, i := range []int{11, 12, 13, 14} { // utime, stime, cutime, cstime
		v, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("database CPU: /proc/%d/stat: %w", pid, err)
		}
		ticks += v
	}
	const hz = 100 // USER_HZ on Linux
	sum := time.Duration(ticks) * time.Second / hz
	kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, k := range strings.Fields(string(kids)) {
		kid, _ := strconv.Atoi(k)
		if d, err := processCPU(kid); err == nil {
			sum += d // a child that ended meanwhile is counted in cutime next time
		}
	}
	return sum, nil
}

// statFields returns the fields of /proc/PID/stat after the command.
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, fmt.Errorf("process CPU: %w", err)
	}
	// Fields after the command (which may hold spaces) start after the last ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 15 {
		return nil, fmt.Errorf("process CPU: /proc/%d/stat has %d fields", pid, len(f))
	}
	return f, nil
}

// processCPU returns the user+sys CPU time of process pid from /proc/PID/stat (0 for pid 0).
func processCPU(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("server CPU: %w", err)
	}
	// Fields after the command (which may hold spaces) start after the last ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("server CPU: /proc/%d/stat has %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("server CPU: /proc/%d/stat: %w", pid, errors.Join(err1, err2))
	}
	const hz = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / hz, nil
}

// loadAverage returns the 1-minute load average (0 where /proc/loadavg is missing).
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
