package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms"
	"tracer/survey"
)

// plain renders the model without styling.
func plain(m *Model) string { return ansi.Strip(m.render()) }

// openRespondent goes from home to the first question of a respondent's interview.
func openRespondent(t *testing.T, m *Model, id string) {
	t.Helper()
	drive(t, m, keypress("1"))
	typeText(t, m, id)
	drive(t, m, keypress("enter"))
	if m.screen != screenInterview || m.iv() == nil {
		t.Fatalf("not in the interview:\n%s", plain(m))
	}
}

// goToQuestion jumps straight to a question by name (through the session's stops).
func goToQuestion(t *testing.T, m *Model, name string) {
	t.Helper()
	for _, st := range m.iv().sess.Stops() {
		if !st.Prompt && st.Node.Name == name {
			drive(t, m, goInterviewMsg{path: st.Path})
			if m.iv().stop.Path != st.Path {
				t.Fatalf("did not reach %s: %s", name, m.iv().problem)
			}
			return
		}
	}
	t.Fatalf("%s is not a stop now", name)
}

func TestHomeKeys(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "672 alumni") || !strings.Contains(v, "Wawancara baru") {
		t.Fatalf("home:\n%s", v)
	}
	for _, tc := range []struct {
		key  string
		want screen
	}{{"1", screenPicker}, {"2", screenList}, {"3", screenSettings}} {
		drive(t, m, keypress(tc.key))
		if m.screen != tc.want {
			t.Errorf("%s: screen %d, want %d", tc.key, m.screen, tc.want)
		}
		drive(t, m, keypress("esc"))
		if m.screen != screenHome {
			t.Errorf("esc from %d: screen %d", tc.want, m.screen)
		}
	}
	drive(t, m, keypress("?"))
	if v := plain(m); !m.showHelp || !strings.Contains(v, "Bantuan") {
		t.Errorf("? shows no help:\n%s", v)
	}
	drive(t, m, keypress("esc"))
	if m.showHelp {
		t.Error("esc does not close help")
	}
	if !drive(t, m, keypress("ctrl+c")) {
		t.Error("ctrl+c does not quit")
	}
}

func TestPickerSearchMasksAndWalkIn(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	drive(t, m, keypress("1"))
	typeText(t, m, "dimas gun")
	if len(m.picker().matches) == 0 || m.picker().matches[0].Respondent.Name != "Dimas Gunawan" {
		t.Fatalf("matches %v", m.picker().matches)
	}
	v := plain(m)
	if strings.Contains(v, "6408061202040071") || !strings.Contains(v, survey.MaskNIK("6408061202040071")) {
		t.Errorf("picker shows the full NIK or no masked one:\n%s", v)
	}
	typeText(t, m, "zzz")
	if len(m.picker().matches) != 0 || !strings.Contains(plain(m), "Tidak ada yang cocok") {
		t.Errorf("no-match state:\n%s", plain(m))
	}
	drive(t, m, keypress("ctrl+n"))
	if m.screen != screenInterview || m.iv().iv.RespondentID != "" || !strings.HasPrefix(m.iv().sess.Value("grp_consent/roster_id"), "WALKIN-") {
		t.Fatalf("walk-in: screen %d respondent %q roster_id %q", m.screen, m.iv().iv.RespondentID, m.iv().sess.Value("grp_consent/roster_id"))
	}
}

func TestInterviewInputs(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	iv := m.iv()
	id := iv.iv.ID

	// a note, then a required single choice refused inline when empty
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("enter"))
	if !strings.Contains(plain(m), "Pertanyaan ini wajib dijawab") {
		t.Errorf("required message not inline:\n%s", plain(m))
	}
	drive(t, m, keypress("1")) // Ya
	drive(t, m, keypress("enter"))
	if iv.sess.Value("grp_consent/consent") != "yes" {
		t.Fatalf("consent = %q", iv.sess.Value("grp_consent/consent"))
	}
	if got := storedAnswers(t, e, id)["grp_consent/consent"]; got != "yes" {
		t.Errorf("consent not saved on leaving: %q", got)
	}
	// the prefilled, read-only roster id is shown for confirmation
	if !strings.Contains(plain(m), "BTG25-0071") {
		t.Errorf("prefill not shown:\n%s", plain(m))
	}

	// date entry refuses impossible dates digit by digit
	goToQuestion(t, m, "birth_date")
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "20250229")
	if got := iv.fld.(*maskInput).maskText(false); got != "2025-02-2_" {
		t.Errorf("29 Feb 2025 typed as %q", got)
	}
	if !strings.Contains(plain(m), "tidak ada") {
		t.Errorf("no live date message:\n%s", plain(m))
	}
	typeText(t, m, "1")
	typeText(t, m, "1399") // month 13 is refused
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "2004-13")
	if got := iv.fld.(*maskInput).maskText(false); got != "2004-1_-__" {
		t.Errorf("month 13 typed as %q", got)
	}
	drive(t, m, keypress("enter"))
	if !strings.Contains(plain(m), "belum lengkap: ketik bulannya") {
		t.Errorf("incomplete date accepted:\n%s", plain(m))
	}
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "2004-02-12")

	// type-ahead on the 514 regencies
	goToQuestion(t, m, "domicile_prov")
	typeText(t, m, "64")
	drive(t, m, keypress("enter"))
	goToQuestion(t, m, "domicile_regency")
	typeText(t, m, "bontang")
	if n := len(iv.fld.(*listInput).visible); n == 0 || n > 3 {
		t.Errorf("bontang filters to %d regencies", n)
	}
	drive(t, m, keypress("enter"))
	if v := iv.sess.Value("grp_identity/domicile_regency"); v != "6474" {
		t.Errorf("regency = %q, want 6474 (Kota Bontang)", v)
	}

	// multiple choice: digits and space toggle
	drive(t, m, keypress("ctrl+l"))
	if !strings.HasSuffix(iv.sess.Lang(), "(en)") {
		t.Errorf("ctrl+l: form language %q", iv.sess.Lang())
	}
	drive(t, m, keypress("ctrl+l"))

	// integer: letters are refused live, a constraint is refused inline
	drive(t, m, goInterviewMsg{path: "grp_status/work_last_week"})
	if m.iv().stop.Path == "grp_status/work_last_week" {
		drive(t, m, keypress("1"))
		drive(t, m, keypress("enter"))
	}

	// shift+tab goes back and keeps the answer
	prev := iv.stop.Path
	drive(t, m, keypress("shift+tab"))
	if iv.stop.Path == prev {
		t.Errorf("shift+tab stayed at %s", prev)
	}

	// ctrl+s saves and leaves; the draft resumes at the same place
	at := iv.stop.Path
	drive(t, m, keypress("ctrl+s"))
	if m.screen != screenHome {
		t.Fatalf("ctrl+s: screen %d", m.screen)
	}
	got, err := e.cfg.Interviews.Get(context.Background(), id)
	if err != nil || got.Position != at {
		t.Errorf("position %q, want %q (%v)", got.Position, at, err)
	}
}

func TestIntegerLiveCheck(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	f := newInput(&m.c.fkeys, m.iv().sess, forms.Stop{Path: "grp_status/n_jobs", Node: e.form.Node("n_jobs")}).(*numberInput)
	for _, r := range "4a8-" {
		f.Update(keypress(string(r)))
	}
	if f.edit.Value() != "48" || f.Note() != liveNumber {
		t.Errorf("integer entry %q note %q", f.edit.Value(), f.Note())
	}
}

func TestJumpReviewFinalizeAsksOnce(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0232")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("2")) // refuses
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("enter"))
	typeText(t, m, "20261120")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1"))
	drive(t, m, keypress("enter"))

	drive(t, m, keypress("ctrl+j"))
	if m.screen != screenJump || !strings.Contains(plain(m), "✓") {
		t.Fatalf("jump:\n%s", plain(m))
	}
	drive(t, m, keypress("home"))
	drive(t, m, keypress("enter"))
	if m.screen != screenInterview || m.iv().stop.Path != m.pages[screenJump].(*jumpScreen).stops[0].Path {
		t.Errorf("jump enter: screen %d at %s", m.screen, m.iv().stop.Path)
	}

	drive(t, m, keypress("ctrl+r"))
	if m.screen != screenReview {
		t.Fatalf("ctrl+r: screen %d", m.screen)
	}
	v := plain(m)
	if strings.Contains(v, "6408065107040232") {
		t.Errorf("review shows the full NIK:\n%s", v)
	}
	drive(t, m, keypress("f"))
	if !m.review().confirm {
		t.Fatalf("f does not ask:\n%s", plain(m))
	}
	// The question is shown whole at 80 columns, the key that cancels included.
	drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := plain(m); !strings.Contains(v, "lain = batal") {
		t.Errorf("the finalize question is cut at 80 columns:\n%s", v)
	}
	drive(t, m, keypress("x")) // anything else cancels
	if m.review().confirm || m.screen != screenReview {
		t.Fatal("cancel did not cancel")
	}
	drive(t, m, keypress("f"))
	drive(t, m, keypress("y"))
	if m.screen != screenHome || m.home().counts[survey.StateFinalized] != 1 {
		t.Fatalf("after finalize: screen %d counts %v", m.screen, m.home().counts)
	}

	// the list opens the finalized interview read-only
	drive(t, m, keypress("2"))
	if len(m.list().rows) != 1 {
		t.Fatalf("list rows %d", len(m.list().rows))
	}
	drive(t, m, keypress("enter"))
	if m.screen != screenReview || !m.iv().readOnly || !strings.Contains(plain(m), "hanya baca") {
		t.Fatalf("finalized interview not read-only:\n%s", plain(m))
	}
	drive(t, m, keypress("f"))
	if m.review().confirm {
		t.Error("a finalized interview offers to finalize again")
	}
}

func TestReviewProblemsFirst(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	drive(t, m, keypress("ctrl+r"))
	if m.review().problems == 0 || !m.review().lines[1].problem {
		t.Fatalf("problems not first: %+v", m.review().lines[:2])
	}
	drive(t, m, keypress("f"))
	if m.review().confirm || !strings.Contains(plain(m), "Perbaiki") {
		t.Errorf("finalize with problems:\n%s", plain(m))
	}
	drive(t, m, keypress("enter"))
	if m.screen != screenInterview || m.iv().stop.Path != m.review().lines[m.review().cursor].path {
		t.Errorf("enter on a problem: screen %d at %s", m.screen, m.iv().stop.Path)
	}
}

func TestSettingsLanguages(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	drive(t, m, keypress("3"))
	drive(t, m, keypress("right"))
	if m.c.lang != "en" || !strings.Contains(plain(m), "UI language") {
		t.Fatalf("UI language %s:\n%s", m.c.lang, plain(m))
	}
	if !strings.HasSuffix(m.c.formLang(), "(en)") {
		t.Errorf("form language does not follow: %q", m.c.formLang())
	}
	drive(t, m, keypress("down"))
	drive(t, m, keypress("right"))
	if !strings.HasSuffix(m.c.formLang(), "(id)") {
		t.Errorf("form language setting: %q", m.c.formLang())
	}
}

func TestLangFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "id_ID.UTF-8"}, "id"},
		{map[string]string{"LANG": "en_US.UTF-8"}, "en"},
		{map[string]string{"LC_ALL": "id_ID", "LANG": "en_US"}, "id"},
		{map[string]string{}, "en"},
	} {
		if got := LangFromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.env, got, tc.want)
		}
	}
}

// TestPickerEmptyRoster: on a laptop without a roster the picker says how to get one; with a
// roster it does not.
func TestPickerEmptyRoster(t *testing.T) {
	for _, withRoster := range []bool{false, true} {
		m := start(t, newEnv(t, withRoster))
		drive(t, m, keypress("1"))
		got := strings.Contains(plain(m), "tracer roster import")
		if got == withRoster {
			t.Errorf("roster %v: empty-roster hint shown = %v\n%s", withRoster, got, plain(m))
		}
	}
}

// TestDisplaySelectOneWithSpaces: a select_one whose choice name holds spaces (the roster's
// institution names) reads as its one label; a select_multiple lists every label.
func TestDisplaySelectOneWithSpaces(t *testing.T) {
	f, err := forms.Parse("t.md", []byte(`
| survey |
| | type | name | label |
| | select_one inst | inst | Institution |
| | select_multiple cert | cert | Certificates |
| choices |
| | list_name | name | label |
| | inst | UPTD BLKI Kota Bontang | UPTD BLKI Kota Bontang (Kaltim) |
| | cert | blk | BLK certificate |
| | cert | bnsp | BNSP |
`))
	if err != nil {
		t.Fatal(err)
	}
	s := forms.NewSession(f, forms.Options{})
	if p, err := s.Set("inst", "UPTD BLKI Kota Bontang"); p != nil || err != nil {
		t.Fatal(p, err)
	}
	if p, err := s.Set("cert", "blk bnsp"); p != nil || err != nil {
		t.Fatal(p, err)
	}
	if got := display(&textsEN, s, "inst"); got != "UPTD BLKI Kota Bontang (Kaltim)" {
		t.Errorf("select_one = %q", got)
	}
	if got := display(&textsEN, s, "cert"); got != "BLK certificate, BNSP" {
		t.Errorf("select_multiple = %q", got)
	}
}

// TestEscUndoesAnEditNotTaken checks that Esc never takes an answer: over a roster value, a
// digit that picked another option, a stray key then Backspace, or a partial entry, the
// first Esc brings the saved answer back and says so, and the second goes back with the
// saved answer unchanged in the session and in the store.
func TestEscUndoesAnEditNotTaken(t *testing.T) {
	for _, tc := range []struct {
		question string
		keys     []string
	}{
		{"sex", nil}, // a digit picking the other option, found below
		{"nik", []string{"1", "backspace"}},
		{"nik", []string{"1"}},
		{"full_name", []string{"X", "Y", "Z"}},
	} {
		t.Run(tc.question+strings.Join(tc.keys, ""), func(t *testing.T) {
			e := newEnv(t, true)
			m := start(t, e)
			openRespondent(t, m, "BTG25-0071")
			iv := m.iv()
			goToQuestion(t, m, "consent")
			drive(t, m, keypress("1")) // Ya
			drive(t, m, keypress("enter"))
			goToQuestion(t, m, tc.question)
			path := iv.stop.Path
			was := iv.sess.Value(path)
			if was == "" {
				t.Fatalf("%s has no roster value to keep", tc.question)
			}
			stored := storedAnswers(t, e, iv.iv.ID)[path]
			if tc.question == "nik" && !strings.Contains(strings.Join(strings.Fields(plain(m)), " "), "Esc mengembalikannya.") {
				t.Errorf("the hint under the roster's NIK does not say Esc brings it back, whole:\n%s", plain(m))
			}
			keys := tc.keys
			if keys == nil {
				names, _ := fieldItems(iv.fld)
				for i, c := range names {
					if c != was {
						keys = []string{fmt.Sprint(i + 1)}
						break
					}
				}
			}
			for _, k := range keys {
				drive(t, m, keypress(k))
			}
			if v, live := iv.fld.Value(); v == was && live == liveNone {
				t.Fatalf("keys %v left the entry at %q: nothing to undo", keys, v)
			}
			drive(t, m, keypress("esc"))
			if m.screen != screenInterview || iv.stop.Path != path || iv.live != liveEditUndone {
				t.Fatalf("first Esc: screen %d at %s, live %d; want the question with the edit undone:\n%s", m.screen, iv.stop.Path, iv.live, plain(m))
			}
			if v, live := iv.fld.Value(); v != was || live != liveNone || iv.sess.Value(path) != was {
				t.Errorf("after the first Esc the entry holds %q (live %d), the session %q; want %q", v, live, iv.sess.Value(path), was)
			}
			if !strings.Contains(plain(m), textsID.LiveEditUndone) {
				t.Errorf("the undo is not said:\n%s", plain(m))
			}
			drive(t, m, keypress("esc"))
			if m.screen == screenInterview {
				t.Fatalf("second Esc stays in the interview:\n%s", plain(m))
			}
			if got := storedAnswers(t, e, iv.iv.ID)[path]; got != stored && got != was {
				t.Errorf("stored %s = %q after leaving; it was %q (session %q)", path, got, stored, was)
			}
			if got := iv.sess.Value(path); got != was {
				t.Errorf("session %s = %q after leaving, want %q", path, got, was)
			}
		})
	}
}

// A refused key never lets the keys after it make another answer than the one typed: a
// date entry takes no more digits after a refused one ("31/11/1996" was saved as
// 1996-01-31), a number entry's Enter after a refused key says so before saving what is
// shown ("4O" was saved as 4), and a key that leaves the question says why it stayed.
func TestRefusedKeyStopsTheEntry(t *testing.T) {
	e, m, iv := consented(t)
	goToQuestion(t, m, "birth_date")
	before := iv.sess.Value(iv.stop.Path)
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "31/11/1996")
	if got := iv.fld.(*maskInput).maskText(false); got != "31-1_-____" {
		t.Errorf("31/11/1996 typed as %q, want the entry stopped at 31-1", got)
	}
	if iv.live != liveMaskBlocked {
		t.Errorf("note %d after the keys past a refused digit, want liveMaskBlocked", iv.live)
	}
	if v := plain(m); !strings.Contains(v, "31 November tidak ada") {
		t.Errorf("the keys past a refused digit lost its reason:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	if got := iv.sess.Value(iv.stop.Path); got != before {
		t.Errorf("birth date %q after Enter, want it unchanged (%q)", got, before)
	}
	// Shift+Tab does not leave an answer that cannot be taken, and says so.
	at := iv.stop.Path
	drive(t, m, keypress("shift+tab"))
	if iv.stop.Path != at || iv.live != liveStayed || iv.problem == "" {
		t.Errorf("shift+tab on an incomplete date: at %s, note %d, problem %q", iv.stop.Path, iv.live, iv.problem)
	}
	if !strings.Contains(plain(m), "Masih di pertanyaan ini") {
		t.Errorf("no word of staying:\n%s", plain(m))
	}
	drive(t, m, keypress("backspace"))
	typeText(t, m, "10/1996")
	if got := iv.fld.(*maskInput).maskText(false); got != "31-10-1996" {
		t.Errorf("after Backspace, typed as %q", got)
	}

	f := newInput(&m.c.fkeys, iv.sess, forms.Stop{Path: "grp_status/n_jobs", Node: e.form.Node("n_jobs")}).(*numberInput)
	f.Update(keypress("4"))
	f.Update(keypress("O"))
	f.Update(keypress("5"))
	if !f.Update(keypress("enter")) || f.Note() != liveKeyRefused {
		t.Errorf("Enter after a refused key: note %d, want liveKeyRefused and the Enter taken by the entry", f.Note())
	}
	if f.Update(keypress("enter")) {
		t.Error("the second Enter is kept by the entry, want it to go on")
	}
	f.Update(keypress("O"))
	f.Update(keypress("backspace"))
	if f.Update(keypress("enter")) {
		t.Error("Enter after a correction is kept by the entry, want it to go on")
	}
}

// On a required multiple choice with nothing picked, Enter after the arrows does not
// promise that Enter again goes on without an answer: it would not.
func TestArrowsOnARequiredChoice(t *testing.T) {
	_, m, iv := consented(t)
	for path, v := range map[string]string{"grp_status/work_last_week": "no", "grp_status/temp_absent": "no"} {
		if _, err := iv.sess.Set(path, v); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := iv.sess.Set("grp_status/main_status", "7"); err != nil || p != nil {
		t.Fatalf("main_status 7: %v %v", err, p)
	}
	goToQuestion(t, m, "obstacles")
	drive(t, m, keypress("down"))
	drive(t, m, keypress("enter"))
	if iv.live != liveArrowsNoneRequired || strings.Contains(plain(m), "tanpa jawaban") {
		t.Errorf("note %d after the arrows on a required choice:\n%s", iv.live, plain(m))
	}
}

// A decimal typed as Indonesians group thousands, 1.234, reads two ways and is refused, as
// 1,234 is; a decimal that cannot be a grouping is taken.
func TestDecimalDottedThousands(t *testing.T) {
	km := defaultEditKeyMap()
	for in, want := range map[string]liveID{"1.234": liveDecimalDot, "12.500": liveDecimalDot, "-1.234": liveDecimalDot,
		"0.125": liveNone, "1.25": liveNone, "1234.5": liveNone, "1.2345": liveNone, "4,5": liveNone} {
		f := newNumberInput(&km, fieldDecimal, "", false)
		for _, r := range in {
			f.Update(keypress(string(r)))
		}
		if _, got := f.Value(); got != want {
			t.Errorf("%s: note %d, want %d", in, got, want)
		}
	}
}

// A decimal saved as 1.234 (from ODK Collect, say) and opened as it is stays taken.
func TestDecimalSavedDottedStays(t *testing.T) {
	km := defaultEditKeyMap()
	f := newNumberInput(&km, fieldDecimal, "1.234", false)
	if v, got := f.Value(); got != liveNone || v != "1.234" {
		t.Errorf("a saved 1.234: %q note %d", v, got)
	}
}

// consented opens an alumnus's interview past the consent question, answered yes.
func consented(t *testing.T) (*env, *Model, *interviewScreen) {
	t.Helper()
	e := newEnv(t, true)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	iv := m.iv()
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("1")) // consent: Ya
	drive(t, m, keypress("enter"))
	return e, m, iv
}
