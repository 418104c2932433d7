package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/storetest"
)

// TestPoolKeepsConnections holds as many connections at once as a server answering a few
// dozen laptops does, lets them go, and checks that the pool kept every one open for the
// next burst instead of closing some (which the next burst then paid for by opening
// them again: the file, the pragmas, the schema).
func TestPoolKeepsConnections(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const burst = 48
	conns := make([]*sql.Conn, burst)
	for i := range conns {
		c, err := db.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	if st := db.db.Stats(); st.InUse != burst {
		t.Fatalf("%d connections in use, want %d", st.InUse, burst)
	}
	for _, c := range conns {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	st := db.db.Stats()
	if st.MaxIdleClosed != 0 || st.Idle != burst {
		t.Errorf("after a burst of %d: %d idle, %d closed for exceeding the idle limit; want all %d kept", burst, st.Idle, st.MaxIdleClosed, burst)
	}
}

// TestPoolBounded holds every connection the pool may open and checks that one more
// request waits for one to be let go instead of opening another: hundreds of laptops at
// once must not open hundreds of connections.
func TestPoolBounded(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conns := make([]*sql.Conn, maxConns)
	for i := range conns {
		if conns[i], err = db.db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan error, 1)
	go func() {
		var n int
		got <- db.db.QueryRowContext(ctx, `SELECT 1`).Scan(&n)
	}()
	for db.db.Stats().WaitCount == 0 {
		select {
		case err := <-got:
			t.Fatalf("a query with %d connections held ran at once (%v): %d open", maxConns, err, db.db.Stats().OpenConnections)
		default:
			runtime.Gosched()
		}
	}
	if st := db.db.Stats(); st.OpenConnections != maxConns {
		t.Fatalf("%d connections open, want %d", st.OpenConnections, maxConns)
	}
	conns[0].Close()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	for _, c := range conns[1:] {
		c.Close()
	}
}

// TestTransactionNeedsOneConnection holds every connection of the pool but one and stores
// an interview on a fresh database, whose statements are not prepared yet: the ingest's
// transaction takes the last connection and must not wait for a second one to prepare its
// statements. Were it to wait, hundreds of laptops at once, each request in a transaction,
// would hold every connection and wait for each other for ever.
func TestTransactionNeedsOneConnection(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	subs := NewSubmissionStore(db)
	conns := make([]*sql.Conn, maxConns-1)
	for i := range conns {
		if conns[i], err = db.db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var batches [][]*survey.Submission
	for i := range 3 {
		batches = append(batches, []*survey.Submission{storetest.Submission(t, survey.NewID(), 1, fmt.Sprint(i))})
	}
	done := make(chan error, 1)
	go func() {
		for i, b := range batches {
			got, err := subs.Ingest(ctx, b)
			if err == nil && (len(got) != 1 || got[0].Status != survey.ReceiptStored) {
				err = fmt.Errorf("receipts %+v, want one stored", got)
			}
			if err != nil {
				done <- fmt.Errorf("ingest %d with one connection free: %w", i, err)
				return
			}
		}
		done <- nil
	}()
	// Deadlocked, the ingest waits for ever: the timer only ends the test, after which the
	// held connections are let go so that it can finish.
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Errorf("the ingest waits for a second connection while its transaction holds the last one (%d waiting)", db.db.Stats().WaitCount)
		for _, c := range conns {
			c.Close()
		}
		<-done
		return
	}
	for _, c := range conns {
		c.Close()
	}
}
