package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/storetest"
)

// holdWriteLock takes SQLite's write lock on the database at path from another connection,
// as another process would, and returns the function that lets it go.
func holdWriteLock(t *testing.T, path string) func() {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	var once gosync.Once
	release := func() {
		once.Do(func() {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			other.Close()
		})
	}
	t.Cleanup(release)
	return release
}

// waitFor polls until cond holds; the test's own timeout bounds it.
func waitFor(cond func() bool) {
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}

type ingestResult struct {
	receipts []survey.Receipt
	err      error
}

// groupOf queues one call behind a held write lock, then n more, and lets the lock go, so
// that the n calls are committed as one group. It returns the first call's result and the
// group's, in order.
func groupOf(t *testing.T, path string, subs *sqlite.SubmissionStore, first []*survey.Submission, calls [][]*survey.Submission) (ingestResult, []ingestResult) {
	t.Helper()
	ctx := context.Background()
	release := holdWriteLock(t, path)
	var head ingestResult
	var wg gosync.WaitGroup
	wg.Go(func() { head.receipts, head.err = subs.Ingest(ctx, first) })
	// The writer took the first call and waits for the lock; the others queue behind it.
	waitFor(func() bool { return subs.Waiting() == 1 })
	out := make([]ingestResult, len(calls))
	for i, c := range calls {
		wg.Go(func() { out[i].receipts, out[i].err = subs.Ingest(ctx, c) })
	}
	waitFor(func() bool { return subs.Waiting() == 1+len(calls) })
	release()
	wg.Wait()
	return head, out
}

// TestGroupCommit queues many calls while the database is locked and checks that they are
// stored in one transaction, each with its own receipts, duplicates across calls as one row.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	subs := sqlite.NewSubmissionStore(db)
	var calls [][]*survey.Submission
	for range 8 {
		calls = append(calls, []*survey.Submission{storetest.Submission(t, survey.NewID(), 1, "1"), storetest.Submission(t, survey.NewID(), 1, "2")})
	}
	dup := calls[0][1]
	calls = append(calls, []*survey.Submission{dup}) // the same revision in two calls of one group
	c0, g0 := subs.Commits()
	head, got := groupOf(t, path, subs, []*survey.Submission{storetest.Submission(t, survey.NewID(), 1, "0")}, calls)
	if head.err != nil {
		t.Fatal(head.err)
	}
	commits, grouped := subs.Commits()
	if commits-c0 != 2 || grouped-g0 != int64(1+len(calls)) {
		t.Fatalf("%d commits answered %d calls, want 2 commits for %d calls", commits-c0, grouped-g0, 1+len(calls))
	}
	stored := 0
	for i, r := range got {
		if r.err != nil {
			t.Fatalf("call %d: %v", i, r.err)
		}
		if len(r.receipts) != len(calls[i]) {
			t.Fatalf("call %d: %d receipts for %d submissions", i, len(r.receipts), len(calls[i]))
		}
		for j, rc := range r.receipts {
			sub := calls[i][j]
			if rc.InterviewID != sub.InterviewID || rc.Hash != sub.Hash || rc.Seq == 0 {
				t.Fatalf("call %d receipt %d = %+v for %s", i, j, rc, sub.InterviewID)
			}
			got, err := subs.Get(ctx, rc.InterviewID, rc.Revision)
			if err != nil || got.Seq != rc.Seq || got.Hash != rc.Hash {
				t.Fatalf("receipt %+v, stored %+v %v", rc, got, err)
			}
			if rc.Status == survey.ReceiptStored {
				stored++
			}
		}
	}
	// The calls queued in any order: one of the two is stored, the other is its duplicate.
	a, b := got[0].receipts[1], got[len(got)-1].receipts[0]
	if a.Seq != b.Seq || a.Status == b.Status || (a.Status != survey.ReceiptDuplicate && b.Status != survey.ReceiptDuplicate) {
		t.Fatalf("one revision in two calls: %+v and %+v, want stored and a duplicate of one seq", a, b)
	}
	if n, _ := subs.Count(ctx); n != 1+stored || stored != 16 {
		t.Fatalf("%d rows, %d stored receipts; want 17 and 16", n, stored)
	}
}

// TestGroupCommitFailingRecord makes one record of a shared commit fail inside SQLite and
// checks that only its call fails: the other calls of the group are stored.
func TestGroupCommitFailingRecord(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	subs := sqlite.NewSubmissionStore(db)
	bad := storetest.Submission(t, survey.NewID(), 1, "9")
	if err := sqlite.ExecForTest(ctx, db, `CREATE TRIGGER fail_one BEFORE INSERT ON submissions
		WHEN NEW.interview_id = '`+bad.InterviewID+`' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`); err != nil {
		t.Fatal(err)
	}
	var calls [][]*survey.Submission
	for range 5 {
		calls = append(calls, []*survey.Submission{storetest.Submission(t, survey.NewID(), 1, "1")})
	}
	calls[2] = append(calls[2], bad)
	_, got := groupOf(t, path, subs, []*survey.Submission{storetest.Submission(t, survey.NewID(), 1, "0")}, calls)
	for i, r := range got {
		if i == 2 {
			if r.err == nil {
				t.Fatalf("the call with the failing record: receipts %+v, want an error", r.receipts)
			}
			if _, err := subs.Get(ctx, calls[2][0].InterviewID, 1); survey.ErrorCode(err) != survey.ENOTFOUND {
				t.Fatalf("the failing call's other record: %v, want not stored", err)
			}
			continue
		}
		if r.err != nil || len(r.receipts) != 1 || r.receipts[0].Status != survey.ReceiptStored {
			t.Fatalf("call %d: %+v %v, want stored", i, r.receipts, r.err)
		}
		if _, err := subs.Get(ctx, calls[i][0].InterviewID, 1); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
}
