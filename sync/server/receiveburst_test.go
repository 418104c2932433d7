package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"tracer/survey"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// TestBodiesOverTheBudgetAllLand: four pushes near the body limit sent at once by one
// account, together over its share of the receiving budget, are all received and answered
// in turn: a body waits for room before it is read, so bodies received in part never hold
// the room the others need to finish.
func TestBodiesOverTheBudgetAllLand(t *testing.T) {
	env := testbed.NewEnv(t, func(c *server.Config) { c.DecodeWait = 30 * time.Second }, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	// 1,000 items of about 7 KB, each refused by the server's checks: a body of 7.3 MB.
	var req wire.PushRequest
	record, _ := json.Marshal(map[string]string{"note": strings.Repeat("a", 7000)})
	for range 1000 {
		req.Items = append(req.Items, wire.PushItem{ID: uuid.NewString(), Revision: 1, Hash: strings.Repeat("ab", 32), Body: record})
	}
	body, _ := json.Marshal(req)
	if len(body) > wire.MaxBody || 4*len(body) < 16<<20 {
		t.Fatalf("a body of %d bytes; want four over a quarter of the default budget, each under the limit", len(body))
	}
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Go(func() {
			hreq, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/interviews/push", bytes.NewReader(body))
			hreq.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(hreq)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("push %d: %d, want 200 (its receipts refusing each item)", i, s)
		}
	}
}
