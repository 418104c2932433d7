package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestServerMoved: the laptop's server address now redirects to the server's new one (an
// http to https redirect, a new host). A 301 or 302 would turn the push, a POST, into a GET
// without its body; the sync says instead, in one line and in Indonesian too, where the
// server moved, and keeps the outbox; with the new address the push goes through. A 308
// keeps the request whole and is followed, as before.
func TestServerMoved(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusPermanentRedirect} {
		env := testbed.NewEnv(t, nil, nil)
		tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
		var mu gosync.Mutex
		posts := 0
		old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				mu.Lock()
				posts++
				mu.Unlock()
			}
			http.Redirect(w, r, env.URL+r.URL.RequestURI(), code)
		}))
		lap := testbed.NewLaptop(t)
		want, err := testbed.Seed(ctx, lap.Interviews, "ani", 2)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := client.NewClient(old.URL, client.WithToken(tok), client.WithRetry(3, time.Millisecond, 5*time.Millisecond))
		sum, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
		old.Close()
		mu.Lock()
		n := posts
		mu.Unlock()
		if n == 0 {
			t.Fatalf("%d: no push reached the old address", code)
		}
		if code == http.StatusPermanentRedirect {
			if err != nil || sum.Count(survey.OutcomeStored) != 2 {
				t.Fatalf("%d: %+v %v, want both pushed through the redirect", code, sum, err)
			}
			testbed.CheckSame(t, env.Subs, want, lap)
			continue
		}
		en := "The server at " + old.URL + " has moved to " + env.URL + " (HTTP " + strconv.Itoa(code) + "): sync with its new address (tracer sync --server " + env.URL + ")."
		if survey.ErrorCode(err) != survey.EINVALID || survey.ErrorMessage(err) != en {
			t.Fatalf("%d: err = %v, want\n%s", code, err, en)
		}
		if id := survey.LocalMessage(err, "id"); !strings.HasPrefix(id, "Server di "+old.URL+" sudah pindah ke "+env.URL) {
			t.Errorf("%d: in Indonesian: %s", code, id)
		}
		if left, _ := lap.Interviews.Outbox(ctx, 0); len(left) != 2 {
			t.Fatalf("%d: outbox has %d, want 2 untouched", code, len(left))
		}
		moved, _ := client.NewClient(env.URL, client.WithToken(tok), client.WithRetry(3, time.Millisecond, 5*time.Millisecond))
		if sum, err := moved.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil || sum.Count(survey.OutcomeStored) != 2 {
			t.Fatalf("%d: the sync with the new address: %+v %v", code, sum, err)
		}
		testbed.CheckSame(t, env.Subs, want, lap)
	}
}
