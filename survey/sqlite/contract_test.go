package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/storetest"
)

// TestStoreContract runs the server stores' contract on a SQLite file; every Opener call
// opens the file again, as another process would.
func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Opener {
		path := filepath.Join(t.TempDir(), "server.db")
		return func(t *testing.T) storetest.Stores {
			db, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return serverStores(db)
		}
	})
}

// serverStores returns the server stores of db.
func serverStores(db *sqlite.DB) storetest.Stores {
	users := sqlite.NewUserStore(db)
	return storetest.Stores{
		Users: users, LaptopKeys: users, Submissions: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db),
		Roster: sqlite.NewServerRosterStore(db), Returns: sqlite.NewReturnStore(db), Reviews: sqlite.NewReviewStore(db),
		Attempts: sqlite.NewAttemptLedger(db), RosterUpdates: sqlite.NewRosterUpdateLedger(db),
		Links: sqlite.NewLinkStore(db), Waves: sqlite.NewWaveStore(db),
		SetNow: func(now func() time.Time) { db.Now = now }, SQL: db.SQL(),
	}
}

// submission returns a finalized revision of interview id by enumerator ani whose one
// answer is income.
func submission(t *testing.T, id string, rev int, income string) *survey.Submission {
	t.Helper()
	return storetest.Submission(t, id, rev, income)
}
