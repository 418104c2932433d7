package seal_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"tracer/survey"
	"tracer/survey/seal"
)

func TestCheckEnvelope(t *testing.T) {
	key, err := seal.LoadOrCreate(filepath.Join(t.TempDir(), "k.age"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := seal.ParseRecipient(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := r.Seal([]byte(`{"id":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := seal.CheckEnvelope(sealed); err != nil {
		t.Fatalf("a sealed record: %v", err)
	}
	s, err := seal.NewSession(r)
	if err != nil {
		t.Fatal(err)
	}
	inSession, err := s.Seal([]byte(`{"id":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := seal.CheckEnvelope(inSession); err != nil {
		t.Fatalf("a record sealed in a session: %v", err)
	}
	stanza := bytes.SplitN(inSession, []byte("\n"), 3)[1]
	args := bytes.Fields(stanza)
	for name, b := range map[string][]byte{
		"plain":                             []byte(`{"id":"x"}`),
		"empty":                             nil,
		"cut":                               sealed[:len(sealed)-20],
		"no stanza":                         bytes.Replace(sealed, []byte("-> X25519"), []byte("-> scrypt"), 1),
		"header":                            sealed[:60],
		"session stanza without its nonce":  bytes.Replace(inSession, stanza, bytes.Join(args[:3], []byte(" ")), 1),
		"session stanza with a short nonce": bytes.Replace(inSession, args[3], args[3][:20], 1),
		"session stanza of another type":    bytes.Replace(inSession, []byte("tracer-X25519-session"), []byte("X25519"), 1),
	} {
		if err := seal.CheckEnvelope(b); survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}
