package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"tracer/survey"
)

// Ensure the server stores implement their interfaces.
var (
	_ survey.FormStore         = (*FormStore)(nil)
	_ survey.ServerRosterStore = (*ServerRosterStore)(nil)
	_ survey.ReturnStore       = (*ReturnStore)(nil)
)

// FormStore is the PostgreSQL implementation of survey.FormStore.
type FormStore struct {
	db *DB
}

// NewFormStore returns the published-form store of db.
func NewFormStore(db *DB) *FormStore { return &FormStore{db: db} }

// Publish stores a form version once. See survey.FormStore.
func (s *FormStore) Publish(ctx context.Context, f *survey.PublishedForm) (bool, error) {
	if f.ID == "" || f.Version == "" || len(f.Source) == 0 || f.Name == "" {
		return false, survey.Errorf(survey.EINVALID, "A published form needs an id, a version, a file name and its bytes.")
	}
	f.Hash = survey.HashBytes(f.Source)
	if f.PublishedAt.IsZero() {
		f.PublishedAt = s.db.now()
	}
	var added bool
	err := s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		// Servers publishing the same version at once: one insert wins, the others
		// compare with what it stored.
		res, err := tx.ExecContext(ctx, `INSERT INTO published_forms (form_id, version, hash, name, title, source, published_at, published_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (form_id, version) DO NOTHING`,
			f.ID, f.Version, f.Hash, f.Name, f.Title, f.Source, formatTime(f.PublishedAt), f.PublishedBy)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			added = true
			_, err := tx.ExecContext(ctx, `DELETE FROM retired_forms WHERE form_id = $1`, f.ID)
			return err
		}
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT hash FROM published_forms WHERE form_id = $1 AND version = $2`, f.ID, f.Version).Scan(&hash); err != nil {
			return err
		}
		if hash != f.Hash {
			return survey.Errorf(survey.ECONFLICT, "Form %s version %s is already published with other content: change the version in the settings sheet to publish a changed form.", f.ID, f.Version)
		}
		return nil
	})
	return added, err
}

const formColumns = `form_id, version, hash, name, title, published_at, published_by`

func scanForm(sc scanner, extra ...any) (*survey.PublishedForm, error) {
	var f survey.PublishedForm
	var at string
	if err := sc.Scan(append([]any{&f.ID, &f.Version, &f.Hash, &f.Name, &f.Title, &at, &f.PublishedBy}, extra...)...); err != nil {
		return nil, err
	}
	var err error
	f.PublishedAt, err = parseTime(at)
	return &f, err
}

// Forms returns every published version without its source. See survey.FormStore.
func (s *FormStore) Forms(ctx context.Context) ([]*survey.PublishedForm, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+formColumns+`,
		EXISTS (SELECT 1 FROM retired_forms r WHERE r.form_id = published_forms.form_id),
		COALESCE((SELECT n.interviews FROM form_interviews n WHERE n.form_id = published_forms.form_id AND n.version = published_forms.version), 0)
		FROM published_forms ORDER BY form_id COLLATE "C", published_at, version COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.PublishedForm
	for rows.Next() {
		var retired bool
		var n int
		f, err := scanForm(rows, &retired, &n)
		if err != nil {
			return nil, err
		}
		f.Retired, f.Interviews = retired, n
		out = append(out, f)
	}
	return out, rows.Err()
}

// Retire marks every version of form id retired. See survey.FormStore.
func (s *FormStore) Retire(ctx context.Context, id, by string) error {
	return s.db.inTx(ctx, nil, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM published_forms WHERE form_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return survey.Errorf(survey.ENOTFOUND, "Form %s is not published.", id)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO retired_forms (form_id, retired_at, retired_by) VALUES ($1, $2, $3)
			ON CONFLICT (form_id) DO NOTHING`, id, formatTime(s.db.now()), by)
		return err
	})
}

// Form returns one version with its source. See survey.FormStore.
func (s *FormStore) Form(ctx context.Context, id, version string) (*survey.PublishedForm, error) {
	var src []byte
	f, err := scanForm(s.db.db.QueryRowContext(ctx, `SELECT `+formColumns+`, source FROM published_forms WHERE form_id = $1 AND version = $2`,
		id, version), &src)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.Errorf(survey.ENOTFOUND, "Form %s version %s is not published.", id, version)
	} else if err != nil {
		return nil, err
	}
	f.Source = src
	return f, nil
}

// ServerRosterStore is the PostgreSQL implementation of survey.ServerRosterStore. Rows are kept
// as JSON with the sequence number of their last change.
type ServerRosterStore struct {
	db *DB
}

// NewServerRosterStore returns the server roster store of db.
func NewServerRosterStore(db *DB) *ServerRosterStore { return &ServerRosterStore{db: db} }

// Upload inserts new rows and updates changed ones. See survey.ServerRosterStore.
func (s *ServerRosterStore) Upload(ctx context.Context, rows []*survey.Respondent) (survey.UpsertResult, error) {
	bodies := make([][]byte, len(rows))
	for i, r := range rows {
		if r.RosterID == "" || r.Name == "" {
			return survey.UpsertResult{}, survey.Errorf(survey.EINVALID, "Roster row %d needs a roster id and a name.", i+1)
		}
		c := *r
		c.UpdatedAt = time.Time{} // the server stamps its own; equal rows give equal bodies
		var err error
		if bodies[i], err = json.Marshal(c); err != nil {
			return survey.UpsertResult{}, err
		}
	}
	var res survey.UpsertResult
	at := formatTime(s.db.now())
	err := s.db.inTx(ctx, []string{counterRoster}, func(tx *sql.Tx) error {
		res = survey.UpsertResult{}
		var changed []int
		for i, r := range rows {
			var old []byte
			err := tx.QueryRowContext(ctx, `SELECT body FROM server_roster WHERE roster_id = $1`, r.RosterID).Scan(&old)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				res.Inserted++
				changed = append(changed, i)
				continue
			case err != nil:
				return err
			}
			// A value the row lacks is kept, not erased (survey.Respondent.KeepFrom).
			var prev survey.Respondent
			if err := json.Unmarshal(old, &prev); err != nil {
				return fmt.Errorf("roster row %s: %w", r.RosterID, err)
			}
			// A correction accepted from the field stays when the file still holds the value
			// it replaced (survey.Respondent.KeepAccepted).
			accepted, err := acceptedUpdates(ctx, tx, r.RosterID)
			if err != nil {
				return err
			}
			c := *r.KeepFrom(&prev).KeepAccepted(&prev, accepted)
			c.UpdatedAt = time.Time{}
			if bodies[i], err = json.Marshal(c); err != nil {
				return err
			}
			if bytes.Equal(old, bodies[i]) {
				res.Unchanged++
				continue
			}
			res.Updated++
			changed = append(changed, i)
		}
		if len(changed) == 0 {
			return nil
		}
		first, err := nextSeqs(ctx, tx, "roster", len(changed))
		if err != nil {
			return err
		}
		for n, i := range changed {
			if _, err := tx.ExecContext(ctx, `INSERT INTO server_roster (roster_id, seq, body, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (roster_id) DO UPDATE SET seq = excluded.seq, body = excluded.body, updated_at = excluded.updated_at`,
				rows[i].RosterID, first+int64(n), string(bodies[i]), at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return survey.UpsertResult{}, err
	}
	return res, nil
}

// Changes returns the rows changed after a sequence number. See survey.ServerRosterStore.
func (s *ServerRosterStore) Changes(ctx context.Context, after int64, limit int, assignedTo string) ([]survey.RosterRow, error) {
	return s.changes(ctx, after, 0, limit, assignedTo, false)
}

// ChangesAndGone returns Changes with the rows that left assignedTo's roster marked Gone.
// See survey.RosterDepartures.
func (s *ServerRosterStore) ChangesAndGone(ctx context.Context, after int64, limit int, assignedTo string) ([]survey.RosterRow, error) {
	return s.changes(ctx, after, 0, limit, assignedTo, after > 0) // a first pull holds nothing to drop
}

// ChangesPage returns a page of Changes, or with gone of ChangesAndGone, cut by the bytes
// of the rows' stored bodies: their sizes are read first, and then only the bodies of the
// page. See survey.RosterPager.
func (s *ServerRosterStore) ChangesPage(ctx context.Context, after int64, limit, maxBytes int, assignedTo string, gone bool) ([]survey.RosterRow, bool, error) {
	if limit <= 0 {
		limit = 500
	}
	gone = gone && after > 0 // a first pull holds nothing to drop
	q := `SELECT seq, octet_length(body) FROM server_roster r WHERE seq > $2 AND ` + rosterHers + ` ORDER BY seq LIMIT $3`
	if gone {
		q = `SELECT seq, CASE WHEN ` + rosterHers + ` THEN octet_length(body) ELSE 0 END FROM server_roster r WHERE seq > $2 ORDER BY seq LIMIT $3`
	}
	rows, err := s.db.db.QueryContext(ctx, q, assignedTo, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	kept, last, more, err := survey.CutRosterPage(func() (seq int64, size int, ok bool, err error) {
		if !rows.Next() {
			return 0, 0, false, rows.Err()
		}
		err = rows.Scan(&seq, &size)
		return seq, size, err == nil, err
	}, limit, maxBytes)
	if err != nil {
		return nil, false, err
	}
	rows.Close()
	if kept == 0 {
		return []survey.RosterRow{}, false, nil
	}
	// A row changed since has a sequence number past last and comes in a later page.
	page, err := s.changes(ctx, after, last, kept, assignedTo, gone)
	return page, more, err
}

// rosterHers holds a roster row r that is assignedTo's ($1): every row while nothing is
// assigned.
const rosterHers = `($1 = '' OR NOT EXISTS (SELECT 1 FROM assignments)
		OR EXISTS (SELECT 1 FROM assignments a WHERE a.roster_id = r.roster_id AND a.user_name = $1))`

// changes reads the rows changed after after: assignedTo's own (every row while nothing
// is assigned), with gone also the others, whose body the query leaves NULL.
//
// upTo, when not 0, is the last sequence number to read.
func (s *ServerRosterStore) changes(ctx context.Context, after, upTo int64, limit int, assignedTo string, gone bool) ([]survey.RosterRow, error) {
	if limit <= 0 {
		limit = 500
	}
	if upTo == 0 {
		upTo = math.MaxInt64
	}
	q := `SELECT seq, roster_id, body FROM server_roster r WHERE seq > $2 AND seq <= $4 AND ` + rosterHers + ` ORDER BY seq LIMIT $3`
	if gone {
		q = `SELECT seq, roster_id, CASE WHEN ` + rosterHers + ` THEN body END FROM server_roster r WHERE seq > $2 AND seq <= $4 ORDER BY seq LIMIT $3`
	}
	rows, err := s.db.db.QueryContext(ctx, q, assignedTo, after, limit, upTo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.RosterRow
	for rows.Next() {
		var row survey.RosterRow
		var id string
		var body []byte
		if err := rows.Scan(&row.Seq, &id, &body); err != nil {
			return nil, err
		}
		row.Respondent = new(survey.Respondent)
		if body == nil {
			row.Gone, row.Respondent.RosterID = true, id
		} else if err := survey.UnmarshalRespondent(body, row.Respondent); err != nil {
			return nil, fmt.Errorf("roster row %d: %w", row.Seq, err)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// RosterRows yields every roster row in sequence order, in one query. See
// survey.RosterScanner.
func (s *ServerRosterStore) RosterRows(ctx context.Context) iter.Seq2[*survey.Respondent, error] {
	return func(yield func(*survey.Respondent, error) bool) {
		rows, err := s.db.db.QueryContext(ctx, `SELECT seq, body FROM server_roster ORDER BY seq`)
		if err != nil {
			yield(nil, err)
			return
		}
		defer rows.Close()
		var rd survey.RecordReader
		var seq int64
		var body sql.RawBytes
		for rows.Next() {
			if err := rows.Scan(&seq, &body); err != nil {
				yield(nil, err)
				return
			}
			r, err := rd.DecodeRespondent(body)
			if err != nil { // as Changes says it
				yield(nil, fmt.Errorf("roster row %d: %w", seq, errors.Unwrap(err)))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// renumberAtFirstAssignment gives every roster row a new sequence number, in order, when the
// roster has no assignment yet: from the first one on, an enumerator's roster holds only her
// rows, and her laptop's next pull must learn of every row it drops
// (survey.RosterDepartures). The numbers come after every number given before, so none
// meets another row's old one.
func renumberAtFirstAssignment(ctx context.Context, tx *sql.Tx) error {
	var assigned bool
	var rows int64
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM assignments), (SELECT COUNT(*) FROM server_roster)`).Scan(&assigned, &rows); err != nil {
		return err
	}
	if assigned || rows == 0 {
		return nil
	}
	first, err := nextSeqs(ctx, tx, "roster", int(rows))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE server_roster r SET seq = $1 + o.n - 1
		FROM (SELECT roster_id, row_number() OVER (ORDER BY seq) AS n FROM server_roster) AS o
		WHERE r.roster_id = o.roster_id`, first)
	return err
}

// RosterState returns the roster's highest sequence number, its number of rows and of
// assigned rows. See
// survey.RosterStater.
func (s *ServerRosterStore) RosterState(ctx context.Context) (survey.RosterState, error) {
	var st survey.RosterState
	err := s.db.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0), COUNT(*), (SELECT COUNT(*) FROM assignments) FROM server_roster`).Scan(&st.MaxSeq, &st.Rows, &st.Assigned)
	return st, err
}

// RosterRow returns the row with a roster id, nil when none. See survey.RosterRowReader.
func (s *ServerRosterStore) RosterRow(ctx context.Context, id string) (*survey.Respondent, error) {
	var body []byte
	err := s.db.db.QueryRowContext(ctx, `SELECT body FROM server_roster WHERE roster_id = $1`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r := new(survey.Respondent)
	if err := survey.UnmarshalRespondent(body, r); err != nil {
		return nil, fmt.Errorf("roster row %s: %w", id, err)
	}
	return r, nil
}

// Assign gives roster rows to an enumerator. See survey.ServerRosterStore.
func (s *ServerRosterStore) Assign(ctx context.Context, sel survey.AssignSelector, to, by string) (survey.AssignResult, error) {
	n := 0
	for _, set := range []bool{len(sel.RosterIDs) > 0, sel.Batch != "", sel.Kejuruan != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return survey.AssignResult{}, survey.Errorf(survey.EINVALID, "Name the roster rows to assign: roster ids, a batch or a kejuruan (one of them).")
	}
	res := survey.AssignResult{To: to}
	at := formatTime(s.db.now())
	err := s.db.inTx(ctx, []string{counterRoster}, func(tx *sql.Tx) error {
		var role, revoked string
		err := tx.QueryRowContext(ctx, `SELECT role, revoked_at FROM users WHERE name = $1`, to).Scan(&role, &revoked)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (role != string(survey.RoleEnumerator) || revoked != "")) {
			return survey.Errorf(survey.EINVALID, "%q is not an enumerator account.", to)
		} else if err != nil {
			return err
		}
		ids := sel.RosterIDs
		if len(ids) > 0 {
			for _, id := range ids {
				var one int
				err := tx.QueryRowContext(ctx, `SELECT 1 FROM server_roster WHERE roster_id = $1`, id).Scan(&one)
				if errors.Is(err, sql.ErrNoRows) {
					return survey.Errorf(survey.ENOTFOUND, "The roster has no row %q; nothing was assigned.", id)
				} else if err != nil {
					return err
				}
			}
		} else {
			field, value := "batch_id", sel.Batch
			if sel.Kejuruan != "" {
				field, value = "kejuruan", sel.Kejuruan
			}
			rows, err := tx.QueryContext(ctx, `SELECT roster_id FROM server_roster WHERE body::jsonb ->> $1 = $2 ORDER BY seq`, field, value)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if len(ids) == 0 {
				return survey.Errorf(survey.ENOTFOUND, "No roster row has %s %q.", field, value)
			}
		}
		if err := renumberAtFirstAssignment(ctx, tx); err != nil {
			return err
		}
		first, err := nextSeqs(ctx, tx, "roster", len(ids))
		if err != nil {
			return err
		}
		for i, id := range ids {
			var owner string
			err := tx.QueryRowContext(ctx, `SELECT user_name FROM assignments WHERE roster_id = $1`, id).Scan(&owner)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if owner != to {
				// A new owner: the earlier assignment ends, the history keeps both.
				if _, err := tx.ExecContext(ctx, `UPDATE assignment_history SET ended_by = $1, ended_at = $2 WHERE roster_id = $3 AND ended_at = ''`,
					by, at, id); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO assignment_history (roster_id, user_name, assigned_by, assigned_at) VALUES ($1, $2, $3, $4)`,
					id, to, by, at); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO assignments (roster_id, user_name, assigned_by, assigned_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (roster_id) DO UPDATE SET user_name = excluded.user_name, assigned_by = excluded.assigned_by,
				assigned_at = excluded.assigned_at`, id, to, by, at); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE server_roster SET seq = $1 WHERE roster_id = $2`, first+int64(i), id); err != nil {
				return err
			}
		}
		res.Assigned = len(ids)
		return nil
	})
	if err != nil {
		return survey.AssignResult{}, err
	}
	return res, nil
}

// ReturnStore is the PostgreSQL implementation of survey.ReturnStore.
type ReturnStore struct {
	db *DB
}

// NewReturnStore returns the return store of db.
func NewReturnStore(db *DB) *ReturnStore { return &ReturnStore{db: db} }

const returnColumns = `seq, interview_id, revision, comment, returned_by, returned_at, submitted_by, questions`

func scanReturn(sc scanner) (*survey.ReturnNotice, error) {
	var n survey.ReturnNotice
	var at, qs string
	if err := sc.Scan(&n.Seq, &n.InterviewID, &n.Revision, &n.Comment, &n.ReturnedBy, &at, &n.SubmittedBy, &qs); err != nil {
		return nil, err
	}
	if qs != "" {
		if err := json.Unmarshal([]byte(qs), &n.Questions); err != nil {
			return nil, fmt.Errorf("return %d: %w", n.Seq, err)
		}
	}
	var err error
	n.ReturnedAt, err = parseTime(at)
	return &n, err
}

// Return records a supervisor's return of a revision and moves its review to returned.
// See survey.ReturnStore.
func (s *ReturnStore) Return(ctx context.Context, id string, revision int, comment, by string) (*survey.ReturnNotice, error) {
	return returnInterview(ctx, s.db, id, revision, comment, nil, by)
}

// Returned returns notices after a sequence number. See survey.ReturnStore.
func (s *ReturnStore) Returned(ctx context.Context, after int64, submitter string, limit int) ([]*survey.ReturnNotice, error) {
	if limit <= 0 {
		limit = 500
	}
	q, args := returnsQuery(after, submitter, limit)
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.ReturnNotice
	for rows.Next() {
		n, err := scanReturn(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// returnsQuery is the query of ReturnStore.Returned and its arguments.
func returnsQuery(after int64, submitter string, limit int) (string, []any) {
	q, args := andEq(`SELECT `+returnColumns+` FROM returns WHERE seq > $1`, []any{after}, "submitted_by", submitter)
	return limited(q+` ORDER BY seq`, args, limit)
}
