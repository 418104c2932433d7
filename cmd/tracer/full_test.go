package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
	"tracer/tui"
)

// On a laptop whose disk is full (a real ENOSPC on a small tmpfs), "form fill --save" says
// so in plain words, and a sync whose push the server stored says how many interviews are
// safe there and what to do; after freeing space the next sync sends nothing twice.
func TestFullDiskMessages(t *testing.T) {
	disk := testbed.SmallDisk(t, 4<<20)
	var free func()
	var filled atomic.Bool
	env := testbed.NewEnv(t, nil, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/interviews/push") || filled.Load() {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			free = testbed.FillDisk(t, disk)
			filled.Store(true)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		})
	})
	_, code, err := env.Users.CreateUser(t.Context(), "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := runMain(t, disk, "login", env.URL, code); err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	personas := personasDir(t)
	for _, p := range []string{"employed", "self-employed", "unemployed"} {
		if out, _, err := runMain(t, disk, "form", "fill", "builtin", "--answers", personas+p+".json", "--save"); err != nil {
			t.Fatalf("fill %s: %v %s", p, err, out)
		}
	}
	_, _, err = runMain(t, disk, "sync")
	if !filled.Load() {
		t.Fatal("the disk was never filled")
	}
	if got, want := message(err), "3 interviews are safe on the server; this laptop could not record that: The disk is full: free some disk space, then try again."; !strings.HasPrefix(got, want) {
		t.Errorf("sync on a full laptop: %q, want %q", got, want)
	}
	_, _, err = runMain(t, disk, "form", "fill", "builtin", "--answers", personas+"refused.json", "--save")
	if got := message(err); !strings.HasPrefix(got, "The disk is full: free some disk space") {
		t.Errorf("form fill on a full laptop: %q (%v)", got, err)
	}
	free()
	out, _, err := runMain(t, disk, "sync")
	if err != nil || !strings.Contains(out, "pushed 0 new, 3 already there") {
		t.Errorf("sync with room again: %v\n%s", err, out)
	}
	if n, _ := env.Subs.Count(t.Context()); n != 3 {
		t.Errorf("%d on the server, want 3", n)
	}
}

// The TUI in Bahasa Indonesia on a laptop whose disk fills after the server stored its push
// (a real ENOSPC on a small tmpfs): the sync screen says in Indonesian how many interviews
// are safe on the server and why the laptop could not record it, with no English words.
func TestTUIFullDiskInIndonesian(t *testing.T) {
	ctx := context.Background()
	disk := testbed.SmallDisk(t, 4<<20)
	var filled atomic.Bool
	env := testbed.NewEnv(t, nil, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/interviews/push") || filled.Load() {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			testbed.FillDisk(t, disk)
			filled.Store(true)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
		})
	})
	_, code, err := env.Users.CreateUser(ctx, "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Enroll(ctx, code, "laptop-ani", "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(disk, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	interviews := sqlite.NewInterviewStore(db)
	if _, err := testbed.Seed(ctx, interviews, res.User, 3); err != nil {
		t.Fatal(err)
	}
	form, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	cfg := tui.Config{
		Form: form, Interviews: interviews, Roster: sqlite.NewRosterStore(db), Events: sqlite.NewEventStore(db),
		Enumerator: res.User, Lang: "id", DeviceID: "laptop-ani", Logger: logger,
	}
	if err := wireSync(&cfg, &enrollment{URL: env.URL, User: res.User, Role: res.Role}, res.Token, db, disk, logger); err != nil {
		t.Fatal(err)
	}
	cfg.SyncPoll = 0 // the sync the test starts, only
	ani := runTUI(t, tui.New(ctx, cfg), db)
	ani.waitFor("4  ")
	ani.press("4")
	ani.waitFor("Server")
	ani.press("enter")
	ani.waitFor("Sinkronisasi gagal")
	if !filled.Load() {
		t.Fatal("the disk was never filled")
	}
	got := strings.Join(strings.Fields(ani.screen()), " ")
	want := "Sinkronisasi gagal: 3 wawancara sudah aman di server; laptop ini tidak dapat mencatatnya: Disk penuh: kosongkan sebagian ruang disk, lalu coba lagi. Semua yang tersimpan sebelumnya tetap ada."
	if !strings.Contains(got, want) {
		t.Errorf("the sync screen does not say %q:\n%s", want, ani.screen())
	}
	for _, w := range []string{"safe", "record", "disk is full", "Internal"} {
		if strings.Contains(got, w) {
			t.Errorf("English on the Indonesian screen (%q):\n%s", w, ani.screen())
		}
	}
}
