package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// formCounts returns the interviews count of every published version of form f.
func formCounts(t *testing.T, store *sqlite.FormStore) map[string]int {
	t.Helper()
	list, err := store.Forms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range list {
		got[f.ID+"@"+f.Version] = f.Interviews
	}
	return got
}

// onVersion is submission() made with form version v.
func onVersion(t *testing.T, id string, rev int, v string) *survey.Submission {
	t.Helper()
	s := submission(t, id, rev, "1")
	s.FormVersion = v
	return s
}

// TestFormInterviewsCount checks the interviews each published version counts: an
// interview counts once per version any of its revisions used, whether its revisions come
// in one batch (in any order) or several, and the count survives the migration that
// builds it from the stored submissions.
func TestFormInterviewsCount(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	forms, subs := sqlite.NewFormStore(db), sqlite.NewSubmissionStore(db)
	for _, v := range []string{"1", "2", "3"} {
		if _, err := forms.Publish(ctx, &survey.PublishedForm{ID: "f", Version: v, Name: "f.xlsx", Source: []byte("v" + v)}); err != nil {
			t.Fatal(err)
		}
	}
	ingest := func(batch ...*survey.Submission) {
		t.Helper()
		rcs, err := subs.Ingest(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, rc := range rcs {
			if rc.Status != survey.ReceiptStored && rc.Status != survey.ReceiptDuplicate {
				t.Fatalf("%s revision %d: %s %s", rc.InterviewID, rc.Revision, rc.Status, rc.Message)
			}
		}
	}
	a, b, c := survey.NewID(), survey.NewID(), survey.NewID()
	ingest(onVersion(t, a, 1, "1"), onVersion(t, b, 1, "1"))
	ingest(onVersion(t, a, 2, "1"))                          // the same version again: no new interview
	ingest(onVersion(t, a, 3, "2"), onVersion(t, a, 3, "2")) // another version, sent twice in one batch
	ingest(onVersion(t, b, 1, "1"))                          // a duplicate
	// Later revisions before earlier ones in one batch, across two versions.
	ingest(onVersion(t, c, 3, "1"), onVersion(t, c, 2, "2"), onVersion(t, c, 1, "1"))
	want := map[string]int{"f@1": 3, "f@2": 2, "f@3": 0}
	if diff := cmp.Diff(want, formCounts(t, forms)); diff != "" {
		t.Fatalf("counts after ingest (-want +got):\n%s", diff)
	}

	// The migration builds the same counts from the submissions of an older database.
	db = reopenBefore(t, db, path, `DROP TABLE form_interviews`, `DELETE FROM schema_migrations WHERE name = 'migration/011_form_interviews.sql'`)
	defer db.Close()
	if diff := cmp.Diff(want, formCounts(t, sqlite.NewFormStore(db))); diff != "" {
		t.Fatalf("counts after the migration (-want +got):\n%s", diff)
	}
}
