package storetest

import (
	"context"
	"testing"

	"tracer/survey"
)

// testLateRefusals: refusals of relayed revisions are kept once per revision and hash,
// numbered in order, listed per submitter or for everyone, and paged by sequence number.
func testLateRefusals(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	ledger, ok := s.Submissions.(survey.LateRefusalLedger)
	if !ok {
		t.Fatalf("%T keeps no late refusals", s.Submissions)
	}
	late := func(id, hash, by string, o survey.Outcome, code string) survey.LateRefusal {
		return survey.LateRefusal{Refusal: survey.Refusal{InterviewID: id, Revision: 1, Hash: hash, Code: code, Message: "no"},
			SubmittedBy: by, Relay: "rina", Outcome: o}
	}
	if err := ledger.RecordLateRefusals(ctx, []survey.LateRefusal{
		late("iv-1", "h1", "ani", survey.OutcomeConflict, survey.ECONFLICT),
		late("iv-2", "h2", "budi", survey.OutcomeRefused, survey.EFORBIDDEN),
	}); err != nil {
		t.Fatal(err)
	}
	// Again, from another handle, with one new: the repeat is left as it is.
	if err := open(t).Submissions.(survey.LateRefusalLedger).RecordLateRefusals(ctx, []survey.LateRefusal{
		late("iv-1", "h1", "ani", survey.OutcomeRefused, survey.EINVALID),
		late("iv-1", "h1b", "ani", survey.OutcomeRefused, survey.EINVALID),
	}); err != nil {
		t.Fatal(err)
	}
	all, err := ledger.LateRefusals(ctx, 0, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].Code != survey.ECONFLICT || all[0].Outcome != survey.OutcomeConflict || all[2].Hash != "h1b" {
		t.Fatalf("late refusals %+v", all)
	}
	for i, x := range all {
		if x.Relay != "rina" || x.At.IsZero() || (i > 0 && x.Seq <= all[i-1].Seq) {
			t.Errorf("late refusal %d: %+v", i, x)
		}
	}
	ani, err := ledger.LateRefusals(ctx, 0, "ani", 10)
	if err != nil || len(ani) != 2 {
		t.Fatalf("ani's late refusals: %v %+v", err, ani)
	}
	rest, err := ledger.LateRefusals(ctx, all[0].Seq, "", 1)
	if err != nil || len(rest) != 1 || rest[0].InterviewID != "iv-2" {
		t.Fatalf("the page after the first: %v %+v", err, rest)
	}
	for _, x := range all {
		if x.Kind != survey.ItemInterview {
			t.Errorf("late refusal of %s is of kind %q, want an interview's", x.InterviewID, x.Kind)
		}
	}

	// A contact attempt and a roster update refused after a relay took them: kept with
	// their kind, once each.
	kinds := []survey.LateRefusal{
		{Kind: survey.ItemAttempt, Refusal: survey.Refusal{InterviewID: "at-1", Code: survey.ECONFLICT, Message: "other content"},
			SubmittedBy: "ani", Relay: "rina", Outcome: survey.OutcomeConflict},
		{Kind: survey.ItemRosterUpdate, Refusal: survey.Refusal{InterviewID: "up-1", Code: survey.EFORBIDDEN, Message: "not hers"},
			SubmittedBy: "ani", Relay: "rina", Outcome: survey.OutcomeRefused},
	}
	for range 2 {
		if err := ledger.RecordLateRefusals(ctx, kinds); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ledger.LateRefusals(ctx, all[2].Seq, "ani", 10)
	if err != nil || len(got) != 2 {
		t.Fatalf("the attempt's and the update's late refusals: %v %+v", err, got)
	}
	for i, x := range got {
		if x.Kind != kinds[i].Kind || x.InterviewID != kinds[i].InterviewID || x.Outcome != kinds[i].Outcome || x.Code != kinds[i].Code {
			t.Errorf("late refusal %+v, want %+v", x, kinds[i])
		}
	}
}
