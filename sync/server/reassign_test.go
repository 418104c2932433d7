package server_test

import (
	"context"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestReassignmentKeepsHistory: reassigning an alumnus moves future attempts to the new
// enumerator; attempts the first one made before the reassignment are still hers, accepted
// even when they reach the server later, and never rewritten; the history of assignments
// keeps who owned the alumnus when.
func TestReassignmentKeepsHistory(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	eko := newClient(t, env.URL, testbed.Token(t, env.Users, "eko", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{RosterIDs: []string{"R1"}}); err != nil {
		t.Fatal(err)
	}
	before := time.Now().UTC()
	early := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: before, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"}
	time.Sleep(5 * time.Millisecond) // the reassignment comes after the attempt on the server's clock
	if _, err := sup.Assign(ctx, "eko", survey.AssignSelector{RosterIDs: []string{"R1"}}); err != nil {
		t.Fatal(err)
	}
	// Assigning again to the same enumerator adds nothing to the history.
	if _, err := sup.Assign(ctx, "eko", survey.AssignSelector{RosterIDs: []string{"R1"}}); err != nil {
		t.Fatal(err)
	}
	late := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: time.Now().UTC(), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"}
	resp, err := ani.PushAttempts(ctx, []*survey.Attempt{early, late})
	if err != nil {
		t.Fatal(err)
	}
	if rc := resp.Receipts[0]; rc.Status != survey.ReceiptStored {
		t.Errorf("an attempt made while R1 was ani's, sent after the reassignment: %+v", rc)
	}
	if rc := resp.Receipts[1]; rc.Status != survey.ReceiptRefused || rc.Code != survey.EFORBIDDEN {
		t.Errorf("an attempt made after the reassignment: %+v", rc)
	}
	next := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: time.Now().UTC(), Enumerator: "eko", Mode: survey.ModeWhatsApp, Outcome: "2.22"}
	if resp, err := eko.PushAttempts(ctx, []*survey.Attempt{next}); err != nil || resp.Receipts[0].Status != survey.ReceiptStored {
		t.Fatalf("the new enumerator's attempt: %+v %v", resp, err)
	}
	stored, err := sup.Attempts(ctx, 0)
	if err != nil || len(stored.Attempts) != 2 || stored.Attempts[0].Enumerator != "ani" || stored.Attempts[1].Enumerator != "eko" {
		t.Fatalf("stored attempts keep who made them: %+v %v", stored, err)
	}

	hist, err := sup.Assignments(ctx, "R1", true)
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %+v %v", hist, err)
	}
	if h := hist[0]; h.User != "ani" || h.AssignedBy != "sri" || h.EndedAt.IsZero() || h.EndedBy != "sri" {
		t.Errorf("the first assignment: %+v", h)
	}
	if h := hist[1]; h.User != "eko" || !h.EndedAt.IsZero() || !h.AssignedAt.Equal(hist[0].EndedAt) {
		t.Errorf("the reassignment: %+v", h)
	}
	now, err := sup.Assignments(ctx, "", false)
	if err != nil || len(now) != 1 || now[0].User != "eko" {
		t.Errorf("in force: %+v %v", now, err)
	}

	// eko's laptop gets ani's earlier attempt for context, kept as ani's and as sent, and
	// not its own attempts back; a second sync brings nothing new.
	lap := testbed.NewLaptop(t)
	laptop := client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, Attempts: lap.Attempts}
	sum, err := eko.Sync(ctx, laptop, nil)
	if err != nil || sum.RosterRows != 1 || sum.AttemptsPulled != 1 {
		t.Fatalf("eko's sync: %+v %v", sum, err)
	}
	got, err := lap.Attempts.List(ctx, survey.AttemptFilter{RosterID: "R1"})
	if err != nil || len(got) != 1 || !got[0].Same(early) || got[0].Sent.IsZero() {
		t.Fatalf("the attempts on eko's laptop: %+v %v", got, err)
	}
	if unsent, _ := lap.Attempts.Unsent(ctx); len(unsent) != 0 {
		t.Errorf("pulled attempts would be pushed again: %+v", unsent)
	}
	if sum, err := eko.Sync(ctx, laptop, nil); err != nil || sum.AttemptsPulled != 0 {
		t.Errorf("a second sync: %+v %v", sum, err)
	}
	// ani's laptop, no longer assigned R1, gets none of eko's.
	lapAni := testbed.NewLaptop(t)
	if sum, err := ani.Sync(ctx, client.Laptop{Interviews: lapAni.Interviews, Roster: lapAni.Roster, State: lapAni.State, Attempts: lapAni.Attempts}, nil); err != nil || sum.AttemptsPulled != 0 {
		t.Errorf("ani's sync: %+v %v", sum, err)
	}
}
