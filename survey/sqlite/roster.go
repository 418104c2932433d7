package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"tracer/survey"
	"tracer/survey/roster"
)

// Ensure RosterStore implements survey.RosterStore.
var _ survey.RosterStore = (*RosterStore)(nil)

// RosterStore is the SQLite implementation of survey.RosterStore. Search runs on an
// in-memory index that is rebuilt whenever the roster's version in the database moved,
// by this process or another one.
type RosterStore struct {
	db *DB

	mu      sync.Mutex
	index   *roster.Index
	version int64
}

// NewRosterStore returns the roster store of db. With a cipher on db (DB.Encrypt), the
// personal columns (NIK, name, birth date, phone numbers and the extra columns, where
// addresses go) are stored encrypted; search decrypts the roster into memory once and
// runs there.
func NewRosterStore(db *DB) *RosterStore { return &RosterStore{db: db} }

// personalColumns are the positions in respondentColumns of the columns that identify a
// person, with their names.
var personalColumns = []struct {
	at   int
	name string
}{{1, "nik"}, {2, "name"}, {4, "birth_date"}, {5, "phone"}, {6, "phone_raw"}, {18, "extra"}}

// crypt encrypts (or decrypts) the personal values of vals in place, bound to their row.
func (s *RosterStore) crypt(vals []any, decrypt bool) error {
	if s.db.cipher == nil {
		return nil
	}
	id := vals[0].(string)
	for _, c := range personalColumns {
		p := vals[c.at].(*string)
		var err error
		if decrypt {
			*p, err = s.db.cipher.Decrypt(*p, "respondents/"+c.name+"/"+id)
		} else {
			*p, err = s.db.cipher.Encrypt(*p, "respondents/"+c.name+"/"+id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sealed returns vals (from respondentValues) with the personal values encrypted.
func (s *RosterStore) sealed(vals []any) ([]any, error) {
	if s.db.cipher == nil {
		return vals, nil
	}
	out := slices.Clone(vals)
	ptrs := make([]any, len(out))
	for i := range out {
		v := out[i].(string)
		ptrs[i] = &v
	}
	ptrs[0] = out[0]
	if err := s.crypt(ptrs, false); err != nil {
		return nil, err
	}
	for i := 1; i < len(out); i++ {
		out[i] = *ptrs[i].(*string)
	}
	return out, nil
}

// encryptInPlace encrypts, inside tx, the personal columns of every row stored in clear
// and returns how many rows it encrypted.
func (s *RosterStore) encryptInPlace(ctx context.Context, tx *sql.Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+respondentColumns+` FROM respondents`)
	if err != nil {
		return 0, err
	}
	rs, err := s.scan(rows)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		vals, err := respondentValues(r)
		if err != nil {
			return 0, err
		}
		if vals, err = s.sealed(vals); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE respondents SET nik = ?, name = ?, birth_date = ?, phone = ?, phone_raw = ?,
			extra = ? WHERE roster_id = ?`, vals[1], vals[2], vals[4], vals[5], vals[6], vals[18], r.RosterID); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

const respondentColumns = `roster_id, nik, name, sex, birth_date, phone, phone_raw, education, institution,
	kejuruan, program_name, batch_id, training_start, training_end, budget_year, funding, completion, regency, extra, updated_at`

// respondentValues returns the stored columns of r but updated_at, in respondentColumns order.
func respondentValues(r *survey.Respondent) ([]any, error) {
	extra := "{}"
	if len(r.Extra) > 0 {
		b, err := json.Marshal(r.Extra) // map keys are sorted: equal maps give equal text
		if err != nil {
			return nil, err
		}
		extra = string(b)
	}
	return []any{r.RosterID, r.NIK, r.Name, r.Sex, r.BirthDate, r.Phone, r.PhoneRaw, r.Education, r.Institution,
		r.Kejuruan, r.ProgramName, r.BatchID, r.TrainingStart, r.TrainingEnd, r.BudgetYear, r.Funding, r.Completion,
		r.Regency, extra}, nil
}

// scan reads respondents, decrypting their personal columns.
func (s *RosterStore) scan(rows *sql.Rows) ([]*survey.Respondent, error) {
	defer rows.Close()
	var out []*survey.Respondent
	for rows.Next() {
		var r survey.Respondent
		var extra, updated string
		dest := []any{&r.RosterID, &r.NIK, &r.Name, &r.Sex, &r.BirthDate, &r.Phone, &r.PhoneRaw, &r.Education,
			&r.Institution, &r.Kejuruan, &r.ProgramName, &r.BatchID, &r.TrainingStart, &r.TrainingEnd, &r.BudgetYear,
			&r.Funding, &r.Completion, &r.Regency, &extra, &updated}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		dest[0] = r.RosterID
		if err := s.crypt(dest, true); err != nil {
			return nil, err
		}
		if extra != "" && extra != "{}" {
			if err := json.Unmarshal([]byte(extra), &r.Extra); err != nil {
				return nil, err
			}
		}
		var err error
		if r.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// Upsert inserts new rows and updates changed ones. See survey.RosterStore.
func (s *RosterStore) Upsert(ctx context.Context, rows []*survey.Respondent) (survey.UpsertResult, error) {
	var res survey.UpsertResult
	for _, r := range rows {
		if r.RosterID == "" || r.Name == "" {
			return res, survey.Errorf(survey.EINVALID, "A roster row needs a roster id and a name.")
		}
	}
	at := formatTime(s.db.now())
	err := s.db.inTx(ctx, func(sqlTx *sql.Tx) error {
		tx := newBatchTx(sqlTx) // the same three statements for every row
		defer tx.close()
		res = survey.UpsertResult{}
		for _, r := range rows {
			q, err := tx.QueryContext(ctx, `SELECT `+respondentColumns+` FROM respondents WHERE roster_id = ?`, r.RosterID)
			if err != nil {
				return err
			}
			found, err := s.scan(q)
			if err != nil {
				return err
			}
			vals, err := respondentValues(r)
			if err != nil {
				return err
			}
			stored, err := s.sealed(vals)
			if err != nil {
				return err
			}
			if len(found) == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO respondents (`+respondentColumns+`)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(stored, at)...); err != nil {
					return err
				}
				res.Inserted++
				continue
			}
			old, err := respondentValues(found[0])
			if err != nil {
				return err
			}
			if slices.Equal(old, vals) {
				res.Unchanged++
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE respondents SET nik = ?, name = ?, sex = ?, birth_date = ?, phone = ?,
				phone_raw = ?, education = ?, institution = ?, kejuruan = ?, program_name = ?, batch_id = ?,
				training_start = ?, training_end = ?, budget_year = ?, funding = ?, completion = ?, regency = ?, extra = ?,
				updated_at = ? WHERE roster_id = ?`, append(append(stored[1:], at), r.RosterID)...); err != nil {
				return err
			}
			res.Updated++
		}
		if res.Inserted+res.Updated == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE roster_version SET version = version + 1 WHERE id = 1`)
		return err
	})
	if err != nil {
		return survey.UpsertResult{}, err
	}
	return res, nil
}

// Remove deletes the rows with the given roster ids. See survey.RosterRemover.
func (s *RosterStore) Remove(ctx context.Context, rosterIDs []string) (int, error) {
	removed := 0
	err := s.db.inTx(ctx, func(sqlTx *sql.Tx) error {
		tx := newBatchTx(sqlTx)
		defer tx.close()
		removed = 0
		for _, id := range rosterIDs {
			res, err := tx.ExecContext(ctx, `DELETE FROM respondents WHERE roster_id = ?`, id)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			removed += int(n)
		}
		if removed == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE roster_version SET version = version + 1 WHERE id = 1`)
		return err
	})
	if err != nil {
		return 0, err
	}
	return removed, nil
}

// Get returns one respondent by roster id. See survey.RosterStore.
func (s *RosterStore) Get(ctx context.Context, rosterID string) (*survey.Respondent, error) {
	rows, err := s.db.query(ctx, `SELECT `+respondentColumns+` FROM respondents WHERE roster_id = ?`, rosterID)
	if err != nil {
		return nil, err
	}
	rs, err := s.scan(rows)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, survey.Errorf(survey.ENOTFOUND, "Respondent %s not found.", rosterID)
	}
	return rs[0], nil
}

// ByNIK returns the respondents with a NIK. See survey.RosterStore.
func (s *RosterStore) ByNIK(ctx context.Context, nik string) ([]*survey.Respondent, error) {
	if nik == "" {
		return nil, nil
	}
	if s.db.cipher != nil {
		// The NIK is stored encrypted: look in the decrypted roster in memory.
		idx, err := s.currentIndex(ctx)
		if err != nil {
			return nil, err
		}
		return idx.ByNIK(nik), nil
	}
	rows, err := s.db.query(ctx, `SELECT `+respondentColumns+` FROM respondents WHERE nik = ? ORDER BY roster_id`, nik)
	if err != nil {
		return nil, err
	}
	return s.scan(rows)
}

// Count returns the number of respondents. See survey.RosterStore.
func (s *RosterStore) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM respondents`).Scan(&n)
	return n, err
}

// Search returns the best matches for query. See survey.RosterStore.
func (s *RosterStore) Search(ctx context.Context, query string, limit int) ([]survey.Match, error) {
	if strings.TrimSpace(query) == "" || limit <= 0 {
		return nil, nil
	}
	idx, err := s.currentIndex(ctx)
	if err != nil {
		return nil, err
	}
	ms := idx.Search(query, limit)
	if len(ms) == 0 {
		return ms, nil
	}
	ids := make([]any, len(ms))
	for i, m := range ms {
		ids[i] = m.Respondent.RosterID
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT respondent_id, state FROM interviews WHERE respondent_id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	progress := make(map[string]survey.Progress)
	for rows.Next() {
		var id, state string
		if err := rows.Scan(&id, &state); err != nil {
			return nil, err
		}
		if p := survey.ProgressOf(survey.State(state)); progressOrder(p) > progressOrder(progress[id]) {
			progress[id] = p
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range ms {
		ms[i].Progress = survey.ProgressNone
		if p, ok := progress[ms[i].Respondent.RosterID]; ok {
			ms[i].Progress = p
		}
	}
	return ms, nil
}

func progressOrder(p survey.Progress) int {
	switch p {
	case survey.ProgressDraft:
		return 1
	case survey.ProgressDone:
		return 2
	}
	return 0
}

// currentIndex returns the search index, rebuilding it when the roster changed since it
// was built.
func (s *RosterStore) currentIndex(ctx context.Context) (*roster.Index, error) {
	var version int64
	if err := s.db.db.QueryRowContext(ctx, `SELECT version FROM roster_version WHERE id = 1`).Scan(&version); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index != nil && s.version == version {
		return s.index, nil
	}
	var rs []*survey.Respondent
	err := s.db.inReadTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT version FROM roster_version WHERE id = 1`).Scan(&version); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+respondentColumns+` FROM respondents`)
		if err != nil {
			return err
		}
		rs, err = s.scan(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.index, s.version = roster.NewIndex(rs), version
	return s.index, nil
}
