package client_test

import (
	"context"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

func fastRetry() client.Option { return client.WithRetry(8, time.Millisecond, 20*time.Millisecond) }

func TestSyncPushesAndPulls(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	enumTok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	supTok := testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 25)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(env.URL, client.WithToken(enumTok), client.WithBatch(10, 1<<20), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	sup, _ := client.NewClient(env.URL, client.WithToken(supTok), fastRetry())
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "BTG25-0001", Name: "Dimas"}, {RosterID: "BTG25-0002", Name: "Sari"}}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sum, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, FormsDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count(survey.OutcomeStored) != 25 || sum.Count(survey.OutcomeDuplicate) != 0 || !sum.Complete() || sum.Forms != 1 || sum.RosterRows != 2 {
		t.Fatalf("first sync: %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)

	// Nothing new the second time.
	sum, err = c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, FormsDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count(survey.OutcomeStored) != 0 || sum.Forms != 0 || sum.RosterRows != 0 || sum.Returned != 0 {
		t.Fatalf("second sync: %+v", sum)
	}

	// A supervisor returns one; the laptop pulls it, corrects it and pushes revision 2.
	id := want[3].InterviewID
	if _, err := sup.Return(ctx, id, 1, "Cek ulang upah"); err != nil {
		t.Fatal(err)
	}
	sum, err = c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State}, nil)
	if err != nil || sum.Returned != 1 {
		t.Fatalf("pull returned: %+v %v", sum, err)
	}
	iv, err := lap.Interviews.Get(ctx, id)
	if err != nil || iv.State != survey.StateReturned || iv.ReturnComment != "Cek ulang upah" {
		t.Fatalf("returned interview: %+v %v", iv, err)
	}
	if _, err := lap.Interviews.Correct(ctx, id); err != nil {
		t.Fatal(err)
	}
	stored, err := lap.Interviews.Answers(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	it, err := lap.Interviews.Finalize(ctx, id, stored)
	if err != nil {
		t.Fatal(err)
	}
	sum, err = c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
	if err != nil || sum.Count(survey.OutcomeStored) != 1 {
		t.Fatalf("push revision 2: %+v %v", sum, err)
	}
	testbed.CheckSame(t, env.Subs, append(want, it), lap)
}

func TestStatusesBecomeCodes(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ana", survey.RoleAnalyst)
	c, _ := client.NewClient(env.URL, client.WithToken(tok), fastRetry())
	if _, err := c.Push(ctx, nil); survey.ErrorCode(err) != survey.EFORBIDDEN {
		t.Errorf("analyst push: %v, want forbidden", err)
	}
	anon, _ := client.NewClient(env.URL, fastRetry())
	if _, err := anon.Forms(ctx); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Errorf("no token: %v, want unauthorized", err)
	}
	if _, err := anon.Enroll(ctx, "AAAA-AAAA", "x", ""); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Errorf("bad code: %v, want unauthorized", err)
	}
	if _, err := c.Form(ctx, "nope", "1"); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("unknown form: %v, want not found", err)
	}
}

func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lap := testbed.NewLaptop(t)
	if _, err := testbed.Seed(ctx, lap.Interviews, "ani", 2); err != nil {
		t.Fatal(err)
	}
	c, _ := client.NewClient("http://127.0.0.1:1", client.WithToken("x"), client.WithRetry(3, time.Millisecond, 5*time.Millisecond))
	_, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
	if !client.IsUnreachable(err) {
		t.Fatalf("err = %v, want unreachable", err)
	}
	left, _ := lap.Interviews.Outbox(ctx, 0)
	if len(left) != 2 {
		t.Fatalf("outbox has %d, want 2 untouched", len(left))
	}
}

// TestSyncReportsEachRevision: the summary holds one typed outcome per pushed revision, in
// push order, and the progress callback counts every receipt up to the outbox's size.
func TestSyncReportsEachRevision(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 7)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(env.URL, client.WithToken(tok), client.WithBatch(3, 1<<20), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	var seen []survey.SyncProgress
	sum, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews}, func(p survey.SyncProgress) { seen = append(seen, p) })
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Outcomes) != len(want) {
		t.Fatalf("%d outcomes for %d revisions: %+v", len(sum.Outcomes), len(want), sum.Outcomes)
	}
	for i, o := range sum.Outcomes {
		if o.InterviewID != want[i].InterviewID || o.Revision != 1 || o.Outcome != survey.OutcomeStored || o.Reason != "" {
			t.Errorf("outcome %d = %+v, want %s stored", i, o, want[i].InterviewID)
		}
	}
	if len(seen) != len(want) || seen[len(seen)-1] != (survey.SyncProgress{Done: 7, Total: 7}) {
		t.Errorf("progress = %+v", seen)
	}
	for i, p := range seen {
		if p.Done != i+1 || p.Total != 7 {
			t.Errorf("progress %d = %+v", i, p)
		}
	}
}
