package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestSealingFollowsEnrollment: a laptop enrolled with a server that says it opens
// interviews sealed in a session seals what it finalizes that way; one enrolled with a
// server that does not say so (an older one) seals each interview with its own key
// exchange. Both reach the server, which opens and stores them.
func TestSealingFollowsEnrollment(t *testing.T) {
	ctx := context.Background()
	key, err := seal.LoadOrCreate(filepath.Join(t.TempDir(), "server.db"+seal.KeyFileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	personas := personasDir(t)
	for _, session := range []bool{true, false} {
		env := testbed.NewEnv(t, func(c *server.Config) {
			c.Key, c.PublicKey, c.SessionSealing = key, key.Public(), session
		}, nil)
		_, code, err := env.Users.CreateUser(ctx, "ani", survey.RoleEnumerator)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if out, err := runWithPIN(t, dir, "482916", "login", env.URL, code); err != nil {
			t.Fatalf("login: %v %s", err, out)
		}
		info, err := os.ReadFile(filepath.Join(dir, serverFile))
		if err != nil || strings.Contains(string(info), `"session_sealing": true`) != session {
			t.Fatalf("session sealing %v: server.json %s %v", session, info, err)
		}
		if out, err := runWithPIN(t, dir, "482916", "form", "fill", "builtin", "--answers", personas+"employed.json", "--save"); err != nil {
			t.Fatalf("fill: %v %s", err, out)
		}
		stanza, other := []byte("-> tracer-X25519-session "), []byte("-> X25519 ")
		if !session {
			stanza, other = other, stanza
		}
		var file []byte
		for _, f := range []string{sqlite.FileName, sqlite.FileName + "-wal"} {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			file = append(file, b...)
		}
		if !bytes.Contains(file, stanza) || bytes.Contains(file, other) {
			t.Fatalf("session sealing %v: the laptop's database holds no %q stanza, or an %q one", session, stanza, other)
		}
		if out, err := runWithPIN(t, dir, "482916", "sync"); err != nil {
			t.Fatalf("sync: %v %s", err, out)
		}
		if n, err := env.Subs.Count(ctx); err != nil || n != 1 {
			t.Fatalf("session sealing %v: %d on the server, %v", session, n, err)
		}
	}
}

// TestServeOffersSessionSealing: "tracer serve" tells enrolling laptops that it opens
// interviews sealed in a session, and a relay enrolled with it keeps that, to tell the
// laptops it enrolls.
func TestServeOffersSessionSealing(t *testing.T) {
	data := t.TempDir()
	centre, _ := startTracer(t, nil, "serve", "--addr", "127.0.0.1:0", "--data", data)
	c, err := client.NewClient(centre)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Enroll(t.Context(), userCode(t, data, "ani", "enumerator"), "laptop-ani", "")
	if err != nil || res.PublicKey == "" || !res.SessionSealing {
		t.Fatalf("enrollment at tracer serve: %+v %v", res, err)
	}
	relayData := t.TempDir()
	startTracer(t, []string{"TRACER_PIN=" + testPIN}, "serve", "--relay", centre,
		"--code", supervisorCode(t, data, "rina"), "--addr", "127.0.0.1:0", "--data", relayData)
	info, err := os.ReadFile(filepath.Join(relayData, relayDBName+relayInfoSuffix))
	if err != nil || !strings.Contains(string(info), `"session_sealing": true`) {
		t.Fatalf("the relay's enrollment: %s %v", info, err)
	}
}
