package server_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestSealedPush: enrollment gives the laptop the server's public key and says the server
// opens interviews sealed in a session; interviews sealed to it, in a session or each on
// its own (a laptop enrolled with an older server), are opened and checked by the server
// and stored as plaintext records; a returned
// one comes back with its record so the laptop, which cannot read it, can correct it; a
// server without the key refuses sealed interviews for good.
func TestSealedPush(t *testing.T) {
	ctx := context.Background()
	key, err := seal.LoadOrCreate(filepath.Join(t.TempDir(), "server.db"+seal.KeyFileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	env := testbed.NewEnv(t, func(c *server.Config) { c.Key, c.PublicKey, c.SessionSealing = key, key.Public(), true }, nil)
	if _, code, err := env.Users.CreateUser(ctx, "ani", survey.RoleEnumerator); err != nil {
		t.Fatal(err)
	} else {
		anon := newClient(t, env.URL, "")
		res, err := anon.Enroll(ctx, code, "laptop-1", "")
		if err != nil || res.PublicKey != key.Public() || !res.SessionSealing {
			t.Fatalf("enroll: %+v %v", res, err)
		}
	}
	rcpt, err := seal.ParseRecipient(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani2", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	session, err := seal.NewSession(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	lap := testbed.NewLaptop(t)
	store := sqlite.NewInterviewStore(lap.DB, sqlite.SealedTo(session))
	items, err := testbed.Seed(ctx, store, "ani2", 3)
	if err != nil {
		t.Fatal(err)
	}
	laptop := client.Laptop{Interviews: store, State: lap.State}
	if sum, err := ani.Sync(ctx, laptop, nil); err != nil || sum.Count(survey.OutcomeStored) != 3 || !sum.Complete() {
		t.Fatalf("sealed sync: %+v %v", sum, err)
	}
	older := testbed.NewLaptop(t)
	olderStore := sqlite.NewInterviewStore(older.DB, sqlite.SealedTo(rcpt))
	olderItems, err := testbed.Seed(ctx, olderStore, "ani2", 1)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := ani.Sync(ctx, client.Laptop{Interviews: olderStore, State: older.State}, nil); err != nil || sum.Count(survey.OutcomeStored) != 1 {
		t.Fatalf("sealed on its own: %+v %v", sum, err)
	}
	for i, it := range append(items, olderItems...) {
		stanza := "-> tracer-X25519-session "
		if i == len(items) {
			stanza = "-> X25519 "
		}
		if !bytes.Contains(it.Body, []byte(stanza)) {
			t.Fatalf("interview %d is not sealed with %q", i, stanza)
		}
		if !it.Sealed || bytes.Contains(it.Body, []byte("Dimas")) {
			t.Fatalf("the laptop's outbox holds plaintext")
		}
		sub, err := env.Subs.Get(ctx, it.InterviewID, 1)
		if err != nil || sub.Hash != it.Hash || survey.HashBytes(sub.Body) != it.Hash || !bytes.Contains(sub.Body, []byte("Dimas Gunawan")) {
			t.Fatalf("stored %s: %v", it.InterviewID, err)
		}
	}

	// Returned: the laptop gets the record back, corrects it, and revision 2 lands.
	id := items[0].InterviewID
	if _, err := sup.Return(ctx, id, 1, "Cek upah"); err != nil {
		t.Fatal(err)
	}
	if sum, err := ani.Sync(ctx, laptop, nil); err != nil || sum.Returned != 1 {
		t.Fatalf("pull the return: %+v %v", sum, err)
	}
	if _, err := store.Correct(ctx, id); err != nil {
		t.Fatal(err)
	}
	as, err := store.Answers(ctx, id)
	if err != nil || len(as) == 0 {
		t.Fatalf("answers after the return: %d %v", len(as), err)
	}
	for i := range as {
		if as[i].Path == "grp_job/income_exact" {
			as[i].Value = "6100000"
		}
	}
	if _, err := store.Finalize(ctx, id, as); err != nil {
		t.Fatal(err)
	}
	if sum, err := ani.Sync(ctx, laptop, nil); err != nil || sum.Count(survey.OutcomeStored) != 1 {
		t.Fatalf("push the correction: %+v %v", sum, err)
	}
	if sub, err := env.Subs.Get(ctx, id, 2); err != nil || !bytes.Contains(sub.Body, []byte("6100000")) {
		t.Fatalf("revision 2: %v", err)
	}

	// A server without the key refuses sealed interviews; the laptop does not resend them.
	plain := testbed.NewEnv(t, nil, nil)
	c := newClient(t, plain.URL, testbed.Token(t, plain.Users, "ani2", survey.RoleEnumerator))
	lap2 := testbed.NewLaptop(t)
	store2 := sqlite.NewInterviewStore(lap2.DB, sqlite.SealedTo(rcpt))
	if _, err := testbed.Seed(ctx, store2, "ani2", 1); err != nil {
		t.Fatal(err)
	}
	sum, err := c.Sync(ctx, client.Laptop{Interviews: store2, State: lap2.State}, nil)
	if refused := sum.With(survey.OutcomeRefused); err != nil || len(refused) != 1 || refused[0].Code != survey.EINVALID {
		t.Fatalf("sealed push to a server without a key: %+v %v", sum, err)
	}
}
