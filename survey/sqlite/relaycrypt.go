package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"tracer/survey"
)

// A relay's database holds personal data for the event: the roster it mirrors from the
// centre, the returned interviews it hands to laptops, and the records in clear some
// laptops push. With a cipher on the database (DB.Encrypt, the relay's data key) the
// roster's personal columns, the returns and approvals and the records in clear are
// stored encrypted, as a laptop keeps its own.

// encPrefix starts every value a FieldCipher encrypted.
const encPrefix = "enc1:"

// respondentFields are the personal values of a roster row, by name.
func respondentFields(r *survey.Respondent) map[string]*string {
	return map[string]*string{"nik": &r.NIK, "name": &r.Name, "birth_date": &r.BirthDate, "phone": &r.Phone, "phone_raw": &r.PhoneRaw}
}

// sealRespondent returns a copy of r with its personal values (NIK, name, birth date,
// phones and the extra columns) encrypted under c, each bound to its row; r when c is nil.
func sealRespondent(c survey.FieldCipher, r *survey.Respondent) (*survey.Respondent, error) {
	if c == nil {
		return r, nil
	}
	out := *r
	out.Extra = maps.Clone(r.Extra)
	for name, p := range respondentFields(&out) {
		v, err := c.Encrypt(*p, "server_roster/"+name+"/"+r.RosterID)
		if err != nil {
			return nil, err
		}
		*p = v
	}
	for k, v := range out.Extra {
		ev, err := c.Encrypt(v, "server_roster/extra/"+k+"/"+r.RosterID)
		if err != nil {
			return nil, err
		}
		out.Extra[k] = ev
	}
	return &out, nil
}

// openRespondent decrypts in place what sealRespondent encrypted; values in clear stay.
func openRespondent(c survey.FieldCipher, r *survey.Respondent) error {
	if c == nil {
		return nil
	}
	for name, p := range respondentFields(r) {
		v, err := c.Decrypt(*p, "server_roster/"+name+"/"+r.RosterID)
		if err != nil {
			return err
		}
		*p = v
	}
	for k, v := range r.Extra {
		dv, err := c.Decrypt(v, "server_roster/extra/"+k+"/"+r.RosterID)
		if err != nil {
			return err
		}
		r.Extra[k] = dv
	}
	return nil
}

// clearRespondent reports whether a personal value of r is stored in clear.
func clearRespondent(r *survey.Respondent) bool {
	for _, p := range respondentFields(r) {
		if *p != "" && !strings.HasPrefix(*p, encPrefix) {
			return true
		}
	}
	for _, v := range r.Extra {
		if v != "" && !strings.HasPrefix(v, encPrefix) {
			return true
		}
	}
	return false
}

// feedPlace names where a relay feed entry's body lives, for the cipher.
func feedPlace(kind string, seq int64) string { return fmt.Sprintf("relay_feed/%s/%d", kind, seq) }

// itemPlace names where a relay item's record in clear lives, for the cipher.
func itemPlace(id string, revision int, hash string) string {
	return fmt.Sprintf("relay_items/%s/%d/%s", id, revision, hash)
}

// EncryptRelayInPlace encrypts, in one transaction, what a relay's database holds in clear
// (stored before it had its data key, or by a relay that kept its ledgers in clear): the
// mirrored roster's personal values, returns and approvals, records pushed in clear, and
// the contact attempts and roster updates laptops pushed (with the other contents kept
// beside them). It returns how many roster rows, feed entries, and records, attempts and
// roster updates it encrypted; running it again finds nothing left in clear. Afterwards the
// database file is rewritten so that no page keeps the clear values.
func (db *DB) EncryptRelayInPlace(ctx context.Context) (rows, feed, items int, err error) {
	c := db.cipher
	if c == nil {
		return 0, 0, 0, fmt.Errorf("encrypt in place: the database has no data key")
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		type roster struct {
			id   string
			body []byte
		}
		var rs []roster
		if err := queryEach(ctx, tx, `SELECT roster_id, body FROM server_roster`, func(s scanner) error {
			var r roster
			if err := s.Scan(&r.id, &r.body); err != nil {
				return err
			}
			rs = append(rs, r)
			return nil
		}); err != nil {
			return err
		}
		for _, r := range rs {
			var row survey.Respondent
			if err := json.Unmarshal(r.body, &row); err != nil {
				return fmt.Errorf("roster row %s: %w", r.id, err)
			}
			if !clearRespondent(&row) {
				continue
			}
			if err := openRespondent(c, &row); err != nil {
				return err
			}
			sealed, err := sealRespondent(c, &row)
			if err != nil {
				return err
			}
			body, err := json.Marshal(sealed)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE server_roster SET body = ? WHERE roster_id = ?`, string(body), r.id); err != nil {
				return err
			}
			rows++
		}
		type entry struct {
			kind string
			seq  int64
			body string
		}
		var es []entry
		if err := queryEach(ctx, tx, `SELECT kind, seq, body FROM relay_feed WHERE substr(body, 1, 5) != 'enc1:'`, func(s scanner) error {
			var e entry
			if err := s.Scan(&e.kind, &e.seq, &e.body); err != nil {
				return err
			}
			es = append(es, e)
			return nil
		}); err != nil {
			return err
		}
		for _, e := range es {
			v, err := c.Encrypt(e.body, feedPlace(e.kind, e.seq))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE relay_feed SET body = ? WHERE kind = ? AND seq = ?`, v, e.kind, e.seq); err != nil {
				return err
			}
		}
		feed = len(es)
		type item struct {
			seq      int64
			id, hash string
			revision int
			body     string
		}
		var its []item
		if err := queryEach(ctx, tx, `SELECT seq, interview_id, revision, hash, body FROM relay_items
			WHERE body IS NOT NULL AND length(body) > 0 AND substr(body, 1, 5) != 'enc1:'`, func(s scanner) error {
			var it item
			if err := s.Scan(&it.seq, &it.id, &it.revision, &it.hash, &it.body); err != nil {
				return err
			}
			its = append(its, it)
			return nil
		}); err != nil {
			return err
		}
		for _, it := range its {
			v, err := c.Encrypt(it.body, itemPlace(it.id, it.revision, it.hash))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE relay_items SET body = ? WHERE seq = ?`, v, it.seq); err != nil {
				return err
			}
		}
		items = len(its)
		n, err := encryptLedgersInPlace(ctx, c, tx)
		items += n
		return err
	})
	if err != nil || rows+feed+items == 0 {
		return rows, feed, items, err
	}
	db.scrubWAL(ctx)
	if _, err := db.db.ExecContext(ctx, `VACUUM`); err != nil {
		return rows, feed, items, err
	}
	db.scrubWAL(ctx)
	return rows, feed, items, nil
}

// encryptLedgersInPlace encrypts, inside tx, the attempts and roster updates (and their
// conflicting contents) a relay's ledgers hold in clear, and returns how many entries.
func encryptLedgersInPlace(ctx context.Context, c survey.FieldCipher, tx *sql.Tx) (int, error) {
	clear := func(col string) string { return "(" + col + " != '' AND substr(" + col + ", 1, 5) != 'enc1:')" }
	n := 0
	var as []*survey.Attempt
	if err := queryEach(ctx, tx, `SELECT id, channel, note FROM server_attempts WHERE `+clear("channel")+` OR `+clear("note"), func(s scanner) error {
		var a survey.Attempt
		as = append(as, &a)
		return s.Scan(&a.ID, &a.Channel, &a.Note)
	}); err != nil {
		return 0, err
	}
	for _, a := range as {
		// Decrypt passes clear values through, so a row half encrypted comes out whole.
		if err := cryptLedgerAttempt(c, a, true); err != nil {
			return 0, err
		}
		if err := cryptLedgerAttempt(c, a, false); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE server_attempts SET channel = ?, note = ? WHERE id = ?`, a.Channel, a.Note, a.ID); err != nil {
			return 0, err
		}
	}
	n += len(as)
	var us []*survey.RosterUpdate
	if err := queryEach(ctx, tx, `SELECT id, value, old, note, replaced FROM server_roster_updates
		WHERE `+clear("value")+` OR `+clear("old")+` OR `+clear("note")+` OR `+clear("replaced"), func(s scanner) error {
		var u survey.RosterUpdate
		us = append(us, &u)
		return s.Scan(&u.ID, &u.Value, &u.Old, &u.Note, &u.Replaced)
	}); err != nil {
		return 0, err
	}
	for _, u := range us {
		if err := cryptLedgerUpdate(c, u, true); err != nil {
			return 0, err
		}
		if err := cryptLedgerUpdate(c, u, false); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE server_roster_updates SET value = ?, old = ?, note = ?, replaced = ? WHERE id = ?`,
			u.Value, u.Old, u.Note, u.Replaced, u.ID); err != nil {
			return 0, err
		}
	}
	n += len(us)
	for _, t := range []struct{ table, id string }{{"attempt_conflicts", "attempt_id"}, {"roster_update_conflicts", "update_id"}} {
		type conflict struct {
			rowid    int64
			id, body string
		}
		var cs []conflict
		if err := queryEach(ctx, tx, `SELECT rowid, `+t.id+`, body FROM `+t.table+` WHERE `+clear("body"), func(s scanner) error {
			var x conflict
			if err := s.Scan(&x.rowid, &x.id, &x.body); err != nil {
				return err
			}
			cs = append(cs, x)
			return nil
		}); err != nil {
			return 0, err
		}
		for _, x := range cs {
			v, err := c.Encrypt(x.body, t.table+"/"+x.id)
			if err != nil {
				return 0, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+t.table+` SET body = ? WHERE rowid = ?`, v, x.rowid); err != nil {
				return 0, err
			}
		}
		n += len(cs)
	}
	return n, nil
}

// scanner is a row being read.
type scanner interface{ Scan(dest ...any) error }

// queryEach runs q in tx and calls fn on each row.
func queryEach(ctx context.Context, tx *sql.Tx, q string, fn func(scanner) error, args ...any) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// cryptLedgerAttempt encrypts (or, decrypt, opens) in place the personal values of an
// attempt a relay's ledger keeps: the number or channel used and the note, each bound to
// its attempt. Nothing happens without a cipher (the centre's ledger keeps them in clear).
func cryptLedgerAttempt(c survey.FieldCipher, a *survey.Attempt, decrypt bool) error {
	return cryptFields(c, decrypt, "server_attempts/%s/"+a.ID, map[string]*string{"channel": &a.Channel, "note": &a.Note})
}

// cryptLedgerUpdate is cryptLedgerAttempt for a roster update: its new and old values, its
// note and the value it replaced (the regency's too: one rule for every field).
func cryptLedgerUpdate(c survey.FieldCipher, u *survey.RosterUpdate, decrypt bool) error {
	return cryptFields(c, decrypt, "server_roster_updates/%s/"+u.ID,
		map[string]*string{"value": &u.Value, "old": &u.Old, "note": &u.Note, "replaced": &u.Replaced})
}

// cryptFields encrypts or opens each non-empty value under c, bound to the place the
// pattern names with the value's name; values in clear open as they are.
func cryptFields(c survey.FieldCipher, decrypt bool, pattern string, fields map[string]*string) error {
	if c == nil {
		return nil
	}
	for name, p := range fields {
		if *p == "" {
			continue
		}
		var err error
		if decrypt {
			*p, err = c.Decrypt(*p, fmt.Sprintf(pattern, name))
		} else {
			*p, err = c.Encrypt(*p, fmt.Sprintf(pattern, name))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sealConflict encodes v, another content pushed under a kept id, for its conflicts table:
// JSON, encrypted under c (bound to place) on a relay.
func sealConflict(c survey.FieldCipher, v any, place string) (string, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if c == nil {
		return string(body), nil
	}
	return c.Encrypt(string(body), place)
}
