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
	var free func()
	var filled atomic.Bool
	env := testbed.NewEnv(t, nil, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/interviews/push") || filled.Load() {
				next.ServeHTTP(w, r)
				return
			}
			// The push is stored before the laptop hears of it; fill its disk meanwhile.
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
	if !errors.As(err, &ue) || ue.Safe != 12 || survey.ErrorCode(err) != survey.EFULL {
		t.Fatalf("sync on a laptop whose disk filled: %v, want 12 safe and disk_full", err)
	}
	if n, _ := env.Subs.Count(ctx); n != 12 {
		t.Fatalf("%d on the server", n)
	}
	free()
	sum, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil)
	if err != nil || sum.Count(survey.OutcomeDuplicate) != 12 || len(sum.Outcomes) != 12 {
		t.Fatalf("sync with room again: %+v %v", sum, err)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}
