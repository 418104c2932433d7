package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"tracer/survey"
)

// Ensure ReviewStore implements survey.ReviewStore.
var _ survey.ReviewStore = (*ReviewStore)(nil)

// ReviewStore is the SQLite implementation of survey.ReviewStore.
type ReviewStore struct {
	db *DB
}

// NewReviewStore returns the review store of db.
func NewReviewStore(db *DB) *ReviewStore { return &ReviewStore{db: db} }

// addEvent appends a change of review state to the history inside tx.
func addEvent(ctx context.Context, tx txRunner, e *survey.ReviewEvent) error {
	seq, err := nextSeqs(ctx, tx, "review", 1)
	if err != nil {
		return err
	}
	e.Seq = seq
	return insertEvent(ctx, tx, e)
}

// insertEvent writes e, whose sequence number is set, to the history.
func insertEvent(ctx context.Context, tx txRunner, e *survey.ReviewEvent) error {
	qs := ""
	if len(e.Questions) > 0 {
		b, err := json.Marshal(e.Questions)
		if err != nil {
			return err
		}
		qs = string(b)
	}
	// An approval carries the account that sent the approved revision, for its laptop's pull.
	_, err := tx.ExecContext(ctx, `INSERT INTO review_history (seq, interview_id, revision, from_state, to_state, comment, questions, by_user, at, submitted_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'approved'
			THEN COALESCE((SELECT submitted_by FROM submissions WHERE interview_id = ? AND revision = ?), '') ELSE '' END)`,
		e.Seq, e.InterviewID, e.Revision, string(e.From), string(e.To), e.Comment, qs, e.By, formatTime(e.At),
		string(e.To), e.InterviewID, e.Revision)
	return err
}

// setState moves an interview's review to state at revision and records the change.
func setState(ctx context.Context, tx txRunner, e *survey.ReviewEvent, approved int) error {
	if err := putState(ctx, tx, e, approved); err != nil {
		return err
	}
	return addEvent(ctx, tx, e)
}

// putState moves an interview's review to the state and revision of e, without recording
// the change in the history.
func putState(ctx context.Context, tx txRunner, e *survey.ReviewEvent, approved int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reviews (interview_id, revision, state, approved_revision, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (interview_id) DO UPDATE SET revision = excluded.revision, state = excluded.state,
		approved_revision = excluded.approved_revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		e.InterviewID, e.Revision, string(e.To), approved, formatTime(e.At), e.By)
	return err
}

// reviewChanges are the review states and history rows that an ingest's new revisions
// make, computed before they are written in one statement each.
type reviewChanges struct {
	events []*survey.ReviewEvent
	// states holds each changed interview's last change and its approved revision, in
	// the order the interviews first changed.
	states   []*survey.ReviewEvent
	approved []int
}

// received starts or moves on the reviews of the newly stored revisions subs[fresh[...]]
// (in that order), inside the ingesting transaction: revision 1 (or the first one seen) is
// received, a later one resubmitted. A revision older than the reviewed one changes
// nothing. An interview with no revision stored before this transaction (owners' stored is
// 0) has no review until its first revision here is received; the reviews of the others
// are read in one query.
func received(ctx context.Context, tx cachedTx, subs []*survey.Submission, fresh []int, owners map[string]*ownership, at time.Time) (*reviewChanges, error) {
	type review struct {
		rev, approved int
		state         string
		at            int // index in states, -1 before this transaction changes it
	}
	reviews := map[string]*review{}
	var old []string
	for _, i := range fresh {
		if id := subs[i].InterviewID; owners[id].stored > 0 {
			old = append(old, id)
		}
	}
	if len(old) > 0 {
		slices.Sort(old)
		old = slices.Compact(old)
		err := queryIn(ctx, tx, `SELECT interview_id, revision, state, approved_revision FROM reviews WHERE interview_id IN `, ``, old, func(rows *sql.Rows) error {
			var id string
			r := &review{at: -1}
			if err := rows.Scan(&id, &r.rev, &r.state, &r.approved); err != nil {
				return err
			}
			reviews[id] = r
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	c := &reviewChanges{}
	for _, i := range fresh {
		sub := subs[i]
		r := reviews[sub.InterviewID]
		if r == nil {
			r = &review{at: -1}
			reviews[sub.InterviewID] = r
		}
		e := survey.ReceivedEvent(survey.ReviewState(r.state), r.rev, sub, at)
		if e == nil {
			continue
		}
		r.rev, r.state = e.Revision, string(e.To)
		if r.at < 0 {
			r.at = len(c.states)
			c.states, c.approved = append(c.states, e), append(c.approved, r.approved)
		}
		c.states[r.at] = e
		c.events = append(c.events, e)
	}
	return c, nil
}

// store writes the review states and the history rows, numbered from first.
func (c *reviewChanges) store(ctx context.Context, tx cachedTx, first int64) error {
	if len(c.events) == 0 {
		return nil
	}
	if err := execRows(ctx, tx, `INSERT INTO reviews (interview_id, revision, state, approved_revision, updated_at, updated_by) VALUES `,
		` ON CONFLICT (interview_id) DO UPDATE SET revision = excluded.revision, state = excluded.state,
		approved_revision = excluded.approved_revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		6, len(c.states), func(n int, dst []any) []any {
			e := c.states[n]
			return append(dst, e.InterviewID, e.Revision, string(e.To), c.approved[n], formatTime(e.At), e.By)
		}); err != nil {
		return err
	}
	for n, e := range c.events {
		e.Seq = first + int64(n)
	}
	return execRows(ctx, tx, `INSERT INTO review_history (seq, interview_id, revision, from_state, to_state, comment, questions, by_user, at) VALUES `,
		``, 9, len(c.events), func(n int, dst []any) []any {
			e := c.events[n]
			return append(dst, e.Seq, e.InterviewID, e.Revision, string(e.From), string(e.To), e.Comment, "", e.By, formatTime(e.At))
		})
}

const reviewColumns = `r.interview_id, r.revision, r.state, r.approved_revision, r.updated_at, r.updated_by,
	s.form_id, s.form_version, s.respondent_id, s.enumerator, s.submitted_by, s.seq, s.received_at,
	(SELECT COUNT(*) FROM submission_conflicts c WHERE c.interview_id = r.interview_id)`

const reviewFrom = ` FROM reviews r JOIN submissions s ON s.interview_id = r.interview_id AND s.revision = r.revision`

func scanReview(sc interface{ Scan(...any) error }) (*survey.Review, error) {
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
	// Revisions in sequence order, each joined with its review: SQLite reads a page from the
	// sequence index and stops at the limit. Left to itself, with a state, it read every
	// review in that state and sorted them all for each page (0.2 s a page at 100,000).
	q := `SELECT ` + reviewColumns + ` FROM submissions s CROSS JOIN reviews r ON r.interview_id = s.interview_id AND r.revision = s.revision WHERE s.seq > ?`
	args := []any{f.After}
	if f.State != "" {
		q, args = q+` AND r.state = ?`, append(args, string(f.State))
	}
	if f.SubmittedBy != "" {
		q, args = q+` AND s.submitted_by = ?`, append(args, f.SubmittedBy)
	}
	q += ` ORDER BY s.seq`
	if f.Limit > 0 {
		q, args = q+` LIMIT ?`, append(args, f.Limit)
	}
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
	v, err := scanReview(s.db.db.QueryRowContext(ctx, `SELECT `+reviewColumns+reviewFrom+` WHERE r.interview_id = ?`, id))
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
	rows, err := s.db.db.QueryContext(ctx, `SELECT interview_id FROM reviews WHERE substr(interview_id, -?) = ? LIMIT ?`, len(suffix), suffix, limit)
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
		FROM review_history WHERE interview_id = ? ORDER BY seq`, id)
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

// Approvals returns approvals of a submitter's revisions. See survey.ReviewStore.
func (s *ReviewStore) Approvals(ctx context.Context, after int64, submitter string, limit int) ([]*survey.ReviewEvent, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := s.db.query(ctx, approvalsQuery, submitter, after, limit)
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

// approvalsQuery reads one account's approvals after a sequence number through the index
// of approvals by submitter: its cost grows with what it returns, not with what the account
// sent. The state is written out, not bound, so that SQLite can use the partial index.
const approvalsQuery = `SELECT seq, interview_id, revision, by_user, at FROM review_history
	WHERE to_state = 'approved' AND submitted_by = ? AND seq > ? ORDER BY seq LIMIT ?`

// Revisions returns every stored revision of an interview. See survey.ReviewStore.
func (s *ReviewStore) Revisions(ctx context.Context, id string) ([]*survey.Submission, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+submissionColumns+`, (SELECT COUNT(*) FROM submission_conflicts c
		WHERE c.interview_id = s.interview_id AND c.revision = s.revision) FROM submissions s WHERE interview_id = ? ORDER BY revision`, id)
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
	err = tx.QueryRowContext(ctx, `SELECT r.revision, r.state, r.approved_revision FROM reviews r WHERE r.interview_id = ?`, id).Scan(&latest, &st, &approved)
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
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
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
	rows, err := tx.QueryContext(ctx, `SELECT seq, revision, from_state, to_state, comment, by_user, at FROM review_history WHERE interview_id = ? ORDER BY seq`, id)
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
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n, err := scanReturn(tx.QueryRowContext(ctx, `SELECT `+returnColumns+` FROM returns WHERE interview_id = ? AND revision = ?`, id, revision))
		if err == nil {
			out = n
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var submitter string
		err = tx.QueryRowContext(ctx, `SELECT submitted_by FROM submissions WHERE interview_id = ? AND revision = ?`, id, revision).Scan(&submitter)
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO returns (`+returnColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
		rq, err := recordsQuery(f, withRoster)
		if err != nil {
			yield(survey.RosterRecord{}, err)
			return
		}
		// One query is one snapshot: an interview revised during the export appears once.
		// When the latest revisions are told apart here, the list of the others and the
		// walk of the table are read in one transaction, so in one snapshot too.
		var from interface {
			QueryContext(context.Context, string, ...any) (*sql.Rows, error)
		} = s.db.db
		var superseded []int64
		if rq.latestHere {
			tx, err := s.db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			if err != nil {
				yield(survey.RosterRecord{}, err)
				return
			}
			defer tx.Rollback()
			if superseded, err = supersededRows(ctx, tx); err != nil {
				yield(survey.RosterRecord{}, err)
				return
			}
			from = tx
		}
		rows, err := from.QueryContext(ctx, rq.q, rq.args...)
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
		var rowid int64
		for rows.Next() {
			if err := rows.Scan(&body, &row, &latest, &approved, &rowid); err != nil {
				yield(survey.RosterRecord{}, err)
				return
			}
			if rq.latestHere {
				// Both in rowid order: the superseded rows before this one are passed.
				for len(superseded) > 0 && superseded[0] < rowid {
					superseded = superseded[1:]
				}
				latest = len(superseded) == 0 || superseded[0] != rowid
				if !latest && !(approved && f.Revisions == survey.RevisionsLatestAndApproved) {
					continue
				}
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

// supersededQuery lists the rows of the revisions that have a later one, in one walk of the
// primary key's index (each interview's revisions side by side).
const supersededQuery = `SELECT x.rowid FROM submissions x
	JOIN submissions y ON y.interview_id = x.interview_id AND y.revision > x.revision`

// supersededRows returns the rowids of supersededQuery, ascending: a few per revised
// interview (8 bytes each), read before a walk of the table in rowid order.
func supersededRows(ctx context.Context, tx *sql.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, supersededQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// recordsQueryPlan is the query of records, its columns the body, the roster row's body (NULL
// without the roster), latest, approved and the rowid.
type recordsQueryPlan struct {
	q    string
	args []any
	// latestHere says that the query gives every revision in rowid order and leaves
	// telling the latest ones apart to the reader (supersededRows), its latest column 0.
	latestHere bool
}

// recordsQuery is the query of records: the bodies of the chosen revisions (with their
// roster rows' bodies when withRoster) in sequence order, or the table's with f.AnyOrder.
func recordsQuery(f survey.RecordFilter, withRoster bool) (recordsQueryPlan, error) {
	var p recordsQueryPlan
	roster, join := `NULL`, ``
	if withRoster {
		roster, join = `ro.body`, ` LEFT JOIN server_roster ro ON ro.roster_id = s.respondent_id`
	}
	cols := func(latest, approved string) string {
		return `SELECT s.body, ` + roster + `, ` + latest + `, ` + approved + `, s.rowid`
	}
	const approvedCol = `coalesce(r.approved_revision = s.revision, 0)`
	// In the table's order the latest revisions are told apart while reading (latestHere):
	// a walk of the table beside a list of the superseded rows, where SQLite looked every
	// row up in its list of them, twice with the approved ones (a fifth of the report's
	// reading).
	p.latestHere = f.AnyOrder && (f.Revisions == survey.RevisionsLatest || f.Revisions == survey.RevisionsLatestAndApproved)
	switch f.Revisions {
	case survey.RevisionsApproved, "":
		p.q = cols(`0`, `0`) + ` FROM submissions s JOIN reviews r ON r.interview_id = s.interview_id AND r.approved_revision = s.revision` + join + ` WHERE 1 = 1`
	case survey.RevisionsLatest:
		if p.latestHere {
			p.q = cols(`0`, `0`) + ` FROM submissions s` + join + ` WHERE 1 = 1`
			break
		}
		// Read in sequence order, leaving out the revisions that have a later one: SQLite
		// lists those first in one walk of the primary key's index and looks each row up
		// in that list, where asking the primary key for every row read a page at random;
		// no sort of every body (a join with the latest revisions made SQLite sort all
		// rows, bodies included, in a temporary B-tree).
		p.q = cols(`0`, `0`) + ` FROM submissions s` + join + ` WHERE s.rowid NOT IN (` + supersededQuery + `)`
	case survey.RevisionsLatestAndApproved:
		if p.latestHere {
			p.q = cols(`0`, approvedCol) + ` FROM submissions s LEFT JOIN reviews r ON r.interview_id = s.interview_id` + join + ` WHERE 1 = 1`
			break
		}
		// The latest revisions read as above, and the approved ones through the review.
		p.q = cols(`s.rowid NOT IN (`+supersededQuery+`) AS latest`, approvedCol+` AS approved`) +
			` FROM submissions s LEFT JOIN reviews r ON r.interview_id = s.interview_id` + join + ` WHERE (latest OR approved)`
	case survey.RevisionsAll:
		p.q = cols(`0`, `0`) + ` FROM submissions s` + join + ` WHERE 1 = 1`
	default:
		return p, survey.Errorf(survey.EINVALID, "Unknown revisions %q: use approved, latest or all.", f.Revisions)
	}
	if f.FormID != "" {
		p.q, p.args = p.q+` AND s.form_id = ?`, append(p.args, f.FormID)
	}
	if f.AnyOrder {
		// The table's own order (its rowid), read page by page without a lookup per row.
		p.q += ` ORDER BY s.rowid`
		return p, nil
	}
	p.q += ` ORDER BY s.seq`
	return p, nil
}

// FormUses lists the form versions of the stored revisions. See survey.ReviewStore.
func (s *ReviewStore) FormUses(ctx context.Context) ([]survey.FormUse, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT form_id, form_version, COUNT(*) FROM submissions GROUP BY form_id, form_version ORDER BY form_id, form_version`)
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
