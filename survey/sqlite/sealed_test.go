package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
)

// TestSealedFinalize: with the server's public key, a finalized interview is kept on the
// laptop only as ciphertext: no answer is readable through the store or in the database
// file's bytes, only the server's private key opens it, and a return that carries the
// server's copy of the record lets the enumerator correct it.
func TestSealedFinalize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "server.db"+seal.KeyFileSuffix)
	key, err := seal.LoadOrCreate(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(keyPath); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Fatalf("key file: %v %v", fi, err)
	}
	if again, err := seal.LoadOrCreate(keyPath); err != nil || again.Public() != key.Public() {
		t.Fatalf("the key read back differs: %v", err)
	}
	rcpt, err := seal.ParseRecipient(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sqlite.FileName)
	db := openAt(t, path)
	s := sqlite.NewInterviewStore(db, sqlite.SealedTo(rcpt))
	events := sqlite.NewEventStore(db)
	iv := create(t, s, "")
	const nik, name = "6408061202040071", "Dimas Gunawan"
	must(t, s.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{{Path: "nik", Value: "640806"}, {Path: "full_name", Value: "Dimas"}}}))
	must(t, s.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{{Path: "nik", Value: nik}, {Path: "full_name", Value: name}}}))
	final := []survey.Answer{{Path: "consent", Value: "yes"}, {Path: "full_name", Value: name}, {Path: "nik", Value: nik}}
	item, err := s.Finalize(ctx, iv.ID, final)
	if err != nil {
		t.Fatal(err)
	}
	if !item.Sealed || bytes.Contains(item.Body, []byte(nik)) {
		t.Fatalf("outbox item sealed=%v holds the NIK in clear", item.Sealed)
	}
	if as, err := s.Answers(ctx, iv.ID); err != nil || len(as) != 0 {
		t.Fatalf("answers of a sealed interview: %v %v", as, err)
	}
	evs, err := events.Events(ctx, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Old != "" || (e.New != "" && e.Kind != survey.EventFinalize) {
			t.Errorf("event %+v keeps a value", e)
		}
	}
	out, err := s.Outbox(ctx, 0)
	if err != nil || len(out) != 1 || !out[0].Sealed || !bytes.Equal(out[0].Body, item.Body) {
		t.Fatalf("outbox: %+v %v", out, err)
	}
	// Only the server's key opens it, and it is the record the hash names.
	plain, err := key.Open(item.Body)
	if err != nil || survey.HashBytes(plain) != item.Hash || !bytes.Contains(plain, []byte(nik)) {
		t.Fatalf("open with the server key: %v", err)
	}
	other, err := seal.LoadOrCreate(filepath.Join(dir, "other.age"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Open(item.Body); survey.ErrorCode(err) != survey.EINVALID {
		t.Fatalf("another key opened it: %v", err)
	}
	// Nothing of the answers is left in the database's bytes.
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, secret := range []string{nik, name, "640806"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds %q in clear after finalizing", filepath.Base(f), secret)
			}
		}
	}

	// The server returns it with its copy of the record: a record that is not the one
	// finalized here is refused as another laptop's (conflict), a return without one as
	// invalid; the right one brings the answers back for the correction.
	must(t, s.MarkSent(ctx, survey.SentRevision{InterviewID: iv.ID, Revision: 1, Hash: item.Hash}))
	forged := bytes.Replace(plain, []byte(name), []byte("Someone Else!"), 1)
	wantCode(t, s.Return(ctx, iv.ID, 1, "Cek NIK", forged), survey.ECONFLICT)
	wantCode(t, s.Return(ctx, iv.ID, 1, "Cek NIK", nil), survey.EINVALID)
	must(t, s.Return(ctx, iv.ID, 1, "Cek NIK", plain))
	if _, err := s.Correct(ctx, iv.ID); err != nil {
		t.Fatal(err)
	}
	as, err := s.Answers(ctx, iv.ID)
	if err != nil || len(as) != 3 || as[2].Path != "nik" || as[2].Value != nik {
		t.Fatalf("answers after the return: %v %v", as, err)
	}
}
