package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tracer/survey"
)

// Ensure SubmissionStore implements survey.SubmissionStore.
var _ survey.SubmissionStore = (*SubmissionStore)(nil)

// SubmissionStore is the PostgreSQL implementation of survey.SubmissionStore: the server's
// record of every revision it received.
//
// Concurrent Ingest calls share commits (group commit): each call joins a queue, and one
// writer goroutine, running while the queue is not empty, stores everything queued in one
// transaction with one fsync, then answers each call. Calls that arrive during a commit
// form the next group, so the more laptops push at once, the more each commit carries.
type SubmissionStore struct {
	db *DB

	mu      sync.Mutex
	pending []*ingestCall // calls waiting for the writer, in arrival order
	writing bool          // a writer goroutine is running

	commits, grouped atomic.Int64
	waiting          atomic.Int64 // calls queued or being committed
}

// ingestCall is one Ingest call waiting for its group's commit.
type ingestCall struct {
	subs     []*survey.Submission
	receipts []survey.Receipt
	err      error
	done     chan struct{}
}

// maxGroup bounds the submissions of one group commit; a call is never split.
const maxGroup = 4000

// NewSubmissionStore returns the submission store of db.
func NewSubmissionStore(db *DB) *SubmissionStore { return &SubmissionStore{db: db} }

// Ingest stores a batch in one transaction, shared with the batches of concurrent calls.
// The receipts come after the commit. See survey.SubmissionStore.
func (s *SubmissionStore) Ingest(ctx context.Context, subs []*survey.Submission) ([]survey.Receipt, error) {
	for _, sub := range subs {
		if sub.InterviewID == "" || sub.Revision < 1 || sub.Hash == "" || len(sub.Body) == 0 || sub.FormID == "" || sub.SubmittedBy == "" {
			return nil, survey.Errorf(survey.EINVALID, "A submission needs an id, a revision, a hash, a body, a form and a submitter.")
		}
	}
	if len(subs) == 0 {
		return nil, nil
	}
	c := &ingestCall{subs: subs, done: make(chan struct{})}
	s.waiting.Add(1)
	s.mu.Lock()
	s.pending = append(s.pending, c)
	if !s.writing {
		s.writing = true
		go s.write()
	}
	s.mu.Unlock()
	select {
	case <-c.done:
		return c.receipts, c.err
	case <-ctx.Done():
		// The group may still commit this batch; the caller hears nothing, and the
		// laptop's next push of it gets a duplicate receipt.
		return nil, ctx.Err()
	}
}

// Commits returns how many transactions Ingest committed and how many calls they answered:
// calls/commits is the mean group size.
func (s *SubmissionStore) Commits() (commits, calls int64) {
	return s.commits.Load(), s.grouped.Load()
}

// Waiting returns how many Ingest calls are queued or being committed.
func (s *SubmissionStore) Waiting() int { return int(s.waiting.Load()) }

// write commits the queued calls group by group until the queue is empty.
func (s *SubmissionStore) write() {
	for {
		s.mu.Lock()
		n, size := 0, 0
		for n < len(s.pending) && (n == 0 || size+len(s.pending[n].subs) <= maxGroup) {
			size += len(s.pending[n].subs)
			n++
		}
		group := s.pending[:n:n]
		s.pending = s.pending[n:]
		if len(group) == 0 {
			s.pending = nil
			s.writing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		s.commit(group)
	}
}

// commit stores a group in one transaction. If that fails, each call is tried again in
// its own transaction, so that one call's failing record fails only that call.
func (s *SubmissionStore) commit(group []*ingestCall) {
	// The group outlives any one request: a caller that leaves does not cancel the others.
	ctx := context.Background()
	var all []*survey.Submission
	for _, c := range group {
		all = append(all, c.subs...)
	}
	receipts, err := s.ingest(ctx, all)
	if err == nil {
		s.commits.Add(1)
		s.grouped.Add(int64(len(group)))
		for _, c := range group {
			c.receipts, receipts = receipts[:len(c.subs):len(c.subs)], receipts[len(c.subs):]
			s.answer(c)
		}
		return
	}
	if len(group) == 1 {
		group[0].err = err
		s.answer(group[0])
		return
	}
	for _, c := range group {
		c.receipts, c.err = s.ingest(ctx, c.subs)
		if c.err == nil {
			s.commits.Add(1)
			s.grouped.Add(1)
		}
		s.answer(c)
	}
}

// answer hands a call its result.
func (s *SubmissionStore) answer(c *ingestCall) {
	s.waiting.Add(-1)
	close(c.done)
}

// ingest stores subs in one transaction and returns one receipt each. The transaction
// holds the counter locks from its start (see inTx), so it makes few round trips to the
// database whatever the batch's size: one query reads every stored revision of the batch's
// interviews, one their reviews, and one statement each inserts the new revisions, their
// review states and their review history.
func (s *SubmissionStore) ingest(ctx context.Context, subs []*survey.Submission) ([]survey.Receipt, error) {
	now := s.db.now()
	receipts := make([]survey.Receipt, len(subs))
	err := s.db.inTx(ctx, []string{counterSubmission, counterReview}, func(tx *sql.Tx) error {
		type key struct {
			id  string
			rev int
		}
		ids := make([]string, 0, len(subs))
		for _, sub := range subs {
			ids = append(ids, sub.InterviewID)
		}
		stored, owners, err := loadStored(ctx, tx, ids)
		if err != nil {
			return err
		}
		batch := map[key]int{} // first index of each new (id, revision) in this batch
		var fresh []int
		var conflicts []int
		// Revisions of one interview are judged in order, so a batch may carry 1 and 2.
		order := make([]int, len(subs))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			return cmp.Or(cmp.Compare(subs[a].InterviewID, subs[b].InterviewID), cmp.Compare(subs[a].Revision, subs[b].Revision))
		})
		for _, i := range order {
			sub := subs[i]
			own := owners[sub.InterviewID]
			if own == nil {
				own = &survey.Ownership{}
				owners[sub.InterviewID] = own
			}
			k := key{sub.InterviewID, sub.Revision}
			var prior string
			old, held := stored.revisions[revisionKey{sub.InterviewID, sub.Revision}]
			if held {
				prior = old.hash
			} else if j, ok := batch[k]; ok {
				prior = subs[j].Hash // seq and time filled in below
			}
			r := &receipts[i]
			*r = survey.Admit(sub, own, prior)
			switch r.Status {
			case survey.ReceiptStored:
				batch[k] = i
				fresh = append(fresh, i)
				continue
			case survey.ReceiptConflict:
				conflicts = append(conflicts, i)
			case survey.ReceiptRefused:
				continue
			}
			if held {
				r.Seq = old.seq
				if r.ReceivedAt, err = parseTime(old.received); err != nil {
					return err
				}
			}
		}
		for _, i := range conflicts {
			sub := subs[i]
			if _, err := tx.ExecContext(ctx, `INSERT INTO submission_conflicts (interview_id, revision, hash, body, submitted_by, device_time, received_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (interview_id, revision, hash) DO NOTHING`,
				sub.InterviewID, sub.Revision, sub.Hash, sub.Body, sub.SubmittedBy, formatTime(sub.DeviceTime), formatTime(now)); err != nil {
				return err
			}
		}
		if err := addInstances(ctx, tx, subs, receipts); err != nil {
			return err
		}
		if len(fresh) == 0 {
			return nil
		}
		slices.Sort(fresh) // sequence numbers follow the batch's order
		first, err := nextSeqs(ctx, tx, "submission", len(fresh))
		if err != nil {
			return err
		}
		counted := formCounter{stored: stored.forms}
		var rows submissionRows
		for n, i := range fresh {
			sub := subs[i]
			counted.add(sub)
			var skew time.Duration
			if !sub.DeviceTime.IsZero() {
				skew = now.Sub(sub.DeviceTime)
			}
			rows.add(first+int64(n), sub, skew, now)
			receipts[i].Seq, receipts[i].ReceivedAt = first+int64(n), now
		}
		if err := rows.insert(ctx, tx); err != nil {
			return err
		}
		freshSubs := make([]*survey.Submission, len(fresh))
		for n, i := range fresh {
			freshSubs[n] = subs[i]
		}
		if err := received(ctx, tx, freshSubs, now); err != nil {
			return err
		}
		if err := counted.store(ctx, tx); err != nil {
			return err
		}
		// Repeats of a new revision inside the batch share the first one's receipt.
		for i := range receipts {
			if receipts[i].Seq == 0 && receipts[i].Status != survey.ReceiptRefused {
				j := batch[key{subs[i].InterviewID, subs[i].Revision}]
				receipts[i].Seq, receipts[i].ReceivedAt = receipts[j].Seq, now
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return receipts, nil
}

// revisionKey names one revision of an interview.
type revisionKey struct {
	id  string
	rev int
}

// storedRevision is what an ingest reads of a revision already stored.
type storedRevision struct {
	seq            int64
	hash, received string
}

// storedSet is what an ingest reads of the stored revisions of its batch's interviews.
type storedSet struct {
	revisions map[revisionKey]storedRevision
	// forms holds (interview, form, version) for each form version an interview's
	// stored revisions used.
	forms map[[3]string]bool
}

// loadStored reads inside tx, in one query, every stored revision of the interviews ids,
// and who may send each interview's next revision.
func loadStored(ctx context.Context, tx *sql.Tx, ids []string) (storedSet, map[string]*survey.Ownership, error) {
	set := storedSet{revisions: map[revisionKey]storedRevision{}, forms: map[[3]string]bool{}}
	owners := map[string]*survey.Ownership{}
	rows, err := tx.QueryContext(ctx, `SELECT interview_id, revision, seq, hash, received_at, submitted_by, form_id, form_version
		FROM submissions WHERE interview_id = ANY($1) ORDER BY interview_id, revision`, ids)
	if err != nil {
		return set, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, by, formID, version string
		var rev int
		var r storedRevision
		if err := rows.Scan(&id, &rev, &r.seq, &r.hash, &r.received, &by, &formID, &version); err != nil {
			return set, nil, err
		}
		set.revisions[revisionKey{id, rev}] = r
		set.forms[[3]string{id, formID, version}] = true
		own := owners[id]
		if own == nil { // the lowest revision comes first
			own = &survey.Ownership{First: by}
			owners[id] = own
		}
		own.Latest, own.Last = rev, by
	}
	return set, owners, rows.Err()
}

// submissionRows are new revisions to insert in one statement.
type submissionRows struct {
	seq, skew                                       []int64
	revision                                        []int32
	body                                            [][]byte
	id, hash, form, version, respondent, enumerator []string
	by, deviceTime, received                        []string
}

func (r *submissionRows) add(seq int64, sub *survey.Submission, skew time.Duration, now time.Time) {
	r.seq, r.skew = append(r.seq, seq), append(r.skew, skew.Milliseconds())
	r.revision, r.body = append(r.revision, int32(sub.Revision)), append(r.body, sub.Body)
	r.id, r.hash = append(r.id, sub.InterviewID), append(r.hash, sub.Hash)
	r.form, r.version = append(r.form, sub.FormID), append(r.version, sub.FormVersion)
	r.respondent, r.enumerator = append(r.respondent, sub.RespondentID), append(r.enumerator, sub.Enumerator)
	r.by, r.deviceTime, r.received = append(r.by, sub.SubmittedBy), append(r.deviceTime, formatTime(sub.DeviceTime)), append(r.received, formatTime(now))
}

func (r *submissionRows) insert(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO submissions (seq, interview_id, revision, hash, body, form_id, form_version,
		respondent_id, enumerator, submitted_by, device_time, skew_ms, received_at)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::bytea[], $6::text[], $7::text[],
			$8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[])`,
		r.seq, r.id, r.revision, r.hash, r.body, r.form, r.version, r.respondent, r.enumerator, r.by, r.deviceTime, r.skew, r.received)
	return err
}

// formCounter counts, inside one ingest transaction, the interviews that are new to a
// form version (form_interviews): an interview counts once per version any of its
// revisions used.
type formCounter struct {
	stored map[[3]string]bool // interview, form, version of the revisions stored before
	seen   map[[3]string]bool // interview, form, version already counted in this transaction
	add1   map[[2]string]int  // form, version: interviews to add
}

// add counts sub unless its interview already has a revision of the same form version,
// stored or earlier in this transaction.
func (c *formCounter) add(sub *survey.Submission) {
	k := [3]string{sub.InterviewID, sub.FormID, sub.FormVersion}
	if c.seen[k] || c.stored[k] {
		return
	}
	if c.seen == nil {
		c.seen, c.add1 = map[[3]string]bool{}, map[[2]string]int{}
	}
	c.seen[k] = true
	c.add1[[2]string{sub.FormID, sub.FormVersion}]++
}

// store adds the counts to form_interviews, in key order so that concurrent transactions
// lock the rows in one order.
func (c *formCounter) store(ctx context.Context, tx *sql.Tx) error {
	keys := make([][2]string, 0, len(c.add1))
	for k := range c.add1 {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1])) })
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_interviews (form_id, version, interviews) VALUES ($1, $2, $3)
			ON CONFLICT (form_id, version) DO UPDATE SET interviews = form_interviews.interviews + excluded.interviews`, k[0], k[1], c.add1[k]); err != nil {
			return err
		}
	}
	return nil
}

const submissionColumns = `seq, interview_id, revision, hash, form_id, form_version, respondent_id, enumerator,
	submitted_by, device_time, skew_ms, received_at`

func scanSubmission(sc scanner, extra ...any) (*survey.Submission, error) {
	var sub survey.Submission
	var device, received string
	var skew int64
	dest := append([]any{&sub.Seq, &sub.InterviewID, &sub.Revision, &sub.Hash, &sub.FormID, &sub.FormVersion,
		&sub.RespondentID, &sub.Enumerator, &sub.SubmittedBy, &device, &skew, &received}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if sub.DeviceTime, err = parseTime(device); err != nil {
		return nil, err
	}
	if sub.ReceivedAt, err = parseTime(received); err != nil {
		return nil, err
	}
	sub.Skew = time.Duration(skew) * time.Millisecond
	return &sub, nil
}

// Get returns one stored revision with its body. See survey.SubmissionStore.
func (s *SubmissionStore) Get(ctx context.Context, id string, revision int) (*survey.Submission, error) {
	var body []byte
	sub, err := scanSubmission(s.db.db.QueryRowContext(ctx, `SELECT `+submissionColumns+`, body FROM submissions
		WHERE interview_id = $1 AND revision = $2`, id, revision), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, survey.Errorf(survey.ENOTFOUND, "Revision %d of interview %s is not stored.", revision, id)
	} else if err != nil {
		return nil, err
	}
	sub.Body = body
	return sub, nil
}

// List returns stored revisions by sequence number. See survey.SubmissionStore.
func (s *SubmissionStore) List(ctx context.Context, f survey.SubmissionFilter) ([]*survey.Submission, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT ` + submissionColumns + `, (SELECT COUNT(*) FROM submission_conflicts c
		WHERE c.interview_id = s.interview_id AND c.revision = s.revision) FROM submissions s
		WHERE seq > $1`
	q, args := andEq(q, []any{f.After}, "submitted_by", f.SubmittedBy)
	q, args = limited(q+` ORDER BY seq`, args, limit)
	rows, err := s.db.db.QueryContext(ctx, q, args...)
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

// Conflicts returns the differing contents received for a revision, without their bodies.
// See survey.SubmissionStore.
func (s *SubmissionStore) Conflicts(ctx context.Context, id string, revision int) ([]*survey.Submission, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT interview_id, revision, hash, submitted_by, device_time, received_at
		FROM submission_conflicts WHERE interview_id = $1 AND revision = $2 ORDER BY received_at, hash COLLATE "C" LIMIT $3`, id, revision, survey.MaxConflictsListed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Submission
	for rows.Next() {
		var sub survey.Submission
		var device, received string
		if err := rows.Scan(&sub.InterviewID, &sub.Revision, &sub.Hash, &sub.SubmittedBy, &device, &received); err != nil {
			return nil, err
		}
		if sub.DeviceTime, err = parseTime(device); err != nil {
			return nil, err
		}
		if sub.ReceivedAt, err = parseTime(received); err != nil {
			return nil, err
		}
		out = append(out, &sub)
	}
	return out, rows.Err()
}

// Count returns the number of stored revisions. See survey.SubmissionStore.
func (s *SubmissionStore) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM submissions`).Scan(&n)
	return n, err
}
