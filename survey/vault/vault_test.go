package vault_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/vault"
)

// TestWrongPINsCostTimeNotData: wrong PINs are counted on disk; after FreeTries each makes
// the next try wait twice as long (no PIN is tried while it runs, not even the right one);
// the right PIN afterwards still opens the same key, and the count is reset.
func TestWrongPINsCostTimeNotData(t *testing.T) {
	dir := t.TempDir()
	key := vault.NewDataKey()
	if err := vault.Create(dir, "laptop-1", "12345", key); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("a 5-digit PIN: %v", err)
	}
	if err := vault.Create(dir, "laptop-1", "482916", key); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, vault.FileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("vault file: %v %v", fi, err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, vault.FileName))
	if bytes.Contains(raw, key) {
		t.Fatal("the vault holds the data key in clear")
	}
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	var waits []time.Duration
	for i := 1; i <= vault.FreeTries+3; i++ {
		_, err := vault.Unlock(dir, "000000", now)
		if !errors.Is(err, vault.ErrWrongPIN) {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
		n, next, err := vault.Failures(dir)
		if err != nil || n != i {
			t.Fatalf("failures after %d wrong PINs: %d %v", i, n, err)
		}
		if i <= vault.FreeTries {
			if !next.IsZero() {
				t.Fatalf("wrong PIN %d already costs time", i)
			}
			continue
		}
		waits = append(waits, next.Sub(now))
		// While the delay runs even the right PIN is not tried.
		var we *vault.WaitError
		if _, err := vault.Unlock(dir, "482916", now.Add(next.Sub(now)/2)); !errors.As(err, &we) || !we.Until.Equal(next) {
			t.Fatalf("during the delay: %v", err)
		}
		now = next
	}
	if len(waits) != 3 || waits[0] != time.Second || waits[1] != 2*time.Second || waits[2] != 4*time.Second {
		t.Fatalf("delays %v, want 1s 2s 4s", waits)
	}
	got, err := vault.Unlock(dir, "482916", now)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("right PIN after %d wrong ones: %v", vault.FreeTries+3, err)
	}
	if n, next, err := vault.Failures(dir); err != nil || n != 0 || !next.IsZero() {
		t.Fatalf("failures after the right PIN: %d %v %v", n, next, err)
	}
	// A new PIN (after recovery) wraps the same key.
	if err := vault.Create(dir, "laptop-1", "777333", key); err != nil {
		t.Fatal(err)
	}
	if got, err := vault.Unlock(dir, "777333", now); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("new PIN: %v", err)
	}
	if _, err := vault.Unlock(dir, "482916", now); !errors.Is(err, vault.ErrWrongPIN) {
		t.Fatalf("the old PIN still opens: %v", err)
	}
}
