package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// runWithPIN runs tracer with the data folder dir and TRACER_PIN set to pin.
func runWithPIN(t *testing.T, dir, pin string, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string {
		switch k {
		case "TRACER_DATA":
			return dir
		case "TRACER_PIN":
			return pin
		}
		return ""
	}}
	err := m.Run(context.Background(), args)
	return stdout.String(), err
}

// TestLostLaptop: a laptop worked in clear (roster and a draft), then enrolls: its
// database file no longer holds a NIK, a name or an answer; every command needs the PIN;
// wrong PINs cost time and lose nothing; a forgotten PIN is reset by enrolling again with
// a new code, and the draft is still there under the new PIN.
func TestLostLaptop(t *testing.T) {
	ctx := context.Background()
	key, err := seal.LoadOrCreate(filepath.Join(t.TempDir(), "server.db"+seal.KeyFileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	env := testbed.NewEnv(t, func(c *server.Config) { c.Key, c.PublicKey = key, key.Public() }, nil)
	_, code, err := env.Users.CreateUser(ctx, "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	roster := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(roster, []byte("roster_id,nik,nama,no_hp\nR1,6408061202040071,Dimas Gunawan,08571224451\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Before enrollment: practice with no PIN at all.
	if out, err := runWithPIN(t, dir, "", "roster", "import", roster); err != nil {
		t.Fatalf("roster import before login: %v %s", err, out)
	}
	dbPath := filepath.Join(dir, sqlite.FileName)
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	ivs := sqlite.NewInterviewStore(db)
	iv := &survey.Interview{FormID: "blk_tracer", FormVersion: "2026.11.1", RespondentID: "R1", Enumerator: "ani"}
	if err := ivs.Create(ctx, iv); err != nil {
		t.Fatal(err)
	}
	if err := ivs.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{{Path: "grp_job/employer_name", Value: "PT Bontang Teknik Fabrikasi"}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	secrets := []string{"6408061202040071", "Dimas Gunawan", "571224451", "Bontang Teknik"}
	clear := func() []string {
		var found []string
		for _, f := range []string{dbPath, dbPath + "-wal"} {
			b, _ := os.ReadFile(f)
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					found = append(found, filepath.Base(f)+": "+s)
				}
			}
		}
		return found
	}
	if len(clear()) == 0 {
		t.Fatal("the practice data is not in the file: the check cannot fail")
	}

	if _, err := runWithPIN(t, dir, "", "login", env.URL, code); !errors.Is(err, errNoPIN) {
		t.Fatalf("login with no PIN: %v", err)
	}
	out, err := runWithPIN(t, dir, "482916", "login", env.URL, code)
	if err != nil || !strings.Contains(out, "1 roster row and 1 draft answer encrypted") {
		t.Fatalf("login: %v %s", err, out)
	}
	if found := clear(); len(found) > 0 {
		t.Fatalf("in clear after login: %v", found)
	}

	// Every command that reads the data needs the PIN; wrong ones cost time, not data.
	if _, err := runWithPIN(t, dir, "", "sync"); !errors.Is(err, errNoPIN) {
		t.Fatalf("sync with no PIN: %v", err)
	}
	var lastTry time.Time
	for i := range vault.FreeTries + 2 {
		lastTry = time.Now()
		_, err := runWithPIN(t, dir, "000000", "sync")
		var we *vault.WaitError
		if !errors.Is(err, vault.ErrWrongPIN) && !(i > vault.FreeTries && errors.As(err, &we)) {
			t.Fatalf("wrong PIN %d: %v", i+1, err)
		}
	}
	n, next, err := vault.Failures(dir)
	// The last try either waited (a wait set by the try before) or, on a machine slow enough
	// that the wait had passed, failed again and set a longer one: either way a wait reaches
	// past the start of the last try.
	if err != nil || n < vault.FreeTries+1 || n > vault.FreeTries+2 || !next.After(lastTry) {
		t.Fatalf("after wrong PINs: %d failures, next try %v, %v", n, next, err)
	}

	// The PIN is forgotten: a new code from the admin and a new PIN bring everything back.
	code2, err := env.Users.NewCode(ctx, "ani")
	if err != nil {
		t.Fatal(err)
	}
	out, err = runWithPIN(t, dir, "135790", "login", env.URL, code2)
	if err != nil || !strings.Contains(out, "gave back this laptop's data key") {
		t.Fatalf("login again: %v %s", err, out)
	}
	if _, err := runWithPIN(t, dir, "482916", "sync"); !errors.Is(err, vault.ErrWrongPIN) {
		t.Fatalf("the old PIN after the reset: %v", err)
	}
	db, err = sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := unlockWith(db, dir, "135790", time.Now()); err != nil {
		t.Fatal(err)
	}
	as, err := sqlite.NewInterviewStore(db).Answers(ctx, iv.ID)
	if err != nil || len(as) != 1 || as[0].Value != "PT Bontang Teknik Fabrikasi" {
		t.Fatalf("the draft after the reset: %v %v", as, err)
	}
	r, err := sqlite.NewRosterStore(db).Get(ctx, "R1")
	if err != nil || r.Name != "Dimas Gunawan" || r.NIK != "6408061202040071" {
		t.Fatalf("the roster after the reset: %+v %v", r, err)
	}
}
