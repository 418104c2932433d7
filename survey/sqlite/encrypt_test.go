package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
)

// TestEncryptInPlace: a laptop that worked in clear gets its data key: afterwards the
// database file holds no NIK, name, phone or draft answer in clear, the stores read
// everything back, search by name and by NIK still works, new rows are encrypted too, and
// another key reads nothing.
func TestEncryptInPlace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), sqlite.FileName)
	db := openAt(t, path)
	rs := sqlite.NewRosterStore(db)
	if _, err := rs.Upsert(ctx, []*survey.Respondent{
		{RosterID: "R1", NIK: "6408061202040071", Name: "Dimas Gunawan", Phone: "+628571224451", PhoneRaw: "08571224451",
			BirthDate: "2004-02-12", Kejuruan: "LAS", Extra: map[string]string{"alamat": "Jl. Mawar Merah 3"}},
		{RosterID: "R2", NIK: "6474064305990002", Name: "Sari Wulandari", Kejuruan: "TIK"},
	}); err != nil {
		t.Fatal(err)
	}
	ivs := sqlite.NewInterviewStore(db)
	iv := create(t, ivs, "R1")
	must(t, ivs.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{{Path: "income_exact", Value: "5200000"}}}))
	must(t, ivs.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{{Path: "income_exact", Value: "5300000"}}}))
	secrets := []string{"6408061202040071", "Dimas Gunawan", "08571224451", "Mawar Merah", "5200000", "5300000", "Wulandari"}
	inFile := func() []string {
		t.Helper()
		var found []string
		for _, f := range []string{path, path + "-wal"} {
			b, _ := os.ReadFile(f)
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					found = append(found, filepath.Base(f)+": "+s)
				}
			}
		}
		return found
	}
	if len(inFile()) == 0 {
		t.Fatal("the clear database holds none of the values: the check cannot fail")
	}

	key := vault.NewDataKey()
	c, err := vault.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	db.Encrypt(c)
	rows, answers, events, err := db.EncryptInPlace(ctx)
	if err != nil || rows != 2 || answers != 1 || events < 2 {
		t.Fatalf("encrypt in place: %d rows, %d answers, %d event values, %v", rows, answers, events, err)
	}
	if found := inFile(); len(found) > 0 {
		t.Fatalf("in clear after encrypting: %v", found)
	}
	if r, n, e, err := db.EncryptInPlace(ctx); err != nil || n != 0 || e != 0 || r != 2 {
		t.Fatalf("second run: %d %d %d %v", r, n, e, err)
	}

	// Everything reads back, and search works on the decrypted roster.
	r1, err := rs.Get(ctx, "R1")
	if err != nil || r1.NIK != "6408061202040071" || r1.Name != "Dimas Gunawan" || r1.Extra["alamat"] != "Jl. Mawar Merah 3" || r1.Kejuruan != "LAS" {
		t.Fatalf("R1: %+v %v", r1, err)
	}
	if ms, err := rs.Search(ctx, "dimas gun", 5); err != nil || len(ms) != 1 || ms[0].Respondent.RosterID != "R1" {
		t.Fatalf("search by name: %+v %v", ms, err)
	}
	if ms, err := rs.Search(ctx, "0071", 5); err != nil || len(ms) != 1 {
		t.Fatalf("search by NIK digits: %+v %v", ms, err)
	}
	if got, err := rs.ByNIK(ctx, "6474064305990002"); err != nil || len(got) != 1 || got[0].RosterID != "R2" {
		t.Fatalf("by NIK: %+v %v", got, err)
	}
	as, err := ivs.Answers(ctx, iv.ID)
	if err != nil || len(as) != 1 || as[0].Value != "5300000" {
		t.Fatalf("draft answers: %+v %v", as, err)
	}
	evs, err := sqlite.NewEventStore(db).Events(ctx, iv.ID)
	if err != nil || evs[len(evs)-1].Old != "5200000" || evs[len(evs)-1].New != "5300000" {
		t.Fatalf("events: %+v %v", evs, err)
	}
	// New writes are encrypted as well.
	if _, err := rs.Upsert(ctx, []*survey.Respondent{{RosterID: "R3", NIK: "6474061208000003", Name: "Budi Santoso"}}); err != nil {
		t.Fatal(err)
	}
	must(t, ivs.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{{Path: "full_name", Value: "Budi Santoso"}}}))
	secrets = append(secrets, "Budi Santoso", "6474061208000003")
	db.Close()
	if found := inFile(); len(found) > 0 {
		t.Fatalf("in clear after new writes: %v", found)
	}

	// Another key reads nothing.
	db2 := openAt(t, path)
	other, _ := vault.NewCipher(vault.NewDataKey())
	db2.Encrypt(other)
	if _, err := sqlite.NewRosterStore(db2).Get(ctx, "R1"); err == nil {
		t.Fatal("another data key opened the roster")
	}
	if _, err := sqlite.NewInterviewStore(db2).Answers(ctx, iv.ID); err == nil {
		t.Fatal("another data key opened the draft")
	}
}
