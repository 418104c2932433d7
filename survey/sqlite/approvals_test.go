package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// TestApprovalsMigration checks that the migration giving each approval the account that
// sent the approved revision fills it in for the approvals of an older database: after it,
// each account's laptop pulls its own approvals and a relay's feed names whose each is.
func TestApprovalsMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	subs, reviews := sqlite.NewSubmissionStore(db), sqlite.NewReviewStore(db)
	approved := map[string]string{} // interview -> account
	for _, who := range []string{"ani", "budi", "ani", "citra"} {
		sub := submission(t, survey.NewID(), 1, "1")
		sub.Enumerator, sub.SubmittedBy = who, who
		if _, err := subs.Ingest(ctx, []*survey.Submission{sub}); err != nil {
			t.Fatal(err)
		}
		if who == "citra" {
			continue // received, never approved
		}
		if _, err := reviews.Approve(ctx, sub.InterviewID, 1, "", "sri"); err != nil {
			t.Fatal(err)
		}
		approved[sub.InterviewID] = who
	}
	// The database as it was before the migration.
	db = reopenBefore(t, db, path, `DROP INDEX review_history_approvals`, `DROP INDEX review_history_approved`,
		`ALTER TABLE review_history DROP COLUMN submitted_by`,
		`DELETE FROM schema_migrations WHERE name = 'migration/019_approvals_by_submitter.sql'`)
	defer db.Close()
	reviews = sqlite.NewReviewStore(db)
	for who, want := range map[string]int{"ani": 2, "budi": 1, "citra": 0} {
		ap, err := reviews.Approvals(ctx, 0, who, 10)
		if err != nil || len(ap) != want {
			t.Fatalf("%s's approvals after the migration: %d, %v; want %d", who, len(ap), err, want)
		}
		for _, a := range ap {
			if approved[a.InterviewID] != who {
				t.Errorf("%s's approvals hold %s, sent by %q", who, a.InterviewID, approved[a.InterviewID])
			}
		}
	}
	all, err := reviews.AllApprovals(ctx, 0, 10)
	if err != nil || len(all) != 3 {
		t.Fatalf("every approval after the migration: %+v %v", all, err)
	}
	for _, a := range all {
		if a.SubmittedBy != approved[a.InterviewID] {
			t.Errorf("approval of %s names %q, sent by %q", a.InterviewID, a.SubmittedBy, approved[a.InterviewID])
		}
	}
}

// reopenBefore runs undo on db, which takes it back to how it was before a migration, closes
// it and opens the file at path again, which runs the migration.
func reopenBefore(t *testing.T, db *sqlite.DB, path string, undo ...string) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	for _, q := range undo {
		if err := sqlite.ExecForTest(ctx, db, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}
