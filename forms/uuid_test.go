package forms

import (
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
)

// TestFormatUUIDAsSprintf checks formatUUID against the fmt.Sprintf it replaces.
func TestFormatUUIDAsSprintf(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(5, 6))
	for range 200 {
		var b [16]byte
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		want := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
		if got := formatUUID(b); got != want {
			t.Fatalf("formatUUID(%x) = %q, want %q", b, got, want)
		}
	}
	if u := newUUID(); len(u) != 36 || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) {
		t.Errorf("newUUID() = %q, not a version-4 UUID", u)
	}
}
