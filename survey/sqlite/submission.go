package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"tracer/survey"
)

// Ensure SubmissionStore implements survey.SubmissionStore.
var _ survey.SubmissionStore = (*SubmissionStore)(nil)

// SubmissionStore is the SQLite implementation of survey.SubmissionStore: the server's
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

// nextSeqs reserves n sequence numbers of the named counter inside tx and returns the first.
func nextSeqs(ctx context.Context, tx txRunner, name string, n int) (int64, error) {
	var last int64
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET value = value + ? WHERE name = ? RETURNING value`, n, name).Scan(&last); err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	return last - int64(n) + 1, nil
}

// nextSubmissionSeqs reserves, in one statement, subs sequence numbers of submissions and
// reviews of the review history, and returns the first of each.
func nextSubmissionSeqs(ctx context.Context, tx cachedTx, subs, reviews int) (firstSub, firstReview int64, err error) {
	rows, err := tx.QueryContext(ctx, `UPDATE counters SET value = value + CASE name WHEN 'submission' THEN ? ELSE ? END
		WHERE name IN ('submission', 'review') RETURNING name, value`, subs, reviews)
	if err != nil {
		return 0, 0, fmt.Errorf("counters: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		var last int64
		if err := rows.Scan(&name, &last); err != nil {
			return 0, 0, fmt.Errorf("counters: %w", err)
		}
		switch name {
		case "submission":
			firstSub = last - int64(subs) + 1
		case "review":
			firstReview = last - int64(reviews) + 1
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("counters: %w", err)
	}
	if n != 2 {
		return 0, 0, fmt.Errorf("counters: %d of the submission and review counters found", n)
	}
	return firstSub, firstReview, nil
}

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

// ingest stores subs in one transaction and returns one receipt each. It runs few
// statements whatever the batch's size (each in chunks of at most maxChunk rows): one
// query reads every stored revision of the batch's interviews, one their reviews, one
// statement reserves the sequence numbers, and one each inserts the new revisions, their
// review states and their review history.
func (s *SubmissionStore) ingest(ctx context.Context, subs []*survey.Submission) ([]survey.Receipt, error) {
	now := s.db.now()
	receipts := make([]survey.Receipt, len(subs))
	err := s.db.inTx(ctx, func(sqlTx *sql.Tx) error {
		tx := cachedTx{sqlTx, s.db}
		// Revisions of one interview are judged in order, so a batch may carry 1 and 2.
		order := make([]int, len(subs))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			return cmp.Or(cmp.Compare(subs[a].InterviewID, subs[b].InterviewID), cmp.Compare(subs[a].Revision, subs[b].Revision))
		})
		var ids []string
		for n, i := range order {
			if n == 0 || subs[i].InterviewID != subs[order[n-1]].InterviewID {
				ids = append(ids, subs[i].InterviewID)
			}
		}
		stored, owners, err := loadStored(ctx, tx, ids)
		if err != nil {
			return err
		}
		batch := map[revisionKey]int{} // first index of each new (id, revision) in this batch
		var fresh, conflicts []int
		for _, i := range order {
			sub := subs[i]
			own := owners[sub.InterviewID]
			if own == nil {
				own = &ownership{}
				owners[sub.InterviewID] = own
			}
			k := revisionKey{sub.InterviewID, sub.Revision}
			var prior string
			old, held := stored.revisions[k]
			if held {
				prior = old.hash
			} else if j, ok := batch[k]; ok {
				prior = subs[j].Hash // seq and time filled in below
			}
			r := &receipts[i]
			*r = survey.Admit(sub, &own.Ownership, prior)
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
		if len(conflicts) > 0 {
			slices.Sort(conflicts)
			received := formatTime(now)
			if err := execRows(ctx, tx, `INSERT INTO submission_conflicts (interview_id, revision, hash, body, submitted_by, device_time, received_at) VALUES `,
				` ON CONFLICT (interview_id, revision, hash) DO NOTHING`, 7, len(conflicts), func(n int, dst []any) []any {
					sub := subs[conflicts[n]]
					return append(dst, sub.InterviewID, sub.Revision, sub.Hash, sub.Body, sub.SubmittedBy, formatTime(sub.DeviceTime), received)
				}); err != nil {
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
		rv, err := received(ctx, tx, subs, fresh, owners, now)
		if err != nil {
			return err
		}
		first, firstReview, err := nextSubmissionSeqs(ctx, tx, len(fresh), len(rv.events))
		if err != nil {
			return err
		}
		counted := formCounter{stored: stored.forms}
		for n, i := range fresh {
			counted.add(subs[i])
			receipts[i].Seq, receipts[i].ReceivedAt = first+int64(n), now
		}
		receivedAt := formatTime(now)
		if err := execRows(ctx, tx, `INSERT INTO submissions (seq, interview_id, revision, hash, body, form_id, form_version,
			respondent_id, enumerator, submitted_by, device_time, skew_ms, received_at) VALUES `, ``, 13, len(fresh), func(n int, dst []any) []any {
			sub := subs[fresh[n]]
			var skew time.Duration
			if !sub.DeviceTime.IsZero() {
				skew = now.Sub(sub.DeviceTime)
			}
			return append(dst, first+int64(n), sub.InterviewID, sub.Revision, sub.Hash, sub.Body, sub.FormID, sub.FormVersion,
				sub.RespondentID, sub.Enumerator, sub.SubmittedBy, formatTime(sub.DeviceTime), skew.Milliseconds(), receivedAt)
		}); err != nil {
			return err
		}
		if err := rv.store(ctx, tx, firstReview); err != nil {
			return err
		}
		if err := counted.store(ctx, tx); err != nil {
			return err
		}
		// Repeats of a new revision inside the batch share the first one's receipt.
		for i := range receipts {
			if receipts[i].Seq == 0 && receipts[i].Status != survey.ReceiptRefused {
				j := batch[revisionKey{subs[i].InterviewID, subs[i].Revision}]
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

// loadStored reads inside tx every stored revision of the interviews ids (distinct), and
// who may send each interview's next revision.
func loadStored(ctx context.Context, tx cachedTx, ids []string) (storedSet, map[string]*ownership, error) {
	set := storedSet{revisions: map[revisionKey]storedRevision{}, forms: map[[3]string]bool{}}
	owners := make(map[string]*ownership, len(ids))
	lowest := map[string]int{} // the lowest stored revision of each interview
	err := queryIn(ctx, tx, `SELECT interview_id, revision, seq, hash, received_at, submitted_by, form_id, form_version
		FROM submissions WHERE interview_id IN `, ``, ids, func(rows *sql.Rows) error {
		var id, by, formID, version string
		var rev int
		var r storedRevision
		if err := rows.Scan(&id, &rev, &r.seq, &r.hash, &r.received, &by, &formID, &version); err != nil {
			return err
		}
		set.revisions[revisionKey{id, rev}] = r
		set.forms[[3]string{id, formID, version}] = true
		own := owners[id]
		if own == nil {
			own = &ownership{}
			owners[id] = own
		}
		if low, ok := lowest[id]; !ok || rev < low {
			lowest[id], own.First = rev, by
		}
		if rev > own.Latest {
			own.Latest, own.Last, own.stored = rev, by, rev
		}
		return nil
	})
	return set, owners, err
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

// store adds the counts to form_interviews.
func (c *formCounter) store(ctx context.Context, tx txRunner) error {
	for k, n := range c.add1 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_interviews (form_id, version, interviews) VALUES (?, ?, ?)
			ON CONFLICT (form_id, version) DO UPDATE SET interviews = interviews + excluded.interviews`, k[0], k[1], n); err != nil {
			return err
		}
	}
	return nil
}

// ownership is who may send an interview's next revision (survey.Ownership: the account
// that sent its first revision, its enumerator, and the one that sent its latest, to whom
// a return goes), and the latest revision stored before this transaction.
type ownership struct {
	survey.Ownership
	stored int // the latest revision stored before this transaction
}

const submissionColumns = `seq, interview_id, revision, hash, form_id, form_version, respondent_id, enumerator,
	submitted_by, device_time, skew_ms, received_at`

func scanSubmission(sc interface{ Scan(...any) error }, extra ...any) (*survey.Submission, error) {
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
		WHERE interview_id = ? AND revision = ?`, id, revision), &body)
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
		WHERE c.interview_id = s.interview_id AND c.revision = s.revision) FROM submissions s WHERE seq > ?`
	args := []any{f.After}
	if f.SubmittedBy != "" {
		q += ` AND submitted_by = ?`
		args = append(args, f.SubmittedBy)
	}
	q += ` ORDER BY seq LIMIT ?`
	rows, err := s.db.db.QueryContext(ctx, q, append(args, limit)...)
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
		FROM submission_conflicts WHERE interview_id = ? AND revision = ? ORDER BY received_at, hash LIMIT ?`, id, revision, survey.MaxConflictsListed)
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
