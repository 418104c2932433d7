package storetest

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"tracer/survey"
)

// testLargeMixedBatch ingests, in one call, 1,906 revisions of 1,304 interviews that mix
// every outcome a revision can have: duplicates and conflicts of stored revisions and of
// revisions earlier in the batch, next revisions, revisions that skip one, another
// account's, two new revisions of one interview (the later first), instanceIDs sent twice.
// Every kind is numerous enough that an implementation writing or reading in chunks
// handles several chunks of each, with outcomes of every kind inside each chunk. Each
// receipt, row, conflict, review, history, instanceID and form count is checked against
// what the kind of its revision says.
func testLargeMixedBatch(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	for _, v := range []string{"1", "2"} {
		if _, err := s.Forms.Publish(ctx, &survey.PublishedForm{ID: "f", Version: v, Name: "f.xlsx", Source: []byte("v" + v)}); err != nil {
			t.Fatal(err)
		}
	}
	const nOld, nNew = 901, 403 // odd, so that chunks of every size are used
	oldID := func(k int) string { return fmt.Sprintf("old-%04d", k) }
	newID := func(j int) string { return fmt.Sprintf("new-%04d", j) }

	// Revision 1 of the old interviews, stored before.
	var before []*survey.Submission
	for k := range nOld {
		before = append(before, Submission(t, oldID(k), 1, "1"))
	}
	pre, err := s.Submissions.Ingest(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	var lastSeq int64
	for _, rc := range pre {
		if rc.Status != survey.ReceiptStored {
			t.Fatalf("stored before: %+v", rc)
		}
		lastSeq = max(lastSeq, rc.Seq)
	}

	// want is what one revision of the batch must get: status, code, and the index of
	// the receipt whose sequence number it shares (-1: its own, a new one; -2: the
	// receipt stored before, pre[k]).
	type want struct {
		status survey.ReceiptStatus
		code   string
		same   int
		k      int
	}
	var batch []*survey.Submission
	var wants []want
	add := func(sub *survey.Submission, w want) int {
		batch, wants = append(batch, sub), append(wants, w)
		return len(batch) - 1
	}
	stored := func() want { return want{status: survey.ReceiptStored, same: -1} }
	withInstance := func(sub *survey.Submission, instance string) *survey.Submission {
		sub.InstanceID = instance
		return sub
	}
	budi := func(sub *survey.Submission) *survey.Submission {
		sub.SubmittedBy = "budi"
		return sub
	}
	for i := range max(nOld, nNew) {
		if k := i; k < nOld {
			id := oldID(k)
			switch k % 6 {
			case 0: // the stored revision again, with an instanceID
				add(withInstance(Submission(t, id, 1, "1"), "dup-"+id), want{survey.ReceiptDuplicate, "", -2, k})
			case 1: // two other contents of the stored revision
				add(Submission(t, id, 1, "x"), want{survey.ReceiptConflict, survey.ECONFLICT, -2, k})
				add(Submission(t, id, 1, "y"), want{survey.ReceiptConflict, survey.ECONFLICT, -2, k})
			case 2: // the next revision
				add(Submission(t, id, 2, "2"), stored())
			case 3: // a revision that skips one
				add(Submission(t, id, 3, "3"), want{survey.ReceiptRefused, survey.ECONFLICT, -1, k})
			case 4: // another account's
				add(budi(Submission(t, id, 2, "2")), want{survey.ReceiptRefused, survey.EFORBIDDEN, -1, k})
			case 5: // revisions 3 (of form version 2) and 2, the later first
				add(withForm(Submission(t, id, 3, "3"), "f", "2"), stored())
				add(Submission(t, id, 2, "2"), stored())
			}
		}
		if j := i; j < nNew {
			id := newID(j)
			switch j % 4 {
			case 0: // a new interview
				add(withInstance(Submission(t, id, 1, "1"), "inst-"+id), stored())
			case 1: // a new interview sent twice, both with its instanceID
				first := add(withInstance(Submission(t, id, 1, "1"), "inst-"+id), stored())
				add(withInstance(Submission(t, id, 1, "1"), "inst-"+id), want{survey.ReceiptDuplicate, "", first, 0})
			case 2: // a new interview and other content for it
				first := add(Submission(t, id, 1, "1"), stored())
				add(Submission(t, id, 1, "z"), want{survey.ReceiptConflict, survey.ECONFLICT, first, 0})
			case 3: // revisions 1 and 2 of a new interview
				add(Submission(t, id, 1, "1"), stored())
				add(Submission(t, id, 2, "2"), stored())
			}
		}
	}
	got, err := s.Submissions.Ingest(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(batch) {
		t.Fatalf("%d receipts for %d revisions", len(got), len(batch))
	}
	next := lastSeq + 1 // new revisions are numbered in the batch's order, with no gap
	for i, rc := range got {
		w, sub := wants[i], batch[i]
		if rc.InterviewID != sub.InterviewID || rc.Revision != sub.Revision || rc.Hash != sub.Hash || rc.Status != w.status || rc.Code != w.code {
			t.Fatalf("receipt %d (%s revision %d): %+v, want %s with code %q", i, sub.InterviewID, sub.Revision, rc, w.status, w.code)
		}
		var seq int64
		switch {
		case w.status == survey.ReceiptRefused:
		case w.same == -2:
			seq = pre[w.k].Seq
			if !rc.ReceivedAt.Equal(pre[w.k].ReceivedAt) {
				t.Errorf("receipt %d: received %v, want the stored revision's %v", i, rc.ReceivedAt, pre[w.k].ReceivedAt)
			}
		case w.same >= 0:
			seq = got[w.same].Seq
		default:
			seq = next
			next++
		}
		if rc.Seq != seq {
			t.Fatalf("receipt %d (%s revision %d, %s): sequence %d, want %d", i, sub.InterviewID, sub.Revision, rc.Status, rc.Seq, seq)
		}
		if rc.Status == survey.ReceiptStored {
			back, err := s.Submissions.Get(ctx, sub.InterviewID, sub.Revision)
			if err != nil || back.Hash != sub.Hash || string(back.Body) != string(sub.Body) || back.Seq != rc.Seq || back.FormVersion != sub.FormVersion {
				t.Fatalf("stored %s revision %d: %+v %v", sub.InterviewID, sub.Revision, back, err)
			}
		}
	}
	fresh := 0
	for _, w := range wants {
		if w.status == survey.ReceiptStored {
			fresh++
		}
	}
	if n, err := s.Submissions.Count(ctx); err != nil || n != nOld+fresh {
		t.Fatalf("count %d (%v), want %d", n, err, nOld+fresh)
	}

	// Conflicts, reviews and their histories, instanceIDs.
	idx, ok := s.Submissions.(survey.InstanceIndex)
	if !ok {
		t.Fatal("the submission store does not implement survey.InstanceIndex")
	}
	check := func(id string, conflicts int, state survey.ReviewState, rev int, history string, instance string, instanceRev int) {
		t.Helper()
		cs, err := s.Submissions.Conflicts(ctx, id, 1)
		if err != nil || len(cs) != conflicts {
			t.Fatalf("conflicts of %s: %d %v, want %d", id, len(cs), err, conflicts)
		}
		v, err := s.Reviews.Review(ctx, id)
		if err != nil || v.State != state || v.Revision != rev {
			t.Fatalf("review of %s: %+v %v, want %s at revision %d", id, v, err, state, rev)
		}
		h, err := s.Reviews.History(ctx, id)
		if err != nil || reviewStates(h) != history {
			t.Fatalf("history of %s: %q %v, want %q", id, reviewStates(h), err, history)
		}
		for i := 1; i < len(h); i++ {
			if h[i].Seq <= h[i-1].Seq {
				t.Fatalf("history of %s: sequence %d after %d", id, h[i].Seq, h[i-1].Seq)
			}
		}
		if instance != "" {
			if got, r, err := idx.Instance(ctx, instance); err != nil || got != id || r != instanceRev {
				t.Fatalf("instance %s: %s revision %d %v, want %s revision %d", instance, got, r, err, id, instanceRev)
			}
		}
	}
	const rc1, rs = "1:>received/ani ", "received>resubmitted/ani "
	for k := range nOld {
		id := oldID(k)
		switch k % 6 {
		case 0:
			check(id, 0, survey.ReviewReceived, 1, rc1, "dup-"+id, 1)
		case 1:
			check(id, 2, survey.ReviewReceived, 1, rc1, "", 0)
		case 2:
			check(id, 0, survey.ReviewResubmitted, 2, rc1+"2:"+rs, "", 0)
		case 3, 4:
			check(id, 0, survey.ReviewReceived, 1, rc1, "", 0)
		case 5:
			check(id, 0, survey.ReviewResubmitted, 3, rc1+"3:"+rs, "", 0)
		}
	}
	for j := range nNew {
		id := newID(j)
		switch j % 4 {
		case 0, 1:
			check(id, 0, survey.ReviewReceived, 1, rc1, "inst-"+id, 1)
		case 2:
			check(id, 1, survey.ReviewReceived, 1, rc1, "", 0)
		case 3:
			check(id, 0, survey.ReviewResubmitted, 2, rc1+"2:"+rs, "", 0)
		}
	}

	// Interviews per form version: every interview used version 1; a sixth of the old
	// ones also used version 2.
	list, err := s.Forms.Forms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range list {
		counts[f.ID+"@"+f.Version] = f.Interviews
	}
	v2 := 0
	for k := range nOld {
		if k%6 == 5 {
			v2++
		}
	}
	if want := map[string]int{"f@1": nOld + nNew, "f@2": v2}; !maps.Equal(counts, want) {
		t.Fatalf("interviews per version: %v, want %v", counts, want)
	}
}
