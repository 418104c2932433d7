package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"tracer/survey"
)

// Ensure the roster update stores implement their interfaces.
var (
	_ survey.RosterUpdateStore  = (*RosterUpdateStore)(nil)
	_ survey.RosterUpdateLedger = (*RosterUpdateLedger)(nil)
)

// RosterUpdateStore is the SQLite implementation of survey.RosterUpdateStore: the roster
// updates proposed on the laptop. With a cipher on the database (DB.Encrypt) the new and
// old values and the note are stored encrypted, bound to their proposal.
type RosterUpdateStore struct{ db *DB }

// NewRosterUpdateStore returns the laptop's roster update store of db.
func NewRosterUpdateStore(db *DB) *RosterUpdateStore { return &RosterUpdateStore{db: db} }

const updateColumns = `id, roster_id, field, value, old, note, proposed_by, proposed_at, attempt_id, interview_id`

func (s *RosterUpdateStore) crypt(u *survey.RosterUpdate, decrypt bool) error {
	c := s.db.cipher
	if c == nil {
		return nil
	}
	for _, f := range []struct {
		p    *string
		name string
	}{{&u.Value, "value"}, {&u.Old, "old"}, {&u.Note, "note"}} {
		if *f.p == "" {
			continue
		}
		var err error
		if decrypt {
			*f.p, err = c.Decrypt(*f.p, "roster_updates/"+f.name+"/"+u.ID)
		} else {
			*f.p, err = c.Encrypt(*f.p, "roster_updates/"+f.name+"/"+u.ID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// encryptInPlace encrypts, inside tx, the values and notes stored in clear.
func (s *RosterUpdateStore) encryptInPlace(ctx context.Context, tx *sql.Tx) error {
	list, err := s.query(ctx, tx, `SELECT `+updateColumns+`, sent_at, refusal FROM roster_updates
		WHERE substr(value, 1, 5) != 'enc1:' OR (old != '' AND substr(old, 1, 5) != 'enc1:') OR (note != '' AND substr(note, 1, 5) != 'enc1:')`)
	if err != nil {
		return err
	}
	for _, u := range list {
		if err := s.crypt(u, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE roster_updates SET value = ?, old = ?, note = ? WHERE id = ?`, u.Value, u.Old, u.Note, u.ID); err != nil {
			return err
		}
	}
	return nil
}

// Propose saves a new proposal in one transaction. See survey.RosterUpdateStore.
func (s *RosterUpdateStore) Propose(ctx context.Context, u *survey.RosterUpdate) (*survey.RosterUpdate, error) {
	field, err := survey.ParseUpdateField(string(u.Field))
	if err != nil {
		return nil, err
	}
	value, err := survey.NormalizeUpdateValue(field, u.Value)
	if err != nil {
		return nil, err
	}
	p := *u
	p.Field, p.Value = field, value
	now := s.db.now()
	var out *survey.RosterUpdate
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+respondentColumns+` FROM respondents WHERE roster_id = ?`, p.RosterID)
		if err != nil {
			return err
		}
		found, err := NewRosterStore(s.db).scan(rows)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return survey.Errorf(survey.ENOTFOUND, "Alumnus %s is not on this laptop's roster (not assigned to you?); nothing was proposed.", p.RosterID)
		}
		old := field.Of(found[0])
		if old == value {
			return survey.Errorf(survey.EINVALID, "The roster already has this %s for %s; nothing was proposed.", field, p.RosterID)
		}
		earlier, err := s.query(ctx, tx, `SELECT `+updateColumns+`, sent_at, refusal FROM roster_updates
			WHERE roster_id = ? AND field = ? AND refusal = '' ORDER BY created_at, rowid`, p.RosterID, string(field))
		if err != nil {
			return err
		}
		for _, e := range earlier {
			if e.Value == value {
				out = e
				return nil
			}
		}
		if p.Old == "" {
			p.Old = old
		}
		if err := p.Validate(now); err != nil {
			return err
		}
		enc := p
		if err := s.crypt(&enc, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO roster_updates (`+updateColumns+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			enc.ID, enc.RosterID, string(enc.Field), enc.Value, enc.Old, enc.Note, enc.ProposedBy, formatTime(enc.ProposedAt),
			enc.AttemptID, enc.InterviewID, formatTime(now)); err != nil {
			return err
		}
		out = &p
		return nil
	})
	if survey.ErrorCode(err) == survey.ECONFLICT {
		return nil, survey.Errorf(survey.ECONFLICT, "Roster update %s is already saved.", u.ID)
	}
	return out, err
}

// List returns the matching proposals, oldest first. See survey.RosterUpdateStore.
func (s *RosterUpdateStore) List(ctx context.Context, f survey.UpdateFilter) ([]*survey.RosterUpdate, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	return s.query(ctx, s.db.db, `SELECT `+updateColumns+`, sent_at, refusal FROM roster_updates
		WHERE (? = '' OR roster_id = ?) ORDER BY created_at, rowid LIMIT ?`, f.RosterID, f.RosterID, limit)
}

// Unsent returns proposals not yet safe on the server nor refused. See survey.RosterUpdateStore.
func (s *RosterUpdateStore) Unsent(ctx context.Context) ([]*survey.RosterUpdate, error) {
	return s.query(ctx, s.db.db, `SELECT `+updateColumns+`, sent_at, refusal FROM roster_updates
		WHERE sent_at = '' AND refusal = '' ORDER BY created_at, rowid`)
}

func (s *RosterUpdateStore) query(ctx context.Context, q querier, text string, args ...any) ([]*survey.RosterUpdate, error) {
	rows, err := q.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.RosterUpdate
	for rows.Next() {
		u, err := scanUpdate(rows, true)
		if err != nil {
			return nil, err
		}
		if err := s.crypt(u, true); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func scanUpdate(rows *sql.Rows, laptop bool) (*survey.RosterUpdate, error) {
	var u survey.RosterUpdate
	var field, at string
	dest := []any{&u.ID, &u.RosterID, &field, &u.Value, &u.Old, &u.Note, &u.ProposedBy, &at, &u.AttemptID, &u.InterviewID}
	var sent, recv, status, decided string
	if laptop {
		dest = append(dest, &sent, &u.Refusal)
	} else {
		dest = append(dest, &u.Seq, &u.SubmittedBy, &recv, &status, &u.DecidedBy, &decided, &u.Reason, &u.Replaced)
	}
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	u.Field, u.Status = survey.UpdateField(field), survey.UpdateStatus(status)
	var err error
	for _, t := range []struct {
		s string
		p *time.Time
	}{{at, &u.ProposedAt}, {sent, &u.Sent}, {recv, &u.ReceivedAt}, {decided, &u.DecidedAt}} {
		if *t.p, err = parseTime(t.s); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// MarkSent records that the server holds the proposals ids. See survey.RosterUpdateStore.
func (s *RosterUpdateStore) MarkSent(ctx context.Context, ids ...string) error {
	return s.mark(ctx, `UPDATE roster_updates SET sent_at = ? WHERE id = ?`, formatTime(s.db.now()), ids...)
}

// mark sets a column of the proposals ids as markRows does; an id with no proposal is
// ENOTFOUND.
func (s *RosterUpdateStore) mark(ctx context.Context, q, v string, ids ...string) error {
	missing, err := markRows(ctx, s.db, q, v, ids...)
	if err == nil && missing != "" {
		err = survey.Errorf(survey.ENOTFOUND, "No roster update %s on this laptop.", missing)
	}
	return err
}

// Refuse records the server's refusal of proposal id. See survey.RosterUpdateStore.
func (s *RosterUpdateStore) Refuse(ctx context.Context, id, reason string) error {
	if reason == "" {
		reason = "refused"
	}
	return s.mark(ctx, `UPDATE roster_updates SET refusal = ? WHERE id = ?`, reason, id)
}

// RosterUpdateLedger is the SQLite implementation of survey.RosterUpdateLedger: the
// server's proposals, their decisions, and the central roster they change.
type RosterUpdateLedger struct {
	db *DB
	mu sync.Mutex
}

// NewRosterUpdateLedger returns the server's roster update ledger of db.
func NewRosterUpdateLedger(db *DB) *RosterUpdateLedger { return &RosterUpdateLedger{db: db} }

const serverUpdateColumns = updateColumns + `, seq, submitted_by, received_at, status, decided_by, decided_at, reason, replaced`

// Ingest stores a batch of proposals in one transaction. See survey.RosterUpdateLedger.
func (l *RosterUpdateLedger) Ingest(ctx context.Context, updates []*survey.RosterUpdate, by string, enumerator bool) ([]survey.AttemptReceipt, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.db.now()
	var receipts []survey.AttemptReceipt
	err := l.db.inTx(ctx, func(tx *sql.Tx) error {
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
	body, err := sealConflict(t.l.db.cipher, u, "roster_update_conflicts/"+u.ID)
	if err != nil {
		return err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO roster_update_conflicts (update_id, body, submitted_by, received_at) VALUES (?, ?, ?, ?)`,
		u.ID, body, by, formatTime(t.now))
	return err
}

func (t updateTx) Roster(ctx context.Context, id string) (*survey.Respondent, string, bool, error) {
	row, owner, err := rosterRowOpen(ctx, t.l.db.cipher, t.tx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	return row, owner, err == nil, err
}

func (t updateTx) HeldAt(ctx context.Context, id, user string, at time.Time) (bool, error) {
	return heldAt(ctx, t.tx, id, user, at)
}

// Settled answers for a proposal whose value the roster row has, or whose field and value
// are pending for the alumnus already (compared once decrypted: a relay keeps them encrypted).
func (t updateTx) Settled(ctx context.Context, u *survey.RosterUpdate, row *survey.Respondent) (string, int64, error) {
	if u.Field.Of(row) == u.Value {
		return "The roster already has this " + string(u.Field) + " for " + u.RosterID + ".", 0, nil
	}
	pending, err := t.l.list(ctx, t.tx, `SELECT `+serverUpdateColumns+` FROM server_roster_updates
		WHERE roster_id = ? AND field = ? AND status = ? ORDER BY seq`, u.RosterID, string(u.Field), string(survey.UpdatePending))
	if err != nil {
		return "", 0, err
	}
	for _, p := range pending {
		if p.Value == u.Value {
			return "The same " + string(u.Field) + " is already proposed for " + u.RosterID + ".", p.Seq, nil
		}
	}
	return "", 0, nil
}

func (t updateTx) Store(ctx context.Context, u *survey.RosterUpdate, by string) (int64, error) {
	seq, err := nextSeqs(ctx, t.tx, "roster_update", 1)
	if err != nil {
		return 0, err
	}
	enc := *u
	if err := cryptLedgerUpdate(t.l.db.cipher, &enc, false); err != nil {
		return 0, err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO server_roster_updates (`+updateColumns+`, seq, submitted_by, received_at, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		enc.ID, enc.RosterID, string(enc.Field), enc.Value, enc.Old, enc.Note, enc.ProposedBy, formatTime(enc.ProposedAt), enc.AttemptID,
		enc.InterviewID, seq, by, formatTime(t.now), string(survey.UpdatePending))
	return seq, err
}

// rosterRow reads the server roster's row of id and the enumerator it is assigned to
// ("" when none). Returns sql.ErrNoRows when the roster has no such row.
func rosterRow(ctx context.Context, tx *sql.Tx, id string) (*survey.Respondent, string, error) {
	var body []byte
	var owner sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT r.body, a.user_name FROM server_roster r LEFT JOIN assignments a ON a.roster_id = r.roster_id
		WHERE r.roster_id = ?`, id).Scan(&body, &owner)
	if err != nil {
		return nil, "", err
	}
	var row survey.Respondent
	if err := json.Unmarshal(body, &row); err != nil {
		return nil, "", fmt.Errorf("roster row %s: %w", id, err)
	}
	return &row, owner.String, nil
}

// rosterRowOpen is rosterRow with the personal values decrypted under c (a relay's data
// key; nil: as stored).
func rosterRowOpen(ctx context.Context, c survey.FieldCipher, tx *sql.Tx, id string) (*survey.Respondent, string, error) {
	row, owner, err := rosterRow(ctx, tx, id)
	if err != nil {
		return nil, "", err
	}
	return row, owner, openRespondent(c, row)
}

func (l *RosterUpdateLedger) get(ctx context.Context, q querier, id string) (*survey.RosterUpdate, error) {
	list, err := l.list(ctx, q, `SELECT `+serverUpdateColumns+` FROM server_roster_updates WHERE id = ?`, id)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

// list runs a query of server_roster_updates and returns its proposals, opened.
func (l *RosterUpdateLedger) list(ctx context.Context, q querier, text string, args ...any) ([]*survey.RosterUpdate, error) {
	rows, err := q.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.RosterUpdate
	for rows.Next() {
		u, err := scanUpdate(rows, false)
		if err != nil {
			return nil, err
		}
		if err := cryptLedgerUpdate(l.db.cipher, u, true); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// List returns the matching proposals by sequence number. See survey.RosterUpdateLedger.
func (l *RosterUpdateLedger) List(ctx context.Context, f survey.UpdateFilter) ([]*survey.RosterUpdate, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	q, args := updatesQuery(f, limit)
	return l.list(ctx, l.db.db, q, args...)
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
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.db.now()
	var out *survey.RosterUpdate
	err := l.db.inTx(ctx, func(tx *sql.Tx) error {
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
			row, _, err := rosterRowOpen(ctx, l.db.cipher, tx, u.RosterID)
			if err != nil {
				return fmt.Errorf("roster row of update %s: %w", id, err)
			}
			u.Replaced = u.Field.Of(row)
			u.Field.Set(row, u.Value)
			row.UpdatedAt = time.Time{}
			sealed, err := sealRespondent(l.db.cipher, row)
			if err != nil {
				return err
			}
			body, err := json.Marshal(sealed)
			if err != nil {
				return err
			}
			seq, err := nextSeqs(ctx, tx, "roster", 1)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE server_roster SET seq = ?, body = ?, updated_at = ? WHERE roster_id = ?`,
				seq, body, formatTime(now), u.RosterID); err != nil {
				return err
			}
		}
		u.Status, u.DecidedBy, u.DecidedAt, u.Reason = status, by, now.UTC(), reason
		enc := *u // the value replaced is personal: encrypted on a relay
		if err := cryptLedgerUpdate(l.db.cipher, &enc, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE server_roster_updates SET status = ?, decided_by = ?, decided_at = ?, reason = ?, replaced = ?
			WHERE id = ?`, string(status), by, formatTime(now), reason, enc.Replaced, id); err != nil {
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
		WHERE seq > ?`, []any{f.After}, "status", string(f.Status))
	q, args = andEq(q, args, "roster_id", f.RosterID)
	return q + ` ORDER BY seq LIMIT ?`, append(args, limit)
}
