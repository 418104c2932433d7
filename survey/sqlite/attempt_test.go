package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
)

// TestAttemptStore: an attempt is saved at once and reads back whole; the number used and
// the note are not in the database file in clear once the laptop has a data key (those
// saved before are encrypted in place); bad attempts are refused and change nothing.
func TestAttemptStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := sqlite.NewAttemptStore(db)
	now := time.Now().UTC().Truncate(time.Microsecond)
	before := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now.Add(-time.Hour), Enumerator: "ani",
		Mode: survey.ModeWhatsApp, Channel: "081299990001", Outcome: "3.13", Note: "Jl. Kenanga 12"}
	if err := s.Add(ctx, before); err != nil {
		t.Fatal(err)
	}
	inFile := func(secret string) bool {
		db.IntegrityCheck(ctx) // a read, so the file is whole
		for _, f := range []string{path, path + "-wal"} {
			b, _ := os.ReadFile(f)
			if bytes.Contains(b, []byte(secret)) {
				return true
			}
		}
		return false
	}
	if !inFile("081299990001") {
		t.Fatal("the clear database does not hold the number: the check cannot fail")
	}
	c, err := vault.NewCipher(vault.NewDataKey())
	if err != nil {
		t.Fatal(err)
	}
	db.Encrypt(c)
	if _, _, _, err := db.EncryptInPlace(ctx); err != nil {
		t.Fatal(err)
	}
	a := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now, Enumerator: "ani", Mode: survey.ModePhone,
		Channel: "081299990002", Outcome: "2.21", Callback: now.Add(24 * time.Hour), Note: "telepon sore, Jl. Melati 7"}
	if err := s.Add(ctx, a); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, secret := range []string{"081299990001", "081299990002", "Kenanga", "Melati"} {
		if inFile(secret) {
			t.Errorf("%q is in the database file in clear", secret)
		}
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Encrypt(c)
	s = sqlite.NewAttemptStore(db)
	got, err := s.List(ctx, survey.AttemptFilter{RosterID: "R1"})
	if err != nil || len(got) != 2 || !got[0].Same(before) || !got[1].Same(a) {
		t.Fatalf("read back: %+v %v", got, err)
	}

	for name, bad := range map[string]*survey.Attempt{
		"again":        a,
		"future":       {ID: survey.NewID(), RosterID: "R1", At: now.Add(time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"},
		"unknown code": {ID: survey.NewID(), RosterID: "R1", At: now, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "9.9"},
		"bad mode":     {ID: survey.NewID(), RosterID: "R1", At: now, Enumerator: "ani", Mode: "fax", Outcome: "3.13"},
		"callback":     {ID: survey.NewID(), RosterID: "R1", At: now, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13", Callback: now},
		"no roster id": {ID: survey.NewID(), At: now, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"},
	} {
		err := s.Add(ctx, bad)
		want := survey.EINVALID
		if name == "again" {
			want = survey.ECONFLICT
		}
		if survey.ErrorCode(err) != want {
			t.Errorf("%s: %v, want %s", name, err, want)
		}
	}
	if all, _ := s.List(ctx, survey.AttemptFilter{}); len(all) != 2 {
		t.Errorf("after refused attempts the laptop holds %d", len(all))
	}
	if err := s.MarkSent(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Refuse(ctx, before.ID, "no"); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Unsent(ctx); err != nil || len(u) != 0 {
		t.Errorf("unsent: %v %v", u, err)
	}
	if err := s.MarkSent(ctx, survey.NewID()); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("mark an unknown attempt: %v", err)
	}

	// The receipts of one push are marked together; an unknown id is passed over.
	var batch []string
	for i := range 3 {
		a := &survey.Attempt{ID: survey.NewID(), RosterID: fmt.Sprintf("R%d", i+2), At: now, Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"}
		if err := s.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
		batch = append(batch, a.ID)
	}
	if err := s.MarkSent(ctx, batch[0], survey.NewID(), batch[1]); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("mark a batch with an unknown attempt: %v", err)
	}
	if u, err := s.Unsent(ctx); err != nil || len(u) != 1 || u[0].ID != batch[2] {
		t.Errorf("unsent after a batch: %v %v, want only %s", u, err, batch[2])
	}
}
