package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestFormsQueryReadsNoSubmissions checks, with SQLite's query plan, that listing the
// forms (every laptop's every sync) scans no table that grows with the interviews: its
// cost must not grow as the server stores more.
func TestFormsQueryReadsNoSubmissions(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+formsQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN published_forms") {
			t.Errorf("the forms list scans a table: %q (plan %q)", step, plan)
		}
		if strings.Contains(step, "submissions") {
			t.Errorf("the forms list reads the submissions: %q (plan %q)", step, plan)
		}
	}
}
