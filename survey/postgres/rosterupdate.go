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
	receipts := make([]survey.AttemptReceipt, len(updates))
	err := l.db.inTx(ctx, []string{counterRosterUpdate}, func(tx *sql.Tx) error {
		var assigned bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM assignments)`).Scan(&assigned); err != nil {
			return err
		}
		for i, u := range updates {
			r := &receipts[i]
			*r = survey.AttemptReceipt{ID: u.ID}
			refuse := func(err error) {
				r.Status, r.Code, r.Message = survey.ReceiptRefused, survey.ErrorCode(err), survey.ErrorMessage(err)
			}
			if err := u.Validate(now); err != nil {
				refuse(err)
				continue
			}
			if enumerator && u.ProposedBy != by {
				refuse(survey.Errorf(survey.EFORBIDDEN, "Roster update %s names %q as its proposer; an enumerator may send only her own.", u.ID, u.ProposedBy))
				continue
			}
			old, err := l.get(ctx, tx, u.ID)
			if err != nil {
				return err
			}
			if old != nil {
				r.Seq = old.Seq
				if old.Same(u) {
					r.Status = survey.ReceiptDuplicate
					continue
				}
				body, err := json.Marshal(u)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO roster_update_conflicts (update_id, body, submitted_by, received_at) VALUES ($1, $2, $3, $4)`,
					u.ID, string(body), by, formatTime(now)); err != nil {
					return err
				}
				r.Status, r.Code = survey.ReceiptConflict, survey.ECONFLICT
				r.Message = "Another content was stored for roster update " + u.ID + " before; both are kept for the supervisor."
				continue
			}
			row, owner, err := rosterRow(ctx, tx, u.RosterID)
			if errors.Is(err, sql.ErrNoRows) {
				refuse(survey.Errorf(survey.ENOTFOUND, "Roster update %s: the server's roster has no alumnus %s yet; it is kept and sent again next sync.", u.ID, u.RosterID))
				continue
			} else if err != nil {
				return err
			}
			if enumerator && assigned && owner != by {
				if held, err := heldAt(ctx, tx, u.RosterID, by, u.ProposedAt); err != nil {
					return err
				} else if held {
					owner = by // proposed while the alumnus was hers
				}
			}
			if enumerator && assigned && owner != by {
				who := "nobody"
				if owner != "" {
					who = "another enumerator"
				}
				refuse(survey.Errorf(survey.EFORBIDDEN, "Roster update %s: alumnus %s is not assigned to %s (assigned to %s).", u.ID, u.RosterID, by, who))
				continue
			}
			if u.Field.Of(row) == u.Value {
				r.Status, r.Message = survey.ReceiptDuplicate, "The roster already has this "+string(u.Field)+" for "+u.RosterID+"."
				continue
			}
			var same int64
			err = tx.QueryRowContext(ctx, `SELECT seq FROM server_roster_updates WHERE roster_id = $1 AND field = $2 AND value = $3 AND status = $4`,
				u.RosterID, string(u.Field), u.Value, string(survey.UpdatePending)).Scan(&same)
			if err == nil {
				r.Status, r.Seq, r.Message = survey.ReceiptDuplicate, same, "The same "+string(u.Field)+" is already proposed for "+u.RosterID+"."
				continue
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			seq, err := nextSeqs(ctx, tx, counterRosterUpdate, 1)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO server_roster_updates (`+updateColumns+`, seq, submitted_by, received_at, status)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				u.ID, u.RosterID, string(u.Field), u.Value, u.Old, u.Note, u.ProposedBy, formatTime(u.ProposedAt), u.AttemptID,
				u.InterviewID, seq, by, formatTime(now), string(survey.UpdatePending)); err != nil {
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
	rows, err := l.db.db.QueryContext(ctx, `SELECT `+serverUpdateColumns+` FROM server_roster_updates
		WHERE seq > $1 AND ($2 = '' OR status = $3) AND ($4 = '' OR roster_id = $5) ORDER BY seq LIMIT $6`,
		f.After, string(f.Status), string(f.Status), f.RosterID, f.RosterID, limit)
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
