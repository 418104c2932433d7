package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestAttemptsSync: attempts recorded on laptops reach the server once each: the same
// attempt from two laptops is stored once, an alumnus assigned to someone else and an
// attempt dated in the future are refused with a clear reason and kept on the laptop, an
// alumnus the server does not know yet waits for the next sync, and another content under
// a stored id is kept apart. Nothing is lost and the laptop marks only receipts sent.
func TestAttemptsSync(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	ledger := testbed.Config(env.DB, nil).Attempts
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}, {RosterID: "R2", Name: "Sari"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{RosterIDs: []string{"R1"}}); err != nil {
		t.Fatal(err)
	}
	testbed.Token(t, env.Users, "eko", survey.RoleEnumerator)
	if _, err := sup.Assign(ctx, "eko", survey.AssignSelector{RosterIDs: []string{"R2"}}); err != nil {
		t.Fatal(err)
	}

	lap1, lap2 := testbed.NewLaptop(t), testbed.NewLaptop(t)
	now := time.Now().UTC().Truncate(time.Second)
	a1 := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now.Add(-2 * time.Hour), Enumerator: "ani", Mode: survey.ModePhone,
		Channel: "081234567890", Outcome: "3.13"}
	a2 := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now.Add(-time.Hour), Enumerator: "ani", Mode: survey.ModePhone,
		Channel: "081234567890", Outcome: "2.21", Callback: now.Add(20 * time.Hour), Note: "sore saja"}
	notMine := &survey.Attempt{ID: survey.NewID(), RosterID: "R2", At: now.Add(-time.Hour), Enumerator: "ani", Mode: survey.ModeWhatsApp, Outcome: "3.13"}
	unknown := &survey.Attempt{ID: survey.NewID(), RosterID: "R9", At: now.Add(-time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"}
	for _, a := range []*survey.Attempt{a1, a2, notMine, unknown} {
		if err := lap1.Attempts.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	// The same attempt copied to a second laptop (say, a restored backup).
	if err := lap2.Attempts.Add(ctx, a1); err != nil {
		t.Fatal(err)
	}
	// A laptop refuses an attempt dated in the future at once.
	future := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now.Add(48 * time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"}
	if err := lap1.Attempts.Add(ctx, future); survey.ErrorCode(err) != survey.EINVALID || !strings.Contains(survey.ErrorMessage(err), "in the future") {
		t.Fatalf("a future attempt on the laptop: %v", err)
	}

	sum, err := ani.Sync(ctx, client.Laptop{Interviews: lap1.Interviews, State: lap1.State, Attempts: lap1.Attempts}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]survey.AttemptOutcome{}
	for _, o := range sum.Attempts {
		got[o.ID] = o
	}
	if len(got) != 4 || got[a1.ID].Outcome != survey.OutcomeStored || got[a2.ID].Outcome != survey.OutcomeStored {
		t.Fatalf("outcomes: %+v", sum.Attempts)
	}
	if o := got[notMine.ID]; o.Outcome != survey.OutcomeRefused || o.Code != survey.EFORBIDDEN || !strings.Contains(o.Reason, "not assigned to ani") {
		t.Errorf("an alumnus assigned to eko: %+v", o)
	}
	if o := got[unknown.ID]; o.Outcome != survey.OutcomeWaiting || o.Code != survey.ENOTFOUND {
		t.Errorf("an alumnus not on the server's roster: %+v", o)
	}
	if sum.Complete() {
		t.Error("a sync with a refused attempt says it is complete")
	}
	sum2, err := ani.Sync(ctx, client.Laptop{Interviews: lap2.Interviews, State: lap2.State, Attempts: lap2.Attempts}, nil)
	if err != nil || len(sum2.Attempts) != 1 || sum2.Attempts[0].Outcome != survey.OutcomeDuplicate {
		t.Fatalf("the same attempt from a second laptop: %+v %v", sum2, err)
	}

	// On the laptop: sent ones marked, the refused one kept with its reason, the waiting
	// one still unsent.
	all, err := lap1.Attempts.List(ctx, survey.AttemptFilter{})
	if err != nil || len(all) != 4 {
		t.Fatalf("laptop attempts: %d %v", len(all), err)
	}
	for _, a := range all {
		switch a.ID {
		case a1.ID, a2.ID:
			if a.Sent.IsZero() || a.Refusal != "" {
				t.Errorf("%s: sent %v refusal %q", a.RosterID, a.Sent, a.Refusal)
			}
		case notMine.ID:
			if !a.Sent.IsZero() || !strings.Contains(a.Refusal, "not assigned") {
				t.Errorf("refused attempt: sent %v refusal %q", a.Sent, a.Refusal)
			}
		case unknown.ID:
			if !a.Sent.IsZero() || a.Refusal != "" {
				t.Errorf("waiting attempt: sent %v refusal %q", a.Sent, a.Refusal)
			}
		}
	}
	unsent, err := lap1.Attempts.Unsent(ctx)
	if err != nil || len(unsent) != 1 || unsent[0].ID != unknown.ID {
		t.Fatalf("unsent after sync: %v %v", unsent, err)
	}

	// The server holds each attempt once, as recorded.
	stored, err := ledger.List(ctx, survey.AttemptFilter{})
	if err != nil || len(stored) != 2 {
		t.Fatalf("server attempts: %d %v", len(stored), err)
	}
	for _, s := range stored {
		want := a1
		if s.ID == a2.ID {
			want = a2
		}
		if !s.Same(want) || s.SubmittedBy != "ani" || s.Seq == 0 {
			t.Errorf("stored %+v, want %+v", s, want)
		}
	}

	// Another content under a stored id: a conflict, the stored one unchanged.
	changed := *a2
	changed.Outcome, changed.Callback = "2.11", time.Time{}
	resp, err := ani.PushAttempts(ctx, []*survey.Attempt{&changed})
	if err != nil || resp.Receipts[0].Status != survey.ReceiptConflict {
		t.Fatalf("changed attempt: %+v %v", resp, err)
	}
	if s, _ := ledger.List(ctx, survey.AttemptFilter{RosterID: "R1"}); len(s) != 2 || s[1].Outcome != "2.21" {
		t.Errorf("after a conflict the server holds %+v", s)
	}
	// An enumerator's attempt naming someone else is refused; one dated after the server's
	// clock waits (the server checks too, and either clock may be wrong:
	// TestAttemptAfterServersClockWaits).
	other := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now, Enumerator: "eko", Mode: survey.ModePhone, Outcome: "3.13"}
	future.ID = survey.NewID()
	resp, err = ani.PushAttempts(ctx, []*survey.Attempt{other, future})
	if err != nil || resp.Receipts[0].Code != survey.EFORBIDDEN || resp.Receipts[1].Outcome() != survey.OutcomeWaiting ||
		!strings.Contains(resp.Receipts[1].Message, "after this server's clock") {
		t.Fatalf("bad attempts: %+v %v", resp, err)
	}

	// Once the roster knows the alumnus (and it is assigned), the waiting attempt goes.
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R9", Name: "Wati"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{RosterIDs: []string{"R9"}}); err != nil {
		t.Fatal(err)
	}
	sum, err = ani.Sync(ctx, client.Laptop{Interviews: lap1.Interviews, State: lap1.State, Attempts: lap1.Attempts}, nil)
	if err != nil || len(sum.Attempts) != 1 || sum.Attempts[0].Outcome != survey.OutcomeStored {
		t.Fatalf("the waiting attempt: %+v %v", sum, err)
	}
	// Supervisors read attempts with the number masked.
	page, err := sup.Attempts(ctx, 0)
	if err != nil || len(page.Attempts) != 3 {
		t.Fatalf("supervisor's attempts: %+v %v", page, err)
	}
	for _, a := range page.Attempts {
		if strings.Contains(a.Channel, "4567") {
			t.Errorf("a supervisor sees the number in full: %q", a.Channel)
		}
	}
}

// TestAttemptAfterServersClockWaits: a server (or a relay at an event) whose clock is
// behind the laptops' finds their attempts and roster updates dated in its future. Refused
// for good, they would stay on the laptops and never reach the centre; they wait instead,
// with a reason naming both clocks, and go with the first sync after the server's clock is
// set, with the times they were made.
func TestAttemptAfterServersClockWaits(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	lap := testbed.NewLaptop(t)
	if _, err := ani.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State, Roster: lap.Roster}, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	a := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now.Add(-time.Minute), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"}
	if err := lap.Attempts.Add(ctx, a); err != nil {
		t.Fatal(err)
	}
	u := &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldRegency, Value: "6474", ProposedBy: "ani", ProposedAt: now.Add(-time.Minute)}
	if _, err := lap.Updates.Propose(ctx, u); err != nil {
		t.Fatal(err)
	}
	laptop := client.Laptop{Interviews: lap.Interviews, State: lap.State, Roster: lap.Roster, Attempts: lap.Attempts, Updates: lap.Updates}

	env.DB.Now = func() time.Time { return time.Now().Add(-3 * time.Hour) }
	sum, err := ani.Sync(ctx, laptop, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Attempts) != 1 || sum.Attempts[0].Outcome != survey.OutcomeWaiting || !strings.Contains(sum.Attempts[0].Reason, "the server's clock is wrong") {
		t.Fatalf("an attempt after the server's clock: %+v", sum.Attempts)
	}
	if len(sum.Updates) != 1 || sum.Updates[0].Outcome != survey.OutcomeWaiting || !strings.Contains(sum.Updates[0].Reason, "after this server's clock") {
		t.Fatalf("a roster update after the server's clock: %+v", sum.Updates)
	}
	if s, err := sqlite.NewAttemptLedger(env.DB).List(ctx, survey.AttemptFilter{}); err != nil || len(s) != 0 {
		t.Fatalf("the server stored %+v (%v) with its clock behind", s, err)
	}

	env.DB.Now = time.Now
	sum, err = ani.Sync(ctx, laptop, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Attempts) != 1 || sum.Attempts[0].Outcome != survey.OutcomeStored || len(sum.Updates) != 1 || sum.Updates[0].Outcome != survey.OutcomeStored {
		t.Fatalf("once the server's clock is set: attempts %+v, updates %+v", sum.Attempts, sum.Updates)
	}
	s, err := sqlite.NewAttemptLedger(env.DB).List(ctx, survey.AttemptFilter{})
	if err != nil || len(s) != 1 || !s[0].At.Equal(a.At) {
		t.Fatalf("the server holds %+v (%v), want the attempt made at %s", s, err, a.At)
	}
}
