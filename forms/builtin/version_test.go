package builtin

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// released holds the SHA-256 of the built-in form's source as each version was last
// released. A server refuses other bytes under a version it holds ("change the version in
// the settings sheet to publish a changed form"), so a server that published the built-in
// form once would refuse the next binary's at start if the bytes changed and the version
// did not. Any change to blk-tracer.md takes a new version in its settings sheet and a new
// line here.
var released = map[string]string{
	"2026.11.2": "ed3e712febb07662e7f30866aed28d8754b7db2e9fd46ed23863e77dc3ce890a",
	"2026.12.1": "85f19bda2567669c9259f9312b0d946fee566a5e53680b2bc44fd3ea55968fd5",
}

func TestChangedBytesTakeANewVersion(t *testing.T) {
	f, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(Source())
	got := hex.EncodeToString(sum[:])
	want, ok := released[f.Version]
	switch {
	case !ok:
		t.Errorf("version %s of the built-in form is not in released: add %q: %q", f.Version, f.Version, got)
	case want != got:
		t.Errorf("blk-tracer.md changed under version %s (sha256 %s, released as %s): give it a new version in its settings sheet and add it to released", f.Version, got, want)
	}
}
