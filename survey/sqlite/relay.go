package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"tracer/survey"
)

// RelayStore is a relay's own storage. See survey.RelayStore.
type RelayStore struct{ db *DB }

// NewRelayStore returns the relay store on db.
func NewRelayStore(db *DB) *RelayStore { return &RelayStore{db: db} }

var _ survey.RelayStore = (*RelayStore)(nil)

// relayAccepted is the message of a relay's stored receipt: what the laptop may rely on.
const relayAccepted = "Safe on two machines (this laptop and the relay); the relay sends it on to the centre."

// Accept keeps pushed revisions. See survey.RelayStore.
func (s *RelayStore) Accept(ctx context.Context, items []*survey.RelayItem) ([]survey.Receipt, error) {
	out := make([]survey.Receipt, len(items))
	now := s.db.now()
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		for i, it := range items {
			rc := survey.Receipt{InterviewID: it.InterviewID, Revision: it.Revision, Hash: it.Hash}
			var seq int64
			var received string
			err := tx.QueryRowContext(ctx, `SELECT seq, received_at FROM relay_items WHERE interview_id = ? AND revision = ? AND hash = ?`,
				it.InterviewID, it.Revision, it.Hash).Scan(&seq, &received)
			switch {
			case err == nil:
				rc.Status, rc.Seq, rc.Message = survey.ReceiptDuplicate, seq, relayAccepted
				if rc.ReceivedAt, err = parseTime(received); err != nil {
					return err
				}
				out[i] = rc
				continue
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			var other int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM relay_items WHERE interview_id = ? AND revision = ?`,
				it.InterviewID, it.Revision).Scan(&other); err != nil {
				return err
			}
			var body any = nilIfEmpty(it.Body)
			if len(it.Body) > 0 && s.db.cipher != nil {
				if body, err = s.db.cipher.Encrypt(string(it.Body), itemPlace(it.InterviewID, it.Revision, it.Hash)); err != nil {
					return err
				}
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO relay_items (interview_id, revision, hash, body, sealed, submitted_by, device_time, received_at, enrollment)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.InterviewID, it.Revision, it.Hash, body, nilIfEmpty(it.Sealed),
				it.SubmittedBy, formatTime(it.DeviceTime), formatTime(now), it.Enrollment)
			if err != nil {
				return err
			}
			if seq, err = res.LastInsertId(); err != nil {
				return err
			}
			rc.Seq, rc.ReceivedAt = seq, now
			if other > 0 {
				rc.Status, rc.Code = survey.ReceiptConflict, survey.ECONFLICT
				rc.Message = "Other content was received for this revision; both are kept and the centre's supervisor sees them."
			} else {
				rc.Status, rc.Message = survey.ReceiptStored, relayAccepted
			}
			out[i] = rc
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// notHeld is the condition on relay_items that an item was not pushed under an offline
// enrollment the centre has not confirmed (nor the supervisor released).
const notHeld = `(enrollment = '' OR enrollment IN (SELECT id FROM relay_enrollments WHERE state IN ('confirmed', 'released')))`

// Pending returns items the centre has not answered for. See survey.RelayStore.
func (s *RelayStore) Pending(ctx context.Context, after int64, limit int) ([]*survey.RelayItem, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT seq, interview_id, revision, hash, body, sealed, submitted_by, device_time, received_at, enrollment
		FROM relay_items WHERE done_at = '' AND seq > ? AND `+notHeld+` ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.RelayItem
	for rows.Next() {
		var it survey.RelayItem
		var dev, rec string
		if err := rows.Scan(&it.Seq, &it.InterviewID, &it.Revision, &it.Hash, &it.Body, &it.Sealed, &it.SubmittedBy, &dev, &rec, &it.Enrollment); err != nil {
			return nil, err
		}
		if it.DeviceTime, err = parseTime(dev); err != nil {
			return nil, err
		}
		if it.ReceivedAt, err = parseTime(rec); err != nil {
			return nil, err
		}
		if len(it.Body) > 0 && s.db.cipher != nil {
			plain, err := s.db.cipher.Decrypt(string(it.Body), itemPlace(it.InterviewID, it.Revision, it.Hash))
			if err != nil {
				return nil, err
			}
			it.Body = []byte(plain)
		}
		out = append(out, &it)
	}
	return out, rows.Err()
}

// Forwarded records the centre's receipts. See survey.RelayStore.
func (s *RelayStore) Forwarded(ctx context.Context, results []survey.RelayForward) error {
	now := formatTime(s.db.now())
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		b := newBatchTx(tx)
		defer b.close()
		for _, r := range results {
			rc := r.Receipt
			done := ""
			if rc.Safe() || rc.Outcome().Final() {
				done = now
			}
			if _, err := b.ExecContext(ctx, `UPDATE relay_items SET done_at = ?, status = ?, code = ?, message = ?, tries = tries + 1
				WHERE seq = ? AND done_at = ''`, done, string(rc.Status), rc.Code, rc.Message, r.Seq); err != nil {
				return err
			}
		}
		return nil
	})
}

// MirrorAccounts makes the relay's accounts those of the centre. See survey.RelayStore.
func (s *RelayStore) MirrorAccounts(ctx context.Context, accounts []survey.RelayAccount) error {
	now := formatTime(s.db.now())
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS relay_live (kind TEXT, key TEXT, PRIMARY KEY (kind, key))`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM temp.relay_live`); err != nil {
			return err
		}
		for _, a := range accounts {
			if err := upsertAccount(ctx, tx, a, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO temp.relay_live (kind, key) VALUES ('user', ?)`, a.Name); err != nil {
				return err
			}
			for _, h := range a.TokenHashes {
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO temp.relay_live (kind, key) VALUES ('token', ?)`, h); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET revoked_at = ? WHERE revoked_at = ''
			AND name NOT IN (SELECT key FROM temp.relay_live WHERE kind = 'user')`, now); err != nil {
			return err
		}
		// A token the relay gave a laptop offline is not the centre's yet: it stays live
		// until the centre has answered for its enrollment.
		_, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE revoked_at = ''
			AND token_hash NOT IN (SELECT key FROM temp.relay_live WHERE kind = 'token')
			AND token_hash NOT IN (SELECT token_hash FROM relay_enrollments WHERE state = 'pending')`, now)
		return err
	})
}

// upsertAccount makes account a live user with live tokens.
func upsertAccount(ctx context.Context, tx *sql.Tx, a survey.RelayAccount, now string) error {
	if !a.Role.Valid() || a.Name == "" {
		return survey.Errorf(survey.EINVALID, "The centre gave an account %q with role %q.", a.Name, a.Role)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET role = excluded.role, revoked_at = ''`, a.Name, string(a.Role), now); err != nil {
		return err
	}
	for _, h := range a.TokenHashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (token_hash, user_name, device, created_at) VALUES (?, ?, 'centre', ?)
			ON CONFLICT (token_hash) DO UPDATE SET user_name = excluded.user_name, revoked_at = ''`, h, a.Name, now); err != nil {
			return err
		}
	}
	return nil
}

// AddToken adds one token hash of an account. See survey.RelayStore.
func (s *RelayStore) AddToken(ctx context.Context, a survey.RelayAccount) error {
	now := formatTime(s.db.now())
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return upsertAccount(ctx, tx, a, now) })
}

// MirrorRoster stores roster rows under the centre's sequence numbers. See survey.RelayStore.
func (s *RelayStore) MirrorRoster(ctx context.Context, rows []survey.RelayRosterRow) error {
	now := formatTime(s.db.now())
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			if r.Respondent == nil || r.Respondent.RosterID == "" {
				return survey.Errorf(survey.EINVALID, "The centre gave a roster row (%d) without a roster id.", r.Seq)
			}
			sealed, err := sealRespondent(s.db.cipher, r.Respondent)
			if err != nil {
				return err
			}
			body, err := json.Marshal(sealed)
			if err != nil {
				return err
			}
			id := r.Respondent.RosterID
			// A row's sequence number only grows at the centre; one that reached another row
			// there belongs to this row now.
			if _, err := tx.ExecContext(ctx, `DELETE FROM assignments WHERE roster_id IN (SELECT roster_id FROM server_roster WHERE seq = ? AND roster_id <> ?)`, r.Seq, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM server_roster WHERE seq = ? AND roster_id <> ?`, r.Seq, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO server_roster (roster_id, seq, body, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (roster_id) DO UPDATE SET seq = excluded.seq, body = excluded.body, updated_at = excluded.updated_at`,
				id, r.Seq, string(body), now); err != nil {
				return err
			}
			if r.AssignedTo == "" {
				if _, err := tx.ExecContext(ctx, `DELETE FROM assignments WHERE roster_id = ?`, id); err != nil {
					return err
				}
				continue
			}
			// An account the relay does not serve (revoked at the centre) is kept revoked.
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO users (name, role, created_at, revoked_at) VALUES (?, 'enumerator', ?, ?)`,
				r.AssignedTo, now, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO assignments (roster_id, user_name, assigned_by, assigned_at) VALUES (?, ?, 'centre', ?)
				ON CONFLICT (roster_id) DO UPDATE SET user_name = excluded.user_name`, id, r.AssignedTo, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// MirrorReturns stores returns pulled from the centre. See survey.RelayStore.
func (s *RelayStore) MirrorReturns(ctx context.Context, returns []*survey.ReturnNotice) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, n := range returns {
			body, err := json.Marshal(n)
			if err != nil {
				return err
			}
			stored, err := encrypt(s.db.cipher, string(body), feedPlace("return", n.Seq))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO relay_feed (kind, seq, owner, body) VALUES ('return', ?, ?, ?)`,
				n.Seq, n.SubmittedBy, stored); err != nil {
				return err
			}
		}
		return nil
	})
}

// MirrorApprovals stores approvals pulled from the centre. See survey.RelayStore.
func (s *RelayStore) MirrorApprovals(ctx context.Context, approvals []survey.RelayApproval) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, a := range approvals {
			body, err := json.Marshal(a.ReviewEvent)
			if err != nil {
				return err
			}
			stored, err := encrypt(s.db.cipher, string(body), feedPlace("approval", a.Seq))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO relay_feed (kind, seq, owner, body) VALUES ('approval', ?, ?, ?)`,
				a.Seq, a.SubmittedBy, stored); err != nil {
				return err
			}
		}
		return nil
	})
}

// feed reads up to limit entries of kind after seq, of owner ("" for all), into new(T)s.
func feed[T any](ctx context.Context, db *DB, kind string, after int64, owner string, limit int) ([]*T, error) {
	if limit <= 0 {
		limit = 500
	}
	q, args := feedQuery(kind, after, owner, limit)
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var seq int64
		var stored string
		if err := rows.Scan(&seq, &stored); err != nil {
			return nil, err
		}
		body, err := decrypt(db.cipher, stored, feedPlace(kind, seq))
		if err != nil {
			return nil, err
		}
		v := new(T)
		if err := json.Unmarshal([]byte(body), v); err != nil {
			return nil, fmt.Errorf("relay %s %d: %w", kind, seq, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Returned returns mirrored returns. See survey.RelayStore.
func (s *RelayStore) Returned(ctx context.Context, after int64, submitter string, limit int) ([]*survey.ReturnNotice, error) {
	return feed[survey.ReturnNotice](ctx, s.db, "return", after, submitter, limit)
}

// Approvals returns mirrored approvals. See survey.RelayStore.
func (s *RelayStore) Approvals(ctx context.Context, after int64, submitter string, limit int) ([]*survey.ReviewEvent, error) {
	if submitter == "" {
		return nil, survey.Errorf(survey.EINVALID, "Approvals are read per account.")
	}
	return feed[survey.ReviewEvent](ctx, s.db, "approval", after, submitter, limit)
}

// Status counts the relay's items. See survey.RelayStore.
func (s *RelayStore) Status(ctx context.Context) (survey.RelayStatus, error) {
	var st survey.RelayStatus
	err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(done_at <> '' AND status IN ('stored', 'duplicate')), 0),
		COALESCE(SUM(done_at <> '' AND status NOT IN ('stored', 'duplicate')), 0),
		COALESCE(SUM(done_at = ''), 0), COALESCE(SUM(done_at = '' AND NOT `+notHeld+`), 0)
		FROM relay_items`).Scan(&st.Received, &st.Forwarded, &st.Refused, &st.Waiting, &st.Held)
	return st, err
}

// RelayAccounts lists the accounts a relay serves. See survey.AccountDirectory.
func (s *UserStore) RelayAccounts(ctx context.Context) ([]survey.RelayAccount, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT u.name, u.role, COALESCE(t.token_hash, '') FROM users u
		LEFT JOIN tokens t ON t.user_name = u.name AND t.revoked_at = ''
		WHERE u.revoked_at = '' AND u.role IN (?, ?) ORDER BY u.name, t.token_hash`,
		string(survey.RoleEnumerator), string(survey.RoleSupervisor))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.RelayAccount
	for rows.Next() {
		var name, role, hash string
		if err := rows.Scan(&name, &role, &hash); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, survey.RelayAccount{Name: name, Role: survey.Role(role), TokenHashes: []string{}})
		}
		if hash != "" {
			a := &out[len(out)-1]
			a.TokenHashes = append(a.TokenHashes, hash)
		}
	}
	return out, rows.Err()
}

var _ survey.AccountDirectory = (*UserStore)(nil)

// allApprovalsQuery reads every account's approvals after a sequence number through the
// index of approvals, past the history's other rows (the state is written out so that
// SQLite can use that partial index).
const allApprovalsQuery = `SELECT seq, interview_id, revision, by_user, at, submitted_by FROM review_history
	WHERE to_state = 'approved' AND seq > ? ORDER BY seq LIMIT ?`

// AllApprovals returns every account's approvals. See survey.ApprovalFeed.
func (s *ReviewStore) AllApprovals(ctx context.Context, after int64, limit int) ([]survey.RelayApproval, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := s.db.db.QueryContext(ctx, allApprovalsQuery, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.RelayApproval
	for rows.Next() {
		a := survey.RelayApproval{ReviewEvent: survey.ReviewEvent{To: survey.ReviewApproved}}
		var at string
		if err := rows.Scan(&a.Seq, &a.InterviewID, &a.Revision, &a.By, &at, &a.SubmittedBy); err != nil {
			return nil, err
		}
		if a.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

var _ survey.ApprovalFeed = (*ReviewStore)(nil)

// Purge drops what is safe at the centre. See survey.RelayStore.
func (s *RelayStore) Purge(ctx context.Context, p survey.RelayPurge) (survey.RelayPurged, error) {
	var out survey.RelayPurged
	count := func(tx *sql.Tx, q string, args ...any) (int, error) {
		var n int
		err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, err
	}
	exec := func(tx *sql.Tx, q string, args ...any) (int, error) {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		return int(n), err
	}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if out.Interviews, err = exec(tx, `DELETE FROM relay_items WHERE done_at <> '' AND status IN ('stored', 'duplicate')`); err != nil {
			return err
		}
		if out.Refused, err = count(tx, `SELECT COUNT(*) FROM relay_items WHERE done_at <> ''`); err != nil {
			return err
		}
		waiting, err := count(tx, `SELECT COUNT(*) FROM relay_items WHERE done_at = ''`)
		if err != nil {
			return err
		}
		if _, err := exec(tx, `DELETE FROM attempt_conflicts WHERE attempt_id IN (SELECT id FROM server_attempts WHERE seq <= ?)`, p.AttemptsThrough); err != nil {
			return err
		}
		if out.Attempts, err = exec(tx, `DELETE FROM server_attempts WHERE seq <= ?`, p.AttemptsThrough); err != nil {
			return err
		}
		if _, err := exec(tx, `DELETE FROM roster_update_conflicts WHERE update_id IN (SELECT id FROM server_roster_updates WHERE seq <= ?)`, p.UpdatesThrough); err != nil {
			return err
		}
		if out.Updates, err = exec(tx, `DELETE FROM server_roster_updates WHERE seq <= ?`, p.UpdatesThrough); err != nil {
			return err
		}
		for _, q := range []string{`SELECT COUNT(*) FROM server_attempts`, `SELECT COUNT(*) FROM server_roster_updates`} {
			n, err := count(tx, q)
			if err != nil {
				return err
			}
			waiting += n
		}
		// Verifiers pulled from the centre go whatever waits (a relay started again pulls
		// those still unused); so do enrollments the centre confirmed whose key it has and
		// whose interviews are gone. One still waiting for the centre is kept, and counts.
		if _, err := exec(tx, `DELETE FROM relay_verifiers`); err != nil {
			return err
		}
		if _, err := exec(tx, `DELETE FROM relay_enrollments WHERE state = 'confirmed' AND (key_sent = 1 OR sealed_key IS NULL)
			AND id NOT IN (SELECT enrollment FROM relay_items)`); err != nil {
			return err
		}
		pending, err := count(tx, `SELECT COUNT(*) FROM relay_enrollments WHERE state = 'pending' OR (state = 'confirmed' AND key_sent = 0 AND sealed_key IS NOT NULL)`)
		if err != nil {
			return err
		}
		waiting += pending
		out.Waiting = waiting
		if waiting > 0 {
			return nil // the roster and the pulled copies are still needed here
		}
		if _, err := exec(tx, `DELETE FROM assignments`); err != nil {
			return err
		}
		if out.RosterRows, err = exec(tx, `DELETE FROM server_roster`); err != nil {
			return err
		}
		if out.Feed, err = exec(tx, `DELETE FROM relay_feed`); err != nil {
			return err
		}
		n, err := exec(tx, `DELETE FROM late_refusals`)
		if err != nil {
			return err
		}
		out.Feed += n
		for _, name := range p.PullCursors {
			if _, err := exec(tx, `DELETE FROM sync_cursors WHERE name = ?`, name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	s.db.scrubWAL(ctx)
	if _, err := s.db.db.ExecContext(ctx, `VACUUM`); err != nil {
		return out, err
	}
	s.db.scrubWAL(ctx)
	return out, nil
}

// feedQuery is the query of feed and its arguments.
func feedQuery(kind string, after int64, owner string, limit int) (string, []any) {
	q, args := andEq(`SELECT seq, body FROM relay_feed WHERE kind = ? AND seq > ?`, []any{kind, after}, "owner", owner)
	return q + ` ORDER BY seq LIMIT ?`, append(args, limit)
}
