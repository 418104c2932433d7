package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"tracer/survey"
)

// Ensure InterviewStore implements survey.InterviewStore.
var _ survey.InterviewStore = (*InterviewStore)(nil)

// InterviewStore is the SQLite implementation of survey.InterviewStore.
type InterviewStore struct {
	db *DB
}

// NewInterviewStore returns the interview store of db.
func NewInterviewStore(db *DB) *InterviewStore { return &InterviewStore{db: db} }

const interviewColumns = `id, form_id, form_version, form_hash, respondent_id, enumerator, state, revision,
	position, lang, started_at, updated_at, server_seq, received_at, return_comment`

// Create stores a new draft. See survey.InterviewStore.
func (s *InterviewStore) Create(ctx context.Context, iv *survey.Interview) error {
	if err := iv.Validate(); err != nil {
		return err
	}
	now := s.db.now()
	if iv.ID == "" {
		iv.ID = survey.NewID()
	}
	iv.State, iv.Revision = survey.StateDraft, 1
	if iv.StartedAt.IsZero() {
		iv.StartedAt = now
	}
	if iv.UpdatedAt.IsZero() {
		iv.UpdatedAt = now
	}
	iv.StartedAt, iv.UpdatedAt = iv.StartedAt.UTC(), iv.UpdatedAt.UTC()
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO interviews (`+interviewColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			iv.ID, iv.FormID, iv.FormVersion, iv.FormHash, iv.RespondentID, iv.Enumerator, string(iv.State), iv.Revision,
			iv.Position, iv.Lang, formatTime(iv.StartedAt), formatTime(iv.UpdatedAt), iv.ServerSeq, formatTime(iv.ReceivedAt), iv.ReturnComment)
		return err
	})
	if survey.ErrorCode(err) == survey.ECONFLICT {
		return survey.Errorf(survey.ECONFLICT, "Interview %s already exists.", iv.ID)
	}
	return err
}

// Get returns one interview. See survey.InterviewStore.
func (s *InterviewStore) Get(ctx context.Context, id string) (*survey.Interview, error) {
	return getInterview(ctx, s.db.db, id)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func getInterview(ctx context.Context, q querier, id string) (*survey.Interview, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+interviewColumns+` FROM interviews WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	ivs, err := scanInterviews(rows)
	if err != nil {
		return nil, err
	}
	if len(ivs) == 0 {
		return nil, survey.Errorf(survey.ENOTFOUND, "Interview %s not found.", id)
	}
	return ivs[0], nil
}

func scanInterviews(rows *sql.Rows) ([]*survey.Interview, error) {
	defer rows.Close()
	var out []*survey.Interview
	for rows.Next() {
		var iv survey.Interview
		var state, started, updated, received string
		if err := rows.Scan(&iv.ID, &iv.FormID, &iv.FormVersion, &iv.FormHash, &iv.RespondentID, &iv.Enumerator,
			&state, &iv.Revision, &iv.Position, &iv.Lang, &started, &updated, &iv.ServerSeq, &received, &iv.ReturnComment); err != nil {
			return nil, err
		}
		iv.State = survey.State(state)
		var err error
		if iv.StartedAt, err = parseTime(started); err != nil {
			return nil, err
		}
		if iv.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		if iv.ReceivedAt, err = parseTime(received); err != nil {
			return nil, err
		}
		out = append(out, &iv)
	}
	return out, rows.Err()
}

// List returns the interviews that match filter. See survey.InterviewStore.
func (s *InterviewStore) List(ctx context.Context, f survey.InterviewFilter) ([]*survey.Interview, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	if f.RespondentID != "" {
		where, args = append(where, "respondent_id = ?"), append(args, f.RespondentID)
	}
	if f.Enumerator != "" {
		where, args = append(where, "enumerator = ?"), append(args, f.Enumerator)
	}
	q := `SELECT ` + interviewColumns + ` FROM interviews`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY updated_at DESC, id`
	if f.Limit > 0 || f.Offset > 0 {
		limit := f.Limit
		if limit <= 0 {
			limit = -1
		}
		q += ` LIMIT ? OFFSET ?`
		args = append(args, limit, f.Offset)
	}
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return scanInterviews(rows)
}

// Counts returns how many interviews are in each state. See survey.InterviewStore.
func (s *InterviewStore) Counts(ctx context.Context) (map[survey.State]int, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM interviews GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := make(map[survey.State]int)
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		m[survey.State(st)] = n
	}
	return m, rows.Err()
}

// draft loads the interview for an edit inside tx and requires it to be a draft.
func draft(ctx context.Context, tx *sql.Tx, id string) (*survey.Interview, error) {
	iv, err := getInterview(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if iv.State != survey.StateDraft {
		return nil, survey.Errorf(survey.ECONFLICT, "Interview %s is %s, not a draft; it cannot be edited.", id, iv.State)
	}
	return iv, nil
}

// touch sets the interview's updated_at.
func (s *InterviewStore) touch(ctx context.Context, tx *sql.Tx, id, at string) error {
	_, err := tx.ExecContext(ctx, `UPDATE interviews SET updated_at = ? WHERE id = ?`, at, id)
	return err
}

// SaveAnswer writes one answer with its events in one transaction. See survey.InterviewStore.
func (s *InterviewStore) SaveAnswer(ctx context.Context, id, path, value string, events ...survey.Event) error {
	return s.save(ctx, id, []survey.Answer{{Path: path, Value: value}}, events)
}

// SaveAnswers writes several answers in one transaction. See survey.InterviewStore.
func (s *InterviewStore) SaveAnswers(ctx context.Context, id string, answers []survey.Answer) error {
	return s.save(ctx, id, answers, nil)
}

func (s *InterviewStore) save(ctx context.Context, id string, answers []survey.Answer, events []survey.Event) error {
	for _, a := range answers {
		if a.Path == "" {
			return survey.Errorf(survey.EINVALID, "An answer needs a path.")
		}
	}
	now := s.db.now()
	at := formatTime(now)
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := draft(ctx, tx, id); err != nil {
			return err
		}
		for _, a := range answers {
			changed, err := writeAnswer(ctx, tx, id, a, at)
			if err != nil {
				return err
			}
			if changed != nil {
				changed.At = now
				if err := appendEvents(ctx, tx, id, now, []survey.Event{*changed}); err != nil {
					return err
				}
			}
		}
		if err := appendEvents(ctx, tx, id, now, events); err != nil {
			return err
		}
		return s.touch(ctx, tx, id, at)
	})
}

// writeAnswer upserts one answer and returns the change event, nil when the value was
// already stored.
func writeAnswer(ctx context.Context, tx *sql.Tx, id string, a survey.Answer, at string) (*survey.Event, error) {
	var old string
	err := tx.QueryRowContext(ctx, `SELECT value FROM answers WHERE interview_id = ? AND path = ?`, id, a.Path).Scan(&old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		old = ""
		if _, err := tx.ExecContext(ctx, `INSERT INTO answers (interview_id, path, value, updated_at) VALUES (?, ?, ?, ?)`,
			id, a.Path, a.Value, at); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case old == a.Value:
		return nil, nil
	default:
		if _, err := tx.ExecContext(ctx, `UPDATE answers SET value = ?, updated_at = ? WHERE interview_id = ? AND path = ?`,
			a.Value, at, id, a.Path); err != nil {
			return nil, err
		}
	}
	return &survey.Event{InterviewID: id, Kind: survey.EventChange, Path: a.Path, Old: old, New: a.Value}, nil
}

// underPrefix is the SQL condition for "path is prefix or below it"; it takes the prefix
// and its length twice and uses only portable functions (no LIKE, whose wildcards a path
// might contain).
const underPrefix = `(path = ? OR substr(path, 1, ?) = ? OR substr(path, 1, ?) = ?)`

func prefixArgs(prefix string) []any {
	return []any{prefix, len(prefix) + 1, prefix + "/", len(prefix) + 1, prefix + "["}
}

// DeleteAnswers removes the answers at and under prefix. See survey.InterviewStore.
func (s *InterviewStore) DeleteAnswers(ctx context.Context, id, prefix string, events ...survey.Event) (int, error) {
	var n int
	err := s.replace(ctx, id, prefix, nil, events, &n)
	return n, err
}

// ReplaceAnswers removes the answers under prefix and writes answers in one transaction.
// See survey.InterviewStore.
func (s *InterviewStore) ReplaceAnswers(ctx context.Context, id, prefix string, answers []survey.Answer, events ...survey.Event) error {
	return s.replace(ctx, id, prefix, answers, events, nil)
}

func (s *InterviewStore) replace(ctx context.Context, id, prefix string, answers []survey.Answer, events []survey.Event, removed *int) error {
	if prefix == "" && removed != nil {
		return survey.Errorf(survey.EINVALID, "Removing answers needs a path prefix.")
	}
	where, args := `interview_id = ? AND `+underPrefix, append([]any{id}, prefixArgs(prefix)...)
	if prefix == "" {
		// Replacing everything: the answers frozen at finalization.
		where, args = `interview_id = ?`, []any{id}
	}
	for _, a := range answers {
		if a.Path == "" {
			return survey.Errorf(survey.EINVALID, "An answer needs a path.")
		}
	}
	now := s.db.now()
	at := formatTime(now)
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := draft(ctx, tx, id); err != nil {
			return err
		}
		old, err := answersWhere(ctx, tx, where, args...)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM answers WHERE `+where, args...); err != nil {
			return err
		}
		oldValue := make(map[string]string, len(old))
		for _, a := range old {
			oldValue[a.Path] = a.Value
		}
		var evs []survey.Event
		for _, a := range answers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO answers (interview_id, path, value, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (interview_id, path) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
				id, a.Path, a.Value, at); err != nil {
				return err
			}
			before, had := oldValue[a.Path]
			if had {
				delete(oldValue, a.Path)
				if before == a.Value {
					continue
				}
			}
			evs = append(evs, survey.Event{Kind: survey.EventChange, Path: a.Path, Old: before, New: a.Value})
		}
		for _, a := range old {
			if v, ok := oldValue[a.Path]; ok {
				evs = append(evs, survey.Event{Kind: survey.EventRemove, Path: a.Path, Old: v})
			}
		}
		if removed != nil {
			*removed = len(old)
		}
		if err := appendEvents(ctx, tx, id, now, append(evs, events...)); err != nil {
			return err
		}
		return s.touch(ctx, tx, id, at)
	})
}

// Answers returns every answer of an interview, sorted by path. See survey.InterviewStore.
func (s *InterviewStore) Answers(ctx context.Context, id string) ([]survey.Answer, error) {
	var out []survey.Answer
	err := s.db.inReadTx(ctx, func(tx *sql.Tx) error {
		if _, err := getInterview(ctx, tx, id); err != nil {
			return err
		}
		var err error
		out, err = answersWhere(ctx, tx, `interview_id = ?`, id)
		return err
	})
	return out, err
}

func answersWhere(ctx context.Context, q querier, where string, args ...any) ([]survey.Answer, error) {
	rows, err := q.QueryContext(ctx, `SELECT path, value FROM answers WHERE `+where+` ORDER BY path`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.Answer
	for rows.Next() {
		var a survey.Answer
		if err := rows.Scan(&a.Path, &a.Value); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetPosition records the current question of a draft. See survey.InterviewStore.
func (s *InterviewStore) SetPosition(ctx context.Context, id, position string, events ...survey.Event) error {
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := draft(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET position = ?, updated_at = ? WHERE id = ?`,
			position, formatTime(now), id); err != nil {
			return err
		}
		return appendEvents(ctx, tx, id, now, events)
	})
}

// SetLang records the interview's language. See survey.InterviewStore.
func (s *InterviewStore) SetLang(ctx context.Context, id, lang string) error {
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := draft(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.Lang == lang {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET lang = ?, updated_at = ? WHERE id = ?`,
			lang, formatTime(now), id); err != nil {
			return err
		}
		return appendEvents(ctx, tx, id, now, []survey.Event{{Kind: survey.EventLang, Old: iv.Lang, New: lang}})
	})
}

// Finalize freezes the draft's revision into the outbox. See survey.InterviewStore.
func (s *InterviewStore) Finalize(ctx context.Context, id string) (*survey.OutboxItem, error) {
	now := s.db.now()
	var item *survey.OutboxItem
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := draft(ctx, tx, id)
		if err != nil {
			return err
		}
		answers, err := answersWhere(ctx, tx, `interview_id = ?`, id)
		if err != nil {
			return err
		}
		body, err := survey.NewRecord(iv, answers, now).Canonical()
		if err != nil {
			return err
		}
		item = &survey.OutboxItem{InterviewID: id, Revision: iv.Revision, Hash: survey.HashBytes(body), Body: body, CreatedAt: now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (interview_id, revision, hash, body, created_at) VALUES (?, ?, ?, ?, ?)`,
			id, iv.Revision, item.Hash, body, formatTime(now)); err != nil {
			if survey.ErrorCode(translate(err)) == survey.ECONFLICT {
				return survey.Errorf(survey.ECONFLICT, "Revision %d of interview %s is already finalized.", iv.Revision, id)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET state = ?, updated_at = ? WHERE id = ?`,
			string(survey.StateFinalized), formatTime(now), id); err != nil {
			return err
		}
		return appendEvents(ctx, tx, id, now, []survey.Event{{Kind: survey.EventFinalize, New: fmt.Sprint(iv.Revision)}})
	})
	if err != nil {
		return nil, err
	}
	return item, nil
}

// Outbox returns the revisions the server has not confirmed. See survey.InterviewStore.
func (s *InterviewStore) Outbox(ctx context.Context, limit int) ([]*survey.OutboxItem, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT interview_id, revision, hash, body, created_at FROM outbox
		WHERE sent_at IS NULL ORDER BY created_at, interview_id, revision LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.OutboxItem
	for rows.Next() {
		var it survey.OutboxItem
		var created string
		if err := rows.Scan(&it.InterviewID, &it.Revision, &it.Hash, &it.Body, &created); err != nil {
			return nil, err
		}
		if it.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, &it)
	}
	return out, rows.Err()
}

// MarkSent records the server's receipt for a revision. See survey.InterviewStore.
func (s *InterviewStore) MarkSent(ctx context.Context, id string, revision int, hash string) error {
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		return markSent(ctx, tx, id, revision, hash, now)
	})
}

func markSent(ctx context.Context, tx *sql.Tx, id string, revision int, hash string, now time.Time) error {
	var stored string
	err := tx.QueryRowContext(ctx, `SELECT hash FROM outbox WHERE interview_id = ? AND revision = ?`, id, revision).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return survey.Errorf(survey.ENOTFOUND, "Revision %d of interview %s is not in the outbox.", revision, id)
	} else if err != nil {
		return err
	}
	if hash != stored {
		return survey.Errorf(survey.ECONFLICT, "Receipt for revision %d of interview %s has hash %s, the revision has %s.", revision, id, hash, stored)
	}
	at := formatTime(now)
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = ? WHERE interview_id = ? AND revision = ? AND sent_at IS NULL`,
		at, id, revision); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE interviews SET state = ?, updated_at = ? WHERE id = ? AND revision = ? AND state = ?`,
		string(survey.StateSent), at, id, revision, string(survey.StateFinalized))
	return err
}

// Return records that a supervisor returned a revision. See survey.InterviewStore.
func (s *InterviewStore) Return(ctx context.Context, id string, revision int, comment string) error {
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := getInterview(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.Revision != revision || (iv.State != survey.StateFinalized && iv.State != survey.StateSent) {
			return survey.Errorf(survey.ECONFLICT, "Interview %s is at revision %d, %s; revision %d cannot be returned.", id, iv.Revision, iv.State, revision)
		}
		at := formatTime(now)
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = ? WHERE interview_id = ? AND revision = ? AND sent_at IS NULL`,
			at, id, revision); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET state = ?, return_comment = ?, updated_at = ? WHERE id = ?`,
			string(survey.StateReturned), comment, at, id); err != nil {
			return err
		}
		return appendEvents(ctx, tx, id, now, []survey.Event{{Kind: survey.EventReturn, New: comment}})
	})
}

// Reopen starts the next revision of a returned interview as a draft. See survey.InterviewStore.
func (s *InterviewStore) Reopen(ctx context.Context, id, comment string) (*survey.Interview, error) {
	now := s.db.now()
	var out *survey.Interview
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := getInterview(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.State != survey.StateReturned {
			return survey.Errorf(survey.ECONFLICT, "Interview %s is %s; only a returned interview can be reopened.", id, iv.State)
		}
		if comment != "" {
			iv.ReturnComment = comment
		}
		iv.State, iv.Revision, iv.UpdatedAt = survey.StateDraft, iv.Revision+1, now
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET state = ?, revision = ?, return_comment = ?, updated_at = ? WHERE id = ?`,
			string(iv.State), iv.Revision, iv.ReturnComment, formatTime(now), id); err != nil {
			return err
		}
		out = iv
		return appendEvents(ctx, tx, id, now, []survey.Event{{Kind: survey.EventReopen, New: fmt.Sprint(iv.Revision)}})
	})
	return out, err
}

// Delete removes a draft that was never finalized. See survey.InterviewStore.
func (s *InterviewStore) Delete(ctx context.Context, id string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := draft(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.Revision != 1 {
			return survey.Errorf(survey.ECONFLICT, "Interview %s has finalized revisions; it cannot be deleted.", id)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM interviews WHERE id = ?`, id)
		return err
	})
}
