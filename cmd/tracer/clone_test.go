package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestClonedLaptopAfterAConflict: a laptop's data folder copied to a second laptop, both
// syncing as ani. Both correct the same returned interview; the first one's revision 2 is
// stored, the clone's is refused as a conflict. The supervisor returns the stored revision
// 2, which the clone never had: its sync passes that return over (it is the other
// laptop's) instead of failing at it at every sync, and a later return of the clone's own
// interview still reaches it. (Its syncs exit 1 from the conflict on: the refused revision
// stays on it, not sent again.)
func TestClonedLaptopAfterAConflict(t *testing.T) {
	key, err := seal.LoadOrCreate(filepath.Join(t.TempDir(), "server.db"+seal.KeyFileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	for _, sealed := range []bool{true, false} {
		t.Run(map[bool]string{true: "sealed", false: "not sealed"}[sealed], func(t *testing.T) {
			clonedLaptop(t, func(c *server.Config) {
				if sealed {
					c.Key, c.PublicKey, c.SessionSealing = key, key.Public(), true
				}
			})
		})
	}
}

func clonedLaptop(t *testing.T, config func(*server.Config)) {
	ctx := context.Background()
	env := testbed.NewEnv(t, config, nil)
	a, b, sri := t.TempDir(), filepath.Join(t.TempDir(), "clone"), t.TempDir()
	for _, u := range []struct {
		dir, name string
		role      survey.Role
	}{{a, "ani", survey.RoleEnumerator}, {sri, "sri", survey.RoleSupervisor}} {
		_, code, err := env.Users.CreateUser(ctx, u.name, u.role)
		if err != nil {
			t.Fatal(err)
		}
		if out, _, err := runMain(t, u.dir, "login", env.URL, code); err != nil {
			t.Fatalf("login %s: %v %s", u.name, err, out)
		}
	}
	personas := personasDir(t)
	fill := func(dir, persona string, more ...string) string {
		t.Helper()
		out, _, err := runMain(t, dir, append([]string{"form", "fill", "builtin", "--answers", personas + persona + ".json", "--save"}, more...)...)
		if err != nil {
			t.Fatalf("form fill: %v %s", err, out)
		}
		return strings.Fields(out)[0]
	}
	// sync runs "tracer sync" in dir; a sync with a refusal exits 1 (failed).
	sync := func(dir, want string, failed ...bool) {
		t.Helper()
		out, _, err := runMain(t, dir, "sync")
		if (err != nil) != (len(failed) > 0) || !strings.Contains(out, want) {
			t.Fatalf("sync of %s: %v\n%s\nwant %q", filepath.Base(dir), err, out, want)
		}
	}
	ret := func(id string) {
		t.Helper()
		if out, _, err := runMain(t, sri, "review", "return", id, "--comment", "cek lagi"); err != nil {
			t.Fatalf("review return: %v %s", err, out)
		}
	}

	id := fill(a, "employed")
	sync(a, "pushed 1 new")
	if err := os.CopyFS(b, os.DirFS(a)); err != nil {
		t.Fatal(err)
	}
	ret(id)
	sync(a, "1 returned interview")
	sync(b, "1 returned interview")
	fill(a, "unemployed", "--interview", id)
	fill(b, "self-employed", "--interview", id)
	sync(a, "pushed 1 new")
	sync(b, "refused: "+id+" revision 2: Revision 2 of interview "+id+" is stored with other content", true)

	ret(id) // revision 2, the first laptop's
	sync(a, "1 returned interview")
	sync(b, "0 returned interviews", true) // its refused revision 2 stays refused
	db, err := sqlite.Open(ctx, filepath.Join(b, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	iv, err := sqlite.NewInterviewStore(db).Get(ctx, id)
	db.Close()
	if err != nil || iv.Revision != 2 || iv.State == survey.StateReturned {
		t.Fatalf("the clone's interview took the other laptop's return: %+v %v", iv, err)
	}

	own := fill(b, "refused")
	sync(b, "pushed 1 new", true)
	ret(own)
	sync(b, "1 returned interview", true)
}
