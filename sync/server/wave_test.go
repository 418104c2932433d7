package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestWaves: waves are added in order and refused when out of order or twice; each wave
// keeps the assignments in force during it; the response rates of a wave count its own
// attempts, and the report of the current wave compares both.
func TestWaves(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	testbed.Token(t, env.Users, "eko", survey.RoleEnumerator)
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	ana := newClient(t, env.URL, testbed.Token(t, env.Users, "ana", survey.RoleAnalyst))
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas", Completion: "pass"}, {RosterID: "R2", Name: "Sari", Completion: "pass"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{RosterIDs: []string{"R1", "R2"}}); err != nil {
		t.Fatal(err)
	}
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	// Attempts: R1 refuses in the first wave, and is out of the cohort in the second.
	if _, err := sqlite.NewAttemptLedger(env.DB).Ingest(ctx, []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "R1", At: t1.AddDate(0, 1, 0), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.11"},
		{ID: survey.NewID(), RosterID: "R1", At: t2.AddDate(0, 1, 0), Enumerator: "eko", Mode: survey.ModePhone, Outcome: "4.10"},
	}, "sri", false); err != nil {
		t.Fatal(err)
	}

	if _, err := sup.AddWave(ctx, "6 bulan", t1); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name  string
		start time.Time
		code  string
	}{
		{"6 bulan", t2, survey.ECONFLICT},  // twice
		{"lama", t1, survey.EINVALID},      // not after the current wave
		{"", t2, survey.EINVALID},          // no name
		{"a\x1b[2Jb", t2, survey.EINVALID}, // control characters
	} {
		if _, err := sup.AddWave(ctx, bad.name, bad.start); survey.ErrorCode(err) != bad.code {
			t.Errorf("AddWave(%q, %v): %v, want %s", bad.name, bad.start, err, bad.code)
		}
	}
	if _, err := ana.AddWave(ctx, "12 bulan", t2); survey.ErrorCode(err) != survey.EFORBIDDEN {
		t.Errorf("an analyst adds a wave: %v", err)
	}
	if _, err := sup.AddWave(ctx, "12 bulan", t2); err != nil {
		t.Fatal(err)
	}
	// R1 moves to eko for the second wave.
	if _, err := sup.Assign(ctx, "eko", survey.AssignSelector{RosterIDs: []string{"R1"}}); err != nil {
		t.Fatal(err)
	}
	waves, err := sup.Waves(ctx)
	if err != nil || len(waves) != 2 || waves[0].Name != "6 bulan" || waves[1].Name != "12 bulan" || !waves[1].StartsAt.Equal(t2) {
		t.Fatalf("waves %+v %v", waves, err)
	}
	first, err := sqlite.NewWaveStore(env.DB).WaveAssignments(ctx, "6 bulan")
	if err != nil || first["R1"] != "ani" || first["R2"] != "ani" {
		t.Errorf("wave 1 assignments %v %v", first, err)
	}
	second, err := sqlite.NewWaveStore(env.DB).WaveAssignments(ctx, "12 bulan")
	if err != nil || second["R1"] != "eko" || second["R2"] != "ani" {
		t.Errorf("wave 2 assignments %v %v", second, err)
	}
	if _, err := sqlite.NewWaveStore(env.DB).WaveAssignments(ctx, "24 bulan"); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("unknown wave: %v", err)
	}

	type out struct {
		Settings struct {
			Wave      string `json:"wave"`
			Revisions string `json:"revisions"`
		} `json:"settings"`
		Response struct {
			Total struct {
				Outcomes map[string]int `json:"outcomes"`
			} `json:"total"`
			Breakdowns []struct {
				By    string `json:"by"`
				Cells []struct {
					Key string `json:"key"`
					N   int    `json:"n"`
				} `json:"cells"`
			} `json:"breakdowns"`
		} `json:"response"`
		Waves []struct {
			Wave     string         `json:"wave"`
			Outcomes map[string]int `json:"outcomes"`
		} `json:"waves"`
	}
	get := func(wave string) out {
		t.Helper()
		var b bytes.Buffer
		if _, err := sup.Report(ctx, client.ReportQuery{Format: "json", Revisions: "latest", Wave: wave}, &b); err != nil {
			t.Fatal(err)
		}
		var o out
		if err := json.Unmarshal(b.Bytes(), &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	enumerators := func(o out) map[string]int {
		m := map[string]int{}
		for _, b := range o.Response.Breakdowns {
			if b.By == "enumerator" {
				for _, c := range b.Cells {
					m[c.Key] = c.N
				}
			}
		}
		return m
	}
	cur := get("")
	if cur.Settings.Revisions != "latest" {
		t.Errorf("the report says it counted revisions %q, want latest", cur.Settings.Revisions)
	}
	if cur.Settings.Wave != "12 bulan" || cur.Response.Total.Outcomes["NE"] != 1 || cur.Response.Total.Outcomes["R"] != 0 || cur.Response.Total.Outcomes["U"] != 1 {
		t.Errorf("current wave: %+v", cur)
	}
	if e := enumerators(cur); e["eko"] != 1 || e["ani"] != 1 {
		t.Errorf("current wave's enumerators %v", e)
	}
	old := get("6 bulan")
	if old.Settings.Wave != "6 bulan" || old.Response.Total.Outcomes["R"] != 1 || old.Response.Total.Outcomes["NE"] != 0 {
		t.Errorf("first wave: %+v", old)
	}
	if e := enumerators(old); e["ani"] != 2 {
		t.Errorf("first wave's enumerators %v", e)
	}
	if len(cur.Waves) != 2 || cur.Waves[0].Wave != "6 bulan" || cur.Waves[0].Outcomes["R"] != 1 || cur.Waves[1].Outcomes["NE"] != 1 {
		t.Errorf("waves compared: %+v", cur.Waves)
	}
	var b bytes.Buffer
	if _, err := sup.Report(ctx, client.ReportQuery{Format: "text", Lang: "en"}, &b); err != nil || !strings.Contains(b.String(), "Revisions counted:") ||
		!strings.Contains(b.String(), "approved only; interviews not yet approved are left out") {
		t.Errorf("the default report does not say it counts approved revisions only (%v):\n%s", err, b.String())
	}
	b.Reset()
	if _, err := sup.Report(ctx, client.ReportQuery{Format: "json", Wave: "24 bulan"}, &b); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("report of an unknown wave: %v", err)
	}
}
