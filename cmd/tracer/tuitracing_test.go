package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tracer/survey"
)

// TestTUITracing runs the supervisor's TUI against a real server on 127.0.0.1: the
// tracing screen shows each enumerator's work from the stored attempts, the alumni never
// tried and the call-back overdue; assigning by regency through the screen reaches the
// server's assignments, and a refused assignment is said in one line and changes nothing.
func TestTUITracing(t *testing.T) {
	ctx := context.Background()
	// The attempts below are hours old; the server counts "today" where it is noon now, so
	// they are today's whenever the test runs.
	_, noon := noonZone(time.Now())
	cen := startCentreIn(t, noon, "", nil, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas", BatchID: "B1", Regency: "6474"},
		{RosterID: "R2", Name: "Sari", BatchID: "B1", Regency: "6474"},
		{RosterID: "R3", Name: "Budi", BatchID: "B2", Regency: "6472"},
	})
	users, rosterStore, ledger := cen.users, cen.roster, cen.attempts
	for _, name := range []string{"ani", "eko"} {
		if _, _, err := users.CreateUser(ctx, name, survey.RoleEnumerator); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rosterStore.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"R1", "R2", "R3"}}, "ani", "sri"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := ledger.Ingest(ctx, []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "R1", At: now.Add(-2 * time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"},
		{ID: survey.NewID(), RosterID: "R1", At: now.Add(-time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.21", Callback: now.Add(-30 * time.Minute)},
		{ID: survey.NewID(), RosterID: "R2", At: now.Add(-time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.11"},
	}, "ani", true); err != nil {
		t.Fatal(err)
	}

	sri := startLaptop(t, cen.url, users, "sri", survey.RoleSupervisor)
	sri.waitFor("Tracing: progress, assignments")
	sri.press("0")
	// ani: 3 assigned, 3 attempts (all today), 2 contacts (the call-back request and the
	// refusal), no complete, 1 refusal.
	sri.waitFor("ani               3       3/3       2/2       0/0       1/1", "1 never tried", "1 call-back overdue")
	sri.press("right")
	sri.waitFor("R3               ani")
	sri.press("right")
	sri.waitFor("R1               ani            call-back")

	// Assign regency 6472 to eko through the screen.
	sri.press("a", "r", "6472", "enter", "eko", "enter")
	sri.waitFor("Assign regency 6472 to eko? (y/n)")
	sri.press("y")
	sri.waitFor("Assigned 1 alumnus to eko.")
	as, err := rosterStore.Assignments(ctx)
	if err != nil || as["R3"] != "eko" || as["R1"] != "ani" {
		t.Fatalf("assignments on the server: %v %v", as, err)
	}
	// A regency nobody on the roster lives in (Kota Bandung): refused, nothing changes.
	sri.press("a", "r", "3273", "enter", "eko", "enter", "y")
	sri.waitFor(`Not assigned: No roster row has domicile_regency "3273".`)
	if as2, _ := rosterStore.Assignments(ctx); len(as2) != 3 || as2["R1"] != "ani" || as2["R2"] != "ani" || as2["R3"] != "eko" {
		t.Errorf("a refused assignment changed them: %v", as2)
	}
}

// noonZone returns a whole-hour zone, by its name in the tz database and as a fixed zone,
// where the hour of now is noon: times up to eleven hours before or after now fall on the
// same day there, whatever the hour the test runs at. (Etc/GMT-7 is seven hours east of UTC.)
func noonZone(now time.Time) (string, *time.Location) {
	east := 12 - now.UTC().Hour() // -11 to 12, all in the tz database
	name := "Etc/GMT"
	switch {
	case east > 0:
		name += fmt.Sprintf("-%d", east)
	case east < 0:
		name += fmt.Sprintf("+%d", -east)
	}
	return name, time.FixedZone(name, east*3600)
}
