package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"tracer/forms"
	"tracer/survey"
)

// Ensure InterviewStore implements survey.InterviewStore.
var _ survey.InterviewStore = (*InterviewStore)(nil)

// InterviewStore is the SQLite implementation of survey.InterviewStore.
type InterviewStore struct {
	db     *DB
	sealer survey.Sealer
}

// InterviewOption configures an InterviewStore.
type InterviewOption func(*InterviewStore)

// SealedTo makes Finalize seal each finalized revision to the server's public key: the
// outbox holds ciphertext and the interview's answers (and the values in its change
// events) are removed in the same transaction, so the laptop cannot read them back.
func SealedTo(sl survey.Sealer) InterviewOption {
	return func(s *InterviewStore) { s.sealer = sl }
}

// NewInterviewStore returns the interview store of db.
func NewInterviewStore(db *DB, opts ...InterviewOption) *InterviewStore {
	s := &InterviewStore{db: db}
	for _, o := range opts {
		o(s)
	}
	return s
}

const interviewColumns = `id, form_id, form_version, form_hash, respondent_id, enumerator, state, revision,
	position, lang, started_at, updated_at, server_seq, received_at, return_comment`

// Create stores a new draft. See survey.InterviewStore.
func (s *InterviewStore) Create(ctx context.Context, iv *survey.Interview) error {
	if err := s.prepare(iv); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return insertInterview(ctx, tx, iv) })
}

// CreateDraft stores a new draft with answers in one transaction. See survey.InterviewStore.
func (s *InterviewStore) CreateDraft(ctx context.Context, iv *survey.Interview, answers []survey.Answer) error {
	if err := s.prepare(iv); err != nil {
		return err
	}
	if err := checkPaths(answers); err != nil {
		return err
	}
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := insertInterview(ctx, tx, iv); err != nil {
			return err
		}
		return writeAnswers(ctx, s.db.cipher, tx, iv.ID, nil, answers, now)
	})
}

// prepare checks a new interview and fills its id, state, revision and times as Create
// documents.
func (s *InterviewStore) prepare(iv *survey.Interview) error {
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
	return nil
}

// insertInterview inserts a prepared interview inside tx.
func insertInterview(ctx context.Context, tx *sql.Tx, iv *survey.Interview) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO interviews (`+interviewColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		iv.ID, iv.FormID, iv.FormVersion, iv.FormHash, iv.RespondentID, iv.Enumerator, string(iv.State), iv.Revision,
		iv.Position, iv.Lang, formatTime(iv.StartedAt), formatTime(iv.UpdatedAt), iv.ServerSeq, formatTime(iv.ReceivedAt), iv.ReturnComment)
	if err != nil && survey.ErrorCode(translate(err)) == survey.ECONFLICT {
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
	if f.FormID != "" {
		where, args = append(where, "form_id = ?"), append(args, f.FormID)
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

// FormCounts counts interviews by form id and state. See survey.InterviewStore.
func (s *InterviewStore) FormCounts(ctx context.Context) (map[string]map[survey.State]int, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT form_id, state, COUNT(*) FROM interviews GROUP BY form_id, state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := make(map[string]map[survey.State]int)
	for rows.Next() {
		var id, st string
		var n int
		if err := rows.Scan(&id, &st, &n); err != nil {
			return nil, err
		}
		if m[id] == nil {
			m[id] = make(map[survey.State]int)
		}
		m[id][survey.State(st)] = n
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

// SaveProgress records a draft's progress in one transaction. See survey.InterviewStore.
func (s *InterviewStore) SaveProgress(ctx context.Context, id string, c survey.Changes) error {
	if err := checkPaths(c.Answers); err != nil {
		return err
	}
	for _, prefix := range c.Removed {
		if prefix == "" {
			return survey.Errorf(survey.EINVALID, "Removing answers needs a path prefix.")
		}
	}
	for _, e := range c.Events {
		if e.Kind == "" {
			return survey.Errorf(survey.EINVALID, "An event needs a kind.")
		}
	}
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := draft(ctx, tx, id); err != nil {
			return err
		}
		var removed []survey.Answer
		for _, prefix := range c.Removed {
			old, err := deleteAnswers(ctx, s.db.cipher, tx, `interview_id = ? AND `+underPrefix, append([]any{id}, prefixArgs(prefix)...)...)
			if err != nil {
				return err
			}
			removed = append(removed, old...)
		}
		if err := writeAnswers(ctx, s.db.cipher, tx, id, removed, c.Answers, now); err != nil {
			return err
		}
		if c.Position != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE interviews SET position = ? WHERE id = ?`, c.Position, id); err != nil {
				return err
			}
		}
		if err := appendEvents(ctx, s.db.cipher, tx, id, now, c.Events); err != nil {
			return err
		}
		return touch(ctx, tx, id, now)
	})
}

func checkPaths(answers []survey.Answer) error {
	for _, a := range answers {
		if a.Path == "" {
			return survey.Errorf(survey.EINVALID, "An answer needs a path.")
		}
	}
	return nil
}

// touch sets the interview's updated_at.
func touch(ctx context.Context, tx *sql.Tx, id string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE interviews SET updated_at = ? WHERE id = ?`, formatTime(now), id)
	return err
}

// deleteAnswers removes the answers that match where and returns them, sorted by path.
func deleteAnswers(ctx context.Context, c survey.FieldCipher, tx *sql.Tx, where string, args ...any) ([]survey.Answer, error) {
	old, err := answersWhere(ctx, c, tx, where, args...)
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM answers WHERE `+where, args...)
	return old, err
}

// writeAnswers upserts answers after removed were deleted in the same transaction and
// appends the events that say what changed: a "change" for each value that differs from
// the stored (or just removed) one, then a "remove" for each removed answer not written again.
func writeAnswers(ctx context.Context, c survey.FieldCipher, tx *sql.Tx, id string, removed, answers []survey.Answer, now time.Time) error {
	at := formatTime(now)
	gone := make(map[string]string, len(removed))
	for _, a := range removed {
		gone[a.Path] = a.Value
	}
	var evs []survey.Event
	for _, a := range answers {
		old, had := gone[a.Path]
		if had {
			delete(gone, a.Path) // removed above: written again whatever its value
		} else {
			err := tx.QueryRowContext(ctx, `SELECT value FROM answers WHERE interview_id = ? AND path = ?`, id, a.Path).Scan(&old)
			if err == nil {
				old, err = decrypt(c, old, answerPlace(id, a.Path))
			}
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			case old == a.Value:
				continue // stored and unchanged
			default:
				had = true
			}
		}
		stored, err := encrypt(c, a.Value, answerPlace(id, a.Path))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO answers (interview_id, path, value, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (interview_id, path) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			id, a.Path, stored, at); err != nil {
			return err
		}
		if !had || old != a.Value {
			evs = append(evs, survey.Event{Kind: survey.EventChange, Path: a.Path, Old: old, New: a.Value})
		}
	}
	for _, a := range removed {
		if v, ok := gone[a.Path]; ok {
			evs = append(evs, survey.Event{Kind: survey.EventRemove, Path: a.Path, Old: v})
			delete(gone, a.Path)
		}
	}
	return appendEvents(ctx, c, tx, id, now, evs)
}

// answerPlace names where an answer's value lives, for the cipher.
func answerPlace(id, path string) string { return "answers/" + id + "/" + path }

// encrypt returns v encrypted by c for place, or v when the database has no cipher.
func encrypt(c survey.FieldCipher, v, place string) (string, error) {
	if c == nil {
		return v, nil
	}
	return c.Encrypt(v, place)
}

// decrypt reverses encrypt.
func decrypt(c survey.FieldCipher, v, place string) (string, error) {
	if c == nil {
		return v, nil
	}
	return c.Decrypt(v, place)
}

// underPrefix is the SQL condition for "path is prefix or below it"; it takes the prefix
// and its length twice and uses only portable functions (no LIKE, whose wildcards a path
// might contain).
const underPrefix = `(path = ? OR substr(path, 1, ?) = ? OR substr(path, 1, ?) = ?)`

func prefixArgs(prefix string) []any {
	return []any{prefix, len(prefix) + 1, prefix + "/", len(prefix) + 1, prefix + "["}
}

// Answers returns every answer of an interview, sorted by path. See survey.InterviewStore.
func (s *InterviewStore) Answers(ctx context.Context, id string) ([]survey.Answer, error) {
	var out []survey.Answer
	err := s.db.inReadTx(ctx, func(tx *sql.Tx) error {
		if _, err := getInterview(ctx, tx, id); err != nil {
			return err
		}
		var err error
		out, err = answersWhere(ctx, s.db.cipher, tx, `interview_id = ?`, id)
		return err
	})
	return out, err
}

func answersWhere(ctx context.Context, c survey.FieldCipher, q querier, where string, args ...any) ([]survey.Answer, error) {
	rows, err := q.QueryContext(ctx, `SELECT interview_id, path, value FROM answers WHERE `+where+` ORDER BY path`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.Answer
	for rows.Next() {
		var a survey.Answer
		var id string
		if err := rows.Scan(&id, &a.Path, &a.Value); err != nil {
			return nil, err
		}
		if a.Value, err = decrypt(c, a.Value, answerPlace(id, a.Path)); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
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
		return appendEvents(ctx, s.db.cipher, tx, id, now, []survey.Event{{Kind: survey.EventLang, Old: iv.Lang, New: lang}})
	})
}

// Finalize replaces the draft's answers with its final ones and freezes the revision into
// the outbox, in one transaction. See survey.InterviewStore.
func (s *InterviewStore) Finalize(ctx context.Context, id string, answers []survey.Answer) (*survey.OutboxItem, error) {
	return s.finalize(ctx, nil, id, answers)
}

// CreateFinalized stores a completed interview as a new one, finalized, in one transaction.
// See survey.InterviewStore.
func (s *InterviewStore) CreateFinalized(ctx context.Context, iv *survey.Interview, answers []survey.Answer) (*survey.OutboxItem, error) {
	if err := s.prepare(iv); err != nil {
		return nil, err
	}
	return s.finalize(ctx, iv, iv.ID, answers)
}

// finalize is Finalize, creating the interview first in the same transaction when create
// is not nil.
func (s *InterviewStore) finalize(ctx context.Context, create *survey.Interview, id string, answers []survey.Answer) (*survey.OutboxItem, error) {
	if err := checkPaths(answers); err != nil {
		return nil, err
	}
	answers = slices.SortedFunc(slices.Values(answers), func(a, b survey.Answer) int { return strings.Compare(a.Path, b.Path) })
	now := s.db.now()
	var item *survey.OutboxItem
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if create != nil {
			if err := insertInterview(ctx, tx, create); err != nil {
				return err
			}
		}
		iv, err := draft(ctx, tx, id)
		if err != nil {
			return err
		}
		old, err := deleteAnswers(ctx, s.db.cipher, tx, `interview_id = ?`, id)
		if err != nil {
			return err
		}
		if err := writeAnswers(ctx, s.db.cipher, tx, id, old, answers, now); err != nil {
			return err
		}
		body, err := survey.NewRecord(iv, answers, now).Canonical()
		if err != nil {
			return err
		}
		item = &survey.OutboxItem{InterviewID: id, Revision: iv.Revision, Hash: survey.HashBytes(body), Body: body, CreatedAt: now,
			FormID: iv.FormID, FormVersion: iv.FormVersion, FormHash: iv.FormHash, Enumerator: iv.Enumerator}
		if s.sealer != nil {
			if item.Body, err = s.sealer.Seal(body); err != nil {
				return fmt.Errorf("seal interview %s: %w", id, err)
			}
			item.Sealed = true
			// Once sealed, the laptop keeps no readable copy of the answers.
			if _, err := tx.ExecContext(ctx, `DELETE FROM answers WHERE interview_id = ?`, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE events SET old = '', new = '' WHERE interview_id = ? AND (old != '' OR new != '')`, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (interview_id, revision, hash, body, created_at, sealed) VALUES (?, ?, ?, ?, ?, ?)`,
			id, iv.Revision, item.Hash, item.Body, formatTime(now), item.Sealed); err != nil {
			if survey.ErrorCode(translate(err)) == survey.ECONFLICT {
				return survey.Errorf(survey.ECONFLICT, "Revision %d of interview %s is already finalized.", iv.Revision, id)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET state = ?, updated_at = ? WHERE id = ?`,
			string(survey.StateFinalized), formatTime(now), id); err != nil {
			return err
		}
		return appendEvents(ctx, s.db.cipher, tx, id, now, []survey.Event{{Kind: survey.EventFinalize, New: fmt.Sprint(iv.Revision)}})
	})
	if err != nil {
		return nil, err
	}
	if item.Sealed {
		s.db.scrubWAL(ctx)
	}
	return item, nil
}

// Outbox returns the revisions the server has not confirmed. See survey.InterviewStore.
func (s *InterviewStore) Outbox(ctx context.Context, limit int) ([]*survey.OutboxItem, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT o.interview_id, o.revision, o.hash, o.body, o.created_at, o.sealed,
		coalesce(i.form_id, ''), coalesce(i.form_version, ''), coalesce(i.form_hash, ''), coalesce(i.enumerator, '')
		FROM outbox o LEFT JOIN interviews i ON i.id = o.interview_id
		WHERE o.sent_at IS NULL ORDER BY o.created_at, o.interview_id, o.revision LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.OutboxItem
	for rows.Next() {
		var it survey.OutboxItem
		var created string
		if err := rows.Scan(&it.InterviewID, &it.Revision, &it.Hash, &it.Body, &created, &it.Sealed,
			&it.FormID, &it.FormVersion, &it.FormHash, &it.Enumerator); err != nil {
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
func (s *InterviewStore) MarkSent(ctx context.Context, sent ...survey.SentRevision) error {
	if len(sent) == 0 {
		return nil
	}
	now := s.db.now()
	var refused error
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		refused = nil
		b := newBatchTx(tx)
		defer b.close()
		for _, r := range sent {
			err := markSent(ctx, b, r.InterviewID, r.Revision, r.Hash, now)
			if c := survey.ErrorCode(err); c == survey.ENOTFOUND || c == survey.ECONFLICT {
				if refused == nil {
					refused = err
				}
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return refused
}

func markSent(ctx context.Context, tx txRunner, id string, revision int, hash string, now time.Time) error {
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
func (s *InterviewStore) Return(ctx context.Context, id string, revision int, comment string, record []byte) error {
	var rec *survey.Record
	if record != nil {
		var err error
		if rec, err = survey.DecodeRecord(record); err != nil {
			return err
		}
		if rec.ID != id || rec.Revision != revision {
			return survey.Errorf(survey.EINVALID, "The returned record is interview %s revision %d, not %s revision %d.", rec.ID, rec.Revision, id, revision)
		}
	}
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := getInterview(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.Revision != revision || (iv.State != survey.StateFinalized && iv.State != survey.StateSent) {
			return survey.Errorf(survey.ECONFLICT, "Interview %s is at revision %d, %s; revision %d cannot be returned.", id, iv.Revision, iv.State, revision)
		}
		var hash string
		var sealed, purged bool
		if err := tx.QueryRowContext(ctx, `SELECT hash, sealed, purged_at IS NOT NULL FROM outbox WHERE interview_id = ? AND revision = ?`,
			id, revision).Scan(&hash, &sealed, &purged); err != nil {
			return fmt.Errorf("outbox of %s: %w", id, err)
		}
		if rec != nil && survey.HashBytes(record) != hash {
			// Another laptop's content of this revision (a copy of this laptop's data
			// folder corrected it too, and the server kept this one's as a conflict): the
			// return is that laptop's, and the answers here stay as they are.
			return survey.Errorf(survey.ECONFLICT, "The returned record of interview %s is not the revision finalized here.", id)
		}
		if sealed || purged {
			// The laptop sealed or purged the answers away: the correction starts from the
			// server's copy, which is exactly what was finalized here.
			if rec == nil {
				return survey.Errorf(survey.EINVALID, "Interview %s was sealed on this laptop; its return must carry the record.", id)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM answers WHERE interview_id = ?`, id); err != nil {
				return err
			}
			for _, p := range slices.Sorted(maps.Keys(rec.Answers)) {
				v, err := encrypt(s.db.cipher, rec.Answers[p], answerPlace(id, p))
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO answers (interview_id, path, value, updated_at) VALUES (?, ?, ?, ?)`,
					id, p, v, formatTime(now)); err != nil {
					return err
				}
			}
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
		return appendEvents(ctx, s.db.cipher, tx, id, now, []survey.Event{{Kind: survey.EventReturn, New: comment}})
	})
}

// Purge drops what the laptop kept of an approved, sent revision. See survey.InterviewStore.
func (s *InterviewStore) Purge(ctx context.Context, id string, revision int) error {
	now := s.db.now()
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := getInterview(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.Revision != revision || iv.State != survey.StateSent {
			return survey.Errorf(survey.ECONFLICT, "Interview %s is at revision %d, %s; revision %d cannot be purged.", id, iv.Revision, iv.State, revision)
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET body = x'', purged_at = ? WHERE interview_id = ? AND revision = ?
			AND sent_at IS NOT NULL AND purged_at IS NULL`, formatTime(now), id, revision)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // purged before
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM answers WHERE interview_id = ?`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE events SET old = '', new = '' WHERE interview_id = ? AND (old != '' OR new != '')`, id)
		return err
	})
	if err == nil {
		s.db.scrubWAL(ctx)
	}
	return err
}

// RefuseSent records a late refusal of a sent revision. See survey.InterviewStore.
func (s *InterviewStore) RefuseSent(ctx context.Context, r survey.Refusal) error {
	if r.At.IsZero() {
		r.At = s.db.now()
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var stored string
		var purged sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT hash, purged_at FROM outbox WHERE interview_id = ? AND revision = ?`,
			r.InterviewID, r.Revision).Scan(&stored, &purged)
		if errors.Is(err, sql.ErrNoRows) {
			return survey.Errorf(survey.ENOTFOUND, "Revision %d of interview %s is not on this laptop.", r.Revision, r.InterviewID)
		} else if err != nil {
			return err
		}
		if stored != r.Hash {
			return survey.Errorf(survey.ECONFLICT, "The refusal of revision %d of interview %s names hash %s, the revision has %s.",
				r.Revision, r.InterviewID, r.Hash, stored)
		}
		if !purged.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = NULL WHERE interview_id = ? AND revision = ?`,
				r.InterviewID, r.Revision); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE interviews SET state = ?, updated_at = ? WHERE id = ? AND revision = ? AND state = ?`,
				string(survey.StateFinalized), formatTime(r.At), r.InterviewID, r.Revision, string(survey.StateSent)); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_refusals (interview_id, revision, hash, code, message, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (interview_id, revision) DO UPDATE SET hash = excluded.hash, code = excluded.code, message = excluded.message, at = excluded.at`,
			r.InterviewID, r.Revision, r.Hash, r.Code, r.Message, formatTime(r.At))
		return err
	})
}

// Correct starts the next revision of a returned interview as a draft. See survey.InterviewStore.
func (s *InterviewStore) Correct(ctx context.Context, id string) (*survey.Interview, error) {
	now := s.db.now()
	var out *survey.Interview
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := getInterview(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.State != survey.StateReturned {
			return survey.Errorf(survey.ECONFLICT, "Interview %s is %s; only a returned interview can be corrected.", id, iv.State)
		}
		iv.State, iv.Revision, iv.UpdatedAt = survey.StateDraft, iv.Revision+1, now
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET state = ?, revision = ?, updated_at = ? WHERE id = ?`,
			string(iv.State), iv.Revision, formatTime(now), id); err != nil {
			return err
		}
		out = iv
		return appendEvents(ctx, s.db.cipher, tx, id, now, []survey.Event{{Kind: survey.EventReopen, New: fmt.Sprint(iv.Revision)}})
	})
	return out, err
}

// Void removes a draft that was never finalized and keeps the reason. See survey.InterviewStore.
func (s *InterviewStore) Void(ctx context.Context, id, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return survey.Errorf(survey.EINVALID, "Voiding interview %s needs a reason.", id)
	}
	now := s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := draft(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.Revision != 1 {
			return survey.Errorf(survey.ECONFLICT, "Interview %s has finalized revisions; it cannot be voided.", id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO voided (interview_id, form_id, respondent_id, enumerator, reason, voided_at)
			VALUES (?, ?, ?, ?, ?, ?)`, iv.ID, iv.FormID, iv.RespondentID, iv.Enumerator, reason, formatTime(now)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM interviews WHERE id = ?`, id)
		return err
	})
}

// Voided returns the drafts voided so far, oldest first. See survey.InterviewStore.
func (s *InterviewStore) Voided(ctx context.Context) ([]survey.VoidedDraft, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT interview_id, form_id, respondent_id, enumerator, reason, voided_at
		FROM voided ORDER BY voided_at, interview_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.VoidedDraft
	for rows.Next() {
		var v survey.VoidedDraft
		var at string
		if err := rows.Scan(&v.InterviewID, &v.FormID, &v.RespondentID, &v.Enumerator, &v.Reason, &at); err != nil {
			return nil, err
		}
		if v.VoidedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Migrate moves a draft to another version of its form in one transaction. See
// survey.InterviewStore.
func (s *InterviewStore) Migrate(ctx context.Context, id string, from, to *forms.Form) (*survey.Migration, error) {
	if from == nil || to == nil || from.ID != to.ID || from.Version == to.Version {
		return nil, survey.Errorf(survey.EINVALID, "A draft moves to another version of the same form.")
	}
	now := s.db.now()
	var m *survey.Migration
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		iv, err := draft(ctx, tx, id)
		if err != nil {
			return err
		}
		if iv.FormID != from.ID || !from.IsVersion(iv.FormVersion) || iv.FormHash != from.Hash {
			return survey.Errorf(survey.EINVALID, "Interview %s was made with form %s version %s, not %s version %s.",
				id, iv.FormID, iv.FormVersion, from.ID, from.Version)
		}
		old, err := deleteAnswers(ctx, s.db.cipher, tx, `interview_id = ?`, id)
		if err != nil {
			return err
		}
		keep, misfits := survey.FitAnswers(from, to, old)
		for _, a := range keep {
			stored, err := encrypt(s.db.cipher, a.Value, answerPlace(id, a.Path))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO answers (interview_id, path, value, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (interview_id, path) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
				id, a.Path, stored, formatTime(now)); err != nil {
				return err
			}
		}
		evs := []survey.Event{{Kind: survey.EventMigrate, Old: from.Version, New: to.Version}}
		for _, mf := range misfits {
			evs = append(evs, survey.Event{Kind: survey.EventDrop, Path: mf.Path, Old: mf.Value, New: mf.Reason})
		}
		if err := appendEvents(ctx, s.db.cipher, tx, id, now, evs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET form_version = ?, form_hash = ?, updated_at = ? WHERE id = ?`,
			to.Version, to.Hash, formatTime(now), id); err != nil {
			return err
		}
		iv.FormVersion, iv.FormHash, iv.UpdatedAt = to.Version, to.Hash, now
		m = &survey.Migration{Interview: iv, FromVersion: from.Version, Kept: len(keep), Dropped: misfits}
		return nil
	})
	return m, err
}
