package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tracer/survey"
)

// Ensure RosterUpdateLedger implements survey.RosterUpdateLedger.
var _ survey.RosterUpdateLedger = (*RosterUpdateLedger)(nil)

const updateColumns = `id, roster_id, field, value, old, note, proposed_by, proposed_at, attempt_id, interview_id`

func scanUpdate(sc scanner) (*survey.RosterUpdate, error) {
	var u survey.RosterUpdate
	var field, at, recv, status, decided string
	if err := sc.Scan(&u.ID, &u.RosterID, &field, &u.Value, &u.Old, &u.Note, &u.ProposedBy, &at, &u.AttemptID, &u.InterviewID,
		&u.Seq, &u.SubmittedBy, &recv, &status, &u.DecidedBy, &decided, &u.Reason, &u.Replaced); err != nil {
		return nil, err
	}
	u.Field, u.Status = survey.UpdateField(field), survey.UpdateStatus(status)
	var err error
	for _, t := range []struct {
		s string
		p *time.Time
	}{{at, &u.ProposedAt}, {recv, &u.ReceivedAt}, {decided, &u.DecidedAt}} {
		if *t.p, err = parseTime(t.s); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// RosterUpdateLedger is the PostgreSQL implementation of survey.RosterUpdateLedger: the
// server's proposals, their decisions, and the central roster they change.
type RosterUpdateLedger struct {
	db *DB
}

// NewRosterUpdateLedger returns the server's roster update ledger of db.
func NewRosterUpdateLedger(db *DB) *RosterUpdateLedger { return &RosterUpdateLedger{db: db} }

const serverUpdateColumns = updateColumns + `, seq, submitted_by, received_at, status, decided_by, decided_at, reason, replaced`

// Ingest stores a batch of proposals in one transaction. See survey.RosterUpdateLedger.
func (l *RosterUpdateLedger) Ingest(ctx context.Context, updates []*survey.RosterUpdate, by string, enumerator bool) ([]survey.AttemptReceipt, error) {
	now := l.db.now()
	var receipts []survey.AttemptReceipt
	err := l.db.inTx(ctx, []string{counterRosterUpdate}, func(tx *sql.Tx) error {
		var err error
		receipts, err = survey.IngestEntries(ctx, updateTx{l: l, tx: tx, now: now}, updates, by, enumerator, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return receipts, nil
}

// updateTx is the roster update ledger's SQL inside one ingest transaction (survey.LedgerTx).
type updateTx struct {
	l   *RosterUpdateLedger
	tx  *sql.Tx
	now time.Time
}

func (t updateTx) Assigned(ctx context.Context) (bool, error) { return anyAssigned(ctx, t.tx) }

func (t updateTx) Stored(ctx context.Context, id string) (*survey.RosterUpdate, bool, error) {
	u, err := t.l.get(ctx, t.tx, id)
	return u, u != nil, err
}

func (t updateTx) KeepConflict(ctx context.Context, u *survey.RosterUpdate, by string) error {
	body, err := json.Marshal(u)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO roster_update_conflicts (update_id, body, submitted_by, received_at) VALUES ($1, $2, $3, $4)`,
		u.ID, string(body), by, formatTime(t.now))
	return err
}

func (t updateTx) Roster(ctx context.Context, id string) (*survey.Respondent, string, bool, error) {
	row, owner, err := rosterRow(ctx, t.tx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	return row, owner, err == nil, err
}

func (t updateTx) HeldAt(ctx context.Context, id, user string, at time.Time) (bool, error) {
	return heldAt(ctx, t.tx, id, user, at)
}

// Settled answers for a proposal whose value the roster row has, or whose field and value
// are pending for the alumnus already.
func (t updateTx) Settled(ctx context.Context, u *survey.RosterUpdate, row *survey.Respondent) (string, int64, error) {
	if u.Field.Of(row) == u.Value {
		return "The roster already has this " + string(u.Field) + " for " + u.RosterID + ".", 0, nil
	}
	var same int64
	err := t.tx.QueryRowContext(ctx, `SELECT seq FROM server_roster_updates WHERE roster_id = $1 AND field = $2 AND value = $3 AND status = $4`,
		u.RosterID, string(u.Field), u.Value, string(survey.UpdatePending)).Scan(&same)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, nil
	} else if err != nil {
		return "", 0, err
	}
	return "The same " + string(u.Field) + " is already proposed for " + u.RosterID + ".", same, nil
}

func (t updateTx) Store(ctx context.Context, u *survey.RosterUpdate, by string) (int64, error) {
	seq, err := nextSeqs(ctx, t.tx, counterRosterUpdate, 1)
	if err != nil {
		return 0, err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO server_roster_updates (`+updateColumns+`, seq, submitted_by, received_at, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		u.ID, u.RosterID, string(u.Field), u.Value, u.Old, u.Note, u.ProposedBy, formatTime(u.ProposedAt), u.AttemptID,
		u.InterviewID, seq, by, formatTime(t.now), string(survey.UpdatePending))
	return seq, err
}

// rosterRow reads the server roster's row of id and the enumerator it is assigned to
// ("" when none). Returns sql.ErrNoRows when the roster has no such row.
func rosterRow(ctx context.Context, tx *sql.Tx, id string) (*survey.Respondent, string, error) {
	var body []byte
	var owner sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT r.body, a.user_name FROM server_roster r LEFT JOIN assignments a ON a.roster_id = r.roster_id
		WHERE r.roster_id = $1`, id).Scan(&body, &owner)
	if err != nil {
		return nil, "", err
	}
	var row survey.Respondent
	if err := json.Unmarshal(body, &row); err != nil {
		return nil, "", fmt.Errorf("roster row %s: %w", id, err)
	}
	return &row, owner.String, nil
}

func (l *RosterUpdateLedger) get(ctx context.Context, q *sql.Tx, id string) (*survey.RosterUpdate, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+serverUpdateColumns+` FROM server_roster_updates WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	return scanUpdate(rows)
}

// List returns the matching proposals by sequence number. See survey.RosterUpdateLedger.
func (l *RosterUpdateLedger) List(ctx context.Context, f survey.UpdateFilter) ([]*survey.RosterUpdate, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	q, args := updatesQuery(f, limit)
	return queryUpdates(ctx, l.db.db, q, args...)
}

// queryUpdates runs a query of server_roster_updates and returns its proposals.
func queryUpdates(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, text string, args ...any) ([]*survey.RosterUpdate, error) {
	rows, err := q.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.RosterUpdate
	for rows.Next() {
		u, err := scanUpdate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Decide accepts or rejects a pending proposal in one transaction; accepting changes the
// central roster row and gives it a new sequence number, so laptops pull it. See
// survey.RosterUpdateLedger.
func (l *RosterUpdateLedger) Decide(ctx context.Context, id string, accept bool, by, reason string) (*survey.RosterUpdate, error) {
	if len(reason) > survey.MaxUpdateNote || survey.HasHidden(reason) {
		return nil, survey.Errorf(survey.EINVALID, "The reason has at most %d plain characters.", survey.MaxUpdateNote)
	}
	if !accept && reason == "" {
		return nil, survey.Errorf(survey.EINVALID, "Say why roster update %s is rejected (a reason).", id)
	}
	now := l.db.now()
	var out *survey.RosterUpdate
	err := l.db.inTx(ctx, []string{counterRoster, counterRosterUpdate}, func(tx *sql.Tx) error {
		u, err := l.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if u == nil {
			return survey.Errorf(survey.ENOTFOUND, "No roster update %s on the server.", id)
		}
		if u.Status != survey.UpdatePending {
			return survey.Errorf(survey.ECONFLICT, "Roster update %s was already %s by %s at %s.", id, u.Status, u.DecidedBy,
				u.DecidedAt.UTC().Format(time.RFC3339))
		}
		status := survey.UpdateRejected
		if accept {
			status = survey.UpdateAccepted
			row, _, err := rosterRow(ctx, tx, u.RosterID)
			if err != nil {
				return fmt.Errorf("roster row of update %s: %w", id, err)
			}
			u.Replaced = u.Field.Of(row)
			u.Field.Set(row, u.Value)
			row.UpdatedAt = time.Time{}
			body, err := json.Marshal(row)
			if err != nil {
				return err
			}
			seq, err := nextSeqs(ctx, tx, counterRoster, 1)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE server_roster SET seq = $1, body = $2, updated_at = $3 WHERE roster_id = $4`,
				seq, string(body), formatTime(now), u.RosterID); err != nil {
				return err
			}
		}
		u.Status, u.DecidedBy, u.DecidedAt, u.Reason = status, by, now.UTC(), reason
		if _, err := tx.ExecContext(ctx, `UPDATE server_roster_updates SET status = $1, decided_by = $2, decided_at = $3, reason = $4, replaced = $5
			WHERE id = $6`, string(status), by, formatTime(now), reason, u.Replaced, id); err != nil {
			return err
		}
		out = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// updatesQuery is the query of RosterUpdateLedger.List and its arguments.
func updatesQuery(f survey.UpdateFilter, limit int) (string, []any) {
	q, args := andEq(`SELECT `+serverUpdateColumns+` FROM server_roster_updates
		WHERE seq > $1`, []any{f.After}, "status", string(f.Status))
	q, args = andEq(q, args, "roster_id", f.RosterID)
	return limited(q+` ORDER BY seq`, args, limit)
}

// acceptedUpdates returns the accepted roster updates of roster row id, in the order they
// were decided.
func acceptedUpdates(ctx context.Context, tx *sql.Tx, id string) ([]*survey.RosterUpdate, error) {
	return queryUpdates(ctx, tx, `SELECT `+serverUpdateColumns+` FROM server_roster_updates
		WHERE roster_id = $1 AND status = 'accepted' ORDER BY seq`, id)
}
