// Package loadgen drives a tracer server the way many laptops would: each simulated laptop
// pushes its finalized interviews in batches and pulls forms, the roster and returned
// interviews, and the report gives the throughput, the errors and the latency percentiles.
// docs/BENCHMARKS.md says how to run it.
package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// Config describes a load run.
type Config struct {
	// URL is the server; Tokens holds one enrolled token per laptop (enumerator role).
	URL    string
	Tokens []string
	// Interviews is how many finalized interviews each laptop pushes, Batch per push.
	Interviews int
	Batch      int
	// Pull makes each laptop also pull forms, the roster and returned interviews.
	Pull bool
	// Gzip compresses push bodies larger than 16 KiB.
	Gzip bool
}

// Report is what a run measured.
type Report struct {
	Laptops, Interviews, Stored, Errors int
	Elapsed                             time.Duration
	// PerSecond is interviews stored per second of wall time.
	PerSecond float64
	// Sync holds percentiles of one laptop's whole sync; Push of single push requests.
	Sync, Push Percentiles
	// FirstError is the first error seen, if any.
	FirstError error
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
	return fmt.Sprintf("%d laptops, %d interviews (%d stored), %d errors in %v: %.0f interviews/s; sync p50 %v p99 %v max %v; push p50 %v p99 %v",
		r.Laptops, r.Interviews, r.Stored, r.Errors, r.Elapsed.Round(time.Millisecond), r.PerSecond,
		r.Sync.P50.Round(time.Millisecond), r.Sync.P99.Round(time.Millisecond), r.Sync.Max.Round(time.Millisecond),
		r.Push.P50.Round(time.Millisecond), r.Push.P99.Round(time.Millisecond))
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
	// Each laptop's records name its own account, as the server requires.
	at := time.Now().Add(-time.Hour)
	clients := make([]*client.Client, len(cfg.Tokens))
	items := make([][]wire.PushItem, len(cfg.Tokens))
	for i, tok := range cfg.Tokens {
		c, err := client.NewClient(cfg.URL, client.WithToken(tok), client.WithHTTPClient(hc), client.WithGzipAbove(gz),
			client.WithRetry(1, 0, 0))
		if err != nil {
			return nil, err
		}
		me, err := c.Me(ctx)
		if err != nil {
			return nil, fmt.Errorf("laptop %d: %w", i+1, err)
		}
		clients[i] = c
		for range cfg.Interviews {
			id := survey.NewID()
			body, hash, err := testbed.Record(id, me.Name, 1, at)
			if err != nil {
				return nil, err
			}
			items[i] = append(items[i], wire.PushItem{ID: id, Revision: 1, Hash: hash, Body: body})
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
			stored := 0
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
				if _, err := c.Roster(ctx, 0); err != nil {
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
			mu.Unlock()
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	rep.Elapsed = time.Since(t0)
	rep.PerSecond = float64(rep.Stored) / rep.Elapsed.Seconds()
	rep.Sync, rep.Push = percentiles(syncs), percentiles(pushes)
	return rep, nil
}
