package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// TestTUILateRefusals runs an enumerator's and a supervisor's TUIs against a real centre
// on 127.0.0.1 that refused, after a relay took them, a contact attempt of ani's, a roster
// update of ani's and an interview revision of budi's. Ani's sync screen lists her attempt
// as refused later with the reason, and her laptop marks it refused; the supervisor's Home
// counts the three and its list shows each with its kind.
func TestTUILateRefusals(t *testing.T) {
	ctx := context.Background()
	cen := startCentre(t, "", nil, []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan"}})
	users, subs := cen.users, cen.subs
	attempt := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: time.Now().Add(-time.Hour), Enumerator: "ani",
		Mode: survey.ModePhone, Outcome: "3.13"}
	late := []survey.LateRefusal{
		{Kind: survey.ItemAttempt, Refusal: survey.Refusal{InterviewID: attempt.ID, Code: survey.ECONFLICT,
			Message: "Another content was stored for attempt " + attempt.ID + " before; both are kept for the supervisor."},
			SubmittedBy: "ani", Relay: "rina", Outcome: survey.OutcomeConflict},
		{Kind: survey.ItemRosterUpdate, Refusal: survey.Refusal{InterviewID: "up-7", Code: survey.EFORBIDDEN,
			Message: "Roster update up-7: alumnus R1 is not assigned to ani."}, SubmittedBy: "ani", Relay: "rina", Outcome: survey.OutcomeRefused},
		{Kind: survey.ItemInterview, Refusal: survey.Refusal{InterviewID: "iv-9", Revision: 1, Hash: "h9", Code: survey.EINVALID,
			Message: "The form does not accept it."}, SubmittedBy: "budi", Relay: "rina", Outcome: survey.OutcomeRefused},
	}

	ani := startLaptop(t, cen.url, users, "ani", survey.RoleEnumerator)
	// The attempt went to the relay: on the laptop it is sent.
	attempts := sqlite.NewAttemptStore(ani.db)
	if err := attempts.Import(ctx, []*survey.Attempt{attempt}); err != nil {
		t.Fatal(err)
	}
	// After the first background sync (the next comes minutes later), the centre refuses.
	ani.waitFor("● online · last sync 2")
	if err := subs.RecordLateRefusals(ctx, late); err != nil {
		t.Fatal(err)
	}
	ani.press("4")
	ani.waitFor("Press Enter to sync now")
	ani.press("enter")
	ani.waitFor("1 contact attempt or roster update the relay took was refused at the centre", "refused later", "contact attempt",
		"Another content was stored for attempt")
	if s := ani.screen(); strings.Contains(s, "interviews the relay took") {
		t.Errorf("ani's sync screen speaks of refused interviews:\n%s", s)
	}
	list, err := attempts.List(ctx, survey.AttemptFilter{})
	if err != nil || len(list) != 1 || !strings.Contains(list[0].Refusal, "Another content") {
		t.Fatalf("the attempt on ani's laptop: %v %+v", err, list)
	}

	sri := startLaptop(t, cen.url, users, "sri", survey.RoleSupervisor)
	sri.waitFor("Refused at the centre after a relay took it (3)")
	sri.press("r")
	sri.waitFor("Refused at the centre after a relay took it: 3", "contact attempt "+attempt.ID[:8], "roster update up-7",
		"interview iv-9 revision 1", "of budi")
	sri.press("esc")
	sri.waitFor("(3)")
}
