package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// TestCallList drives the call list: due call-backs first, one key records an outcome
// (with a call-back time for 2.21), one starts the interview from the call, recorded as
// an attempt by phone; each attempt is saved at once.
func TestCallList(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	attempts := sqlite.NewAttemptStore(e.db)
	e.cfg.Attempts = attempts
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas Gunawan", PhoneRaw: "081234567801"},
		{RosterID: "R2", Name: "Sari Wulandari", PhoneRaw: "081234567802"},
		{RosterID: "R3", Name: "Budi Santoso"},
	}); err != nil {
		t.Fatal(err)
	}
	// R2 asked yesterday to be called back an hour ago; R3 refused (off the list).
	for _, a := range []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "R2", At: fixedNow.Add(-20 * time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.21", Callback: fixedNow.Add(-time.Hour)},
		{ID: survey.NewID(), RosterID: "R3", At: fixedNow.Add(-20 * time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.11"},
	} {
		if err := attempts.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "Daftar telepon") {
		t.Fatalf("home offers no call list:\n%s", v)
	}
	drive(t, m, keypress("8"))
	v := plain(m)
	if m.screen != screenCalls || !strings.Contains(v, "2 alumni") || strings.Contains(v, "R3") {
		t.Fatalf("call list:\n%s", v)
	}
	if i, j := strings.Index(v, "R2 Sari"), strings.Index(v, "R1 Dimas"); i < 0 || j < 0 || i > j || !strings.Contains(v, "jatuh tempo") {
		t.Fatalf("the due call-back is not first:\n%s", v)
	}
	if !strings.Contains(v, "Nomor: 081234567802") || strings.Contains(v, "081234567801") {
		t.Errorf("numbers: only the selected alumnus' in full:\n%s", v)
	}

	// o, down to 3.13 (tidak diangkat), enter: saved for R2.
	drive(t, m, keypress("o"))
	for range 20 {
		if callCodes[m.pages[screenCalls].(*callsScreen).pick].Code == "3.13" {
			break
		}
		drive(t, m, keypress("down"))
	}
	drive(t, m, keypress("enter"))
	list, err := attempts.List(ctx, survey.AttemptFilter{RosterID: "R2"})
	if err != nil || len(list) != 2 || list[1].Outcome != "3.13" || list[1].Mode != survey.ModePhone || list[1].Channel != "081234567802" {
		t.Fatalf("after recording 3.13: %+v %v", list, err)
	}
	// Now R1 (no attempt) comes first: fewest attempts.
	if v := plain(m); strings.Index(v, "R1 Dimas") > strings.Index(v, "R2 Sari") {
		t.Errorf("order after the attempt:\n%s", v)
	}

	// 2.21 for R1 with a time that does not read, then one that does.
	drive(t, m, keypress("o"))
	for range 20 {
		if callCodes[m.pages[screenCalls].(*callsScreen).pick].Code == "2.21" {
			break
		}
		drive(t, m, keypress("down"))
	}
	drive(t, m, keypress("enter"))
	typeText(t, m, "nanti")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Waktu tidak dikenali: nanti") {
		t.Fatalf("a bad time:\n%s", v)
	}
	for range 5 {
		drive(t, m, keypress("backspace"))
	}
	typeText(t, m, "+2h")
	drive(t, m, keypress("enter"))
	list, err = attempts.List(ctx, survey.AttemptFilter{RosterID: "R1"})
	if err != nil || len(list) != 1 || list[0].Outcome != "2.21" || !list[0].Callback.Equal(fixedNow.Add(2*time.Hour)) {
		t.Fatalf("the call-back: %+v %v", list, err)
	}

	// i starts the interview of the alumnus under the cursor, recorded as begun by phone.
	cur := m.pages[screenCalls].(*callsScreen)
	who := cur.calls[cur.cursor].Respondent.RosterID
	drive(t, m, keypress("i"))
	if m.screen != screenInterview || m.iv() == nil {
		t.Fatalf("i did not open the interview:\n%s", plain(m))
	}
	list, _ = attempts.List(ctx, survey.AttemptFilter{RosterID: who})
	begun := 0
	for _, a := range list {
		if a.Outcome == "1.2" && a.Mode == survey.ModePhone {
			begun++
		}
	}
	if begun != 1 {
		t.Fatalf("the call that started the interview: %+v", list)
	}
}
