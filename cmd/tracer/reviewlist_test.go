package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// TestReviewListPages: "tracer review list" over a queue of more than one page prints the
// header once, every interview once with its flags, and every line's columns where the
// header's are, the later pages written as they come.
func TestReviewListPages(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	lap := testbed.NewLaptop(t)
	n := wire.MaxPage + 3
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", n)
	if err != nil {
		t.Fatal(err)
	}
	enum, err := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enum.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil {
		t.Fatal(err)
	}
	sri := t.TempDir()
	_, code, err := env.Users.CreateUser(ctx, "sri", survey.RoleSupervisor)
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := runMain(t, sri, "login", env.URL, code); err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	out, _, err := runMain(t, sri, "review", "list")
	if err != nil {
		t.Fatalf("review list: %v\n%.2000s", err, out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != n+1 || !strings.HasPrefix(lines[0], "ID ") {
		t.Fatalf("%d lines for %d interviews, first %q", len(lines), n, lines[0])
	}
	state, flags := strings.Index(lines[0], "STATE"), strings.Index(lines[0], "FLAGS")
	seen := map[string]bool{}
	for i, l := range lines[1:] {
		id := strings.Fields(l)[0]
		seen[id] = true
		// Every seeded interview has the same NIK: each is flagged.
		if l[state:state+len("received")] != "received" || !strings.HasPrefix(l[flags:], "duplicate_nik") {
			t.Fatalf("line %d out of the header's columns:\n%s\n%s", i+1, lines[0], l)
		}
	}
	for _, it := range items {
		if !seen[it.InterviewID] {
			t.Fatalf("interview %s not listed", it.InterviewID)
		}
	}
	// An account that may not review gets the refusal alone, no header before it.
	ana := t.TempDir()
	_, acode, err := env.Users.CreateUser(ctx, "ana", survey.RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := runMain(t, ana, "login", env.URL, acode); err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	if out, _, err := runMain(t, ana, "review", "list"); err == nil || out != "" {
		t.Errorf("an analyst's review list: %v, stdout %q", err, out)
	}
	// A server address with a path too many is named in the message.
	if _, _, err := runMain(t, ana, "report", "--server", env.URL+"/tracer"); err == nil || !strings.Contains(err.Error(), env.URL+"/tracer has no such request") {
		t.Errorf("a report from a wrong address: %v", err)
	}
	// Approving twice says the second time that nothing changed.
	if out, _, err := runMain(t, sri, "review", "approve", items[1].InterviewID); err != nil || !strings.HasPrefix(out, "approved ") {
		t.Errorf("approve: %v %q", err, out)
	}
	if out, _, err := runMain(t, sri, "review", "approve", items[1].InterviewID); err != nil || !strings.Contains(out, "was already approved: nothing changed") {
		t.Errorf("approve again: %v %q", err, out)
	}
	// One interview shown: its state, flags, answers (personal data masked) and history.
	out, _, err = runMain(t, sri, "review", "show", items[0].InterviewID)
	if err != nil {
		t.Fatalf("review show: %v\n%s", err, out)
	}
	rec, err := survey.DecodeRecord(items[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	nik := rec.Answers["grp_identity/nik"]
	for _, want := range []string{"revision 1: received", "flag duplicate_nik:", "answers of revision 1 (personal data masked):",
		"  grp_consent/consent = yes\n", "  grp_identity/nik = " + survey.MaskNIK(nik) + "\n", "history: "} {
		if !strings.Contains(out, want) {
			t.Errorf("review show lacks %q:\n%s", want, out)
		}
	}
	if nik == "" || strings.Contains(out, nik) {
		t.Errorf("review show prints the NIK %q in full, or the record has none:\n%s", nik, out)
	}
}

// TestRosterImportOnALaptopFedByItsServer: once a laptop's sync brought the server's
// roster, "tracer roster import" refuses to change rows the server keeps (no sync would put
// them back), naming the server and the upload; --local imports all the same.
func TestRosterImportOnALaptopFedByItsServer(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	sup, err := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)))
	if err != nil {
		t.Fatal(err)
	}
	lap := t.TempDir()
	_, code, err := env.Users.CreateUser(ctx, "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := runMain(t, lap, "login", env.URL, code); err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	file := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(file, []byte("roster_id,nik,full_name,sex,kejuruan\nR-1,6474060307910001,Joko Permana,L,TIK\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Before the server has a roster, the laptop may keep its own.
	if out, _, err := runMain(t, lap, "roster", "import", file, "--dry-run"); err != nil {
		t.Fatalf("dry run: %v %s", err, out)
	}
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R-1", NIK: "6474060307910001", Name: "Joko", Sex: "L", Kejuruan: "TIK"}}); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runMain(t, lap, "sync"); err != nil {
		t.Fatalf("sync: %v %s", err, out)
	}
	_, _, err = runMain(t, lap, "roster", "import", file)
	if err == nil || !strings.Contains(err.Error(), "takes its roster from "+env.URL) || !strings.Contains(err.Error(), "tracer roster upload "+file) {
		t.Fatalf("import on a laptop fed by its server: %v", err)
	}
	if out, _, err := runMain(t, lap, "roster", "show", "R-1"); err != nil || !strings.Contains(out, "Joko") || strings.Contains(out, "Permana") {
		t.Errorf("the refused import changed the row: %v\n%s", err, out)
	}
	if out, _, err := runMain(t, lap, "roster", "import", file, "--local"); err != nil {
		t.Fatalf("--local: %v %s", err, out)
	}
	if out, _, err := runMain(t, lap, "roster", "show", "R-1"); err != nil || !strings.Contains(out, "Joko Permana") {
		t.Errorf("--local did not import: %v\n%s", err, out)
	}
}

// TestNotEnrolledNamesTheFolder: a command that needs the server, run in a data folder that
// was never enrolled, says which folder it looked in.
func TestNotEnrolledNamesTheFolder(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"review", "list"}, {"sync"}} {
		_, _, err := runMain(t, dir, args...)
		if err == nil || !strings.Contains(err.Error(), "data folder "+dir+" is not enrolled") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestAnotherAccountsSyncLeavesHerWork: an interview sari finalized on a laptop then
// logged in as dewi is not sent by dewi's syncs (the server takes an enumerator's own
// only), each says it is left on the laptop, and sari's next sync after her login stores it.
func TestAnotherAccountsSyncLeavesHerWork(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	lap := t.TempDir()
	login := func(name string) string {
		t.Helper()
		code, err := env.Users.NewCode(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := runMain(t, lap, "login", env.URL, code)
		if err != nil {
			t.Fatalf("login %s: %v %s", name, err, out)
		}
		return out
	}
	for _, name := range []string{"sari", "dewi"} {
		if _, _, err := env.Users.CreateUser(ctx, name, survey.RoleEnumerator); err != nil {
			t.Fatal(err)
		}
	}
	login("sari")
	if out, _, err := runMain(t, lap, "form", "fill", "builtin", "--answers", personasDir(t)+"employed.json", "--save"); err != nil {
		t.Fatalf("form fill: %v %s", err, out)
	}
	login("dewi")
	for range 2 {
		out, _, err := runMain(t, lap, "sync")
		if err != nil || !strings.Contains(out, "left on this laptop: 1 interview revision") || strings.Contains(out, "refused:") {
			t.Fatalf("sync as dewi, sari's interview on the laptop: %v\n%s", err, out)
		}
	}
	login("sari")
	out, _, err := runMain(t, lap, "sync")
	if err != nil || !strings.Contains(out, "pushed 1 new") {
		t.Fatalf("sync as sari: %v\n%s", err, out)
	}
}
