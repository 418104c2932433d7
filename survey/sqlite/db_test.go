package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"tracer/survey/sqlite"
	"tracer/survey/storetest"
)

// openDB opens a fresh database file in a temporary folder and closes it after the test.
func openDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	return openAt(tb, filepath.Join(tb.TempDir(), sqlite.FileName))
}

func openAt(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// clock returns a fake clock that moves one second per call.
func clock() func() time.Time {
	t := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("database file mode = %o, want 600", perm)
		}
	}
	// Opening again applies no migration twice.
	db = openAt(t, path)
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOpenTightensPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions on Windows")
	}
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	openAt(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("database file mode = %o, want 600", perm)
	}
}

func TestOpenRefuses(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:x.db", "x.db?_pragma=synchronous(OFF)"} {
		t.Run(path, func(t *testing.T) {
			if db, err := sqlite.Open(context.Background(), path); err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", path)
			}
		})
	}
	t.Run("not a database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "junk.db")
		if err := os.WriteFile(path, []byte("this is not an SQLite file, just text that is long enough to matter......................................"), 0o600); err != nil {
			t.Fatal(err)
		}
		if db, err := sqlite.Open(context.Background(), path); err == nil {
			db.Close()
			t.Fatal("Open of a text file succeeded")
		}
	})
}

// TestOpenWhileAnotherWrites opens an up-to-date database while another handle holds
// its write lock, as an export does beside a busy server: opening must not wait for it.
func TestOpenWhileAnotherWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	first := openAt(t, path)
	tx, err := first.SQL().BeginTx(ctx, nil) // immediate: takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE held (x)`); err != nil {
		t.Fatal(err)
	}
	second, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open while another handle writes: %v", err)
	}
	second.Close()
}

// TestNoPoolInTransactions: no statement inside a transaction takes a second connection
// from the pool.
func TestNoPoolInTransactions(t *testing.T) { storetest.NoPoolInTransactions(t, ".") }

// TestCloseWaitsForConnections checks that Close returns only once the pool's last
// connection is closed, so that nothing writes or deletes the database's -wal and -shm
// files after it: here a query's rows still hold a connection when Close is called.
func TestCloseWaitsForConnections(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT 1 UNION ALL SELECT 2`)
	if err != nil {
		t.Fatal(err)
	}
	const hold = 100 * time.Millisecond
	go func() {
		time.Sleep(hold)
		rows.Close()
	}()
	start := time.Now()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	waited := time.Since(start)
	files := func() []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	atClose := files()
	time.Sleep(2 * hold)
	if later := files(); waited < hold || !slices.Equal(atClose, later) {
		t.Fatalf("Close returned after %v with the rows open for %v: files %v, then %v", waited, hold, atClose, later)
	}
	if len(atClose) != 1 {
		t.Fatalf("files after Close: %v, want the database alone", atClose)
	}
}
