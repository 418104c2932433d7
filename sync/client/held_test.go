package client_test

import (
	"context"
	"testing"
	"time"

	"tracer/forms"
	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

const triedForm = `| survey |
| | type | name | label |
| | text | employer | Employer |
| settings |
| | form_id | version |
| | employer_survey | 1 |
`

// An interview made with a form the server did not publish is held back: never pushed,
// listed in the summary, left in the outbox at every sync, and pushed by the first sync
// after the server publishes exactly that file.
func TestSyncHoldsBackUnpublishedForms(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 2)
	if err != nil {
		t.Fatal(err)
	}
	f, err := forms.Parse("employer.md", []byte(triedForm))
	if err != nil {
		t.Fatal(err)
	}
	tried, err := lap.Interviews.CreateFinalized(ctx, &survey.Interview{FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
		Enumerator: "ani"}, []survey.Answer{{Path: "employer", Value: "PT Badak"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(env.URL, client.WithToken(tok), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	laptop := client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, FormsDir: t.TempDir()}
	for range 2 {
		sum, err := c.Sync(ctx, laptop, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Held) != 1 || sum.Held[0].InterviewID != tried.InterviewID || sum.Held[0].FormID != "employer_survey" ||
			sum.Count(survey.OutcomeWaiting, survey.OutcomeRefused) != 0 || !sum.Complete() {
			t.Fatalf("sync: %+v", sum)
		}
		if got := sum.HeldForms(); got != "employer_survey 1 (sha256 "+f.Hash[:12]+")" {
			t.Errorf("held forms %q", got)
		}
	}
	stored, err := env.Subs.List(ctx, survey.SubmissionFilter{})
	if err != nil || len(stored) != len(want) {
		t.Fatalf("server holds %d interviews, want %d (%v)", len(stored), len(want), err)
	}
	for _, s := range stored {
		if s.FormID != "blk_tracer" {
			t.Errorf("the held interview reached the server: %+v", s)
		}
	}
	out, err := lap.Interviews.Outbox(ctx, 0)
	if err != nil || len(out) != 1 || out[0].InterviewID != tried.InterviewID {
		t.Fatalf("outbox after the syncs: %v %v", out, err)
	}

	// Nor does it go into a bundle for a relay.
	if _, items, _, err := client.WriteOutbox(ctx, laptop, t.TempDir(), "ani", tok, time.Now()); err != nil || items != 0 {
		t.Fatalf("bundle holds %d interviews, want 0 (%v)", items, err)
	}

	// The same bytes published: the next sync pushes it.
	if _, _, err := server.Publish(ctx, env.Forms, "employer.md", []byte(triedForm), "sri"); err != nil {
		t.Fatal(err)
	}
	sum, err := c.Sync(ctx, laptop, nil)
	if err != nil || len(sum.Held) != 0 || sum.Count(survey.OutcomeStored) != 1 {
		t.Fatalf("sync after publishing: %+v %v", sum, err)
	}
	testbed.CheckSame(t, env.Subs, append(want, tried), lap)
}
