package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"tracer/survey"
	"tracer/sync/testbed"
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
	if got, want := message(err), "3 interviews are safe on the server; this laptop could not record that: free disk space, then sync again"; !strings.HasPrefix(got, want) {
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
