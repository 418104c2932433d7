package sqlite

import "context"

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
