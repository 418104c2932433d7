package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"

	"tracer/survey"
)

// Ensure the attempt stores implement their interfaces.
var (
	_ survey.AttemptStore    = (*AttemptStore)(nil)
	_ survey.AttemptImporter = (*AttemptStore)(nil)
	_ survey.AttemptLedger   = (*AttemptLedger)(nil)
	_ survey.AttemptContext  = (*AttemptLedger)(nil)
)

// AttemptStore is the SQLite implementation of survey.AttemptStore: the laptop's contact
// attempts. With a cipher on the database (DB.Encrypt) the channel and the note are stored
// encrypted, bound to their attempt.
type AttemptStore struct{ db *DB }

// NewAttemptStore returns the laptop's attempt store of db.
func NewAttemptStore(db *DB) *AttemptStore { return &AttemptStore{db: db} }

const attemptColumns = `id, roster_id, at, enumerator, mode, channel, outcome, callback_at, note, interview_id`

func (s *AttemptStore) crypt(a *survey.Attempt, decrypt bool) error {
	c := s.db.cipher
	if c == nil {
		return nil
	}
	for _, f := range []struct {
		p    *string
		name string
	}{{&a.Channel, "channel"}, {&a.Note, "note"}} {
		if *f.p == "" {
			continue
		}
		var err error
		if decrypt {
			*f.p, err = c.Decrypt(*f.p, "attempts/"+f.name+"/"+a.ID)
		} else {
			*f.p, err = c.Encrypt(*f.p, "attempts/"+f.name+"/"+a.ID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// encryptInPlace encrypts, inside tx, the channels and notes stored in clear.
func (s *AttemptStore) encryptInPlace(ctx context.Context, tx *sql.Tx) error {
	type cell struct{ id, channel, note string }
	var cells []cell
	q, err := tx.QueryContext(ctx, `SELECT id, channel, note FROM attempts
		WHERE (channel != '' AND substr(channel, 1, 5) != 'enc1:') OR (note != '' AND substr(note, 1, 5) != 'enc1:')`)
	if err != nil {
		return err
	}
	for q.Next() {
		var x cell
		if err := q.Scan(&x.id, &x.channel, &x.note); err != nil {
			q.Close()
			return err
		}
		cells = append(cells, x)
	}
	if err := q.Close(); err != nil {
		return err
	}
	for _, x := range cells {
		a := survey.Attempt{ID: x.id, Channel: x.channel, Note: x.note}
		// Decrypt passes clear values through, so a row half encrypted comes out whole.
		if err := s.crypt(&a, true); err != nil {
			return err
		}
		if err := s.crypt(&a, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attempts SET channel = ?, note = ? WHERE id = ?`, a.Channel, a.Note, a.ID); err != nil {
			return err
		}
	}
	return nil
}

// Add saves a new attempt in one transaction. See survey.AttemptStore.
func (s *AttemptStore) Add(ctx context.Context, a *survey.Attempt) error {
	now := s.db.now()
	if err := a.Validate(now); err != nil {
		return err
	}
	enc := *a
	if err := s.crypt(&enc, false); err != nil {
		return err
	}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO attempts (`+attemptColumns+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			enc.ID, enc.RosterID, formatTime(enc.At), enc.Enumerator, string(enc.Mode), enc.Channel, enc.Outcome,
			formatTime(enc.Callback), enc.Note, enc.InterviewID, formatTime(now))
		return err
	})
	if survey.ErrorCode(err) == survey.ECONFLICT {
		return survey.Errorf(survey.ECONFLICT, "Attempt %s is already saved.", a.ID)
	}
	return err
}

// List returns the matching attempts, oldest first. See survey.AttemptStore.
func (s *AttemptStore) List(ctx context.Context, f survey.AttemptFilter) ([]*survey.Attempt, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	return s.query(ctx, `SELECT `+attemptColumns+`, sent_at, refusal FROM attempts
		WHERE (? = '' OR roster_id = ?) AND (? = '' OR enumerator = ?) ORDER BY at, created_at, id LIMIT ?`,
		f.RosterID, f.RosterID, f.Enumerator, f.Enumerator, limit)
}

// Unsent returns attempts not yet safe on the server nor refused. See survey.AttemptStore.
func (s *AttemptStore) Unsent(ctx context.Context) ([]*survey.Attempt, error) {
	return s.query(ctx, `SELECT `+attemptColumns+`, sent_at, refusal FROM attempts
		WHERE sent_at = '' AND refusal = '' ORDER BY created_at, id`)
}

func (s *AttemptStore) query(ctx context.Context, q string, args ...any) ([]*survey.Attempt, error) {
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows, true)
		if err != nil {
			return nil, err
		}
		if err := s.crypt(a, true); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func scanAttempt(rows *sql.Rows, laptop bool) (*survey.Attempt, error) {
	var a survey.Attempt
	var at, cb, mode string
	dest := []any{&a.ID, &a.RosterID, &at, &a.Enumerator, &mode, &a.Channel, &a.Outcome, &cb, &a.Note, &a.InterviewID}
	var sent, recv string
	if laptop {
		dest = append(dest, &sent, &a.Refusal)
	} else {
		dest = append(dest, &a.Seq, &a.SubmittedBy, &recv)
	}
	if err := rows.Scan(dest...); err != nil {
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
	if a.Sent, err = parseTime(sent); err != nil {
		return nil, err
	}
	if a.ReceivedAt, err = parseTime(recv); err != nil {
		return nil, err
	}
	return &a, nil
}

// Import saves attempts made on other laptops as sent. See survey.AttemptImporter.
func (s *AttemptStore) Import(ctx context.Context, attempts []*survey.Attempt) error {
	now := formatTime(s.db.now())
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, a := range attempts {
			enc := *a
			if err := s.crypt(&enc, false); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO attempts (`+attemptColumns+`, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (id) DO NOTHING`,
				enc.ID, enc.RosterID, formatTime(enc.At), enc.Enumerator, string(enc.Mode), enc.Channel, enc.Outcome,
				formatTime(enc.Callback), enc.Note, enc.InterviewID, now, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkSent records that the server holds attempt id. See survey.AttemptStore.
func (s *AttemptStore) MarkSent(ctx context.Context, id string) error {
	return s.mark(ctx, `UPDATE attempts SET sent_at = ? WHERE id = ?`, formatTime(s.db.now()), id)
}

// Refuse records the server's refusal of attempt id. See survey.AttemptStore.
func (s *AttemptStore) Refuse(ctx context.Context, id, reason string) error {
	if reason == "" {
		reason = "refused"
	}
	return s.mark(ctx, `UPDATE attempts SET refusal = ? WHERE id = ?`, reason, id)
}

func (s *AttemptStore) mark(ctx context.Context, q, v, id string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, v, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return survey.Errorf(survey.ENOTFOUND, "No attempt %s on this laptop.", id)
		}
		return nil
	})
}

// AttemptLedger is the SQLite implementation of survey.AttemptLedger: the server's record
// of every attempt it received.
type AttemptLedger struct {
	db *DB
	// mu queues concurrent batches in Go, as SubmissionStore does.
	mu sync.Mutex
}

// NewAttemptLedger returns the server's attempt ledger of db.
func NewAttemptLedger(db *DB) *AttemptLedger { return &AttemptLedger{db: db} }

// Ingest stores a batch of attempts in one transaction. See survey.AttemptLedger.
func (l *AttemptLedger) Ingest(ctx context.Context, attempts []*survey.Attempt, by string, enumerator bool) ([]survey.AttemptReceipt, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.db.now()
	receipts := make([]survey.AttemptReceipt, len(attempts))
	err := l.db.inTx(ctx, func(tx *sql.Tx) error {
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
				if _, err := tx.ExecContext(ctx, `INSERT INTO attempt_conflicts (attempt_id, body, submitted_by, received_at) VALUES (?, ?, ?, ?)`,
					a.ID, string(body), by, formatTime(now)); err != nil {
					return err
				}
				r.Status, r.Code = survey.ReceiptConflict, survey.ECONFLICT
				r.Message = "Another content was stored for attempt " + a.ID + " before; both are kept for the supervisor."
				continue
			}
			var owner sql.NullString
			err = tx.QueryRowContext(ctx, `SELECT a.user_name FROM server_roster r LEFT JOIN assignments a ON a.roster_id = r.roster_id
				WHERE r.roster_id = ?`, a.RosterID).Scan(&owner)
			if err == sql.ErrNoRows {
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
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
	rows, err := tx.QueryContext(ctx, `SELECT `+attemptColumns+`, seq, submitted_by, received_at FROM server_attempts WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	return scanAttempt(rows, false)
}

// AssignedAttempts returns the attempts others made on the alumni assigned to user now.
// See survey.AttemptContext.
func (l *AttemptLedger) AssignedAttempts(ctx context.Context, user string, after int64, limit int) ([]*survey.Attempt, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := l.db.db.QueryContext(ctx, `SELECT `+attemptColumns+`, seq, submitted_by, received_at FROM server_attempts a
		WHERE seq > ? AND enumerator != ? AND EXISTS (SELECT 1 FROM assignments s WHERE s.roster_id = a.roster_id AND s.user_name = ?)
		ORDER BY seq LIMIT ?`, after, user, user, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// List returns stored attempts by sequence number. See survey.AttemptLedger.
func (l *AttemptLedger) List(ctx context.Context, f survey.AttemptFilter) ([]*survey.Attempt, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := l.db.db.QueryContext(ctx, `SELECT `+attemptColumns+`, seq, submitted_by, received_at FROM server_attempts
		WHERE seq > ? AND (? = '' OR roster_id = ?) AND (? = '' OR enumerator = ?) ORDER BY seq LIMIT ?`,
		f.After, f.RosterID, f.RosterID, f.Enumerator, f.Enumerator, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
