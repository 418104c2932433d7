package main

import (
	"context"
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
