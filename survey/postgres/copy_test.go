package postgres_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tracer/survey/postgres"
	"tracer/survey/postgres/pgtest"
	"tracer/survey/sqlite"
)

// TestCopyCoversEverySQLiteTable checks that every table of a SQLite server database is
// either copied by "tracer serve migrate" or deliberately skipped, that both lists name
// only tables SQLite has, and that a table in neither makes the copy refuse.
func TestCopyCoversEverySQLiteTable(t *testing.T) {
	ctx := context.Background()
	src, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	left, err := postgres.Uncopied(ctx, src.SQL())
	if err != nil || len(left) != 0 {
		t.Fatalf("SQLite server tables neither copied nor skipped: %v %v; add them to copyTables or SkippedTables (and docs/SERVER.md)", left, err)
	}
	var have []string
	rows, err := src.SQL().QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		have = append(have, name)
	}
	rows.Close()
	names := postgres.CopiedTables()
	for name := range postgres.SkippedTables {
		if slices.Contains(names, name) {
			t.Errorf("%s is both copied and skipped", name)
		}
		names = append(names, name)
	}
	for _, name := range names {
		if !slices.Contains(have, name) {
			t.Errorf("%s is copied or skipped, but SQLite has no such table", name)
		}
	}

	if _, err := src.SQL().ExecContext(ctx, `CREATE TABLE new_things (id TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	if left, err := postgres.Uncopied(ctx, src.SQL()); err != nil || !slices.Equal(left, []string{"new_things"}) {
		t.Fatalf("uncopied after adding a table: %v %v, want [new_things]", left, err)
	}
	t.Run("CopyRefuses", func(t *testing.T) {
		db, err := postgres.Open(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.CopyFrom(ctx, src.SQL()); err == nil || !strings.Contains(err.Error(), "new_things") {
			t.Fatalf("copy with a table it does not know: %v, want a refusal naming it", err)
		}
		if _, err := src.SQL().ExecContext(ctx, `DROP TABLE new_things`); err != nil {
			t.Fatal(err)
		}
		var users int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&users); err != nil || users != 0 {
			t.Fatalf("a refused copy left %d users (%v)", users, err)
		}
	})
}
