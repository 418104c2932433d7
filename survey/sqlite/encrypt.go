package sqlite

import (
	"context"
	"database/sql"
	"errors"
)

// EncryptInPlace encrypts, in one transaction, what the laptop stored in clear before it
// got its data key (DB.Encrypt): the roster's personal columns, the answers of interviews
// not sealed away and their events' values. It returns the number of roster rows, answers
// and event values it encrypted; running it again finds nothing left in clear. Afterwards
// the database file is rewritten so that no page keeps the clear values.
func (db *DB) EncryptInPlace(ctx context.Context) (rows, answers, events int, err error) {
	c := db.cipher
	if c == nil {
		return 0, 0, 0, errors.New("encrypt in place: the database has no data key")
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if rows, err = NewRosterStore(db).encryptInPlace(ctx, tx); err != nil {
			return err
		}
		type cell struct{ id, path, value string }
		var cells []cell
		q, err := tx.QueryContext(ctx, `SELECT interview_id, path, value FROM answers WHERE value != '' AND substr(value, 1, 5) != 'enc1:'`)
		if err != nil {
			return err
		}
		for q.Next() {
			var x cell
			if err := q.Scan(&x.id, &x.path, &x.value); err != nil {
				q.Close()
				return err
			}
			cells = append(cells, x)
		}
		if err := q.Close(); err != nil {
			return err
		}
		for _, x := range cells {
			v, err := c.Encrypt(x.value, answerPlace(x.id, x.path))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE answers SET value = ? WHERE interview_id = ? AND path = ?`, v, x.id, x.path); err != nil {
				return err
			}
		}
		answers = len(cells)
		for _, which := range []string{"old", "new"} {
			type ev struct {
				id          int64
				iv, path, v string
			}
			var evs []ev
			q, err := tx.QueryContext(ctx, `SELECT id, interview_id, path, `+which+` FROM events WHERE `+which+` != '' AND substr(`+which+`, 1, 5) != 'enc1:'`)
			if err != nil {
				return err
			}
			for q.Next() {
				var e ev
				if err := q.Scan(&e.id, &e.iv, &e.path, &e.v); err != nil {
					q.Close()
					return err
				}
				evs = append(evs, e)
			}
			if err := q.Close(); err != nil {
				return err
			}
			for _, e := range evs {
				v, err := c.Encrypt(e.v, eventPlace(e.iv, e.path, which))
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE events SET `+which+` = ? WHERE id = ?`, v, e.id); err != nil {
					return err
				}
			}
			events += len(evs)
		}
		if err := NewAttemptStore(db).encryptInPlace(ctx, tx); err != nil {
			return err
		}
		return NewRosterUpdateStore(db).encryptInPlace(ctx, tx)
	})
	if err != nil {
		return 0, 0, 0, err
	}
	db.scrubWAL(ctx)
	if _, err := db.db.ExecContext(ctx, `VACUUM`); err != nil {
		return rows, answers, events, err
	}
	db.scrubWAL(ctx)
	return rows, answers, events, nil
}
