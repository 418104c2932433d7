package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/testbed"
)

// TestLoginAdoptsWhatTheLaptopMadeBefore: an interview finalized, a draft and a contact
// attempt made on a laptop before its first enrollment, in the computer user's name, are
// the account's after "tracer login", and the sync stores them at the server (it takes an
// enumerator's own only). A later login as another account adopts nothing of hers and
// says what of hers waits.
func TestLoginAdoptsWhatTheLaptopMadeBefore(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	if _, err := sqlite.NewServerRosterStore(env.DB).Upload(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan"}, {RosterID: "R2", Name: "Sri Wahyuni"}}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The computer's user is "komputer", no account of the server.
	run := func(args ...string) (string, error) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string {
			return map[string]string{"TRACER_DATA": dir, "TRACER_PIN": testPIN, "USER": "komputer"}[k]
		}}
		err := m.Run(ctx, args)
		return stdout.String() + stderr.String(), err
	}
	file := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(file, []byte("roster_id,nik,full_name\nR1,6474060307910001,Dimas Gunawan\nR2,6474064507910002,Sri Wahyuni\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	personas := personasDir(t)
	for _, args := range [][]string{
		{"roster", "import", file},
		{"attempt", "add", "R1", "--mode", "phone", "--outcome", "2.21"},
		{"form", "fill", "builtin", "--answers", withoutRosterID(t, personas+"employed.json"), "--save", "--respondent", "R1"},
		{"form", "fill", "builtin", "--answers", withoutRosterID(t, personas+"unemployed.json"), "--save", "--draft", "--respondent", "R2"},
	} {
		if out, err := run(args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	_, code, err := env.Users.CreateUser(ctx, "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	out, err := run("login", env.URL, code)
	if err != nil || !strings.Contains(out, "now ani's: 1 finalized interview, 1 contact attempt and 0 roster updates, sent at the next sync, and 1 draft") {
		t.Fatalf("login: %v %s", err, out)
	}
	if out, err := run("sync"); err != nil || !strings.Contains(out, "attempts: pushed 1 new") || !strings.Contains(out, "pushed 1 new, 0 already there, 0 refused") {
		t.Fatalf("sync: %v %s", err, out)
	}
	held, err := sqlite.NewReviewStore(env.DB).Queue(ctx, survey.ReviewFilter{})
	if err != nil || len(held) != 1 || held[0].Enumerator != "ani" || held[0].RespondentID != "R1" {
		t.Fatalf("the server holds %v %+v", err, held)
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := sqlite.NewInterviewStore(db).List(ctx, survey.InterviewFilter{State: survey.StateDraft})
	db.Close()
	if err != nil || len(drafts) != 1 || drafts[0].Enumerator != "ani" {
		t.Fatalf("the draft: %v %+v", err, drafts)
	}
	// ani calls an alumnus once more, then the laptop is enrolled again as another
	// account: it keeps ani's draft and attempt hers, and budi's sync leaves them.
	if out, err := run("attempt", "add", "R2", "--mode", "phone", "--outcome", "2.21"); err != nil {
		t.Fatalf("attempt add: %v %s", err, out)
	}
	_, code, err = env.Users.CreateUser(ctx, "budi", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := run("login", env.URL, code); err != nil || strings.Contains(out, "before it was enrolled") ||
		!strings.Contains(out, "note: this laptop holds ani's work (1 draft, 1 contact attempt not sent): the server takes an enumerator's own only, so budi's syncs leave it here until ani logs in again") {
		t.Fatalf("the second login: %v %s", err, out)
	}
	if out, err := run("sync"); err != nil || !strings.Contains(out, "left on this laptop: 1 interview revision, contact attempt or roster update another account made") || strings.Contains(out, "refused:") {
		t.Fatalf("budi's sync: %v %s", err, out)
	}
	code, err = env.Users.NewCode(ctx, "ani")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := run("login", env.URL, code); err != nil {
		t.Fatalf("ani's login again: %v %s", err, out)
	}
	if out, err := run("sync"); err != nil || !strings.Contains(out, "attempts: pushed 1 new") {
		t.Fatalf("ani's sync again: %v %s", err, out)
	}
	db, err = sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if drafts, err = sqlite.NewInterviewStore(db).List(ctx, survey.InterviewFilter{State: survey.StateDraft}); err != nil || len(drafts) != 1 || drafts[0].Enumerator != "ani" {
		t.Fatalf("the draft after budi's login: %v %+v", err, drafts)
	}
}
