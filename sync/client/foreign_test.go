package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestOversizedAnswer: a server that answers a pull with a JSON body longer than any tracer
// answer (here streamed until 64 MB) is read up to the client's bound and no further, once:
// the sync fails as unreachable with one line naming the bound, and the outbox is kept.
func TestOversizedAnswer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var mu gosync.Mutex
	requests, written := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"forms":[`))
		chunk := []byte(`{"id":"` + strings.Repeat("a", 64<<10) + `"},`)
		for range (64 << 20) / len(chunk) {
			n, err := w.Write(chunk)
			mu.Lock()
			written += n
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()

	lap := testbed.NewLaptop(t)
	if _, err := testbed.Seed(ctx, lap.Interviews, "ani", 2); err != nil {
		t.Fatal(err)
	}
	c, _ := client.NewClient(srv.URL, client.WithToken("x"), client.WithRetry(3, time.Millisecond, 5*time.Millisecond),
		client.WithMaxAnswer(1<<20))
	_, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State, FormsDir: t.TempDir()}, nil)
	if !client.IsUnreachable(err) || strings.Contains(err.Error(), "\n") ||
		!strings.HasSuffix(err.Error(), "the answer (200 OK, application/json) is over 1 MB, more than any tracer server sends; it was not kept") {
		t.Fatalf("err = %v, want one line: unreachable, the answer over 1 MB", err)
	}
	srv.CloseClientConnections()
	mu.Lock()
	defer mu.Unlock()
	if requests != 1 {
		t.Errorf("the oversized answer was asked for %d times, want once", requests)
	}
	// What the server could write: the bound, and what the sockets' buffers took.
	if written > 24<<20 {
		t.Errorf("the server wrote %d MB of the answer, the client read past its 1 MB bound", written>>20)
	}
	if left, _ := lap.Interviews.Outbox(ctx, 0); len(left) != 2 {
		t.Fatalf("outbox has %d, want 2 untouched", len(left))
	}
}

// TestExportThroughLoginPage: an analyst's export or report asked through a Wi-Fi that
// answers every request with its login page (200 text/html): nothing of the page reaches
// the output, and the export fails as the server not reached, naming the page's type.
func TestExportThroughLoginPage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var mu gosync.Mutex
	asked := 0
	page := "<html><body><form>Masuk ke Wi-Fi</form></body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer srv.Close()
	c, _ := client.NewClient(srv.URL, client.WithToken("x"), client.WithRetry(3, time.Millisecond, 5*time.Millisecond))
	var out strings.Builder
	n, err := c.Export(ctx, client.ExportQuery{Format: "xlsx"}, &out)
	mu.Lock()
	n0 := asked
	mu.Unlock()
	if n0 == 0 {
		t.Fatal("the login page never answered")
	}
	if n != 0 || out.Len() != 0 {
		t.Errorf("the export wrote %d bytes of the login page: %q", out.Len(), out.String())
	}
	if !client.IsUnreachable(err) || !strings.Contains(err.Error(), "something other than a tracer server answered (200 OK, text/html; charset=utf-8)") {
		t.Fatalf("export: err = %v, want the server unreachable, a page answered", err)
	}
	if _, err := c.Report(ctx, client.ReportQuery{Format: "text"}, &out); !client.IsUnreachable(err) || out.Len() != 0 {
		t.Fatalf("report: err = %v, %d bytes written, want the server unreachable and none", err, out.Len())
	}
}
