package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tracer/survey"
)

// ExecForTest runs a statement in a write transaction, as a stand-in for code that
// tries to go around the stores.
func ExecForTest(ctx context.Context, db *DB, query string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, query); err != nil {
		return translate(err)
	}
	return tx.Commit()
}

// SeedInterviewsForTest stores n interviews with answers answers each in one transaction,
// for benchmarks that need a full database quickly.
func SeedInterviewsForTest(ctx context.Context, db *DB, n, answers int) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		for i := range n {
			id := survey.NewID()
			at := formatTime(now.Add(time.Duration(i) * time.Second))
			state := []survey.State{survey.StateDraft, survey.StateFinalized, survey.StateSent}[i%3]
			if _, err := tx.ExecContext(ctx, `INSERT INTO interviews (`+interviewColumns+`)
				VALUES (?, 'blk_tracer', '2026.1', 'f00d', ?, 'ani', ?, 1, 'q5', 'id', ?, ?, 0, '', '')`,
				id, fmt.Sprintf("R%05d", i), string(state), at, at); err != nil {
				return err
			}
			for j := range answers {
				if _, err := tx.ExecContext(ctx, `INSERT INTO answers (interview_id, path, value, updated_at) VALUES (?, ?, ?, ?)`,
					id, fmt.Sprintf("q%d", j), "jawaban", at); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
