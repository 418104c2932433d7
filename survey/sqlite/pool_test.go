package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
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
