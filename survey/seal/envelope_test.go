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
	for name, b := range map[string][]byte{
		"plain":     []byte(`{"id":"x"}`),
		"empty":     nil,
		"cut":       sealed[:len(sealed)-20],
		"no stanza": bytes.Replace(sealed, []byte("-> X25519"), []byte("-> scrypt"), 1),
		"header":    sealed[:60],
	} {
		if err := seal.CheckEnvelope(b); survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}
