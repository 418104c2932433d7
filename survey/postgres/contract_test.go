package postgres_test

import (
	"context"
	"testing"
	"time"

	"tracer/survey/postgres"
	"tracer/survey/postgres/pgtest"
	"tracer/survey/storetest"
)

// TestStoreContract runs the server stores' contract on PostgreSQL; every Opener call opens
// a new connection pool, as another server process would.
func TestStoreContract(t *testing.T) {
	pgtest.Need(t)
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		u, key := pgtest.URL(t), pgtest.Key()
		return func(t *testing.T) storetest.Stores {
			db, err := postgres.Open(context.Background(), u, postgres.WithCodeKey(key))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return serverStores(db)
		}
	})
}

// serverStores returns the server stores of db.
func serverStores(db *postgres.DB) storetest.Stores {
	users := postgres.NewUserStore(db)
	return storetest.Stores{
		Users: users, LaptopKeys: users, Submissions: postgres.NewSubmissionStore(db), Forms: postgres.NewFormStore(db),
		Roster: postgres.NewServerRosterStore(db), Returns: postgres.NewReturnStore(db), Reviews: postgres.NewReviewStore(db),
		Attempts: postgres.NewAttemptLedger(db), RosterUpdates: postgres.NewRosterUpdateLedger(db),
		Links: postgres.NewLinkStore(db), Waves: postgres.NewWaveStore(db),
		SetNow: func(now func() time.Time) { db.Now = now }, SQL: db.SQL(),
	}
}
