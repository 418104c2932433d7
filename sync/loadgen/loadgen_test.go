package loadgen_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"runtime"
	"testing"

	"tracer/survey"
	"tracer/sync/loadgen"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

var (
	laptops    = flag.Int("laptops", 0, "run TestLoad with this many laptops (0: skip)")
	interviews = flag.Int("interviews", 20, "interviews per laptop in TestLoad")
	batch      = flag.Int("batch", 200, "interviews per push in TestLoad")
)

// env starts a server on a real SQLite file with n enrolled enumerators.
func env(tb testing.TB, n int) (*testbed.Env, []string) {
	e := testbed.NewEnv(tb, func(c *server.Config) {}, nil)
	e.HTTP.Close()
	// A server with room for many connections at once.
	e.HTTP = httptest.NewUnstartedServer(e.Server)
	e.HTTP.Config = server.NewHTTPServer("", e.Server, server.DefaultTimeouts, nil)
	e.HTTP.Start()
	tb.Cleanup(e.HTTP.Close)
	e.URL = e.HTTP.URL
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = testbed.Token(tb, e.Users, fmt.Sprintf("e%03d", i), survey.RoleEnumerator)
	}
	return e, tokens
}

// TestLoad runs many laptops at once against one server: go test ./sync/loadgen -run
// TestLoad -laptops 500 -interviews 20 -v. It fails on any error.
func TestLoad(t *testing.T) {
	if *laptops == 0 {
		t.Skip("set -laptops N to run the load test")
	}
	e, tokens := env(t, *laptops)
	rep, err := loadgen.Run(context.Background(), loadgen.Config{URL: e.URL, Tokens: tokens, Interviews: *interviews, Batch: *batch, Pull: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	if rep.Errors > 0 {
		t.Fatalf("%d errors, first: %v", rep.Errors, rep.FirstError)
	}
	if n, _ := e.Subs.Count(context.Background()); n != rep.Interviews {
		t.Fatalf("server holds %d, want %d", n, rep.Interviews)
	}
}

// TestSmallLoad keeps the generator working in every test run.
func TestSmallLoad(t *testing.T) {
	e, tokens := env(t, 20)
	rep, err := loadgen.Run(context.Background(), loadgen.Config{URL: e.URL, Tokens: tokens, Interviews: 10, Batch: 4, Pull: true})
	if err != nil || rep.Errors > 0 || rep.Stored != 200 {
		t.Fatalf("%v %v %v", rep, err, rep.FirstError)
	}
}

// TestSmallFullSync runs laptops as real laptop databases, each syncing as "tracer sync"
// does, and checks that every finalized interview reached the server once.
func TestSmallFullSync(t *testing.T) {
	e, tokens := env(t, 12)
	var prof bytes.Buffer
	rep, err := loadgen.Run(context.Background(), loadgen.Config{URL: e.URL, Tokens: tokens, Interviews: 5, Batch: 2, LaptopDir: t.TempDir(), CPUProfile: &prof})
	if err != nil {
		t.Fatal(err)
	}
	// The timed window was profiled, and on Linux the process's own CPU was read.
	if prof.Len() == 0 {
		t.Errorf("no CPU profile written")
	}
	if runtime.GOOS == "linux" && rep.LaptopsCPU <= 0 {
		t.Errorf("laptops' CPU not measured: %v", rep)
	}
	if rep.Errors > 0 || rep.Stored != 60 || rep.Duplicates != 0 {
		t.Fatalf("%v", rep)
	}
	if rep.Sync.Max <= 0 {
		t.Fatalf("no sync measured: %v", rep)
	}
	if n, _ := e.Subs.Count(context.Background()); n != 60 {
		t.Fatalf("server holds %d, want 60", n)
	}
}

// BenchmarkIngest measures interviews stored per second by batch push: two laptops push
// batches of 500 at once into SQLite (WAL, synchronous FULL) through HTTP on 127.0.0.1.
func BenchmarkIngest(b *testing.B) {
	for _, bs := range []int{100, 500} {
		b.Run(fmt.Sprintf("batch=%d", bs), func(b *testing.B) {
			e, tokens := env(b, 2)
			var total float64
			var stored int
			for b.Loop() {
				rep, err := loadgen.Run(context.Background(), loadgen.Config{URL: e.URL, Tokens: tokens, Interviews: 2000, Batch: bs})
				if err != nil || rep.Errors > 0 {
					b.Fatalf("%v %v", err, rep.FirstError)
				}
				total += rep.Elapsed.Seconds()
				stored += rep.Stored
			}
			b.ReportMetric(float64(stored)/total, "interviews/s")
		})
	}
}
