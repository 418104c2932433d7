package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// A laptop whose disk fills up (a real ENOSPC on a small tmpfs) after the server stored
// its push: the sync says how many interviews are safe on the server and that the laptop
// could not record it; once there is room, the next sync lands everything exactly once.
func TestLaptopDiskFullAfterPush(t *testing.T) {
	ctx := context.Background()
	disk := testbed.SmallDisk(t, 4<<20)
	env, filled, free := fillAfterPush(t, disk, "/interviews/push")
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap, err := testbed.OpenLaptop(ctx, filepath.Join(disk, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer lap.DB.Close()
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 12)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(env.URL, client.WithToken(tok), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
	if !filled.Load() {
		t.Fatal("the disk was never filled")
	}
	var ue *client.UnrecordedError
	if !errors.As(err, &ue) || ue.Safe != 12 || ue.What != "interviews" || survey.ErrorCode(err) != survey.EFULL {
		t.Fatalf("sync on a laptop whose disk filled: %v, want 12 safe and disk_full", err)
	}
	for lang, want := range map[string]string{
		"en": "12 interviews are safe on the server; this laptop could not record that: The disk is full: free some disk space, then try again. Everything saved before is kept.",
		"id": "12 wawancara sudah aman di server; laptop ini tidak dapat mencatatnya: Disk penuh: kosongkan sebagian ruang disk, lalu coba lagi. Semua yang tersimpan sebelumnya tetap ada.",
	} {
		if got := survey.LocalMessage(err, lang); got != want {
			t.Errorf("in %q: %q, want %q", lang, got, want)
		}
	}
	if n, _ := env.Subs.Count(ctx); n != 12 {
		t.Fatalf("%d on the server", n)
	}
	(*free)()
	sum, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
	if err != nil || sum.Count(survey.OutcomeDuplicate) != 12 || len(sum.Outcomes) != 12 {
		t.Fatalf("sync with room again: %+v %v", sum, err)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}

// fillAfterPush starts a server whose first push to a path ending in suffix is stored, then
// the laptop's disk is filled before the reply reaches it. filled says the fault happened;
// *free empties the disk again.
func fillAfterPush(t *testing.T, disk, suffix string) (env *testbed.Env, filled *atomic.Bool, free *func()) {
	filled, free = new(atomic.Bool), new(func())
	env = testbed.NewEnv(t, nil, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, suffix) || filled.Load() {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			*free = testbed.FillDisk(t, disk)
			filled.Store(true)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		})
	})
	return env, filled, free
}

// The same for contact attempts: the disk fills after the server stored them; the sync says
// how many attempts are safe, and the next one, with room again, finds them all there.
func TestLaptopDiskFullAfterAttemptsPush(t *testing.T) {
	ctx := context.Background()
	disk := testbed.SmallDisk(t, 4<<20)
	env, filled, free := fillAfterPush(t, disk, "/attempts/push")
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	sup, err := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{RosterIDs: []string{"R1"}}); err != nil {
		t.Fatal(err)
	}
	lap, err := testbed.OpenLaptop(ctx, filepath.Join(disk, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer lap.DB.Close()
	now := time.Now().UTC().Truncate(time.Second)
	for i := range 5 {
		a := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now.Add(-time.Duration(5-i) * time.Hour), Enumerator: "ani",
			Mode: survey.ModePhone, Channel: "081234567890", Outcome: "3.13"}
		if err := lap.Attempts.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	c, err := client.NewClient(env.URL, client.WithToken(tok), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	laptop := client.Laptop{Interviews: lap.Interviews, State: lap.State, Attempts: lap.Attempts}
	_, err = c.Sync(ctx, laptop, nil)
	if !filled.Load() {
		t.Fatal("the disk was never filled")
	}
	var ue *client.UnrecordedError
	if !errors.As(err, &ue) || ue.Safe != 5 || ue.What != "contact attempts" || survey.ErrorCode(err) != survey.EFULL {
		t.Fatalf("sync on a laptop whose disk filled: %v, want 5 contact attempts safe and disk_full", err)
	}
	for lang, want := range map[string]string{
		"en": "5 contact attempts are safe on the server; this laptop could not record that: The disk is full: free some disk space, then try again. Everything saved before is kept.",
		"id": "5 upaya kontak sudah aman di server; laptop ini tidak dapat mencatatnya: Disk penuh: kosongkan sebagian ruang disk, lalu coba lagi. Semua yang tersimpan sebelumnya tetap ada.",
	} {
		if got := survey.LocalMessage(err, lang); got != want {
			t.Errorf("in %q: %q, want %q", lang, got, want)
		}
	}
	(*free)()
	sum, err := c.Sync(ctx, laptop, nil)
	if err != nil || len(sum.Attempts) != 5 || sum.Attempts[0].Outcome != survey.OutcomeDuplicate {
		t.Fatalf("sync with room again: %+v %v", sum, err)
	}
	if u, err := lap.Attempts.Unsent(ctx); err != nil || len(u) != 0 {
		t.Fatalf("unsent attempts after the second sync: %d %v", len(u), err)
	}
}
