package storetest

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"tracer/survey"
)

// testWaves checks the study's waves: names and starts are checked, waves come first to
// current, and adding one keeps the assignments in force as those of the wave before it,
// while the current wave reads the assignments as they stand. Waves added at once through
// several handles are numbered in the order they commit, each after the one before.
func testWaves(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	if ws, err := s.Waves.Waves(ctx); err != nil || len(ws) != 0 {
		t.Fatalf("waves of a new study: %v %v", ws, err)
	}
	_, err := s.Waves.WaveAssignments(ctx, "6 bulan")
	wantCode(t, "assignments of a wave before any", err, survey.ENOTFOUND)
	for _, u := range []string{"ani", "budi"} {
		if _, _, err := s.Users.CreateUser(ctx, u, survey.RoleEnumerator); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Roster.Upload(ctx, []*survey.Respondent{
		{RosterID: "R-1", Name: "Dimas", BatchID: "B1", Kejuruan: "TKR"},
		{RosterID: "R-2", Name: "Rina", BatchID: "B1", Kejuruan: "LAS"},
	}); err != nil {
		t.Fatal(err)
	}
	assign := func(to string, ids ...string) {
		t.Helper()
		if _, err := s.Roster.Assign(ctx, survey.AssignSelector{RosterIDs: ids}, to, "sri"); err != nil {
			t.Fatal(err)
		}
	}
	assign("ani", "R-1", "R-2")

	t1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	t2 := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	made := time.Date(2026, 1, 20, 10, 30, 0, 0, time.UTC)
	for _, bad := range []survey.Wave{
		{Name: "", StartsAt: t1},
		{Name: " 6 bulan", StartsAt: t1},
		{Name: strings.Repeat("w", 41), StartsAt: t1},
		{Name: "6\tbulan", StartsAt: t1},
		{Name: "6 bulan"},
	} {
		wantCode(t, fmt.Sprintf("add wave %+v", bad), s.Waves.AddWave(ctx, bad), survey.EINVALID)
	}
	if err := s.Waves.AddWave(ctx, survey.Wave{Name: "6 bulan", StartsAt: t1, CreatedBy: "sri", CreatedAt: made}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "a taken name", s.Waves.AddWave(ctx, survey.Wave{Name: "6 bulan", StartsAt: t2}), survey.ECONFLICT)
	wantCode(t, "a start equal to the current wave's", s.Waves.AddWave(ctx, survey.Wave{Name: "lama", StartsAt: t1}), survey.EINVALID)
	wantCode(t, "a start before the current wave's", s.Waves.AddWave(ctx, survey.Wave{Name: "lama", StartsAt: t1.Add(-time.Hour)}), survey.EINVALID)
	ws, err := s.Waves.Waves(ctx)
	if err != nil || len(ws) != 1 {
		t.Fatalf("waves after one: %+v %v", ws, err)
	}
	if w := ws[0]; w.Name != "6 bulan" || !w.StartsAt.Equal(t1) || w.CreatedBy != "sri" || !w.CreatedAt.Equal(made) {
		t.Errorf("the wave read back: %+v", w)
	}
	wantAssignments := func(s Stores, wave string, want map[string]string) {
		t.Helper()
		got, err := s.Waves.WaveAssignments(ctx, wave)
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("assignments of wave %s: %v %v, want %v", wave, got, err, want)
		}
	}
	// The current wave's assignments are those in force, changes included.
	wantAssignments(s, "6 bulan", map[string]string{"R-1": "ani", "R-2": "ani"})

	before := time.Now()
	if err := s.Waves.AddWave(ctx, survey.Wave{Name: "12 bulan", StartsAt: t2, CreatedBy: "budi"}); err != nil {
		t.Fatal(err)
	}
	assign("budi", "R-1")
	other := open(t)
	ws, err = other.Waves.Waves(ctx)
	if err != nil || len(ws) != 2 || ws[0].Name != "6 bulan" || ws[1].Name != "12 bulan" || !ws[1].StartsAt.Equal(t2) {
		t.Fatalf("waves after two, through another handle: %+v %v", ws, err)
	}
	if ws[1].CreatedAt.Before(before.Add(-time.Minute)) || ws[1].CreatedBy != "budi" {
		t.Errorf("a wave added without a creation time: %+v, want it stamped now", ws[1])
	}
	wantAssignments(other, "6 bulan", map[string]string{"R-1": "ani", "R-2": "ani"})
	wantAssignments(other, "12 bulan", map[string]string{"R-1": "budi", "R-2": "ani"})
	_, err = other.Waves.WaveAssignments(ctx, "24 bulan")
	wantCode(t, "assignments of an unknown wave", err, survey.ENOTFOUND)

	// Waves added at once through several handles: each one that succeeds starts after
	// the one before it, a refusal is only for a start or a name, and every wave ended
	// kept the assignments.
	const writers = 6
	handles := make([]Stores, writers)
	for i := range handles {
		handles[i] = open(t)
	}
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("gelombang %d", i%3)
			errs[i] = handles[i].Waves.AddWave(ctx, survey.Wave{Name: name, StartsAt: t2.Add(time.Duration(i+1) * time.Hour), CreatedBy: "sri"})
		}()
	}
	wg.Wait()
	added := 0
	for i, err := range errs {
		switch survey.ErrorCode(err) {
		case "":
			added++
		case survey.EINVALID, survey.ECONFLICT:
			if !strings.Contains(err.Error(), "wave") {
				t.Errorf("writer %d: %v, want a refusal naming the wave", i, err)
			}
		default:
			t.Errorf("writer %d: %v", i, err)
		}
	}
	ws, err = s.Waves.Waves(ctx)
	if err != nil || len(ws) != 2+added || added == 0 {
		t.Fatalf("%d waves added at once, the store has %+v %v", added, ws, err)
	}
	for i := 1; i < len(ws); i++ {
		if !ws[i].StartsAt.After(ws[i-1].StartsAt) {
			t.Errorf("wave %s starts %v, not after %s at %v", ws[i].Name, ws[i].StartsAt, ws[i-1].Name, ws[i-1].StartsAt)
		}
	}
	for _, w := range ws[:len(ws)-1] {
		want := map[string]string{"R-1": "budi", "R-2": "ani"}
		if w.Name == "6 bulan" {
			want = map[string]string{"R-1": "ani", "R-2": "ani"}
		}
		wantAssignments(s, w.Name, want)
	}
}
