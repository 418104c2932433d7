package server_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestApprovedInterviewsArePurged: once the supervisor approves a sent interview, the
// laptop's next sync drops its content (the outbox body, the answers, the values in its
// events) and keeps its id, revision, hash and state; nothing of it stays in the database
// file; an interview not yet approved keeps its content; returning the approved one later
// brings the record back for the correction.
func TestApprovedInterviewsArePurged(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	lap := testbed.NewLaptop(t)
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", 2)
	if err != nil {
		t.Fatal(err)
	}
	laptop := client.Laptop{Interviews: lap.Interviews, State: lap.State}
	if sum, err := ani.Sync(ctx, laptop, nil); err != nil || sum.Count(survey.OutcomeStored) != 2 || sum.Purged != 0 {
		t.Fatalf("first sync: %+v %v", sum, err)
	}
	approved, kept := items[0].InterviewID, items[1].InterviewID
	if _, err := sup.Approve(ctx, approved, 1, "ok"); err != nil {
		t.Fatal(err)
	}
	if sum, err := ani.Sync(ctx, laptop, nil); err != nil || sum.Purged != 1 {
		t.Fatalf("sync after the approval: %+v %v", sum, err)
	}
	if sum, err := ani.Sync(ctx, laptop, nil); err != nil || sum.Purged != 0 {
		t.Fatalf("sync again: %+v %v", sum, err)
	}
	iv, err := lap.Interviews.Get(ctx, approved)
	if err != nil || iv.State != survey.StateSent || iv.Revision != 1 {
		t.Fatalf("purged interview: %+v %v", iv, err)
	}
	if as, err := lap.Interviews.Answers(ctx, approved); err != nil || len(as) != 0 {
		t.Fatalf("answers of the purged interview: %d %v", len(as), err)
	}
	if as, err := lap.Interviews.Answers(ctx, kept); err != nil || len(as) == 0 {
		t.Fatalf("answers of the interview not approved: %d %v", len(as), err)
	}
	// The purged interview's id appears in the file only as metadata; its canonical record
	// (which holds the id next to the answers) is gone, while the kept one is there.
	path := lap.DB.Path()
	lap.DB.Close()
	raw, _ := os.ReadFile(path)
	wal, _ := os.ReadFile(path + "-wal")
	all := append(raw, wal...)
	if bytes.Contains(all, items[0].Body) {
		t.Fatal("the purged record is still in the database file")
	}
	if !bytes.Contains(all, items[1].Body) {
		t.Fatal("the kept record is not in the database file: the check cannot fail")
	}

	// Returning the approved interview withdraws the approval; the record comes back.
	lap2, err := testbed.OpenLaptop(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer lap2.DB.Close()
	if _, err := sup.Return(ctx, approved, 1, "Salah NIK"); err != nil {
		t.Fatal(err)
	}
	if sum, err := ani.Sync(ctx, client.Laptop{Interviews: lap2.Interviews, State: lap2.State}, nil); err != nil || sum.Returned != 1 {
		t.Fatalf("sync after the return: %+v %v", sum, err)
	}
	if _, err := lap2.Interviews.Correct(ctx, approved); err != nil {
		t.Fatal(err)
	}
	if as, err := lap2.Interviews.Answers(ctx, approved); err != nil || len(as) == 0 {
		t.Fatalf("answers after the return: %d %v", len(as), err)
	}
}
