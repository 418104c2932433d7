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

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// TestNullInAnswers: a server (a broken one, a hostile one, another program on the
// address) answers a sync's request with JSON that has null where a tracer server always
// sends an object: a form in the list, a roster row's alumnus, a returned interview, an
// approval, another's attempt, the form itself. The sync neither crashes nor keeps any of
// it: it fails in one line naming where the null was, and the outbox and the roster
// are as they were before that answer.
func TestNullInAnswers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	form := map[string]any{"id": "f", "version": "1", "name": "f.md", "hash": strings.Repeat("0", 64)}
	for _, tt := range []struct{ route, where string }{
		{"/api/v1/forms", "answer.forms[0]"},
		{"/api/v1/forms/f/1", "answer"},
		{"/api/v1/roster", "answer.rows[0].respondent"},
		{"/api/v1/attempts/assigned", "answer.attempts[0]"},
		{"/api/v1/returned", "answer.returns[0]"},
		{"/api/v1/approved", "answer.approvals[0]"},
	} {
		t.Run(strings.ReplaceAll(tt.route, "/", "_"), func(t *testing.T) {
			var mu gosync.Mutex
			faulty := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				page := map[string]any{"next": 1, "more": false}
				var body any
				switch p := r.URL.Path; p {
				case "/api/v1/interviews/push":
					var req wire.PushRequest
					if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
						http.Error(w, err.Error(), http.StatusBadRequest)
						return
					}
					resp := wire.PushResponse{Receipts: []wire.Receipt{}}
					for _, it := range req.Items {
						resp.Receipts = append(resp.Receipts, wire.Receipt{Receipt: survey.Receipt{InterviewID: it.ID,
							Revision: it.Revision, Hash: it.Hash, Status: survey.ReceiptStored, Seq: 1}, HTTPStatus: http.StatusOK})
					}
					body = resp
				case "/api/v1/forms":
					body = map[string]any{"forms": []any{form}}
				case "/api/v1/forms/f/1":
					body = map[string]any{"source": []byte("x"), "id": "f", "version": "1", "name": "f.md"}
				case "/api/v1/roster":
					page["rows"] = []any{map[string]any{"seq": 1, "respondent": map[string]any{"roster_id": "R1", "full_name": "Dimas Gunawan"}}}
					body = page
				case "/api/v1/attempts/assigned":
					page["attempts"] = []any{}
					body = page
				case "/api/v1/returned":
					page["returns"] = []any{}
					body = page
				case "/api/v1/approved":
					page["approvals"] = []any{}
					body = page
				case "/api/v1/refused":
					page["refusals"] = []any{}
					body = page
				case "/api/v1/waves":
					body = map[string]any{"waves": []any{}}
				default:
					http.NotFound(w, r)
					return
				}
				if r.URL.Path == tt.route {
					mu.Lock()
					faulty++
					mu.Unlock()
					switch tt.route {
					case "/api/v1/forms":
						body = map[string]any{"forms": []any{nil}}
					case "/api/v1/forms/f/1":
						body = json.RawMessage(`{"source":"eA=="}`)
					case "/api/v1/roster":
						page["rows"] = []any{map[string]any{"seq": 1, "respondent": nil}}
					default:
						for k := range page {
							if k != "next" && k != "more" {
								page[k] = []any{nil}
							}
						}
					}
				}
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(body)
			}))
			defer srv.Close()

			lap := testbed.NewLaptop(t)
			if _, err := testbed.Seed(ctx, lap.Interviews, "ani", 2); err != nil {
				t.Fatal(err)
			}
			c, _ := client.NewClient(srv.URL, client.WithToken("x"), client.WithRetry(3, time.Millisecond, 5*time.Millisecond))
			l := client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, Attempts: lap.Attempts}
			if tt.route == "/api/v1/forms" || tt.route == "/api/v1/forms/f/1" {
				l.FormsDir = t.TempDir()
			}
			_, err := c.Sync(ctx, l, nil)
			mu.Lock()
			n := faulty
			mu.Unlock()
			if n != 1 {
				t.Fatalf("the null answer was sent %d times, want once (%v)", n, err)
			}
			if !client.IsUnreachable(err) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "has null for "+tt.where+",") {
				t.Fatalf("err = %v, want one line: null for %s", err, tt.where)
			}
			// The forms are read before the push, the rest after it.
			want := 0
			if l.FormsDir != "" {
				want = 2
			}
			if left, _ := lap.Interviews.Outbox(ctx, 0); len(left) != want {
				t.Errorf("outbox has %d, want %d", len(left), want)
			}
			if tt.route == "/api/v1/roster" {
				if n, err := lap.Roster.Count(ctx); err != nil || n != 0 {
					t.Errorf("the roster holds %d rows (%v), want none", n, err)
				}
			}
		})
	}
}
