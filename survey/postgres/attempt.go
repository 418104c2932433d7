package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

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
	var receipts []survey.AttemptReceipt
	err := l.db.inTx(ctx, []string{counterAttempt}, func(tx *sql.Tx) error {
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
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO attempt_conflicts (attempt_id, body, submitted_by, received_at) VALUES ($1, $2, $3, $4)`,
		a.ID, string(body), by, formatTime(t.now))
	return err
}

func (t attemptTx) Roster(ctx context.Context, id string) (*survey.Respondent, string, bool, error) {
	var owner sql.NullString
	err := t.tx.QueryRowContext(ctx, `SELECT a.user_name FROM server_roster r LEFT JOIN assignments a ON a.roster_id = r.roster_id
		WHERE r.roster_id = $1`, id).Scan(&owner)
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
	seq, err := nextSeqs(ctx, t.tx, counterAttempt, 1)
	if err != nil {
		return 0, err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO server_attempts (`+attemptColumns+`, seq, submitted_by, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		a.ID, a.RosterID, formatTime(a.At), a.Enumerator, string(a.Mode), a.Channel, a.Outcome,
		formatTime(a.Callback), a.Note, a.InterviewID, seq, by, formatTime(t.now))
	return seq, err
}

// anyAssigned reports whether the server's roster has any assignment.
func anyAssigned(ctx context.Context, tx *sql.Tx) (bool, error) {
	var assigned bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM assignments)`).Scan(&assigned)
	return assigned, err
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
	q, args := attemptsQuery(f, limit)
	rows, err := l.db.db.QueryContext(ctx, q, args...)
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

// attemptsQuery is the query of AttemptLedger.List and its arguments.
func attemptsQuery(f survey.AttemptFilter, limit int) (string, []any) {
	q, args := andEq(`SELECT `+attemptColumns+`, seq, submitted_by, received_at FROM server_attempts
		WHERE seq > $1`, []any{f.After}, "roster_id", f.RosterID)
	q, args = andEq(q, args, "enumerator", f.Enumerator)
	return limited(q+` ORDER BY seq`, args, limit)
}
