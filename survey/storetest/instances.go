package storetest

import (
	"context"
	"testing"

	"tracer/survey"
)

// testInstances: the submission store remembers which revision each Collect instanceID was
// stored as, across handles; recording it again keeps the first.
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
	if err := idx.AddInstance(ctx, "b1", "a", 2); err != nil {
		t.Fatal(err)
	}
	if err := idx.AddInstance(ctx, "b1", "x", 9); err != nil {
		t.Fatalf("recording an instance again: %v", err)
	}
	other, ok := open(t).Submissions.(survey.InstanceIndex)
	if !ok {
		t.Fatal("no index through another handle")
	}
	if id, rev, err := other.Instance(ctx, "b1"); err != nil || id != "a" || rev != 2 {
		t.Fatalf("instance b1 = %s revision %d (%v), want a revision 2", id, rev, err)
	}
}
