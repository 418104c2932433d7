package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
)

// TestRosterUpdateStoreEncrypted: the new and old values and the note of a proposal are not
// in the database file in clear once the laptop has a data key (those saved before are
// encrypted in place), and read back whole.
func TestRosterUpdateStoreEncrypted(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := sqlite.NewRosterStore(db).Upsert(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan"}}); err != nil {
		t.Fatal(err)
	}
	s := sqlite.NewRosterUpdateStore(db)
	now := time.Now().UTC().Truncate(time.Microsecond)
	before, err := s.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldAddress,
		Value: "Jl. Kenanga 12", Note: "kata ibunya", ProposedBy: "ani", ProposedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	inFile := func(secret string) bool {
		db.IntegrityCheck(ctx)
		for _, f := range []string{path, path + "-wal"} {
			b, _ := os.ReadFile(f)
			if bytes.Contains(b, []byte(secret)) {
				return true
			}
		}
		return false
	}
	if !inFile("Kenanga") {
		t.Fatal("the clear database does not hold the address: the check cannot fail")
	}
	c, err := vault.NewCipher(vault.NewDataKey())
	if err != nil {
		t.Fatal(err)
	}
	db.Encrypt(c)
	if _, _, _, err := db.EncryptInPlace(ctx); err != nil {
		t.Fatal(err)
	}
	name, err := s.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldName,
		Value: "Dimas  Gunawan Putra ", ProposedBy: "ani", ProposedAt: now})
	if err != nil || name.Value != "Dimas Gunawan Putra" || name.Old != "Dimas Gunawan" {
		t.Fatalf("propose a name: %+v %v", name, err)
	}
	db.Close()
	for _, secret := range []string{"Kenanga", "ibunya", "Putra"} {
		if inFile(secret) {
			t.Errorf("%q is in the database file in clear", secret)
		}
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Encrypt(c)
	got, err := sqlite.NewRosterUpdateStore(db).List(ctx, survey.UpdateFilter{RosterID: "R1"})
	if err != nil || len(got) != 2 || !got[0].Same(before) || !got[1].Same(name) {
		t.Fatalf("read back: %+v %v", got, err)
	}
}
