package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

// TestSyncThroughForeignAnswers: a laptop syncs through something in front of the server
// that answers in its place: a Wi-Fi login page (200 text/html), a reverse proxy whose
// server is down (502 with its own page), a tracer server's own failure (500). Each sync
// fails with one line that says what answered, keeps both finalized interviews unsent and
// the laptop's server address as it was; once the way is clear, one sync pushes each once.
func TestSyncThroughForeignAnswers(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	_, code, err := env.Users.CreateUser(ctx, "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	ani := t.TempDir()
	if out, _, err := runMain(t, ani, "login", env.URL, code); err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	personas := personasDir(t)
	for _, p := range []string{"employed", "unemployed"} {
		if out, _, err := runMain(t, ani, "form", "fill", "builtin", "--answers", personas+p+".json", "--save"); err != nil {
			t.Fatalf("form fill: %v %s", err, out)
		}
	}
	serverJSON, err := os.ReadFile(filepath.Join(ani, serverFile))
	if err != nil {
		t.Fatal(err)
	}

	target, _ := url.Parse(env.URL)
	pass := httputil.NewSingleHostReverseProxy(target)
	var mu gosync.Mutex
	mode, faults := "", 0
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		m := mode
		if m != "" {
			faults++
		}
		mu.Unlock()
		switch m {
		case "portal":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<html><body><form>Masuk ke Wi-Fi hotel</form></body></html>"))
		case "gateway":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("<html><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></html>"))
		case "failure":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			json.NewEncoder(w).Encode(map[string]string{"code": survey.EINTERNAL, "message": "Internal error."})
		case "stub":
			// Another service at a mistyped address, answering any request with an empty
			// JSON object.
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("{}"))
		default:
			pass.ServeHTTP(w, r)
		}
	}))
	defer front.Close()

	unsent := func() int {
		t.Helper()
		db, err := sqlite.Open(ctx, filepath.Join(ani, sqlite.FileName))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		items, err := sqlite.NewInterviewStore(db).Outbox(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	for _, tt := range []struct{ mode, want string }{
		{"portal", "tracer: cannot reach the server at " + front.URL + ": something other than a tracer server answered (200 OK, text/html; charset=utf-8): a Wi-Fi login page, or a proxy that could not reach the server?"},
		{"gateway", "tracer: cannot reach the server at " + front.URL + ": something other than a tracer server answered (502 Bad Gateway, text/html): a Wi-Fi login page, or a proxy that could not reach the server?"},
		{"failure", "tracer: the server failed: Internal error."},
		{"stub", "tracer: " + front.URL + " answered, but not as a tracer server or relay that knows account ani (it named \"\"): nothing was sent or pulled; this laptop still syncs with " + env.URL},
	} {
		mu.Lock()
		mode, faults = tt.mode, 0
		mu.Unlock()
		out, _, err := runMain(t, ani, "sync", "--server", front.URL)
		mu.Lock()
		n := faults
		mu.Unlock()
		if n == 0 {
			t.Fatalf("%s: the front answered nothing in the server's place", tt.mode)
		}
		if err == nil {
			t.Fatalf("%s: the sync succeeded:\n%s", tt.mode, out)
		}
		if got := "tracer: " + message(err); got != tt.want {
			t.Errorf("%s: the sync says\n%s\nwant\n%s", tt.mode, got, tt.want)
		}
		if left := unsent(); left != 2 {
			t.Errorf("%s: %d interviews left unsent, want 2", tt.mode, left)
		}
		if b, _ := os.ReadFile(filepath.Join(ani, serverFile)); string(b) != string(serverJSON) {
			t.Errorf("%s: the laptop's server address changed:\n%s", tt.mode, b)
		}
		if b, err := os.ReadFile(filepath.Join(ani, "forms", "published.json")); err == nil && !strings.Contains(string(b), "blk_tracer") {
			t.Errorf("%s: the laptop's list of published forms was overwritten:\n%s", tt.mode, b)
		}
	}

	mu.Lock()
	mode = ""
	mu.Unlock()
	out, _, err := runMain(t, ani, "sync")
	if err != nil || !strings.Contains(out, "pushed 2 new, 0 already there") {
		t.Fatalf("the sync once the way is clear: %v\n%s", err, out)
	}
	if left := unsent(); left != 0 {
		t.Errorf("%d interviews left unsent after a good sync", left)
	}
	subs, err := env.Subs.List(ctx, survey.SubmissionFilter{})
	if err != nil || len(subs) != 2 {
		t.Fatalf("the server holds %d revisions (%v), want 2", len(subs), err)
	}
}
