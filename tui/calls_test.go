package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"tracer/forms"
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
	// A time that has passed is said to have passed; Ctrl+U clears what was typed, and the
	// refusal of the time typed before goes with it.
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "2020-01-01 10.00")
	if v := plain(m); strings.Contains(v, "Waktu tidak dikenali") {
		t.Fatalf("the refusal of \"nanti\" stays over the time typed since:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Waktu itu sudah lewat: 2020-01-01 10:00") {
		t.Fatalf("a past time:\n%s", v)
	}
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "+2h")
	drive(t, m, keypress("enter"))
	list, err = attempts.List(ctx, survey.AttemptFilter{RosterID: "R1"})
	if err != nil || len(list) != 1 || list[0].Outcome != "2.21" || !list[0].Callback.Equal(fixedNow.Add(2*time.Hour)) {
		t.Fatalf("the call-back: %+v %v", list, err)
	}

	// i starts the interview of the alumnus under the cursor, recorded as begun by phone.
	cur := m.pages[screenCalls].(*callsScreen)
	who := cur.calls[cur.cursor].Respondent.RosterID
	before, _ := attempts.List(ctx, survey.AttemptFilter{RosterID: who})
	// A stray i (in "Samarinda" typed after a closed entry) only asks; the next key, not
	// i or y, cancels and records nothing.
	drive(t, m, keypress("i"))
	if m.screen != screenCalls || !strings.Contains(plain(m), "Mulai wawancara") {
		t.Fatalf("i did not ask first:\n%s", plain(m))
	}
	drive(t, m, keypress("n"))
	if after, _ := attempts.List(ctx, survey.AttemptFilter{RosterID: who}); len(after) != len(before) || m.screen != screenCalls {
		t.Fatalf("i then n recorded %d attempts (had %d), screen %d", len(after), len(before), m.screen)
	}
	drive(t, m, keypress("i"))
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

	// The call drops after the first answers: the alumnus stays on the list, to call back,
	// while the interview is a draft.
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	if ivs, err := e.cfg.Interviews.List(ctx, survey.InterviewFilter{}); err != nil || len(ivs) != 1 || ivs[0].RespondentID != who || ivs[0].State != survey.StateDraft {
		t.Fatalf("the draft begun by phone: %v %v", ivs, err)
	}
	drive(t, m, goHomeMsg{})
	drive(t, m, keypress("8"))
	if v := plain(m); m.screen != screenCalls || !strings.Contains(v, who+" ") {
		t.Fatalf("the alumnus whose interview was begun left the call list:\n%s", v)
	}
}

// TestCallListProposesRosterUpdate: from the call list the enumerator proposes a new number
// (a malformed one is refused with the reason and nothing is saved) and a corrected name;
// each is saved at once, and the proposed number is offered first from then on.
func TestCallListProposesRosterUpdate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	e.cfg.Attempts = sqlite.NewAttemptStore(e.db)
	updates := sqlite.NewRosterUpdateStore(e.db)
	e.cfg.Updates = updates
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas Gunawan", Phone: "+6281234567801", PhoneRaw: "081234567801"},
	}); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	drive(t, m, keypress("8"))
	if v := plain(m); !strings.Contains(v, "Nomor: 081234567801") {
		t.Fatalf("call list:\n%s", v)
	}
	drive(t, m, keypress("u"))
	if v := plain(m); !strings.Contains(v, "Nomor telepon: 081234567801") || !strings.Contains(v, "Nama lengkap: Dimas Gunawan") {
		t.Fatalf("the fields to update:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	typeText(t, m, "0813-55")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Gagal: ") || !strings.Contains(v, `"0813-55" tidak berlaku`) {
		t.Fatalf("a malformed number:\n%s", v)
	}
	if list, _ := updates.List(ctx, survey.UpdateFilter{}); len(list) != 0 {
		t.Fatalf("a malformed number was saved: %+v", list)
	}
	for range 7 {
		drive(t, m, keypress("backspace"))
	}
	typeText(t, m, "0813-5555-0101")
	drive(t, m, keypress("enter"))
	v := plain(m)
	if !strings.Contains(v, "Usulan tersimpan") || !strings.Contains(v, "Nomor: 081355550101, 081234567801") {
		t.Fatalf("after proposing a number, it is not offered first:\n%s", v)
	}
	// A corrected name: down three times to the name.
	for _, k := range []string{"u", "down", "down", "down", "enter"} {
		drive(t, m, keypress(k))
	}
	typeText(t, m, "Dimas Gunawan Putra")
	drive(t, m, keypress("enter"))
	list, err := updates.List(ctx, survey.UpdateFilter{RosterID: "R1"})
	if err != nil || len(list) != 2 {
		t.Fatalf("proposals: %+v %v", list, err)
	}
	if p := list[0]; p.Field != survey.FieldPhone || p.Value != "+6281355550101" || p.Old != "+6281234567801" || p.ProposedBy != e.cfg.Enumerator {
		t.Errorf("the number proposed: %+v", p)
	}
	if p := list[1]; p.Field != survey.FieldName || p.Value != "Dimas Gunawan Putra" || p.Old != "Dimas Gunawan" {
		t.Errorf("the name proposed: %+v", p)
	}
	// The attempt recorded next uses the proposed number.
	drive(t, m, keypress("o"))
	drive(t, m, keypress("down")) // an outcome is chosen with the arrows
	drive(t, m, keypress("enter"))
	as, err := e.cfg.Attempts.List(ctx, survey.AttemptFilter{RosterID: "R1"})
	if err != nil || len(as) != 1 || as[0].Channel != "081355550101" {
		t.Errorf("the attempt after the proposal: %+v %v", as, err)
	}
}

// TestCallListInterviewIsByPhone: an interview started from the call list begins with the
// form's mode question answered "phone", saved with the first answers; the enumerator sees
// it answered and can change it. One started from the picker has no mode answered.
func TestCallListInterviewIsByPhone(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	e.cfg.Attempts = sqlite.NewAttemptStore(e.db)
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas Gunawan", PhoneRaw: "081234567801"},
	}); err != nil {
		t.Fatal(err)
	}
	stored := func(id string) map[string]string {
		t.Helper()
		as, err := e.cfg.Interviews.Answers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, a := range as {
			out[a.Path] = a.Value
		}
		return out
	}
	mode := "grp_consent/" + forms.ModeQuestion

	m := start(t, e)
	drive(t, m, keypress("8"))
	drive(t, m, keypress("i"))
	drive(t, m, keypress("y"))
	if m.screen != screenInterview || m.iv() == nil {
		t.Fatalf("i, y did not open the interview:\n%s", plain(m))
	}
	id := m.iv().iv.ID
	if got := m.iv().sess.Value(mode); got != "phone" {
		t.Fatalf("mode in the session: %q, want phone", got)
	}
	if got := stored(id)[mode]; got != "phone" {
		t.Fatalf("mode saved: %q, want phone", got)
	}
	goToQuestion(t, m, forms.ModeQuestion)
	if v := plain(m); !strings.Contains(v, "Telepon") {
		t.Fatalf("the mode question:\n%s", v)
	}
	drive(t, m, keypress("3")) // WhatsApp
	drive(t, m, keypress("enter"))
	if got := stored(id)[mode]; got != "wa" {
		t.Fatalf("mode after the enumerator's change: %q, want wa", got)
	}

	// From the picker a walk-in has no mode answered.
	drive(t, m, keypress("ctrl+c"))
	m = start(t, e)
	walkIn(t, m)
	if got := m.iv().sess.Value(mode); got != "" {
		t.Fatalf("mode of a walk-in from the picker: %q, want none", got)
	}
}

// TestCallListWaves: in the second wave, an alumnus who refused or was interviewed in the
// first is on the call list again and opens without the warning of a completed interview;
// one who refused or was interviewed in the current wave is not, and the warning shows.
// Without waves, every outcome counts, as before.
func TestCallListWaves(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	attempts := sqlite.NewAttemptStore(e.db)
	kept := sqlite.NewPulledWaves(e.db)
	e.cfg.Attempts, e.cfg.Waves = attempts, kept
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas Gunawan", PhoneRaw: "081234567801"},
		{RosterID: "R2", Name: "Sari Wulandari", PhoneRaw: "081234567802"},
		{RosterID: "R3", Name: "Budi Santoso", PhoneRaw: "081234567803"},
		{RosterID: "R4", Name: "Wati Lestari", PhoneRaw: "081234567804"},
	}); err != nil {
		t.Fatal(err)
	}
	first, second := fixedNow.AddDate(0, -7, 0), fixedNow.AddDate(0, 0, -10)
	// R1 refused and R2 was interviewed in the first wave; R3 refused and R4 was
	// interviewed in the second.
	for _, a := range []*survey.Attempt{
		{ID: survey.NewID(), RosterID: "R1", At: first.AddDate(0, 1, 0), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.11"},
		{ID: survey.NewID(), RosterID: "R3", At: second.AddDate(0, 0, 1), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "2.11"},
	} {
		if err := attempts.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for id, at := range map[string]time.Time{"R2": first.AddDate(0, 1, 0), "R4": second.AddDate(0, 0, 2)} {
		iv := &survey.Interview{FormID: e.form.ID, FormVersion: e.form.Version, RespondentID: id, Enumerator: "ani", StartedAt: at, UpdatedAt: at}
		if _, err := e.cfg.Interviews.CreateFinalized(ctx, iv, []survey.Answer{{Path: "consent", Value: "no"}}); err != nil {
			t.Fatal(err)
		}
	}
	open := func() string {
		m := start(t, e)
		drive(t, m, keypress("8"))
		if m.screen != screenCalls {
			t.Fatalf("no call list:\n%s", plain(m))
		}
		return plain(m)
	}
	if v := open(); !strings.Contains(v, "0 alumni") {
		t.Fatalf("without waves every outcome counts:\n%s", v)
	}

	if err := kept.SetWaves(ctx, []survey.Wave{{Name: "6 bulan", StartsAt: first}, {Name: "12 bulan", StartsAt: second}}); err != nil {
		t.Fatal(err)
	}
	v := open()
	if !strings.Contains(v, "2 alumni") || !strings.Contains(v, "R1 Dimas") || !strings.Contains(v, "R2 Sari") ||
		strings.Contains(v, "R3 Budi") || strings.Contains(v, "R4 Wati") {
		t.Fatalf("second wave's call list:\n%s", v)
	}
	if !strings.Contains(v, "Nomor: 0812345678") {
		t.Errorf("no number to call:\n%s", v)
	}

	// Home counts the current wave's interviewed alumni: R4, not R2 of the first wave.
	m := start(t, e)
	if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "gelombang “12 bulan”: 1 diwawancarai") {
		t.Fatalf("Home does not count the current wave's interviews:\n%s", plain(m))
	}
	// The picker: R2's first-wave interview does not ask; R4's second-wave one does.
	drive(t, m, keypress("1"))
	typeText(t, m, "R4")
	drive(t, m, keypress("enter"))
	if m.screen != screenPicker || !strings.Contains(strings.Join(strings.Fields(plain(m)), " "), "sudah punya wawancara selesai untuk formulir ini pada gelombang “12 bulan”") {
		t.Fatalf("no warning naming the current wave for its completed interview:\n%s", plain(m))
	}
	openRespondent(t, start(t, e), "R2")
}

// An outcome is recorded for the alumnus it was chosen for: when the list is read again
// (after the previous outcome was saved) between the key that opens the outcomes and the
// Enter that records one, the list's new order moves nobody's outcome onto another alumnus.
func TestCallOutcomeStaysWithItsAlumnus(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	attempts := sqlite.NewAttemptStore(e.db)
	e.cfg.Attempts = attempts
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas Gunawan", PhoneRaw: "081234567801"},
		{RosterID: "R2", Name: "Sari Wulandari", PhoneRaw: "081234567802"},
		{RosterID: "R3", Name: "Budi Santoso", PhoneRaw: "081234567803"},
	}); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	drive(t, m, keypress("8"))
	v := m.pages[screenCalls].(*callsScreen)
	if len(v.calls) != 3 {
		t.Fatalf("call list: %d alumni", len(v.calls))
	}
	toCode := func(code string) {
		t.Helper()
		for range len(callCodes) {
			if callCodes[v.pick].Code == code {
				return
			}
			drive(t, m, keypress("down"))
		}
		t.Fatalf("no outcome %s", code)
	}
	first := v.calls[0].Respondent.RosterID
	drive(t, m, keypress("o"))
	toCode("3.13")
	// Enter saves the outcome; the list is read again afterwards, and the keys typed
	// meanwhile act on the list as it was on screen.
	_, cmd := m.Update(keypress("enter"))
	var reload []tea.Cmd
	for _, msg := range runCmd(cmd) {
		_, c := m.Update(msg)
		reload = append(reload, c)
	}
	drive(t, m, keypress("down"))
	shown, name := v.calls[v.cursor].Respondent.RosterID, v.calls[v.cursor].Respondent.Name
	drive(t, m, keypress("o"))
	if !strings.Contains(plain(m), name) {
		t.Fatalf("the outcomes are not asked for %s:\n%s", shown, plain(m))
	}
	toCode("3.13")
	for _, c := range reload {
		for _, msg := range runCmd(c) {
			drive(t, m, msg)
		}
	}
	if !strings.Contains(plain(m), name) {
		t.Errorf("the list was read again: the outcomes are no longer asked for %s:\n%s", shown, plain(m))
	}
	drive(t, m, keypress("enter"))
	all, err := attempts.List(ctx, survey.AttemptFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, a := range all {
		got[a.RosterID]++
	}
	if len(all) != 2 || got[first] != 1 || got[shown] != 1 {
		t.Errorf("outcomes for %s then %s recorded as %v", first, shown, got)
	}
}

// The key that starts the interview from a call, pressed twice (or followed by any key)
// before the interview opens, records one attempt and opens one interview: the keys typed
// meanwhile wait for the interview, as they do from the picker.
func TestCallStartTwiceRecordsOneAttempt(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	attempts := sqlite.NewAttemptStore(e.db)
	e.cfg.Attempts = attempts
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas Gunawan", PhoneRaw: "081234567801"},
	}); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	drive(t, m, keypress("8"))
	drive(t, m, keypress("i"))
	_, cmd := m.Update(keypress("i")) // saving the attempt takes a while
	drive(t, m, keypress("i"))
	for _, msg := range runCmd(cmd) {
		drive(t, m, msg)
	}
	list, err := attempts.List(ctx, survey.AttemptFilter{RosterID: "R1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Outcome != "1.2" {
		t.Errorf("attempts after i, i: %+v", list)
	}
	ivs, err := e.cfg.Interviews.List(ctx, survey.InterviewFilter{RespondentID: "R1"})
	if err != nil || len(ivs) != 1 || m.screen != screenInterview {
		t.Errorf("interviews after i, i: %d (%v), screen %d", len(ivs), err, m.screen)
	}
}

// The outcome the list opens on (1.1, a complete interview) is recorded only once the arrows
// chose it: o then Enter at once records nothing and says how to choose, and Esc leaves
// nothing behind.
func TestCallOutcomeNeedsChoosing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	attempts := sqlite.NewAttemptStore(e.db)
	e.cfg.Attempts = attempts
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan", PhoneRaw: "081234567801"}}); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	drive(t, m, keypress("8"))
	drive(t, m, keypress("o"))
	drive(t, m, keypress("enter"))
	if as, _ := attempts.List(ctx, survey.AttemptFilter{}); len(as) != 0 {
		t.Errorf("o, enter recorded %+v", as)
	}
	if v := plain(m); !strings.Contains(v, "Pilih hasil dengan ↑/↓") {
		t.Errorf("no word on how to choose:\n%s", v)
	}
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("o"))
	drive(t, m, keypress("down"))
	drive(t, m, keypress("up"))
	drive(t, m, keypress("enter"))
	if as, _ := attempts.List(ctx, survey.AttemptFilter{}); len(as) != 1 || as[0].Outcome != "1.1" {
		t.Errorf("1.1 chosen with the arrows: %+v", as)
	}
}

// TestParseCallback reads the call-back times the prompt offers, in both languages.
func TestParseCallback(t *testing.T) {
	wita := time.FixedZone("WITA", 8*3600)
	now := time.Date(2026, 12, 1, 16, 0, 0, 0, wita)
	for in, want := range map[string]time.Time{
		"14:30":            time.Date(2026, 12, 2, 14, 30, 0, 0, wita),
		"17:15":            time.Date(2026, 12, 1, 17, 15, 0, 0, wita),
		"besok 09:00":      time.Date(2026, 12, 2, 9, 0, 0, 0, wita),
		"Tomorrow  09:00":  time.Date(2026, 12, 2, 9, 0, 0, 0, wita),
		"besok":            time.Date(2026, 12, 2, 16, 0, 0, 0, wita),
		"+2h":              now.Add(2 * time.Hour),
		"+2j":              now.Add(2 * time.Hour),
		"+30m":             now.Add(30 * time.Minute),
		"+1d":              time.Date(2026, 12, 2, 16, 0, 0, 0, wita),
		"2026-12-03 08:45": time.Date(2026, 12, 3, 8, 45, 0, 0, wita),
		"15.30":            time.Date(2026, 12, 2, 15, 30, 0, 0, wita), // as Indonesians write it
		"besok 9":          time.Date(2026, 12, 2, 9, 0, 0, 0, wita),
		"17":               time.Date(2026, 12, 1, 17, 0, 0, 0, wita),
		"2026-12-03 8.45":  time.Date(2026, 12, 3, 8, 45, 0, 0, wita),
	} {
		if got, err := parseCallback(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lusa", "besok pagi", "+2x", "25:00", "25", "9.5", "2026-13-01 08:00", "jam 3 sore"} {
		if got, err := parseCallback(bad, now); err == nil {
			t.Errorf("%q: %v, want an error", bad, got)
		}
	}
}

// An outcome is chosen by typing its code as well as with the arrows; a code no outcome
// begins, or another key, says how to choose; and the help line names the keys of the
// outcomes and of the call-back time, not the call list's.
func TestCallOutcomeByItsCode(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	attempts := sqlite.NewAttemptStore(e.db)
	e.cfg.Attempts = attempts
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan", PhoneRaw: "081234567801"}}); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	drive(t, m, keypress("8"))
	drive(t, m, keypress("o"))
	footer := func() string {
		lines := strings.Split(strings.TrimRight(plain(m), "\n"), "\n")
		return lines[len(lines)-1]
	}
	if f := footer(); strings.Contains(f, "mulai wawancara") || !strings.Contains(f, "ketik kode") || !strings.Contains(f, "esc batal") {
		t.Errorf("the outcomes' help line: %q", f)
	}
	typeText(t, m, "9")
	if v := plain(m); !strings.Contains(v, "Tidak ada kode hasil yang diawali 9") {
		t.Errorf("a code no outcome begins says nothing:\n%s", v)
	}
	typeText(t, m, "x")
	if v := plain(m); !strings.Contains(v, "ketik kodenya") {
		t.Errorf("a letter says nothing:\n%s", v)
	}
	typeText(t, m, "3.13")
	if got := callCodes[m.pages[screenCalls].(*callsScreen).pick].Code; got != "3.13" {
		t.Errorf("3.13 typed highlights %s", got)
	}
	drive(t, m, keypress("enter"))
	if as, _ := attempts.List(ctx, survey.AttemptFilter{}); len(as) != 1 || as[0].Outcome != "3.13" {
		t.Errorf("3.13 typed, then Enter recorded %+v", as)
	}
	drive(t, m, keypress("o"))
	typeText(t, m, "2,21")
	drive(t, m, keypress("enter"))
	if f := footer(); !strings.Contains(f, "ctrl+u") || strings.Contains(f, "ketik kode") {
		t.Errorf("the call-back time's help line: %q", f)
	}
	typeText(t, m, "besok 9")
	drive(t, m, keypress("enter"))
	if as, _ := attempts.List(ctx, survey.AttemptFilter{}); len(as) != 2 {
		t.Errorf("2,21 typed, then a time: %d attempts", len(as))
	}
}

// The question that i asks is shown whole, with the number to call, in a window of 80 or
// 60 columns: its last words say what a key other than i or y does.
func TestCallStartQuestionIsWhole(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	e.cfg.Attempts = sqlite.NewAttemptStore(e.db)
	var rs []*survey.Respondent
	for i := range 40 {
		rs = append(rs, &survey.Respondent{RosterID: fmt.Sprintf("R%02d", i), Name: "Muhammad Syahputra Ramadhan", PhoneRaw: "081234567801"})
	}
	if _, err := e.cfg.Roster.Upsert(ctx, rs); err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		m := start(t, e)
		drive(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		drive(t, m, keypress("8"))
		drive(t, m, keypress("i"))
		v := plain(m)
		if flat := strings.Join(strings.Fields(v), " "); !strings.Contains(flat, "tombol lain = batal") || !strings.Contains(flat, "Nomor: 081234567801") {
			t.Errorf("%dx%d: the question to start is cut:\n%s", size[0], size[1], v)
		}
		drive(t, m, keypress("esc"))
	}
}

// A paste types into the call list's entries as typing does: a number copied from a chat
// (with its line break) into the new phone number, a call-back time; a line break in it is
// never an Enter.
func TestCallListTakesAPaste(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	attempts := sqlite.NewAttemptStore(e.db)
	e.cfg.Attempts = attempts
	updates := sqlite.NewRosterUpdateStore(e.db)
	e.cfg.Updates = updates
	if _, err := e.cfg.Roster.Upsert(ctx, []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas Gunawan", Phone: "+6281234567801", PhoneRaw: "081234567801"},
	}); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	drive(t, m, keypress("8"))
	drive(t, m, keypress("u"))
	drive(t, m, keypress("enter"))
	drive(t, m, tea.PasteMsg{Content: "0813-5555-0101\n"})
	if list, _ := updates.List(ctx, survey.UpdateFilter{}); len(list) != 0 {
		t.Fatalf("the line break of a paste was an Enter: %+v", list)
	}
	if v := plain(m); !strings.Contains(v, "0813-5555-0101") {
		t.Fatalf("the pasted number is not in the entry:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	if list, _ := updates.List(ctx, survey.UpdateFilter{}); len(list) != 1 || list[0].Value != "+6281355550101" {
		t.Errorf("the pasted number proposed: %+v", list)
	}
	drive(t, m, keypress("o"))
	typeText(t, m, "2.21")
	drive(t, m, keypress("enter"))
	drive(t, m, tea.PasteMsg{Content: "besok\t9"})
	drive(t, m, keypress("enter"))
	if as, _ := attempts.List(ctx, survey.AttemptFilter{}); len(as) != 1 || as[0].Outcome != "2.21" || as[0].Callback.IsZero() {
		t.Errorf("a pasted call-back time: %+v", as)
	}
}

// A call list of a whole roster (hundreds of alumni) is walked a page at a time and to
// either end, as the other lists are: the alumnus at the bottom of 300 is not 299 ↓ away.
func TestCallListPages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	e.cfg.Attempts = sqlite.NewAttemptStore(e.db)
	var rows []*survey.Respondent
	for i := range 300 {
		rows = append(rows, &survey.Respondent{RosterID: fmt.Sprintf("R%03d", i), Name: fmt.Sprintf("Alumni %03d", i), PhoneRaw: fmt.Sprintf("0812345%05d", i)})
	}
	if _, err := e.cfg.Roster.Upsert(ctx, rows); err != nil {
		t.Fatal(err)
	}
	m := start(t, e)
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(t, m, keypress("8"))
	v := m.pages[screenCalls].(*callsScreen)
	selected := func() string { return v.calls[v.cursor].Respondent.RosterID }
	drive(t, m, keypress("end"))
	if got := selected(); got != "R299" || !strings.Contains(plain(m), "> R299") {
		t.Fatalf("end: at %s\n%s", got, plain(m))
	}
	drive(t, m, keypress("home"))
	if got := selected(); got != "R000" {
		t.Fatalf("home: at %s", got)
	}
	drive(t, m, keypress("pgdown"))
	down := v.cursor
	if down < 5 || !strings.Contains(plain(m), "> "+selected()) {
		t.Fatalf("page down moved %d\n%s", down, plain(m))
	}
	drive(t, m, keypress("pgdown"))
	drive(t, m, keypress("pgup"))
	if v.cursor != down {
		t.Errorf("page up after two pages down: at %d, want %d", v.cursor, down)
	}
	drive(t, m, keypress("?"))
	if h := plain(m); !strings.Contains(h, "pgdn") || !strings.Contains(h, "end") {
		t.Errorf("the help does not list the page keys:\n%s", h)
	}
}
