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

// NewRosterStore returns the roster store of db.
func NewRosterStore(db *DB) *RosterStore { return &RosterStore{db: db} }

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

func scanRespondents(rows *sql.Rows) ([]*survey.Respondent, error) {
	defer rows.Close()
	var out []*survey.Respondent
	for rows.Next() {
		var r survey.Respondent
		var extra, updated string
		if err := rows.Scan(&r.RosterID, &r.NIK, &r.Name, &r.Sex, &r.BirthDate, &r.Phone, &r.PhoneRaw, &r.Education,
			&r.Institution, &r.Kejuruan, &r.ProgramName, &r.BatchID, &r.TrainingStart, &r.TrainingEnd, &r.BudgetYear,
			&r.Funding, &r.Completion, &r.Regency, &extra, &updated); err != nil {
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
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res = survey.UpsertResult{}
		for _, r := range rows {
			vals, err := respondentValues(r)
			if err != nil {
				return err
			}
			q, err := tx.QueryContext(ctx, `SELECT `+respondentColumns+` FROM respondents WHERE roster_id = ?`, r.RosterID)
			if err != nil {
				return err
			}
			found, err := scanRespondents(q)
			if err != nil {
				return err
			}
			if len(found) == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO respondents (`+respondentColumns+`)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(vals, at)...); err != nil {
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
				updated_at = ? WHERE roster_id = ?`, append(append(vals[1:], at), r.RosterID)...); err != nil {
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

// Get returns one respondent by roster id. See survey.RosterStore.
func (s *RosterStore) Get(ctx context.Context, rosterID string) (*survey.Respondent, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+respondentColumns+` FROM respondents WHERE roster_id = ?`, rosterID)
	if err != nil {
		return nil, err
	}
	rs, err := scanRespondents(rows)
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
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+respondentColumns+` FROM respondents WHERE nik = ? ORDER BY roster_id`, nik)
	if err != nil {
		return nil, err
	}
	return scanRespondents(rows)
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
		rs, err = scanRespondents(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.index, s.version = roster.NewIndex(rs), version
	return s.index, nil
}
