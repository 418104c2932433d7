package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// TestEnrollmentCodesKeyed: a code is stored under a key kept beside the database, so the
// database holds neither the code nor its plain SHA-256; the code works once; without the
// key file a code no longer matches.
func TestEnrollmentCodesKeyed(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	users := sqlite.NewUserStore(db)
	_, code, err := users.CreateUser(ctx, "sari", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(db.Path() + ".key")
	if err != nil || st.Mode().Perm() != 0o600 || st.Size() != 32 {
		t.Fatalf("key file: %v, %v", st, err)
	}
	raw, err := os.ReadFile(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(db.Path() + "-wal")
	for _, secret := range []string{survey.NormalizeCode(code), survey.HashSecret(survey.NormalizeCode(code))} {
		if bytes.Contains(raw, []byte(secret)) || bytes.Contains(wal, []byte(secret)) {
			t.Fatalf("the database holds %q", secret)
		}
	}

	// A second code, then the key is lost: that code no longer matches.
	code2, err := users.NewCode(ctx, "sari")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := users.Enroll(ctx, code, "laptop-1"); err != nil {
		t.Fatalf("enroll: %v", err)
	}
	if _, _, err := users.Enroll(ctx, code, "laptop-2"); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Fatalf("second use of a code: %v, want EUNAUTHORIZED", err)
	}
	if err := os.Remove(db.Path() + ".key"); err != nil {
		t.Fatal(err)
	}
	fresh := sqlite.NewUserStore(db)
	if _, _, err := fresh.Enroll(ctx, code2, "laptop-3"); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Fatalf("code under a lost key: %v, want EUNAUTHORIZED", err)
	}
}
