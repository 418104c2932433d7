package server_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// A study's forms: a form that does not load is refused with the loader's message, the
// same bytes again change nothing, other bytes under a published version are refused with
// a message that says the version must change, and a retired form is listed as such with
// its interviews counted.
func TestPublishLifecycle(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	enu := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))

	broken := []byte("| survey |\n| | type | name | label |\n| | select_one nolist | q | Q |\n")
	if _, err := sup.Publish(ctx, "broken.md", broken); survey.ErrorCode(err) != survey.EINVALID ||
		!strings.Contains(survey.ErrorMessage(err), "does not load") || !strings.Contains(survey.ErrorMessage(err), "nolist") {
		t.Fatalf("a form that does not load: %v", err)
	}
	res, err := sup.Publish(ctx, builtin.Name, builtin.Source())
	if err != nil || res.Added {
		t.Fatalf("the same bytes again: %+v %v, want not added", res, err)
	}
	changed := bytes.Replace(builtin.Source(), []byte("Nama lengkap"), []byte("Nama lengkap Anda"), 1)
	if bytes.Equal(changed, builtin.Source()) {
		t.Fatal("the fixture did not change the form")
	}
	_, err = sup.Publish(ctx, builtin.Name, changed)
	if survey.ErrorCode(err) != survey.ECONFLICT || !strings.Contains(survey.ErrorMessage(err), "change the version") {
		t.Fatalf("changed bytes under the same version: %v", err)
	}

	// An interview on the published version counts for it.
	id := survey.NewID()
	body, hash, err := testbed.Record(id, "ani", 1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := enu.Push(ctx, []wire.PushItem{{ID: id, Revision: 1, Hash: hash, Body: body}}); err != nil || !resp.Receipts[0].Safe() {
		t.Fatalf("push: %+v %v", resp, err)
	}
	if err := sup.Retire(ctx, "no_such_form"); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Fatalf("retire an unknown form: %v", err)
	}
	if _, err := enu.Publish(ctx, builtin.Name, builtin.Source()); survey.ErrorCode(err) != survey.EFORBIDDEN {
		t.Fatalf("an enumerator publishes: %v", err)
	}
	f, _ := builtin.Load()
	if err := sup.Retire(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	list, err := sup.Forms(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("forms: %+v %v", list, err)
	}
	if got := list[0]; !got.Retired || got.Interviews != 1 || got.PublishedBy != "tracer" || got.Hash != f.Hash {
		t.Fatalf("listed %+v, want retired with 1 interview", got)
	}
}

// A record made with other bytes under a published id and version (a form file tried
// locally) is not stored: it waits on the laptop with a reason naming both hashes.
func TestPushOtherFormHashWaits(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	enu := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	f, as, err := testbed.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, version, hash, want string }{
		{"other bytes", f.Version, strings.Repeat("ab", 32), "never published"},
		{"unknown version", "1999.1", f.Hash, "not published"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := survey.NewID()
			iv := &survey.Interview{ID: id, Revision: 1, FormID: f.ID, FormVersion: tc.version, FormHash: tc.hash,
				Enumerator: "ani", StartedAt: time.Now().Add(-time.Hour)}
			body, err := survey.NewRecord(iv, as, time.Now()).Canonical()
			if err != nil {
				t.Fatal(err)
			}
			resp, err := enu.Push(ctx, []wire.PushItem{{ID: id, Revision: 1, Hash: survey.HashBytes(body), Body: body}})
			if err != nil {
				t.Fatal(err)
			}
			r := resp.Receipts[0]
			if r.Outcome() != survey.OutcomeWaiting || !strings.Contains(r.Message, tc.want) {
				t.Fatalf("receipt %+v, want waiting with %q", r, tc.want)
			}
			if n, _ := env.Subs.Count(ctx); n != 0 {
				t.Fatalf("%d revisions stored, want none", n)
			}
		})
	}
}
