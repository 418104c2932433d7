package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// countingRoster is the server's real roster store, counting the rows it hands out.
type countingRoster struct {
	*sqlite.ServerRosterStore
	read atomic.Int64
}

func (c *countingRoster) Changes(ctx context.Context, after int64, limit int, to string) ([]survey.RosterRow, error) {
	rows, err := c.ServerRosterStore.Changes(ctx, after, limit, to)
	c.read.Add(int64(len(rows)))
	return rows, err
}

func (c *countingRoster) ChangesAndGone(ctx context.Context, after int64, limit int, to string) ([]survey.RosterRow, error) {
	rows, err := c.ServerRosterStore.ChangesAndGone(ctx, after, limit, to)
	c.read.Add(int64(len(rows)))
	return rows, err
}

func (c *countingRoster) ChangesPage(ctx context.Context, after int64, limit, maxBytes int, to string, gone bool) ([]survey.RosterRow, bool, error) {
	rows, more, err := c.ServerRosterStore.ChangesPage(ctx, after, limit, maxBytes, to, gone)
	c.read.Add(int64(len(rows)))
	return rows, more, err
}

// TestRosterPageOfLargeRowsReadsItsRows: a page of a roster of large rows (about 256 KB
// each) reads from the store only the rows it carries, not the 1,001 a page of small rows
// may read, and the pages together carry every row.
func TestRosterPageOfLargeRowsReadsItsRows(t *testing.T) {
	var roster *countingRoster
	env := testbed.NewEnv(t, func(c *server.Config) {
		roster = &countingRoster{ServerRosterStore: c.Roster.(*sqlite.ServerRosterStore)}
		c.Roster = roster
	}, nil)
	const n = 40
	var rows []*survey.Respondent
	for i := range n {
		extra := map[string]string{}
		for k := range 64 {
			extra[fmt.Sprintf("col%02d", k)] = strings.Repeat("x", 4000)
		}
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R-%03d", i), Name: "Alumni", Sex: "P", BatchID: "B1", Completion: "pass", Extra: extra})
	}
	if _, err := roster.Upload(t.Context(), rows); err != nil {
		t.Fatal(err)
	}
	tok := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	var after int64
	got := 0
	for pages := 0; ; pages++ {
		if pages > n {
			t.Fatal("the pages never end")
		}
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/roster?after=%d", env.URL, after), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page wire.RosterResponse
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("page after %d: %d %v", after, resp.StatusCode, err)
		}
		read := roster.read.Swap(0)
		if len(page.Rows) == 0 || len(page.Rows) > 5 || read > int64(len(page.Rows)) {
			t.Fatalf("a page of %d large rows read %d rows from the store", len(page.Rows), read)
		}
		got += len(page.Rows)
		if !page.More {
			break
		}
		after = page.Next
	}
	if got != n {
		t.Errorf("the pages carried %d rows, want %d", got, n)
	}
}
