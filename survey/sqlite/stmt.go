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
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	warming map[string]bool
}

// cached returns the prepared statement of query, or nil if it is not prepared yet.
func (db *DB) cached(query string) *sql.Stmt {
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// stmt returns the prepared statement of query, preparing it the first time. Preparing
// takes a connection from the pool, so the caller must hold none (a transaction prepares
// through warm instead): with the pool bounded, callers that each hold a connection and
// wait for a second one could wait for each other for ever. The cache's lock is not held
// while preparing, for the same reason.
func (db *DB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := db.cached(query); st != nil {
		return st, nil
	}
	st, err := db.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c := &db.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.stmts[query]; old != nil {
		st.Close()
		return old, nil
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st, nil
}

// query runs query's cached statement (see stmt): for the reads every sync repeats, which
// would otherwise parse their SQL again on each call. As for stmt, the caller must hold no
// connection, and query must be one of a few fixed texts.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// warm prepares query's statement for the cache in the background, once at a time per
// query, where no connection is held while waiting for one.
func (db *DB) warm(query string) {
	c := &db.stmts
	c.mu.Lock()
	if c.warming[query] || c.stmts[query] != nil {
		c.mu.Unlock()
		return
	}
	if c.warming == nil {
		c.warming = map[string]bool{}
	}
	c.warming[query] = true
	c.mu.Unlock()
	go func() {
		db.stmt(context.Background(), query) // an error here shows again when the query runs
		c.mu.Lock()
		delete(c.warming, query)
		c.mu.Unlock()
	}()
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

// ExecContext runs query's cached statement inside the transaction; the first time, it
// runs the query on the transaction's own connection and prepares it for the next.
func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st := t.db.cached(query)
	if st == nil {
		t.db.warm(query)
		return t.Tx.ExecContext(ctx, query, args...)
	}
	return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// QueryRowContext runs query's cached statement inside the transaction; the first time,
// it runs the query on the transaction's own connection and prepares it for the next.
func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st := t.db.cached(query)
	if st == nil {
		t.db.warm(query)
		return t.Tx.QueryRowContext(ctx, query, args...)
	}
	return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

// QueryContext runs query's cached statement inside the transaction; the first time, it
// runs the query on the transaction's own connection and prepares it for the next.
func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st := t.db.cached(query)
	if st == nil {
		t.db.warm(query)
		return t.Tx.QueryContext(ctx, query, args...)
	}
	return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
}

// batchTx is a transaction that runs the same few statements for every item of a batch
// (the receipts of one push): each is prepared once on the transaction's connection, on
// first use, and closed by close.
type batchTx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
}

func newBatchTx(tx *sql.Tx) *batchTx { return &batchTx{Tx: tx, stmts: map[string]*sql.Stmt{}} }

func (b *batchTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := b.stmts[query]; st != nil {
		return st, nil
	}
	st, err := b.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	b.stmts[query] = st
	return st, nil
}

// ExecContext runs query's statement, prepared once per batch.
func (b *batchTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := b.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryRowContext runs query's statement, prepared once per batch; a statement that does
// not prepare runs unprepared, so that its Scan reports the error.
func (b *batchTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := b.stmt(ctx, query)
	if err != nil {
		return b.Tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryContext runs query's statement, prepared once per batch.
func (b *batchTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := b.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// close closes the batch's statements.
func (b *batchTx) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}
