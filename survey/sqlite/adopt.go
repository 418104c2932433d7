package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"tracer/survey"
)

// Adopted counts what an account adopted at a laptop's first enrollment: finalized
// interviews (sent at the next sync), drafts, attempts and roster updates.
type Adopted struct {
	Interviews, Drafts, Attempts, RosterUpdates int
}

// Total is the number of things adopted.
func (a Adopted) Total() int { return a.Interviews + a.Drafts + a.Attempts + a.RosterUpdates }

// Adopt makes account the maker of what this laptop made while it was not enrolled and has
// not sent: interviews (drafts, and finalized revisions not sent nor sealed, whose records
// are written again in its name, hashed anew), contact attempts and roster updates. Made in
// the computer user's name, which no server account is, they would be refused by the
// server, which takes an enumerator's own only. At the first enrollment (all) that is
// everything another name made; at a later one, what the names noted by NoteUnenrolled
// made (a screen left open across the first login), but for account's own name, which is
// forgotten as such. What another account made stays that account's. Revisions already sent, sealed or
// adopted are left as they are.
func (db *DB) Adopt(ctx context.Context, account string, all bool) (Adopted, error) {
	var a Adopted
	now := formatTime(db.now())
	// on is the condition on a maker's column that picks the makers adopted from.
	on := func(col string) string {
		if all {
			return `1`
		}
		return col + ` IN (SELECT name FROM unenrolled_makers)`
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		a = Adopted{}
		rows, err := tx.QueryContext(ctx, `SELECT o.interview_id, o.revision, o.body FROM outbox o JOIN interviews i ON i.id = o.interview_id
			WHERE o.sent_at IS NULL AND NOT o.sealed AND o.adopted_at IS NULL AND i.enumerator != ? AND `+on("i.enumerator"), account)
		if err != nil {
			return err
		}
		type revision struct {
			id   string
			rev  int
			body []byte
		}
		var revs []revision
		for rows.Next() {
			var r revision
			if err := rows.Scan(&r.id, &r.rev, &r.body); err != nil {
				rows.Close()
				return err
			}
			revs = append(revs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range revs {
			rec, err := survey.DecodeRecord(r.body)
			if err != nil {
				return fmt.Errorf("interview %s revision %d: %w", r.id, r.rev, err)
			}
			rec.Enumerator = account
			body, err := rec.Canonical()
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET body = ?, hash = ?, adopted_at = ? WHERE interview_id = ? AND revision = ?`,
				body, survey.HashBytes(body), now, r.id, r.rev); err != nil {
				return fmt.Errorf("interview %s revision %d: %w", r.id, r.rev, err)
			}
		}
		for _, st := range []struct {
			state survey.State
			n     *int
		}{{survey.StateDraft, &a.Drafts}, {survey.StateFinalized, &a.Interviews}} {
			res, err := tx.ExecContext(ctx, `UPDATE interviews SET enumerator = ? WHERE enumerator != ? AND state = ? AND `+on("enumerator")+`
				AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.interview_id = interviews.id AND (o.sent_at IS NOT NULL OR o.sealed))`,
				account, account, string(st.state))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			*st.n = int(n)
		}
		res, err := tx.ExecContext(ctx, `UPDATE attempts SET enumerator = ? WHERE enumerator != ? AND sent_at = '' AND refusal = '' AND `+on("enumerator"), account, account)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		a.Attempts = int(n)
		if res, err = tx.ExecContext(ctx, `UPDATE roster_updates SET proposed_by = ? WHERE proposed_by != ? AND sent_at = '' AND refusal = '' AND `+on("proposed_by"), account, account); err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		a.RosterUpdates = int(n)
		// An account's own name is no name of unenrolled work.
		_, err = tx.ExecContext(ctx, `DELETE FROM unenrolled_makers WHERE name = ?`, account)
		return err
	})
	return a, err
}

// NoteUnenrolled notes that this laptop, not enrolled, makes work under name: the next
// login's account adopts it (Adopt).
func (db *DB) NoteUnenrolled(ctx context.Context, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO unenrolled_makers (name, noted_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, formatTime(db.now()))
		return err
	})
}

// Waiting is what one account made on this laptop and has not sent.
type Waiting struct {
	Account                            string
	Drafts, Unsent, Returned, Attempts int
}

// WaitingOfOthers returns, by account in name order, the drafts, the finalized revisions
// not sent, the interviews returned for correction and the contact attempts not sent that
// accounts other than account made on this laptop: its syncs leave them, as the server
// takes an enumerator's own only, until their maker logs in again.
func (db *DB) WaitingOfOthers(ctx context.Context, account string) ([]Waiting, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT enumerator, state, COUNT(*) FROM interviews
		WHERE enumerator != ? AND state IN (?, ?, ?) GROUP BY enumerator, state
		UNION ALL SELECT enumerator, 'attempt', COUNT(*) FROM attempts WHERE enumerator != ? AND sent_at = '' AND refusal = '' GROUP BY enumerator
		ORDER BY 1`, account, string(survey.StateDraft), string(survey.StateFinalized), string(survey.StateReturned), account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Waiting
	for rows.Next() {
		var who, what string
		var n int
		if err := rows.Scan(&who, &what, &n); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Account != who {
			out = append(out, Waiting{Account: who})
		}
		w := &out[len(out)-1]
		switch what {
		case string(survey.StateDraft):
			w.Drafts = n
		case string(survey.StateFinalized):
			w.Unsent = n
		case string(survey.StateReturned):
			w.Returned = n
		default:
			w.Attempts = n
		}
	}
	return out, rows.Err()
}

// ForgetForbidden forgets the server's refusals, as forbidden (survey.EFORBIDDEN), of the
// contact attempts and roster updates account made and has not sent: refused when another
// account's sync sent them (an enumerator sends only her own), they go again at account's
// next sync. It returns how many.
func (db *DB) ForgetForbidden(ctx context.Context, account string) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		suffix := "%(" + survey.EFORBIDDEN + ")"
		for _, q := range []string{
			`UPDATE attempts SET refusal = '' WHERE enumerator = ? AND sent_at = '' AND refusal LIKE ?`,
			`UPDATE roster_updates SET refusal = '' WHERE proposed_by = ? AND sent_at = '' AND refusal LIKE ?`,
		} {
			res, err := tx.ExecContext(ctx, q, account, suffix)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	return n, err
}
