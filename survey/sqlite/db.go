// Package sqlite implements the survey stores on a SQLite file through modernc.org/sqlite
// (pure Go). Every connection gets its pragmas from the DSN; Open reads them back and
// refuses a database that would not be durable.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"tracer/survey"
)

// FileName is the name of the laptop's database file inside its data folder.
const FileName = "tracer.db"

// pragmas are applied by the driver to every pooled connection, busy_timeout first.
//
// temp_store(MEMORY) keeps SQLite's temporary files in memory. The one that matters is the
// statement journal: a multi-row insert of an ingest (up to 256 interviews) journals more
// than the 64 KiB SQLite holds in memory, and wrote the rest to a temporary file: 6% of the
// server's CPU samples for pushes in batches (docs/BENCHMARKS.md). It also keeps sorts and temporary
// tables, and the personal data in them, off the disk; no query of a large table sorts
// without an index but the count of revisions by form version (tens of bytes a revision).
const pragmas = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_pragma=temp_store(2)&_txlock=immediate"

// maxConns bounds the connections a DB keeps open, and the pool keeps them all between
// requests. A write transaction holds one and may take a second to prepare a statement
// the first time it runs; readers hold one at a time. Only one write transaction runs at
// once, so the bound leaves ample room.
const maxConns = 64

//go:embed migration/*.sql
var migrationFS embed.FS

// ErrNotDurable is returned by Open when the database does not run with the pragmas that
// make a committed answer survive a crash.
var ErrNotDurable = errors.New("database is not durable")

// DB is an open laptop database. Its methods and the stores built on it are safe for
// concurrent use.
type DB struct {
	db   *sql.DB
	path string

	// Now returns the current time; tests replace it. Times are stored in UTC.
	Now func() time.Time

	cipher survey.FieldCipher

	stmts stmtCache

	// writer admits one write transaction of this process at a time. SQLite lets one
	// writer in and makes the others poll, sleeping up to 100 ms between tries: under
	// steady writes a poller can lose every try until its busy timeout. Queued here, the
	// writers of one process take turns in order and never poll each other.
	writer chan struct{}
}

// Option changes how Open opens a database.
type Option func(*options)

type options struct {
	maxPages int
}

// WithMaxPages caps the database at n pages on every connection (SQLite's max_page_count,
// never below the pages it already has): a write that would grow it further fails exactly
// as on a full disk. It lets tests fill a disk without filling one, and an operator cap a
// database.
func WithMaxPages(n int) Option { return func(o *options) { o.maxPages = n } }

// Encrypt makes the laptop stores of db keep drafts' answers, their events' values and
// the roster's personal columns encrypted under c (the laptop's data key). Values stored
// in clear before stay readable; DB.EncryptInPlace encrypts them. Call it before using the stores.
func (db *DB) Encrypt(c survey.FieldCipher) { db.cipher = c }

// Open opens the database at path, creating it readable and writable by the owner only,
// checks that WAL, synchronous FULL, foreign keys and the busy timeout are in force, and
// applies the embedded migrations that have not run yet.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") || path == ":memory:" {
		return nil, fmt.Errorf("open database %q: need a plain file path", path)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if err := createPrivate(path); err != nil {
		return nil, translate(fmt.Errorf("open database: %w", err))
	}
	dsn := path + "?" + pragmas
	if o.maxPages > 0 {
		dsn += fmt.Sprintf("&_pragma=max_page_count(%d)", o.maxPages)
	}
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// Keep connections for concurrent requests open between them: opening one costs more
	// than most queries (the file, the pragmas, the schema, statements prepared again). A
	// server answering a few dozen laptops at once holds that many; with fewer kept idle,
	// each burst of requests closed the extra ones and the next opened them again. Bound
	// them too: hundreds of laptops syncing at once would otherwise open one each, each
	// with its own page cache; past the bound a query waits for a connection, which on a
	// few cores is no slower.
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{db: sqldb, path: path, Now: time.Now, writer: make(chan struct{}, 1)}
	if err := db.checkPragmas(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return db, nil
}

// scrubWAL copies the write-ahead log into the database file and empties it, so that the
// old page images it holds (say, the answers of an interview just sealed) are gone too.
// It is best effort: a reader holding an old snapshot makes it stop early, and the next
// one finishes the job.
func (db *DB) scrubWAL(ctx context.Context) {
	db.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
}

// createPrivate creates the file at path with mode 0600 if it does not exist, and takes
// group and other permissions away from an existing one. SQLite gives its -wal and -shm
// files the database file's permissions.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return f.Chmod(fi.Mode().Perm() &^ 0o077)
	}
	return nil
}

// checkPragmas reads the pragmas back on one pooled connection.
func (db *DB) checkPragmas(ctx context.Context) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, p := range []struct{ name, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
		{"secure_delete", "1"}, // deleted answers are overwritten, not left in free pages
		{"temp_store", "2"},    // MEMORY
	} {
		var got string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&got); err != nil {
			return fmt.Errorf("read pragma %s: %w", p.name, err)
		}
		if !strings.EqualFold(got, p.want) {
			return fmt.Errorf("%w: pragma %s is %q, want %q", ErrNotDurable, p.name, got, p.want)
		}
	}
	return nil
}

// migrate applies the embedded migrations in name order, each in its own transaction,
// recording them in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	var have int
	if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&have); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if have == 0 {
		if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
	}
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	// Which migrations are applied is read without a transaction, so that opening an
	// up-to-date database takes no write lock: a second process (an export beside a busy
	// server) opens at once. A file found missing is applied in its own immediate
	// transaction, which checks again.
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, name := range names {
		if applied[name] {
			continue
		}
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// appliedMigrations returns the names recorded in schema_migrations.
func (db *DB) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		applied[name] = true
	}
	return applied, rows.Err()
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, formatTime(db.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// Close closes the database.
func (db *DB) Close() error {
	db.closeStmts()
	err := db.db.Close()
	// database/sql closes a connection still being opened, or not yet handed back, only
	// once it is; wait for that (a little), so that when Close returns no connection is
	// left to delete or write the -wal and -shm files under a caller that now moves,
	// copies or removes them.
	for deadline := time.Now().Add(closeWait); db.db.Stats().OpenConnections > 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	return err
}

// closeWait bounds how long Close waits for the pool's last connections to close.
const closeWait = 5 * time.Second

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// SQL returns the database handle, for copying the server database elsewhere
// (postgres.DB.CopyFrom); the stores are the way to read and write it.
func (db *DB) SQL() *sql.DB { return db.db }

// IntegrityCheck runs PRAGMA integrity_check and returns nil when it says "ok".
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		msgs = append(msgs, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return nil
	}
	return fmt.Errorf("integrity check: %s", strings.Join(msgs, "; "))
}

// now returns the current time in UTC.
func (db *DB) now() time.Time { return db.Now().UTC() }

// CanWrite checks that the database still takes a write of some size: it stores and
// deletes a row of 64 KB in one committed transaction, so new pages are needed and written
// to the log on disk. Returns EFULL when the disk (or the database's page cap) is full.
func (db *DB) CanWrite(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		const name = "~write probe"
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, CAST(zeroblob(65536) AS TEXT))`, name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM schema_migrations WHERE name = ?`, name)
		return err
	})
}

// inTx runs fn in one write transaction and commits it; any error rolls it back. Write
// transactions of one DB run one at a time, in the order they asked. Another process
// holding the database (the TUI while `tracer sync` runs) is waited for through SQLite's
// busy timeout, tried again while the wait stays under busyBudget in all.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	select {
	case db.writer <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.writer }()
	tx, err := db.begin(ctx)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return translate(err)
	}
	return translate(tx.Commit())
}

// busyBudget bounds how long a write waits in all for other processes to let go of the
// database before it fails as busy.
const busyBudget = time.Minute

// begin starts a write transaction (BEGIN IMMEDIATE, from the DSN). Only the start is
// tried again on SQLITE_BUSY: nothing has been read or written yet.
func (db *DB) begin(ctx context.Context) (*sql.Tx, error) {
	deadline := time.Now().Add(busyBudget)
	for {
		tx, err := db.db.BeginTx(ctx, nil)
		if err == nil || !isBusy(err) || time.Now().After(deadline) || ctx.Err() != nil {
			return tx, err
		}
	}
}

// isBusy reports whether err is SQLite's "database is locked" after its busy timeout.
func isBusy(err error) bool {
	var se *sqlite3.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_BUSY
}

// timeLayout is the fixed-width UTC layout times are stored in, so that they sort as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// errFull is the domain error of a full disk: the write failed and nothing of it was kept.
var errFull = &survey.Error{Code: survey.EFULL, Message: "The disk is full: free some disk space, then try again. Everything saved before is kept."}

// immutableAbort is what the outbox's triggers (migration/001_initial.sql, 007_purge.sql)
// raise when something tries to change or delete a finalized revision.
const immutableAbort = "finalized revision is immutable"

// translate turns SQLite constraint errors and a full disk into domain errors and leaves
// others alone. The original error stays in the chain.
func translate(err error) error {
	var se *sqlite3.Error
	if err == nil {
		return nil
	}
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w (%w)", errFull, err)
	}
	if !errors.As(err, &se) {
		return err
	}
	if se.Code()&0xff == sqlite3lib.SQLITE_FULL {
		return fmt.Errorf("%w (%w)", errFull, err)
	}
	switch se.Code() {
	case sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3lib.SQLITE_CONSTRAINT_UNIQUE:
		return &survey.Error{Code: survey.ECONFLICT, Message: "It already exists."}
	case sqlite3lib.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &survey.Error{Code: survey.ENOTFOUND, Message: "What it refers to does not exist."}
	case sqlite3lib.SQLITE_CONSTRAINT_TRIGGER:
		// Only the outbox's own triggers speak of a finalized revision; any other
		// trigger's abort keeps its text.
		if strings.Contains(se.Error(), immutableAbort) {
			return &survey.Error{Code: survey.ECONFLICT, Message: "A finalized revision cannot be changed."}
		}
	case sqlite3lib.SQLITE_CONSTRAINT_CHECK, sqlite3lib.SQLITE_CONSTRAINT_NOTNULL:
		return &survey.Error{Code: survey.EINVALID, Message: "The value breaks a rule of the store."}
	}
	return err
}

// inReadTx runs fn in a read transaction, so that its queries see one snapshot.
func (db *DB) inReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// andEq adds "AND col = ?" with v to a query's text and arguments when v is set. A filter
// that also matches an empty argument in SQL (the argument empty, or the column equal to
// it) keeps SQLite from the column's index whatever the argument; naming only the
// filters in use lets it seek.
func andEq(q string, args []any, col, v string) (string, []any) {
	if v == "" {
		return q, args
	}
	return q + " AND " + col + " = ?", append(args, v)
}
