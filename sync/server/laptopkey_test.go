package server_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/vault"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestLaptopKeyRecovery: a laptop's data key given to the server is kept once (a stolen
// token cannot replace it) and only for the account that gave it; an enrollment with a new
// code and the laptop's id returns it; a token alone never does.
func TestLaptopKeyRecovery(t *testing.T) {
	ctx := context.Background()
	key, err := seal.LoadOrCreate(filepath.Join(t.TempDir(), "server.db"+seal.KeyFileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	env := testbed.NewEnv(t, func(c *server.Config) { c.Key, c.PublicKey = key, key.Public() }, nil)
	rcpt, err := seal.ParseRecipient(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	dataKey := vault.NewDataKey()
	sealed, err := rcpt.Seal(dataKey)
	if err != nil {
		t.Fatal(err)
	}
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	eko := newClient(t, env.URL, testbed.Token(t, env.Users, "eko", survey.RoleEnumerator))
	if err := ani.PutLaptopKey(ctx, "laptop-1", sealed); err != nil {
		t.Fatal(err)
	}
	if err := ani.PutLaptopKey(ctx, "laptop-1", sealed); err != nil {
		t.Fatalf("the same key again: %v", err)
	}
	otherKey := vault.NewDataKey()
	other, _ := rcpt.Seal(otherKey)
	if err := ani.PutLaptopKey(ctx, "laptop-1", other); survey.ErrorCode(err) != survey.ECONFLICT {
		t.Fatalf("another key for the same laptop: %v", err)
	}
	if err := ani.PutLaptopKey(ctx, "laptop-2", []byte("not sealed")); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("a key not sealed to the server: %v", err)
	}

	enroll := func(user, laptopID string) []byte {
		t.Helper()
		code, err := env.Users.NewCode(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		res, err := newClient(t, env.URL, "").Enroll(ctx, code, "laptop", laptopID)
		if err != nil {
			t.Fatal(err)
		}
		return res.DataKey
	}
	if got := enroll("ani", "laptop-1"); !bytes.Equal(got, dataKey) {
		t.Fatal("enrolling again did not give the laptop's data key back")
	}
	if got := enroll("eko", "laptop-1"); got != nil {
		t.Fatal("another account got ani's laptop key")
	}
	// Laptop ids are per account: eko's own laptop-1 is eko's.
	if err := eko.PutLaptopKey(ctx, "laptop-1", other); err != nil {
		t.Fatal(err)
	}
	if got := enroll("eko", "laptop-1"); !bytes.Equal(got, otherKey) {
		t.Fatal("eko's laptop key did not come back")
	}
	if got := enroll("ani", ""); got != nil {
		t.Fatal("an enrollment naming no laptop got a key")
	}
}
