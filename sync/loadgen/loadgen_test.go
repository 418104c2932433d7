package loadgen_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"tracer/survey"
	"tracer/sync/loadgen"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

var (
	laptops    = flag.Int("laptops", 0, "run TestLoad with this many laptops (0: skip)")
	interviews = flag.Int("interviews", 20, "interviews per laptop in TestLoad")
	batch      = flag.Int("batch", 200, "interviews per push in TestLoad")
)

// env starts a server on a real SQLite file with n enrolled enumerators.
func env(tb testing.TB, n int) (*testbed.Env, []string) {
	return envWrapped(tb, n, nil)
}

// envWrapped is env with the server's handler wrapped by wrap, when not nil.
func envWrapped(tb testing.TB, n int, wrap func(http.Handler) http.Handler) (*testbed.Env, []string) {
	e := testbed.NewEnv(tb, func(c *server.Config) {}, nil)
	e.HTTP.Close()
	// A server with room for many connections at once.
	var h http.Handler = e.Server
	if wrap != nil {
		h = wrap(h)
	}
	e.HTTP = httptest.NewUnstartedServer(h)
	e.HTTP.Config = server.NewHTTPServer("", h, server.DefaultTimeouts, nil)
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
// does, and checks that every finalized interview reached the server once, and that the
// laptops hold the published forms before they sync (the form is downloaded once, before
// the clock) unless they are new laptops (each downloads it).
func TestSmallFullSync(t *testing.T) {
	for _, fresh := range []bool{false, true} {
		var downloads atomic.Int64
		e, tokens := envWrapped(t, 12, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// A form's download is GET /api/v1/forms/ID/VERSION; the list is GET .../forms.
				if id, ok := strings.CutPrefix(r.URL.Path, wire.Prefix+"/forms/"); ok && r.Method == http.MethodGet && strings.Count(id, "/") == 1 {
					downloads.Add(1)
				}
				next.ServeHTTP(w, r)
			})
		})
		smallFullSync(t, e, tokens, fresh)
		if want := map[bool]int64{false: 1, true: 12}[fresh]; downloads.Load() != want {
			t.Errorf("new laptops %v: the form was downloaded %d times, want %d", fresh, downloads.Load(), want)
		}
	}
}

func smallFullSync(t *testing.T, e *testbed.Env, tokens []string, fresh bool) {
	t.Helper()
	var prof bytes.Buffer
	rep, err := loadgen.Run(context.Background(), loadgen.Config{URL: e.URL, Tokens: tokens, Interviews: 5, Batch: 2, LaptopDir: t.TempDir(),
		NewLaptops: fresh, CPUProfile: &prof})
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

// TestSmallCollect sends OpenRosa submissions from a few phones sharing one account's
// Collect URL: every one is stored, each as its own interview.
func TestSmallCollect(t *testing.T) {
	e, tokens := env(t, 1)
	raw, err := os.ReadFile("../server/testdata/openrosa/collect-submission.http")
	if err != nil {
		t.Fatal(err)
	}
	doc := raw[bytes.Index(raw, []byte("<?xml")) : bytes.LastIndex(raw, []byte("</data>"))+len("</data>")]
	rep, err := loadgen.RunCollect(context.Background(), loadgen.CollectConfig{URL: e.URL + "/v1/key/" + tokens[0], Phones: 3, Submissions: 4, Instance: doc})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors > 0 || rep.Stored != 12 {
		t.Fatalf("%d stored, %d errors, first: %v", rep.Stored, rep.Errors, rep.FirstError)
	}
	if n, _ := e.Subs.Count(context.Background()); n != 12 {
		t.Fatalf("server holds %d, want 12", n)
	}
}
