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
	if sum.Pushed != 25 || sum.Already != 0 || !sum.Complete() || sum.Forms != 1 || sum.RosterRows != 2 {
		t.Fatalf("first sync: %+v", sum)
	}
	testbed.CheckSame(t, env.Subs, want, lap)

	// Nothing new the second time.
	sum, err = c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, FormsDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pushed != 0 || sum.Forms != 0 || sum.RosterRows != 0 || sum.Returned != 0 {
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
	if err != nil || sum.Pushed != 1 {
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
	if _, err := anon.Enroll(ctx, "AAAA-AAAA", "x"); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
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
