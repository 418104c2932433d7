package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

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

// MarkSent records that the server holds the attempts ids. See survey.AttemptStore.
func (s *AttemptStore) MarkSent(ctx context.Context, ids ...string) error {
	return s.mark(ctx, `UPDATE attempts SET sent_at = ? WHERE id = ?`, formatTime(s.db.now()), ids...)
}

// mark sets a column of the attempts ids as markRows does; an id with no attempt is
// ENOTFOUND.
func (s *AttemptStore) mark(ctx context.Context, q, v string, ids ...string) error {
	missing, err := markRows(ctx, s.db, q, v, ids...)
	if err == nil && missing != "" {
		err = survey.Errorf(survey.ENOTFOUND, "No attempt %s on this laptop.", missing)
	}
	return err
}

// Refuse records the server's refusal of attempt id. See survey.AttemptStore.
func (s *AttemptStore) Refuse(ctx context.Context, id, reason string) error {
	if reason == "" {
		reason = "refused"
	}
	return s.mark(ctx, `UPDATE attempts SET refusal = ? WHERE id = ?`, reason, id)
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
	var receipts []survey.AttemptReceipt
	err := l.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		receipts, err = survey.IngestEntries(ctx, attemptTx{l: l, tx: tx, now: now}, attempts, by, enumerator, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return receipts, nil
}

// attemptTx is the attempt ledger's SQL inside one ingest transaction (survey.LedgerTx).
type attemptTx struct {
	l   *AttemptLedger
	tx  *sql.Tx
	now time.Time
}

func (t attemptTx) Assigned(ctx context.Context) (bool, error) { return anyAssigned(ctx, t.tx) }

func (t attemptTx) Stored(ctx context.Context, id string) (*survey.Attempt, bool, error) {
	a, err := t.l.get(ctx, t.tx, id)
	return a, a != nil, err
}

func (t attemptTx) KeepConflict(ctx context.Context, a *survey.Attempt, by string) error {
	body, err := sealConflict(t.l.db.cipher, a, "attempt_conflicts/"+a.ID)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO attempt_conflicts (attempt_id, body, submitted_by, received_at) VALUES (?, ?, ?, ?)`,
		a.ID, body, by, formatTime(t.now))
	return err
}

func (t attemptTx) Roster(ctx context.Context, id string) (*survey.Respondent, string, bool, error) {
	var owner sql.NullString
	err := t.tx.QueryRowContext(ctx, `SELECT a.user_name FROM server_roster r LEFT JOIN assignments a ON a.roster_id = r.roster_id
		WHERE r.roster_id = ?`, id).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	return nil, owner.String, err == nil, err
}

func (t attemptTx) HeldAt(ctx context.Context, id, user string, at time.Time) (bool, error) {
	return heldAt(ctx, t.tx, id, user, at)
}

func (t attemptTx) Settled(context.Context, *survey.Attempt, *survey.Respondent) (string, int64, error) {
	return "", 0, nil
}

func (t attemptTx) Store(ctx context.Context, a *survey.Attempt, by string) (int64, error) {
	seq, err := nextSeqs(ctx, t.tx, "attempt", 1)
	if err != nil {
		return 0, err
	}
	enc := *a
	if err := cryptLedgerAttempt(t.l.db.cipher, &enc, false); err != nil {
		return 0, err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO server_attempts (`+attemptColumns+`, seq, submitted_by, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		enc.ID, enc.RosterID, formatTime(enc.At), enc.Enumerator, string(enc.Mode), enc.Channel, enc.Outcome,
		formatTime(enc.Callback), enc.Note, enc.InterviewID, seq, by, formatTime(t.now))
	return seq, err
}

// anyAssigned reports whether the server's roster has any assignment.
func anyAssigned(ctx context.Context, tx *sql.Tx) (bool, error) {
	var assigned bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM assignments)`).Scan(&assigned)
	return assigned, err
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
	a, err := scanAttempt(rows, false)
	if err != nil {
		return nil, err
	}
	return a, cryptLedgerAttempt(l.db.cipher, a, true)
}

// AssignedAttempts returns the attempts others made on the alumni assigned to user now.
// See survey.AttemptContext.
func (l *AttemptLedger) AssignedAttempts(ctx context.Context, user string, after int64, limit int) ([]*survey.Attempt, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := l.db.query(ctx, `SELECT `+attemptColumns+`, seq, submitted_by, received_at FROM server_attempts a
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
		if err := cryptLedgerAttempt(l.db.cipher, a, true); err != nil {
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
	q, args := attemptsQuery(f, limit)
	rows, err := l.db.db.QueryContext(ctx, q, args...)
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
		if err := cryptLedgerAttempt(l.db.cipher, a, true); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// attemptsQuery is the query of AttemptLedger.List and its arguments.
func attemptsQuery(f survey.AttemptFilter, limit int) (string, []any) {
	q, args := andEq(`SELECT `+attemptColumns+`, seq, submitted_by, received_at FROM server_attempts
		WHERE seq > ?`, []any{f.After}, "roster_id", f.RosterID)
	q, args = andEq(q, args, "enumerator", f.Enumerator)
	return q + ` ORDER BY seq LIMIT ?`, append(args, limit)
}

// markRows sets a column of the laptop's rows ids (attempts or roster updates) to v, with
// q's two placeholders, in one transaction. An id with no row is passed over while the
// others are set; the first such id is returned as missing.
func markRows(ctx context.Context, db *DB, q, v string, ids ...string) (missing string, err error) {
	if len(ids) == 0 {
		return "", nil
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		missing = ""
		b := newBatchTx(tx)
		defer b.close()
		for _, id := range ids {
			res, err := b.ExecContext(ctx, q, v, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 && missing == "" {
				missing = id
			}
		}
		return nil
	})
	return missing, err
}
