package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"tracer/survey"
)

// Ensure ReviewStore implements survey.ReviewStore.
var _ survey.ReviewStore = (*ReviewStore)(nil)

// ReviewStore is the PostgreSQL implementation of survey.ReviewStore.
type ReviewStore struct {
	db *DB
}

// NewReviewStore returns the review store of db.
func NewReviewStore(db *DB) *ReviewStore { return &ReviewStore{db: db} }

// addEvent appends a change of review state to the history inside tx.
func addEvent(ctx context.Context, tx *sql.Tx, e *survey.ReviewEvent) error {
	seq, err := nextSeqs(ctx, tx, "review", 1)
	if err != nil {
		return err
	}
	e.Seq = seq
	qs := ""
	if len(e.Questions) > 0 {
		b, err := json.Marshal(e.Questions)
		if err != nil {
			return err
		}
		qs = string(b)
	}
	// An approval carries the account that sent the approved revision, for its laptop's pull.
	_, err = tx.ExecContext(ctx, `INSERT INTO review_history (seq, interview_id, revision, from_state, to_state, comment, questions, by_user, at, submitted_by)
		VALUES ($1, $2, $3, $4, $5::text, $6, $7, $8, $9, CASE WHEN $5::text = 'approved'
			THEN COALESCE((SELECT submitted_by FROM submissions WHERE interview_id = $2 AND revision = $3), '') ELSE '' END)`,
		seq, e.InterviewID, e.Revision, string(e.From), string(e.To), e.Comment, qs, e.By, formatTime(e.At))
	return err
}

// setState moves an interview's review to state at revision and records the change.
func setState(ctx context.Context, tx *sql.Tx, e *survey.ReviewEvent, approved int) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (interview_id, revision, state, approved_revision, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (interview_id) DO UPDATE SET revision = excluded.revision, state = excluded.state,
		approved_revision = excluded.approved_revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		e.InterviewID, e.Revision, string(e.To), approved, formatTime(e.At), e.By); err != nil {
		return err
	}
	return addEvent(ctx, tx, e)
}

// received starts or moves on the reviews of newly stored revisions, in their order,
// inside the ingesting transaction: revision 1 (or the first one seen) is received, a later
// one resubmitted. A revision older than the reviewed one changes nothing. It reads the
// reviews in one query and writes the reviews and their history in one statement each.
func received(ctx context.Context, tx *sql.Tx, subs []*survey.Submission, at time.Time) error {
	type review struct {
		rev, approved int
		state         string
		by            string
	}
	ids := make([]string, len(subs))
	for i, sub := range subs {
		ids[i] = sub.InterviewID
	}
	rows, err := tx.QueryContext(ctx, `SELECT interview_id, revision, state, approved_revision FROM reviews WHERE interview_id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	reviews := map[string]*review{}
	for rows.Next() {
		var id string
		var r review
		if err := rows.Scan(&id, &r.rev, &r.state, &r.approved); err != nil {
			rows.Close()
			return err
		}
		reviews[id] = &r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var events []*survey.ReviewEvent
	changed := map[string]bool{}
	for _, sub := range subs {
		r := reviews[sub.InterviewID]
		if r == nil {
			r = &review{}
			reviews[sub.InterviewID] = r
		}
		e := survey.ReceivedEvent(survey.ReviewState(r.state), r.rev, sub, at)
		if e == nil {
			continue
		}
		r.rev, r.state, r.by = e.Revision, string(e.To), e.By
		changed[sub.InterviewID] = true
		events = append(events, e)
	}
	if len(events) == 0 {
		return nil
	}
	var up struct {
		id, state, by []string
		rev, approved []int32
	}
	for id := range changed {
		up.id = append(up.id, id)
	}
	slices.Sort(up.id) // rows locked in one order
	for _, id := range up.id {
		r := reviews[id]
		up.state, up.by = append(up.state, r.state), append(up.by, r.by)
		up.rev, up.approved = append(up.rev, int32(r.rev)), append(up.approved, int32(r.approved))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (interview_id, revision, state, approved_revision, updated_at, updated_by)
		SELECT id, rev, state, approved, $5::text, who FROM unnest($1::text[], $2::integer[], $3::text[], $4::integer[], $6::text[]) AS u (id, rev, state, approved, who)
		ON CONFLICT (interview_id) DO UPDATE SET revision = excluded.revision, state = excluded.state,
		approved_revision = excluded.approved_revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		up.id, up.rev, up.state, up.approved, formatTime(at), up.by); err != nil {
		return err
	}
	first, err := nextSeqs(ctx, tx, "review", len(events))
	if err != nil {
		return err
	}
	var h struct {
		seq              []int64
		rev              []int32
		id, from, to, by []string
	}
	for n, e := range events {
		e.Seq = first + int64(n)
		h.seq, h.rev = append(h.seq, e.Seq), append(h.rev, int32(e.Revision))
		h.id, h.from, h.to, h.by = append(h.id, e.InterviewID), append(h.from, string(e.From)), append(h.to, string(e.To)), append(h.by, e.By)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO review_history (seq, interview_id, revision, from_state, to_state, by_user, at)
		SELECT seq, id, rev, from_state, to_state, who, $7::text FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[])
			AS u (seq, id, rev, from_state, to_state, who)`,
		h.seq, h.id, h.rev, h.from, h.to, h.by, formatTime(at))
	return err
}

const reviewColumns = `r.interview_id, r.revision, r.state, r.approved_revision, r.updated_at, r.updated_by,
	s.form_id, s.form_version, s.respondent_id, s.enumerator, s.submitted_by, s.seq, s.received_at,
	(SELECT COUNT(*) FROM submission_conflicts c WHERE c.interview_id = r.interview_id)`

const reviewFrom = ` FROM reviews r JOIN submissions s ON s.interview_id = r.interview_id AND s.revision = r.revision`

func scanReview(sc scanner) (*survey.Review, error) {
	var v survey.Review
	var state, updated, received string
	if err := sc.Scan(&v.InterviewID, &v.Revision, &state, &v.ApprovedRevision, &updated, &v.UpdatedBy,
		&v.FormID, &v.FormVersion, &v.RespondentID, &v.Enumerator, &v.SubmittedBy, &v.Seq, &received, &v.Conflicts); err != nil {
		return nil, err
	}
	v.State = survey.ReviewState(state)
	var err error
	if v.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	v.ReceivedAt, err = parseTime(received)
	return &v, err
}

// Queue returns the review status of matching interviews. See survey.ReviewStore.
func (s *ReviewStore) Queue(ctx context.Context, f survey.ReviewFilter) ([]*survey.Review, error) {
	limit := int64(f.Limit)
	if limit <= 0 {
		limit = math.MaxInt64
	}
	q, args := queueQuery(f, limit)
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Review
	for rows.Next() {
		v, err := scanReview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// FlagStamp returns the latest revision's and roster row's sequence numbers and the count
// of differing contents. See survey.ReviewStore.
func (s *ReviewStore) FlagStamp(ctx context.Context) (string, error) {
	var subs, roster, conflicts int64
	err := s.db.db.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(seq), 0) FROM submissions),
		(SELECT COALESCE(MAX(seq), 0) FROM server_roster), (SELECT COUNT(*) FROM submission_conflicts)`).Scan(&subs, &roster, &conflicts)
	return fmt.Sprintf("%d/%d/%d", subs, roster, conflicts), err
}

// CoverageStamp returns the latest revision's, review event's and roster row's sequence
// numbers. See survey.ReviewStore.
func (s *ReviewStore) CoverageStamp(ctx context.Context) (string, error) {
	var subs, events, roster int64
	err := s.db.db.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(seq), 0) FROM submissions),
		(SELECT COALESCE(MAX(seq), 0) FROM review_history), (SELECT COALESCE(MAX(seq), 0) FROM server_roster)`).Scan(&subs, &events, &roster)
	return fmt.Sprintf("%d/%d/%d", subs, events, roster), err
}

// Review returns one interview's review status. See survey.ReviewStore.
func (s *ReviewStore) Review(ctx context.Context, id string) (*survey.Review, error) {
	v, err := scanReview(s.db.db.QueryRowContext(ctx, `SELECT `+reviewColumns+reviewFrom+` WHERE r.interview_id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.Errorf(survey.ENOTFOUND, "Interview %s is not stored.", id)
	}
	return v, err
}

// IDsEndingWith returns up to limit interview ids that end with suffix. See
// survey.ReviewStore.
func (s *ReviewStore) IDsEndingWith(ctx context.Context, suffix string, limit int) ([]string, error) {
	if suffix == "" {
		return nil, nil
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT interview_id FROM reviews WHERE right(interview_id, $1) = $2 LIMIT $3`, len(suffix), suffix, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// History returns every change of an interview's review state. See survey.ReviewStore.
func (s *ReviewStore) History(ctx context.Context, id string) ([]*survey.ReviewEvent, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT seq, interview_id, revision, from_state, to_state, comment, questions, by_user, at
		FROM review_history WHERE interview_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.ReviewEvent
	for rows.Next() {
		var e survey.ReviewEvent
		var from, to, qs, at string
		if err := rows.Scan(&e.Seq, &e.InterviewID, &e.Revision, &from, &to, &e.Comment, &qs, &e.By, &at); err != nil {
			return nil, err
		}
		e.From, e.To = survey.ReviewState(from), survey.ReviewState(to)
		if qs != "" {
			if err := json.Unmarshal([]byte(qs), &e.Questions); err != nil {
				return nil, fmt.Errorf("review event %d: %w", e.Seq, err)
			}
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// approvalsQuery reads one account's approvals after a sequence number through the index
// of approvals by submitter: its cost grows with what it returns, not with what the account
// sent. The state is written out, not bound, so that a generic plan can use the partial
// index.
const approvalsQuery = `SELECT seq, interview_id, revision, by_user, at FROM review_history
	WHERE to_state = 'approved' AND submitted_by = $1 AND seq > $2 ORDER BY seq LIMIT $3`

// Approvals returns approvals of a submitter's revisions. See survey.ReviewStore.
func (s *ReviewStore) Approvals(ctx context.Context, after int64, submitter string, limit int) ([]*survey.ReviewEvent, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := s.db.db.QueryContext(ctx, approvalsQuery, submitter, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.ReviewEvent
	for rows.Next() {
		e := survey.ReviewEvent{To: survey.ReviewApproved}
		var at string
		if err := rows.Scan(&e.Seq, &e.InterviewID, &e.Revision, &e.By, &at); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// Revisions returns every stored revision of an interview. See survey.ReviewStore.
func (s *ReviewStore) Revisions(ctx context.Context, id string) ([]*survey.Submission, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+submissionColumns+`, (SELECT COUNT(*) FROM submission_conflicts c
		WHERE c.interview_id = s.interview_id AND c.revision = s.revision) FROM submissions s WHERE interview_id = $1 ORDER BY revision`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Submission
	for rows.Next() {
		var n int
		sub, err := scanSubmission(rows, &n)
		if err != nil {
			return nil, err
		}
		sub.Conflicts = n
		out = append(out, sub)
	}
	return out, rows.Err()
}

// current reads an interview's review row and latest stored revision inside tx.
func current(ctx context.Context, tx *sql.Tx, id string, revision int) (state survey.ReviewState, approved int, err error) {
	var latest int
	var st string
	err = tx.QueryRowContext(ctx, `SELECT r.revision, r.state, r.approved_revision FROM reviews r WHERE r.interview_id = $1`, id).Scan(&latest, &st, &approved)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, survey.Errorf(survey.ENOTFOUND, "Interview %s is not stored.", id)
	} else if err != nil {
		return "", 0, err
	}
	if revision > latest {
		return "", 0, survey.Errorf(survey.ENOTFOUND, "Revision %d of interview %s is not stored.", revision, id)
	}
	if revision < latest {
		return "", 0, survey.Errorf(survey.ECONFLICT, "Interview %s has a revision after %d; review the latest one (%d).", id, revision, latest)
	}
	return survey.ReviewState(st), approved, nil
}

// Approve approves the latest revision of an interview. See survey.ReviewStore.
func (s *ReviewStore) Approve(ctx context.Context, id string, revision int, comment, by string) (*survey.ReviewEvent, error) {
	if by == "" || revision < 1 {
		return nil, survey.Errorf(survey.EINVALID, "An approval needs a revision and a reviewer.")
	}
	now := s.db.now()
	var out *survey.ReviewEvent
	err := s.db.inTx(ctx, []string{counterReview}, func(tx *sql.Tx) error {
		state, approved, err := current(ctx, tx, id, revision)
		if err != nil {
			return err
		}
		switch {
		case state == survey.ReviewApproved && approved == revision:
			hist, err := historyTx(ctx, tx, id)
			if err != nil {
				return err
			}
			for i := len(hist) - 1; i >= 0; i-- {
				if hist[i].To == survey.ReviewApproved && hist[i].Revision == revision {
					out = hist[i]
					return nil
				}
			}
			return survey.Errorf(survey.EINTERNAL, "Approval of interview %s is missing from its history.", id)
		case state == survey.ReviewReturned:
			return survey.Errorf(survey.ECONFLICT, "Interview %s revision %d was returned for correction; wait for the corrected revision.", id, revision)
		}
		out = &survey.ReviewEvent{InterviewID: id, Revision: revision, From: state, To: survey.ReviewApproved, Comment: comment, By: by, At: now}
		return setState(ctx, tx, out, revision)
	})
	return out, err
}

func historyTx(ctx context.Context, tx *sql.Tx, id string) ([]*survey.ReviewEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, revision, from_state, to_state, comment, by_user, at FROM review_history WHERE interview_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.ReviewEvent
	for rows.Next() {
		e := &survey.ReviewEvent{InterviewID: id}
		var from, to, at string
		if err := rows.Scan(&e.Seq, &e.Revision, &from, &to, &e.Comment, &e.By, &at); err != nil {
			return nil, err
		}
		e.From, e.To = survey.ReviewState(from), survey.ReviewState(to)
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ReturnWithComments returns the latest revision for correction. See survey.ReviewStore.
func (s *ReviewStore) ReturnWithComments(ctx context.Context, id string, revision int, comment string, questions []survey.QuestionComment, by string) (*survey.ReturnNotice, error) {
	return returnInterview(ctx, s.db, id, revision, comment, questions, by)
}

// returnInterview records a return and moves the review to returned, in one transaction.
func returnInterview(ctx context.Context, db *DB, id string, revision int, comment string, questions []survey.QuestionComment, by string) (*survey.ReturnNotice, error) {
	if strings.TrimSpace(comment) == "" {
		return nil, survey.Errorf(survey.EINVALID, "A return needs a comment for the enumerator.")
	}
	for _, q := range questions {
		if q.Path == "" || strings.TrimSpace(q.Comment) == "" {
			return nil, survey.Errorf(survey.EINVALID, "A question comment needs a question path and a comment.")
		}
	}
	qs := ""
	if len(questions) > 0 {
		b, err := json.Marshal(questions)
		if err != nil {
			return nil, err
		}
		qs = string(b)
	}
	now := db.now()
	var out *survey.ReturnNotice
	err := db.inTx(ctx, []string{counterReturn, counterReview}, func(tx *sql.Tx) error {
		n, err := scanReturn(tx.QueryRowContext(ctx, `SELECT `+returnColumns+` FROM returns WHERE interview_id = $1 AND revision = $2`, id, revision))
		if err == nil {
			out = n
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var submitter string
		err = tx.QueryRowContext(ctx, `SELECT submitted_by FROM submissions WHERE interview_id = $1 AND revision = $2`, id, revision).Scan(&submitter)
		if errors.Is(err, sql.ErrNoRows) {
			return survey.Errorf(survey.ENOTFOUND, "Revision %d of interview %s is not stored.", revision, id)
		} else if err != nil {
			return err
		}
		state, _, err := current(ctx, tx, id, revision)
		if err != nil {
			return err
		}
		seq, err := nextSeqs(ctx, tx, "return", 1)
		if err != nil {
			return err
		}
		out = &survey.ReturnNotice{Seq: seq, InterviewID: id, Revision: revision, Comment: comment, Questions: questions,
			ReturnedBy: by, ReturnedAt: now, SubmittedBy: submitter}
		if _, err := tx.ExecContext(ctx, `INSERT INTO returns (`+returnColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			seq, id, revision, comment, by, formatTime(now), submitter, qs); err != nil {
			return err
		}
		// A return withdraws an approval.
		return setState(ctx, tx, &survey.ReviewEvent{InterviewID: id, Revision: revision, From: state, To: survey.ReviewReturned,
			Comment: comment, Questions: questions, By: by, At: now}, 0)
	})
	return out, err
}

// Records streams stored records in Seq order. See survey.ReviewStore.
func (s *ReviewStore) Records(ctx context.Context, f survey.RecordFilter) iter.Seq2[*survey.Record, error] {
	return func(yield func(*survey.Record, error) bool) {
		for rr, err := range s.records(ctx, f, false) {
			if !yield(rr.Record, err) || err != nil {
				return
			}
		}
	}
}

// RosterRecords streams stored records in Seq order with their roster rows, joined in
// SQL on the roster's primary key. See survey.ReviewStore.
func (s *ReviewStore) RosterRecords(ctx context.Context, f survey.RecordFilter) iter.Seq2[survey.RosterRecord, error] {
	return s.records(ctx, f, true)
}

func (s *ReviewStore) records(ctx context.Context, f survey.RecordFilter, withRoster bool) iter.Seq2[survey.RosterRecord, error] {
	return func(yield func(survey.RosterRecord, error) bool) {
		var q string
		cols, join := `s.body, NULL, false, false`, ``
		if withRoster {
			cols, join = `s.body, ro.body, false, false`, ` LEFT JOIN server_roster ro ON ro.roster_id = s.respondent_id`
		}
		switch f.Revisions {
		case survey.RevisionsApproved, "":
			q = `SELECT ` + cols + ` FROM submissions s JOIN reviews r ON r.interview_id = s.interview_id AND r.approved_revision = s.revision` + join + ` WHERE 1 = 1`
		case survey.RevisionsLatest:
			// In sequence order, the primary key telling whether a later revision exists, as
			// on SQLite: no join with every interview's highest revision to sort.
			q = `SELECT ` + cols + ` FROM submissions s` + join + ` WHERE NOT EXISTS (SELECT 1 FROM submissions x
				WHERE x.interview_id = s.interview_id AND x.revision > s.revision)`
		case survey.RevisionsLatestAndApproved:
			// The latest revisions read as above, and the approved ones through the review.
			q = `SELECT * FROM (SELECT ` + strings.Replace(cols, `, false, false`, `, NOT EXISTS (SELECT 1 FROM submissions x
				WHERE x.interview_id = s.interview_id AND x.revision > s.revision) AS latest,
				coalesce(r.approved_revision = s.revision, false) AS approved, s.seq, s.form_id`, 1) + `
				FROM submissions s LEFT JOIN reviews r ON r.interview_id = s.interview_id` + join + `) s WHERE (latest OR approved)`
		case survey.RevisionsAll:
			q = `SELECT ` + cols + ` FROM submissions s` + join + ` WHERE 1 = 1`
		default:
			yield(survey.RosterRecord{}, survey.Errorf(survey.EINVALID, "Unknown revisions %q: use approved, latest or all.", f.Revisions))
			return
		}
		// One query is one snapshot: an interview revised during the export appears once.
		rows, err := s.db.db.QueryContext(ctx, q+` AND ($1 = '' OR s.form_id = $1) ORDER BY s.seq`, f.FormID)
		if err != nil {
			yield(survey.RosterRecord{}, err)
			return
		}
		defer rows.Close()
		// With the roster joined (an export), one record is decoded over the last, its
		// answers into a sorted list: the caller keeps none of them.
		var rd survey.RecordReader
		var keep func(path string) bool
		var byName *survey.NameIndex
		switch {
		case len(f.Names) > 0 && f.ByName:
			byName = survey.NewNameIndex(f.Names)
		case len(f.Names) > 0:
			keep = survey.NamedAnswers(f.Names...)
		}
		var body, row sql.RawBytes
		var latest, approved bool
		for rows.Next() {
			if f.Revisions == survey.RevisionsLatestAndApproved {
				err = rows.Scan(&body, &row, &latest, &approved, new(int64), new(string))
			} else {
				err = rows.Scan(&body, &row, &latest, &approved)
			}
			if err != nil {
				yield(survey.RosterRecord{}, err)
				return
			}
			var rr survey.RosterRecord
			switch {
			case withRoster:
				rr.Record, rr.Answers, err = rd.DecodeSorted(body)
			case byName != nil:
				rr.Record, err = survey.DecodeRecordByName(body, byName)
			case keep != nil:
				rr.Record, err = survey.DecodeRecordNamed(body, keep)
			default:
				rr.Record, err = survey.DecodeRecord(body)
			}
			if err == nil && f.Revisions == survey.RevisionsLatestAndApproved {
				rr.Record.Latest, rr.Record.Approved = latest, approved
			}
			if err == nil && row != nil {
				if rr.Respondent, err = rd.DecodeRespondent(row); err != nil {
					err = fmt.Errorf("roster row %s: %w", rr.Record.RespondentID, err)
				}
			}
			if !yield(rr, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(survey.RosterRecord{}, err)
		}
	}
}

// FormUses lists the form versions of the stored revisions. See survey.ReviewStore.
func (s *ReviewStore) FormUses(ctx context.Context) ([]survey.FormUse, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT form_id, form_version, COUNT(*) FROM submissions GROUP BY form_id, form_version ORDER BY form_id COLLATE "C", form_version COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.FormUse
	for rows.Next() {
		var u survey.FormUse
		if err := rows.Scan(&u.FormID, &u.FormVersion, &u.Revisions); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// queueQuery is the query of ReviewStore.Queue and its arguments.
func queueQuery(f survey.ReviewFilter, limit int64) (string, []any) {
	q, args := andEq(`SELECT `+reviewColumns+reviewFrom+` WHERE s.seq > $1`, []any{f.After}, "r.state", string(f.State))
	q, args = andEq(q, args, "s.submitted_by", f.SubmittedBy)
	return limited(q+` ORDER BY s.seq`, args, limit)
}
