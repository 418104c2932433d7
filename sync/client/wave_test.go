package client_test

import (
	"context"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestSyncPullsWaves: a sync keeps the study's waves on the laptop, first to current, and
// a later sync brings the wave added since; a laptop that pulls none has none.
func TestSyncPullsWaves(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	c, err := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)), fastRetry())
	if err != nil {
		t.Fatal(err)
	}
	sup, _ := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, "sri", survey.RoleSupervisor)), fastRetry())
	lap := testbed.NewLaptop(t)
	kept := sqlite.NewPulledWaves(lap.DB)
	l := client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, Waves: kept}
	if _, err := c.Sync(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	if ws, err := kept.Waves(ctx); err != nil || len(ws) != 0 {
		t.Fatalf("waves of a study without waves: %+v %v", ws, err)
	}
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	if _, err := sup.AddWave(ctx, "6 bulan", t1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	if ws, err := kept.Waves(ctx); err != nil || len(ws) != 1 || ws[0].Name != "6 bulan" || !ws[0].StartsAt.Equal(t1) {
		t.Fatalf("after the first wave: %+v %v", ws, err)
	}
	if _, err := sup.AddWave(ctx, "12 bulan", t2); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx, l, nil); err != nil {
		t.Fatal(err)
	}
	ws, err := kept.Waves(ctx)
	if err != nil || len(ws) != 2 || ws[0].Name != "6 bulan" || ws[1].Name != "12 bulan" || !ws[1].StartsAt.Equal(t2) {
		t.Fatalf("after the second wave: %+v %v", ws, err)
	}
	if survey.CurrentWave(ws) != "12 bulan" {
		t.Errorf("current wave: %q", survey.CurrentWave(ws))
	}
}
