package storetest

import (
	"context"
	"testing"

	"tracer/survey"
)

// testInstances: the submission store remembers which revision each Collect instanceID was
// stored as, across handles, recorded by Ingest with the revision; recording it again
// keeps the first. When recording the instanceID fails, the revision is not kept either:
// both are written in one transaction.
func testInstances(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	idx, ok := s.Submissions.(survey.InstanceIndex)
	if !ok {
		t.Fatal("the submission store does not implement survey.InstanceIndex")
	}
	if _, _, err := idx.Instance(ctx, "b1"); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Fatalf("an unknown instance: %v, want ENOTFOUND", err)
	}
	ingest := func(sub *survey.Submission) (survey.Receipt, error) {
		t.Helper()
		rc, err := s.Submissions.Ingest(ctx, []*survey.Submission{sub})
		if err != nil {
			return survey.Receipt{}, err
		}
		return rc[0], nil
	}
	if rc, err := ingest(Submission(t, "a", 1, "1")); err != nil || rc.Status != survey.ReceiptStored {
		t.Fatalf("revision 1: %+v %v", rc, err)
	}
	edit := Submission(t, "a", 2, "2")
	edit.InstanceID = "b1"
	if rc, err := ingest(edit); err != nil || rc.Status != survey.ReceiptStored {
		t.Fatalf("the edit: %+v %v", rc, err)
	}
	again := Submission(t, "a", 2, "2")
	again.InstanceID = "b1"
	if rc, err := ingest(again); err != nil || rc.Status != survey.ReceiptDuplicate {
		t.Fatalf("the edit again: %+v %v", rc, err)
	}
	other, ok := open(t).Submissions.(survey.InstanceIndex)
	if !ok {
		t.Fatal("no index through another handle")
	}
	if id, rev, err := other.Instance(ctx, "b1"); err != nil || id != "a" || rev != 2 {
		t.Fatalf("instance b1 = %s revision %d (%v), want a revision 2", id, rev, err)
	}

	// A fault in the second write: the database refuses every new instanceID row.
	fault := []string{
		`CREATE TRIGGER refuse_instances BEFORE INSERT ON collect_instances BEGIN SELECT RAISE(ABORT, 'instance refused'); END`,
	}
	if _, err := s.SQL.ExecContext(ctx, fault[0]); err != nil {
		fault = []string{ // PostgreSQL
			`CREATE FUNCTION refuse_instances() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'instance refused'; END $$`,
			`CREATE TRIGGER refuse_instances BEFORE INSERT ON collect_instances FOR EACH ROW EXECUTE FUNCTION refuse_instances()`,
		}
		for _, q := range fault {
			if _, err := s.SQL.ExecContext(ctx, q); err != nil {
				t.Fatalf("install the fault: %v", err)
			}
		}
	}
	edit = Submission(t, "a", 3, "3")
	edit.InstanceID = "b2"
	if _, err := ingest(edit); err == nil {
		t.Fatal("the edit was stored while its instanceID could not be recorded")
	}
	if _, _, err := idx.Instance(ctx, "b2"); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("instance b2 after the fault: %v, want ENOTFOUND", err)
	}
	if _, err := s.Submissions.Get(ctx, "a", 3); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("revision 3 kept without its instanceID: %v", err)
	}
	if n, err := s.Submissions.Count(ctx); err != nil || n != 2 {
		t.Errorf("%d revisions stored (%v), want 2", n, err)
	}
	// With the fault gone, the same edit is stored with its instanceID.
	if _, err := s.SQL.ExecContext(ctx, `DROP TRIGGER refuse_instances`+map[bool]string{true: " ON collect_instances"}[len(fault) > 1]); err != nil {
		t.Fatal(err)
	}
	if rc, err := ingest(edit); err != nil || rc.Status != survey.ReceiptStored {
		t.Fatalf("the edit after the fault: %+v %v", rc, err)
	}
	if id, rev, err := idx.Instance(ctx, "b2"); err != nil || id != "a" || rev != 3 {
		t.Fatalf("instance b2 = %s revision %d (%v), want a revision 3", id, rev, err)
	}
}
