package server_test

import (
	"context"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// A pushed record whose respondent is one alumnus and whose roster_id answer names another
// is refused, saying both (TestRefusalsInIndonesian has its Indonesian), and nothing is stored; the same
// record with its own alumnus's roster id, or of a walk-in (no respondent), is stored.
func TestPushOtherAlumnusRefused(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	enu := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	f, as, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	push := func(respondent string, answers []survey.Answer) wire.Receipt {
		t.Helper()
		id := survey.NewID()
		iv := &survey.Interview{ID: id, Revision: 1, FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
			RespondentID: respondent, Enumerator: "ani", StartedAt: time.Now().Add(-time.Hour)}
		body, err := survey.NewRecord(iv, answers, time.Now()).Canonical()
		if err != nil {
			t.Fatal(err)
		}
		resp, err := enu.Push(ctx, []wire.PushItem{{ID: id, Revision: 1, Hash: survey.HashBytes(body), Body: body}})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Receipts[0]
	}
	r := push("R1", testbed.Of(f, as, "R2"))
	want := `The record is of alumnus R1, but its answer to roster_id is "R2": an interview is of one alumnus.`
	if r.Outcome() != survey.OutcomeRefused || r.Message != want {
		t.Fatalf("receipt %+v, want refused with %q", r, want)
	}
	if n, _ := env.Subs.Count(ctx); n != 0 {
		t.Fatalf("%d revisions stored, want none", n)
	}
	for _, tc := range []struct{ respondent, rosterID string }{{"R1", "R1"}, {"", "WALKIN-1"}} {
		if r := push(tc.respondent, testbed.Of(f, as, tc.rosterID)); !r.Safe() {
			t.Errorf("respondent %q, roster_id %q: %+v", tc.respondent, tc.rosterID, r)
		}
	}
}
