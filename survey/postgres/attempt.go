package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"tracer/survey"
)

// Ensure AttemptLedger implements survey.AttemptLedger.
var _ survey.AttemptLedger = (*AttemptLedger)(nil)

const attemptColumns = `id, roster_id, at, enumerator, mode, channel, outcome, callback_at, note, interview_id`

func scanAttempt(sc scanner) (*survey.Attempt, error) {
	var a survey.Attempt
	var at, cb, mode, recv string
	if err := sc.Scan(&a.ID, &a.RosterID, &at, &a.Enumerator, &mode, &a.Channel, &a.Outcome, &cb, &a.Note, &a.InterviewID,
		&a.Seq, &a.SubmittedBy, &recv); err != nil {
		return nil, err
	}
	a.Mode = survey.Mode(mode)
	var err error
	if a.At, err = parseTime(at); err != nil {
		return nil, err
	}
	if a.Callback, err = parseTime(cb); err != nil {
		return nil, err
	}
	if a.ReceivedAt, err = parseTime(recv); err != nil {
		return nil, err
	}
	return &a, nil
}

// AttemptLedger is the PostgreSQL implementation of survey.AttemptLedger: the server's record
// of every attempt it received.
type AttemptLedger struct {
	db *DB
}

// NewAttemptLedger returns the server's attempt ledger of db.
func NewAttemptLedger(db *DB) *AttemptLedger { return &AttemptLedger{db: db} }

// Ingest stores a batch of attempts in one transaction. See survey.AttemptLedger.
func (l *AttemptLedger) Ingest(ctx context.Context, attempts []*survey.Attempt, by string, enumerator bool) ([]survey.AttemptReceipt, error) {
	now := l.db.now()
	receipts := make([]survey.AttemptReceipt, len(attempts))
	err := l.db.inTx(ctx, []string{counterAttempt}, func(tx *sql.Tx) error {
		var assigned bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM assignments)`).Scan(&assigned); err != nil {
			return err
		}
		for i, a := range attempts {
			r := &receipts[i]
			*r = survey.AttemptReceipt{ID: a.ID}
			refuse := func(err error) {
				r.Status, r.Code, r.Message = survey.ReceiptRefused, survey.ErrorCode(err), survey.ErrorMessage(err)
			}
			if err := a.Validate(now); err != nil {
				refuse(err)
				continue
			}
			if enumerator && a.Enumerator != by {
				refuse(survey.Errorf(survey.EFORBIDDEN, "Attempt %s names enumerator %q; an enumerator may send only her own attempts.", a.ID, a.Enumerator))
				continue
			}
			old, err := l.get(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			if old != nil {
				r.Seq = old.Seq
				if old.Same(a) {
					r.Status = survey.ReceiptDuplicate
					continue
				}
				body, err := json.Marshal(a)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO attempt_conflicts (attempt_id, body, submitted_by, received_at) VALUES ($1, $2, $3, $4)`,
					a.ID, string(body), by, formatTime(now)); err != nil {
					return err
				}
				r.Status, r.Code = survey.ReceiptConflict, survey.ECONFLICT
				r.Message = "Another content was stored for attempt " + a.ID + " before; both are kept for the supervisor."
				continue
			}
			var owner sql.NullString
			err = tx.QueryRowContext(ctx, `SELECT a.user_name FROM server_roster r LEFT JOIN assignments a ON a.roster_id = r.roster_id
				WHERE r.roster_id = $1`, a.RosterID).Scan(&owner)
			if errors.Is(err, sql.ErrNoRows) {
				refuse(survey.Errorf(survey.ENOTFOUND, "Attempt %s: the server's roster has no alumnus %s yet; it is kept and sent again next sync.", a.ID, a.RosterID))
				continue
			} else if err != nil {
				return err
			}
			if enumerator && assigned && owner.String != by {
				if held, err := heldAt(ctx, tx, a.RosterID, by, a.At); err != nil {
					return err
				} else if held {
					owner.String = by // made while the alumnus was hers: kept as hers
				}
			}
			if enumerator && assigned && owner.String != by {
				who := "nobody"
				if owner.Valid {
					who = "another enumerator"
				}
				refuse(survey.Errorf(survey.EFORBIDDEN, "Attempt %s: alumnus %s is not assigned to %s (assigned to %s); ask the supervisor to assign it.", a.ID, a.RosterID, by, who))
				continue
			}
			seq, err := nextSeqs(ctx, tx, "attempt", 1)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO server_attempts (`+attemptColumns+`, seq, submitted_by, received_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				a.ID, a.RosterID, formatTime(a.At), a.Enumerator, string(a.Mode), a.Channel, a.Outcome,
				formatTime(a.Callback), a.Note, a.InterviewID, seq, by, formatTime(now)); err != nil {
				return err
			}
			r.Status, r.Seq = survey.ReceiptStored, seq
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return receipts, nil
}

func (l *AttemptLedger) get(ctx context.Context, tx *sql.Tx, id string) (*survey.Attempt, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+attemptColumns+`, seq, submitted_by, received_at FROM server_attempts WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	return scanAttempt(rows)
}

// List returns stored attempts by sequence number. See survey.AttemptLedger.
func (l *AttemptLedger) List(ctx context.Context, f survey.AttemptFilter) ([]*survey.Attempt, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := l.db.db.QueryContext(ctx, `SELECT `+attemptColumns+`, seq, submitted_by, received_at FROM server_attempts
		WHERE seq > $1 AND ($2 = '' OR roster_id = $3) AND ($4 = '' OR enumerator = $5) ORDER BY seq LIMIT $6`,
		f.After, f.RosterID, f.RosterID, f.Enumerator, f.Enumerator, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
