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
// (stored before it had its data key): the mirrored roster's personal values, returns and
// approvals, and records pushed in clear. It returns how many roster rows, feed entries
// and records it encrypted; running it again finds nothing left in clear. Afterwards the
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
		return nil
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
