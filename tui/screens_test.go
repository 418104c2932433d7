package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// Home says what was done today: interviews finalized today, drafts, and what waits to be
// sent; a supervisor account is labelled as such.
func TestHomeToday(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	if !strings.Contains(plain(m), "0 selesai · 0 draf · 0 menunggu dikirim") {
		t.Errorf("home before:\n%s", plain(m))
	}
	refuseAndFinalize(t, m, "BTG25-0232")
	openRespondent(t, m, "BTG25-0071")
	drive(t, m, keypress("ctrl+s"))
	if !strings.Contains(plain(m), "1 selesai · 1 draf · 1 menunggu dikirim") {
		t.Errorf("home after one finalized and one draft:\n%s", plain(m))
	}
	if strings.Contains(plain(m), "Pengawas") {
		t.Errorf("an enumerator is labelled a supervisor:\n%s", plain(m))
	}
	e2 := newEnv(t, false)
	withReviewer(t, e2)
	if m2 := start(t, e2); !strings.Contains(plain(m2), "Pengawas") || !strings.Contains(plain(m2), "akun pengawas") {
		t.Errorf("supervisor not labelled:\n%s", plain(m2))
	}
}

// Each confirmed save shows "tersimpan"; the next key clears the mark.
func TestSavedMark(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	drive(t, m, keypress("enter")) // the note
	drive(t, m, keypress("1"))
	if strings.Contains(plain(m), "tersimpan") {
		t.Errorf("saved mark while typing:\n%s", plain(m))
	}
	drive(t, m, keypress("enter"))
	if !strings.Contains(plain(m), "✓ tersimpan") {
		t.Errorf("no saved mark after the answer was saved:\n%s", plain(m))
	}
}

// Ctrl+C in an interview saves the draft and the program says so once it has ended.
func TestQuitNote(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	if m.QuitNote() != "" {
		t.Errorf("a note before anything: %q", m.QuitNote())
	}
	openRespondent(t, m, "BTG25-0071")
	id := m.iv().iv.ID
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1"))
	if !drive(t, m, keypress("ctrl+c")) {
		t.Fatal("ctrl+c did not quit")
	}
	if n := m.QuitNote(); !strings.Contains(n, "tersimpan") || !strings.Contains(n, "BTG25-0071") {
		t.Errorf("quit note %q", n)
	}
	if got := storedAnswers(t, e, id)["grp_consent/consent"]; got != "yes" {
		t.Errorf("the answer on screen was not saved on ctrl+c: %q", got)
	}
}

// "?" opens the help on every screen, the respondent search included, and never types
// into a search.
func TestHelpEverywhere(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	check := func(where string) {
		t.Helper()
		drive(t, m, keypress("?"))
		if !m.showHelp {
			t.Errorf("%s: ? did not open the help:\n%s", where, plain(m))
		}
		drive(t, m, keypress("?"))
		if m.showHelp {
			t.Errorf("%s: ? did not close the help", where)
		}
	}
	check("home")
	drive(t, m, keypress("1"))
	check("picker")
	if q := m.picker().query.Value(); q != "" {
		t.Errorf("? typed into the search: %q", q)
	}
	typeText(t, m, "BTG25-0071")
	drive(t, m, keypress("enter"))
	check("note")
	drive(t, m, keypress("enter"))
	check("single choice")
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	goToQuestion(t, m, "domicile_regency")
	check("long list")
	if l, ok := m.iv().fld.(*listInput); !ok || l.query != "" {
		t.Errorf("? typed into the list search")
	}
	drive(t, m, keypress("ctrl+j"))
	check("jump")
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("ctrl+r"))
	check("review")
}

// A window under 80x24 says so on the status line; the screens still draw.
func TestSmallWindowSaysSo(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	drive(t, m, tea.WindowSizeMsg{Width: 60, Height: 20})
	if v := plain(m); !strings.Contains(v, "60x20 terlalu kecil, perlu 80x24") {
		t.Errorf("60x20:\n%s", v)
	}
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if strings.Contains(plain(m), "terlalu kecil") {
		t.Errorf("80x24 called too small")
	}
}

// A returned interview opens, once corrected, at the first question the supervisor
// commented on, lists the commented questions, and marks them in the jump list.
func TestReturnedOpensAtComment(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	refuseAndFinalize(t, m, "BTG25-0232")
	ivs, err := e.cfg.Interviews.List(context.Background(), survey.InterviewFilter{})
	if err != nil || len(ivs) != 1 {
		t.Fatal(ivs, err)
	}
	id := ivs[0].ID
	comment := "Cek lagi.\n- grp_consent/interview_date: Bukan hari wawancara"
	if err := e.cfg.Interviews.Return(context.Background(), id, 1, comment, nil); err != nil {
		t.Fatal(err)
	}
	drive(t, m, goHomeMsg{})
	drive(t, m, keypress("5"))
	drive(t, m, keypress("enter"))
	at(t, m, "grp_consent/interview_date")
	v := plain(m)
	for _, want := range []string{"Catatan untuk pertanyaan ini: Bukan hari wawancara", "Catatan pemeriksa: Cek lagi.", "1 pertanyaan bercatatan"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q:\n%s", want, v)
		}
	}
	drive(t, m, keypress("ctrl+j"))
	if !strings.Contains(plain(m), "✎") {
		t.Errorf("the jump list does not mark the commented question:\n%s", plain(m))
	}
}

// A second interview for an alumnus who has a completed one in this form and year asks
// first, and says why; anything but y starts nothing.
func TestSecondInterviewAsks(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	refuseAndFinalize(t, m, "BTG25-0232")
	count := func() int {
		ivs, err := e.cfg.Interviews.List(context.Background(), survey.InterviewFilter{RespondentID: "BTG25-0232"})
		if err != nil {
			t.Fatal(err)
		}
		return len(ivs)
	}
	drive(t, m, keypress("1"))
	typeText(t, m, "BTG25-0232")
	drive(t, m, keypress("enter"))
	if m.screen != screenPicker || !strings.Contains(plain(m), "sudah punya wawancara selesai") || !strings.Contains(plain(m), "y = ya") {
		t.Fatalf("no confirmation:\n%s", plain(m))
	}
	drive(t, m, keypress("enter")) // not y: cancels
	if m.screen != screenPicker || count() != 1 {
		t.Fatalf("a second interview started without y (%d interviews)", count())
	}
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("y"))
	if m.screen != screenInterview || count() != 2 {
		t.Fatalf("y did not start the second interview (%d interviews):\n%s", count(), plain(m))
	}
	// another alumnus starts at once
	drive(t, m, keypress("ctrl+s"))
	openRespondent(t, m, "BTG25-0071")
}

// Leaving a draft just started for the wrong respondent offers to void it, with a reason;
// any other key keeps it.
func TestVoidWrongRespondent(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	id := m.iv().iv.ID
	drive(t, m, keypress("esc"))
	if m.screen != screenHome || !strings.Contains(plain(m), "Salah responden? Tekan v") {
		t.Fatalf("no offer:\n%s", plain(m))
	}
	drive(t, m, keypress("v"))
	drive(t, m, keypress("enter"))
	if !strings.Contains(plain(m), "Alasan wajib diisi") {
		t.Errorf("an empty reason was taken:\n%s", plain(m))
	}
	typeText(t, m, "salah orang?")
	drive(t, m, keypress("enter"))
	voided, err := e.cfg.Interviews.Voided(context.Background())
	if err != nil || len(voided) != 1 || voided[0].InterviewID != id || voided[0].Reason != "salah orang?" {
		t.Fatalf("voided %+v %v", voided, err)
	}
	if !strings.Contains(plain(m), "dibatalkan") {
		t.Errorf("no status:\n%s", plain(m))
	}
	// an answered draft is not offered, and another key drops the offer
	openRespondent(t, m, "BTG25-0232")
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("2")) // the interviews list
	drive(t, m, keypress("esc"))
	if strings.Contains(plain(m), "Salah responden") {
		t.Errorf("the offer outlived another key:\n%s", plain(m))
	}
	openRespondent(t, m, "BTG25-0232")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("esc"))
	if strings.Contains(plain(m), "Salah responden") {
		t.Errorf("an answered draft offered for voiding:\n%s", plain(m))
	}
}

// A walk-in's draft, with no roster entry to name it, is called a walk-in when the list
// offers to void it and when it is voided.
func TestVoidWalkInNamesIt(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	drive(t, m, keypress("1"))
	drive(t, m, keypress("ctrl+n"))
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("2"))
	if m.screen != screenList || len(m.list().rows) != 1 {
		t.Fatalf("no list of one draft:\n%s", plain(m))
	}
	drive(t, m, keypress("ctrl+d"))
	if v := plain(m); !strings.Contains(v, "Batalkan draf (walk-in)?") {
		t.Fatalf("the void offer does not name the walk-in:\n%s", v)
	}
	typeText(t, m, "uji")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "(walk-in)") || strings.Contains(v, "draf  ") {
		t.Errorf("the voided walk-in is not named:\n%s", v)
	}
}

// The interviews list is searched by id or name, and a draft is voided there with a
// reason; a finalized interview cannot be.
func TestListSearchAndVoid(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	refuseAndFinalize(t, m, "BTG25-0232")
	for _, id := range []string{"BTG25-0071", "BTG25-0030"} {
		openRespondent(t, m, id)
		drive(t, m, keypress("ctrl+s"))
	}
	drive(t, m, keypress("2"))
	if n := len(m.list().rows); n != 3 {
		t.Fatalf("%d rows", n)
	}
	typeText(t, m, "dimas")
	rows := m.list().rows
	if len(rows) == 0 {
		t.Fatalf("dimas finds nothing:\n%s", plain(m))
	}
	for _, r := range rows {
		if !strings.Contains(strings.ToLower(r.name), "dimas") {
			t.Errorf("dimas finds %q", r.name)
		}
	}
	drive(t, m, keypress("esc")) // clears the search
	typeText(t, m, "0232")
	if rows := m.list().rows; len(rows) != 1 || rows[0].iv.RespondentID != "BTG25-0232" {
		t.Fatalf("0232 finds %d rows", len(rows))
	}
	drive(t, m, keypress("ctrl+d"))
	if !strings.Contains(plain(m), "Hanya draf") {
		t.Errorf("a finalized interview offered for voiding:\n%s", plain(m))
	}
	drive(t, m, keypress("esc"))
	typeText(t, m, "0071")
	drive(t, m, keypress("ctrl+d"))
	typeText(t, m, "dobel")
	defer func() {
		// the next visit of the list starts with the whole list, not the old search
		typeText(t, m, "dimas")
		drive(t, m, goHomeMsg{})
		drive(t, m, keypress("2"))
		if m.list().query != "" || len(m.list().rows) != 2 {
			t.Errorf("the list kept the search %q (%d rows)", m.list().query, len(m.list().rows))
		}
	}()
	drive(t, m, keypress("enter"))
	voided, err := e.cfg.Interviews.Voided(context.Background())
	if err != nil || len(voided) != 1 || voided[0].RespondentID != "BTG25-0071" || voided[0].Reason != "dobel" {
		t.Fatalf("voided %+v %v", voided, err)
	}
}

// The identity question shows the roster identity it asks about (the NIK masked), and the
// intro names the institution from the roster instead of [BLK].
func TestIdentityOnScreen(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	if v := plain(m); strings.Contains(v, "[BLK]") || !strings.Contains(v, "Kami dari UPTD BLKI Kota Bontang") {
		t.Errorf("intro:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))
	goToQuestion(t, m, "identity_ok")
	v := plain(m)
	if !strings.Contains(strings.Join(strings.Fields(v), " "), "Di daftar alumni: Dimas Gunawan · NIK 6408********0071 · lahir 2004-02-12 · Laki-laki") {
		t.Errorf("identity not shown:\n%s", v)
	}
	if strings.Contains(v, "6408061202040071") {
		t.Errorf("the full NIK shown to an enumerator:\n%s", v)
	}
	// The jump list reads the intro as the question does (wide enough to show it).
	drive(t, m, tea.WindowSizeMsg{Width: 240, Height: 40})
	drive(t, m, keypress("ctrl+j"))
	if v := plain(m); m.screen != screenJump || strings.Contains(v, "[BLK]") || !strings.Contains(v, "Kami dari UPTD BLKI") {
		t.Errorf("jump list (screen %d):\n%s", m.screen, v)
	}
}

// A walk-in has no roster row to name the institution: the intro reads "BLK", never the
// placeholder's brackets.
func TestWalkInIntroHasNoPlaceholder(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	drive(t, m, keypress("1"))
	drive(t, m, keypress("ctrl+n"))
	if m.screen != screenInterview {
		t.Fatalf("no walk-in interview:\n%s", plain(m))
	}
	if v := plain(m); strings.Contains(v, "[BLK]") || !strings.Contains(v, "Kami dari BLK melakukan") {
		t.Errorf("walk-in intro:\n%s", v)
	}
}

// Labels, hints and options written with Markdown or HTML show their text, not the markup.
func TestRichLabels(t *testing.T) {
	e, _ := newFormEnv(t, `
| survey |
| | type | name | label | hint |
| | select_one yn | q | Is it **really** <i>so</i>? | See [the guide](http://x.example) |

| choices |
| | list_name | name | label |
| | yn | yes | <b>Yes</b> |
| | yn | no | _No_ |
`)
	m := start(t, e)
	walkIn(t, m)
	v := plain(m)
	for _, bad := range []string{"**", "<i>", "<b>", "_No_", "[the guide]"} {
		if strings.Contains(v, bad) {
			t.Errorf("markup %q on screen:\n%s", bad, v)
		}
	}
	for _, want := range []string{"Is it really so?", "See the guide (http://x.example)", "1 Yes", "2 No"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q:\n%s", want, v)
		}
	}
}

// A key Home does not take says so on the status line, until the next key; a supervisor's
// key on an enumerator's account says whose it is. Nothing else changes.
func TestHomeSaysWhichKeysDoNothing(t *testing.T) {
	for _, lang := range []string{"id", "en"} {
		e := newEnv(t, false)
		e.cfg.Lang = lang
		m := start(t, e)
		tx, _ := textsFor(lang)
		drive(t, m, keypress("z"))
		if v := plain(m); m.screen != screenHome || !strings.Contains(v, fmt.Sprintf(tx.HomeKeyUnused, "z")) {
			t.Errorf("%s: z on Home says nothing:\n%s", lang, v)
		}
		drive(t, m, keypress("6"))
		if v := plain(m); m.screen != screenHome || !strings.Contains(v, fmt.Sprintf(tx.HomeKeySupervisor, "6")) {
			t.Errorf("%s: 6 on an enumerator's Home says nothing:\n%s", lang, v)
		}
		drive(t, m, keypress("down"))
		if v := plain(m); strings.Contains(v, fmt.Sprintf(tx.HomeKeySupervisor, "6")) {
			t.Errorf("%s: the message stays after the next key:\n%s", lang, v)
		}
	}
}

// Settings and the call list say so of a typed key they do not take, as Home does.
func TestScreensSayWhichKeysDoNothing(t *testing.T) {
	e := newEnv(t, true)
	e.cfg.Attempts = sqlite.NewAttemptStore(e.db)
	m := start(t, e)
	want := fmt.Sprintf(m.c.t.ScreenKeyUnused, "x")
	for _, open := range []string{"3", "8"} {
		drive(t, m, keypress(open))
		screen := m.screen
		drive(t, m, keypress("x"))
		if v := plain(m); m.screen != screen || !strings.Contains(v, want) {
			t.Errorf("x after %s says nothing:\n%s", open, v)
		}
		drive(t, m, keypress("esc"))
	}
}

// The sync screen, the jump list, the coverage, the links, the tracing screen, the roster
// updates and the forms screen say so of a key they do not
// take, as Home does, and stay where they are.
func TestMoreScreensSayWhichKeysDoNothing(t *testing.T) {
	e := supervisorEnv(t)
	m := start(t, e)
	want := fmt.Sprintf(m.c.t.ScreenKeyUnused, "z")
	for _, open := range []tea.Msg{goSyncMsg{}, goCoverageMsg{}, goLinksMsg{}, goTracingMsg{}, goUpdatesMsg{}, goFormsMsg{}} {
		drive(t, m, open)
		screen := m.screen
		drive(t, m, keypress("z"))
		if v := plain(m); m.screen != screen || !strings.Contains(v, want) {
			t.Errorf("z on screen %d (after %T) says nothing:\n%s", screen, open, v)
		}
		drive(t, m, goHomeMsg{})
	}

	m = start(t, newEnv(t, true))
	openRespondent(t, m, "BTG25-0232")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("ctrl+j"))
	if m.screen != screenJump {
		t.Fatalf("no jump list:\n%s", plain(m))
	}
	drive(t, m, keypress("z"))
	if v := plain(m); m.screen != screenJump || !strings.Contains(v, want) {
		t.Errorf("z on the jump list says nothing:\n%s", v)
	}
}

// Tab and Shift+Tab move between the interviews list's tabs, as ← and → do.
func TestListTabsWithTab(t *testing.T) {
	m := start(t, newEnv(t, true))
	drive(t, m, keypress("2"))
	l, ok := m.pages[screenList].(*listScreen)
	if !ok || m.screen != screenList {
		t.Fatalf("no interviews list:\n%s", plain(m))
	}
	first := l.filter
	drive(t, m, keypress("tab"))
	if l.filter == first || l.query != "" {
		t.Fatalf("tab left the list on tab %d (query %q)", l.filter, l.query)
	}
	drive(t, m, keypress("shift+tab"))
	if l.filter != first {
		t.Errorf("shift+tab went to tab %d, want %d", l.filter, first)
	}
}
