package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
)

func submission(t *testing.T, id string, rev int, income string) *survey.Submission {
	t.Helper()
	rec := &survey.Record{ID: id, Revision: rev, FormID: "f", FormVersion: "1", Enumerator: "ani",
		StartedAt: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), FinalizedAt: time.Date(2026, 1, 1, 9, 30, 0, 0, time.UTC),
		Answers: map[string]string{"income_exact": income}}
	body, err := rec.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return &survey.Submission{InterviewID: id, Revision: rev, Hash: survey.HashBytes(body), Body: body, FormID: "f", FormVersion: "1",
		Enumerator: "ani", SubmittedBy: "ani"}
}

func states(t *testing.T, h []*survey.ReviewEvent) string {
	t.Helper()
	s := ""
	for _, e := range h {
		s += fmt.Sprintf("%d:%s>%s/%s ", e.Revision, e.From, e.To, e.By)
	}
	return s
}

// TestReviewStateMachine walks one interview through received, returned, resubmitted,
// approved, returned again and approved again, and checks the record stream.
func TestReviewStateMachine(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	subs, reviews := sqlite.NewSubmissionStore(db), sqlite.NewReviewStore(db)
	id, other := survey.NewID(), survey.NewID()
	if _, err := subs.Ingest(ctx, []*survey.Submission{submission(t, id, 1, "100"), submission(t, other, 1, "7")}); err != nil {
		t.Fatal(err)
	}
	check := func(state survey.ReviewState, rev, approved int) {
		t.Helper()
		v, err := reviews.Review(ctx, id)
		if err != nil || v.State != state || v.Revision != rev || v.ApprovedRevision != approved {
			t.Fatalf("review %+v %v, want %s revision %d approved %d", v, err, state, rev, approved)
		}
	}
	code := func(err error, want string) {
		t.Helper()
		if survey.ErrorCode(err) != want {
			t.Fatalf("error %v, want code %s", err, want)
		}
	}
	check(survey.ReviewReceived, 1, 0)

	_, err = reviews.ReturnWithComments(ctx, id, 1, "", nil, "sri")
	code(err, survey.EINVALID)
	n, err := reviews.ReturnWithComments(ctx, id, 1, "Cek upah", []survey.QuestionComment{{Path: "income_exact", Comment: "Bulanan?"}}, "sri")
	if err != nil || len(n.Questions) != 1 || n.SubmittedBy != "ani" {
		t.Fatalf("return: %+v %v", n, err)
	}
	again, err := reviews.ReturnWithComments(ctx, id, 1, "other", nil, "sri")
	if err != nil || again.Seq != n.Seq || again.Comment != "Cek upah" {
		t.Fatalf("second return: %+v %v", again, err)
	}
	check(survey.ReviewReturned, 1, 0)
	_, err = reviews.Approve(ctx, id, 1, "", "sri")
	code(err, survey.ECONFLICT) // returned: wait for the correction
	_, err = reviews.Approve(ctx, id, 2, "", "sri")
	code(err, survey.ENOTFOUND)
	_, err = reviews.Approve(ctx, survey.NewID(), 1, "", "sri")
	code(err, survey.ENOTFOUND)

	// The laptop pulls the notice with its question comments.
	ns, err := sqlite.NewReturnStore(db).Returned(ctx, 0, "ani", 10)
	if err != nil || len(ns) != 1 || len(ns[0].Questions) != 1 || ns[0].Questions[0].Path != "income_exact" {
		t.Fatalf("returned: %+v %v", ns, err)
	}

	if _, err := subs.Ingest(ctx, []*survey.Submission{submission(t, id, 2, "200")}); err != nil {
		t.Fatal(err)
	}
	check(survey.ReviewResubmitted, 2, 0)
	_, err = reviews.Approve(ctx, id, 1, "", "sri")
	code(err, survey.ECONFLICT) // not the latest
	_, err = reviews.ReturnWithComments(ctx, id, 1, "late", nil, "sri")
	if survey.ErrorCode(err) != "" && survey.ErrorCode(err) != survey.ECONFLICT {
		t.Fatal(err)
	}
	e, err := reviews.Approve(ctx, id, 2, "ok", "sri")
	if err != nil || e.To != survey.ReviewApproved {
		t.Fatalf("approve: %+v %v", e, err)
	}
	e2, err := reviews.Approve(ctx, id, 2, "twice", "sri")
	if err != nil || e2.Seq != e.Seq {
		t.Fatalf("approve twice: %+v %v", e2, err)
	}
	check(survey.ReviewApproved, 2, 2)

	records := func(set survey.RevisionSet) string {
		s := ""
		for rec, err := range reviews.Records(ctx, survey.RecordFilter{Revisions: set}) {
			if err != nil {
				t.Fatal(err)
			}
			s += fmt.Sprintf("%s/%d ", rec.Answers["income_exact"], rec.Revision)
		}
		return s
	}
	if got := records(survey.RevisionsApproved); got != "200/2 " {
		t.Errorf("approved records %q", got)
	}
	if got := records(survey.RevisionsLatest); got != "7/1 200/2 " {
		t.Errorf("latest records %q", got)
	}
	if got := records(survey.RevisionsAll); got != "100/1 7/1 200/2 " {
		t.Errorf("all records %q", got)
	}

	// Returning an approved interview withdraws the approval.
	if _, err := reviews.ReturnWithComments(ctx, id, 2, "Salah NIK", nil, "sri"); err != nil {
		t.Fatal(err)
	}
	check(survey.ReviewReturned, 2, 0)
	if got := records(survey.RevisionsApproved); got != "" {
		t.Errorf("approved records after the return %q", got)
	}
	if _, err := subs.Ingest(ctx, []*survey.Submission{submission(t, id, 3, "300")}); err != nil {
		t.Fatal(err)
	}
	if _, err := reviews.Approve(ctx, id, 3, "", "sri"); err != nil {
		t.Fatal(err)
	}
	check(survey.ReviewApproved, 3, 3)

	h, err := reviews.History(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := "1:>received/ani 1:received>returned/sri 2:returned>resubmitted/ani 2:resubmitted>approved/sri " +
		"2:approved>returned/sri 3:returned>resubmitted/ani 3:resubmitted>approved/sri "
	if got := states(t, h); got != want {
		t.Errorf("history\n%s\nwant\n%s", got, want)
	}
	if len(h[1].Questions) != 1 || h[1].Comment != "Cek upah" {
		t.Errorf("return event %+v", h[1])
	}
	revs, err := reviews.Revisions(ctx, id)
	if err != nil || len(revs) != 3 {
		t.Fatalf("revisions %d %v", len(revs), err)
	}
	q, err := reviews.Queue(ctx, survey.ReviewFilter{State: survey.ReviewReceived})
	if err != nil || len(q) != 1 || q[0].InterviewID != other {
		t.Fatalf("queue of received: %+v %v", q, err)
	}
	uses, err := reviews.FormUses(ctx)
	if err != nil || len(uses) != 1 || uses[0].Revisions != 4 {
		t.Fatalf("form uses %+v %v", uses, err)
	}
}
