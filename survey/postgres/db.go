// Package postgres implements the server's survey stores on PostgreSQL through
// github.com/jackc/pgx/v5, so that several stateless "tracer serve" processes can share one
// database. The tables and columns are those of the SQLite server database (survey/sqlite),
// which "tracer serve migrate" copies here row by row.
//
// Every writing use case runs in one transaction that first locks the counter rows it will
// take sequence numbers from, always in the same order (see lockOrder). The lock serializes
// the writers of a kind across processes, so a read-then-write inside the transaction sees
// every earlier commit, and sequence numbers are handed out in commit order: a reader paging
// "after SEQ" never skips a row that commits later with a smaller number. Lists ordered by
// text order byte by byte (COLLATE "C"), as SQLite does, whatever the database's locale.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"tracer/survey"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// IsURL reports whether s names a PostgreSQL database (postgres:// or postgresql://) rather
// than a SQLite file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns the URL u without its password, for messages and logs.
func Redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "postgres://(unreadable URL)"
	}
	return p.Redacted()
}

// DB is an open PostgreSQL server database. Its methods and the stores built on it are safe
// for concurrent use, from one process or several.
type DB struct {
	db  *sql.DB
	url string

	// Now returns the current time; tests replace it. Times are stored in UTC.
	Now func() time.Time

	codeKey []byte
}

// Option changes how Open opens a database.
type Option func(*DB)

// WithCodeKey sets the 32-byte key enrollment codes are stored under (an HMAC). Every
// server on one database needs the same key; see CodeKeyFile in cmd/tracer. Without it
// the user store refuses to make or check codes.
func WithCodeKey(key []byte) Option { return func(db *DB) { db.codeKey = key } }

// Open connects to the database at the URL u, checks that it answers, and applies the
// embedded migrations that have not run yet, each once even when several servers start at
// the same time.
func Open(ctx context.Context, u string, opts ...Option) (*DB, error) {
	if !IsURL(u) {
		return nil, fmt.Errorf("open database %q: need a postgres:// URL", u)
	}
	sqldb, err := sql.Open("pgx", u)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(u), err)
	}
	// Every connection the pool may open stays open between bursts of requests: closing
	// the ones above an idle limit made the next burst connect again (a new backend each).
	sqldb.SetMaxOpenConns(32)
	sqldb.SetMaxIdleConns(32)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{db: sqldb, url: u, Now: time.Now}
	for _, o := range opts {
		o(db)
	}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect to %s: %w", Redact(u), err)
	}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("migrate database %s: %w", Redact(u), err)
	}
	return db, nil
}

// migrationLock is the advisory lock key that serializes migrations of one database.
const migrationLock = 0x7472616365720001

// migrate applies the embedded migrations in name order, each in its own transaction,
// recording them by name in schema_migrations. A transaction-level advisory lock makes
// servers that start together apply each migration once.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, formatTime(db.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// Migrations returns the names of the migrations applied, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Close closes the database's connections.
func (db *DB) Close() error { return db.db.Close() }

// URL returns the database's URL without its password.
func (db *DB) URL() string { return Redact(db.url) }

// SQL returns the database handle, for the migration from SQLite and tests.
func (db *DB) SQL() *sql.DB { return db.db }

// now returns the current time in UTC.
func (db *DB) now() time.Time { return db.Now().UTC() }

// CanWrite checks that the database still takes a committed write: it stores and deletes a
// row in one transaction. Returns EFULL when the server's disk is full.
func (db *DB) CanWrite(ctx context.Context) error {
	return db.inTx(ctx, nil, func(tx *sql.Tx) error {
		const name = "~write probe"
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, repeat('x', 4096))`, name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM schema_migrations WHERE name = $1`, name)
		return err
	})
}

// The counters, in the order every transaction locks them (lockOrder).
const (
	counterSubmission   = "submission"
	counterReturn       = "return"
	counterReview       = "review"
	counterRoster       = "roster"
	counterRosterUpdate = "roster_update"
	counterAttempt      = "attempt"
	counterLateRefusal  = "late_refusal"
)

// lockOrder is the one order in which transactions lock counter rows, so that two
// transactions never wait for each other's locks.
var lockOrder = []string{counterSubmission, counterReturn, counterReview, counterRoster, counterRosterUpdate, counterAttempt, counterLateRefusal}

// maxRetries is how many times a transaction that PostgreSQL aborted for a deadlock or a
// serialization failure runs again.
const maxRetries = 5

// inTx runs fn in one write transaction and commits it; any error rolls it back. It first
// locks the counter rows named in counters (in lockOrder), holding them to the commit. A
// transaction PostgreSQL aborts for a deadlock or a serialization failure is run again.
func (db *DB) inTx(ctx context.Context, counters []string, fn func(tx *sql.Tx) error) error {
	var err error
	for range maxRetries {
		if err = db.tryTx(ctx, counters, fn); !retryable(err) {
			break
		}
	}
	return translate(err)
}

func (db *DB) tryTx(ctx context.Context, counters []string, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, name := range lockOrder {
		for _, c := range counters {
			if c == name {
				if _, err := tx.ExecContext(ctx, `SELECT value FROM counters WHERE name = $1 FOR UPDATE`, name); err != nil {
					return fmt.Errorf("lock counter %s: %w", name, err)
				}
			}
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// nextSeqs reserves n sequence numbers of the named counter inside tx and returns the
// first. The transaction must have locked the counter (inTx), so the numbers follow the
// order of the commits.
func nextSeqs(ctx context.Context, tx *sql.Tx, name string, n int) (int64, error) {
	var last int64
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET value = value + $1 WHERE name = $2 RETURNING value`, n, name).Scan(&last); err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	return last - int64(n) + 1, nil
}

// retryable reports whether err is PostgreSQL aborting a transaction that may succeed when
// run again: a deadlock or a serialization failure.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// timeLayout is the fixed-width UTC layout times are stored in, so that they sort as
// text; it is the SQLite store's.
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

// errFull is the domain error of a full disk on the database server.
var errFull = &survey.Error{Code: survey.EFULL, Message: "The database server's disk is full: free some space, then try again. Everything saved before is kept."}

// translate turns PostgreSQL constraint errors and a full disk into domain errors and
// leaves others alone. The original error stays in the chain.
func translate(err error) error {
	var pe *pgconn.PgError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505": // unique_violation
		return &survey.Error{Code: survey.ECONFLICT, Message: "It already exists."}
	case "23503": // foreign_key_violation
		return &survey.Error{Code: survey.ENOTFOUND, Message: "What it refers to does not exist."}
	case "23514", "23502": // check_violation, not_null_violation
		return &survey.Error{Code: survey.EINVALID, Message: "The value breaks a rule of the store."}
	case "53100": // disk_full
		return fmt.Errorf("%w (%w)", errFull, err)
	}
	return err
}

// scanner is a row or rows being scanned.
type scanner interface{ Scan(...any) error }

// andEq adds "AND col = $n" with v to a query's text and arguments when v is set, n
// being the next placeholder. A filter that also matches an empty argument in SQL (the
// argument empty, or the column equal to it) keeps a prepared statement's generic plan
// from the column's index; naming only the filters in use lets PostgreSQL seek.
func andEq(q string, args []any, col, v string) (string, []any) {
	if v == "" {
		return q, args
	}
	args = append(args, v)
	return q + " AND " + col + " = $" + strconv.Itoa(len(args)), args
}

// limited adds " LIMIT $n" with limit to a query's text and arguments, n being the next
// placeholder.
func limited(q string, args []any, limit any) (string, []any) {
	args = append(args, limit)
	return q + " LIMIT $" + strconv.Itoa(len(args)), args
}
