package postgres_test

import (
	"testing"

	"tracer/survey/storetest"
)

// TestNoPoolInTransactions: no statement inside a transaction takes a second connection
// from the pool.
func TestNoPoolInTransactions(t *testing.T) { storetest.NoPoolInTransactions(t, ".") }
