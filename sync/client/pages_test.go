package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestPagesThatDoNotMoveOn: a server whose pages say there is more but do not move the
// cursor on (the same page again, or a page with nothing in it) would keep a pull asking
// for ever, a hundred thousand times, storing the same rows each time. The sync asks at
// most twice, stops with one line naming the pages, and keeps what came before.
func TestPagesThatDoNotMoveOn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, tt := range []struct{ name, route, page, what string }{
		{"the same page", "/api/v1/roster",
			`{"rows":[{"seq":5,"respondent":{"roster_id":"R1","full_name":"Dimas Gunawan"}}],"next":5,"more":true}`, "roster rows"},
		{"an empty page", "/api/v1/returned", `{"returns":[],"next":7,"more":true}`, "returned interviews"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var mu gosync.Mutex
			asked := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case tt.route:
					mu.Lock()
					asked++
					n := asked
					mu.Unlock()
					if n > 200 { // a bound for this test alone: the stuck pages end
						w.Write([]byte(`{"next":9,"more":false}`))
						return
					}
					w.Write([]byte(tt.page))
				case "/api/v1/roster", "/api/v1/returned":
					w.Write([]byte(`{"next":0,"more":false}`))
				default:
					json.NewEncoder(w).Encode(map[string]any{})
				}
			}))
			defer srv.Close()
			lap := testbed.NewLaptop(t)
			c, _ := client.NewClient(srv.URL, client.WithToken("x"), client.WithRetry(3, time.Millisecond, 5*time.Millisecond))
			_, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State}, nil)
			mu.Lock()
			n := asked
			mu.Unlock()
			if n == 0 {
				t.Fatal("the stuck pages were never asked for")
			}
			if n > 2 {
				t.Errorf("the stuck pages were asked for %d times, want at most 2", n)
			}
			if !client.IsUnreachable(err) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "its pages of "+tt.what+" do not move on") {
				t.Fatalf("err = %v, want one line: the pages of %s do not move on", err, tt.what)
			}
		})
	}
}
