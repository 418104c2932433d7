package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// txRunner runs statements inside a transaction: a *sql.Tx, or a cachedTx that reuses
// prepared statements.
type txRunner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtCache keeps one prepared statement per query text for the life of the database, so
// that hot paths (a push, a token check) do not parse their SQL again on every call.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// stmt returns the prepared statement of query, preparing it the first time.
func (db *DB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.stmts[query]; st != nil {
		return st, nil
	}
	st, err := db.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st, nil
}

// closeStmts closes the cached statements.
func (db *DB) closeStmts() {
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// cachedTx is a transaction whose statements come from the database's cache: each is
// prepared once per pooled connection, not once per call.
type cachedTx struct {
	*sql.Tx
	db *DB
}

// ExecContext runs query's cached statement inside the transaction.
func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.db.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// QueryRowContext runs query's cached statement inside the transaction.
func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.db.stmt(ctx, query)
	if err != nil {
		// sql.Row carries its error only from database/sql; a failed prepare is
		// reported by running the query unprepared, which fails the same way.
		return t.Tx.QueryRowContext(ctx, query, args...)
	}
	return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}
