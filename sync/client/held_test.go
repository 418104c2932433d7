package client_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
	if wrote, err := client.WriteOutbox(ctx, laptop, t.TempDir(), "ani", tok, time.Now()); err != nil || wrote.Items != 0 {
		t.Fatalf("bundle holds %d interviews, want 0 (%v)", wrote.Items, err)
	}
	if h, err := client.HeldBack(ctx, laptop); err != nil || len(h) != 1 || h[0].InterviewID != tried.InterviewID {
		t.Fatalf("held back: %+v %v", h, err)
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

// empVersion is the tried form at another version.
func empVersion(v string) []byte {
	return []byte(strings.Replace(triedForm, "| employer_survey | 1 |", "| employer_survey | "+v+" |", 1))
}

// The laptop keeps the newest version of each form and every version a draft, a returned
// or an unsent interview was made with, and removes the versions it no longer needs; a
// version a returned interview needs again is pulled again.
func TestSyncKeepsNeededFormVersions(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	sup, err := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	lap := testbed.NewLaptop(t)
	c, err := client.NewClient(env.URL, client.WithToken(tok), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	laptop := client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, FormsDir: dir}
	publish := func(v string) *forms.Form {
		t.Helper()
		if _, _, err := server.Publish(ctx, env.Forms, "employer.md", empVersion(v), "sri"); err != nil {
			t.Fatal(err)
		}
		f, err := forms.Parse("employer.md", empVersion(v))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	sync := func() *survey.SyncSummary {
		t.Helper()
		sum, err := c.Sync(ctx, laptop, nil)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	files := func() []string {
		t.Helper()
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "employer_survey@") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	check := func(step string, want ...string) {
		t.Helper()
		if diff := cmp.Diff(want, files()); diff != "" {
			t.Errorf("%s: forms folder (-want +got):\n%s", step, diff)
		}
	}

	v1 := publish("1")
	draft := &survey.Interview{FormID: v1.ID, FormVersion: v1.Version, FormHash: v1.Hash, Enumerator: "ani"}
	if err := lap.Interviews.Create(ctx, draft); err != nil {
		t.Fatal(err)
	}
	sync()
	check("a draft on version 1", "employer_survey@1.md")

	publish("2")
	v3 := publish("3")
	sync()
	check("versions 2 and 3 published", "employer_survey@1.md", "employer_survey@3.md")

	if err := lap.Interviews.Void(ctx, draft.ID, "wrong respondent"); err != nil {
		t.Fatal(err)
	}
	if sum := sync(); sum.FormsRemoved != 1 {
		t.Errorf("removed %d versions, want 1", sum.FormsRemoved)
	}
	check("the draft voided", "employer_survey@3.md")

	// an interview on version 3, sent; version 4 arrives; version 3 goes
	it, err := lap.Interviews.CreateFinalized(ctx, &survey.Interview{FormID: v3.ID, FormVersion: v3.Version, FormHash: v3.Hash,
		Enumerator: "ani"}, []survey.Answer{{Path: "employer", Value: "PT Badak"}})
	if err != nil {
		t.Fatal(err)
	}
	publish("4")
	// the push comes before the forms: version 3 is still kept while unsent, and gone at
	// the sync after
	sync()
	check("version 4 published, the interview just sent", "employer_survey@4.md")

	// returned for correction: version 3 comes back
	if _, err := sup.Return(ctx, it.InterviewID, 1, "Cek nama perusahaan"); err != nil {
		t.Fatal(err)
	}
	if sum := sync(); sum.Returned != 1 {
		t.Fatalf("returned %d", sum.Returned)
	}
	check("a returned interview on version 3", "employer_survey@3.md", "employer_survey@4.md")
}
