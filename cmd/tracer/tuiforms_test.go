package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/tui"
)

const employerForm = `| survey |
| | type | name | label |
| | text | employer | Employer name |
| | select_one yn | hiring | Hiring welders? |
| choices |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
| settings |
| | form_id | version | form_title |
| | employer_survey | 1 | Employer survey |
`

// TestTUIStudyForms runs the interview screens as "tracer" starts them on a laptop that
// pulled the study's forms: home offers both published forms, f switches to the employer
// survey, a walk-in interview on it is finalized and the background sync gets it onto the
// server, where it is checked against that form; back on the built-in form, a second
// interview goes the same way, and home counts each form beside both.
func TestTUIStudyForms(t *testing.T) {
	ctx := context.Background()
	cen := startCentre(t, "sri", map[string][]byte{builtin.Name: builtin.Source(), "employer.md": []byte(employerForm)}, nil)
	users, subs := cen.users, cen.subs

	_, code, err := users.CreateUser(ctx, "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(cen.url)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Enroll(ctx, code, "laptop-ani", "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	logger := slog.New(slog.DiscardHandler)
	cfg := tui.Config{
		Interviews: sqlite.NewInterviewStore(db), Roster: sqlite.NewRosterStore(db), Events: sqlite.NewEventStore(db),
		Enumerator: res.User, Lang: "en", DeviceID: "laptop-ani", Logger: logger,
	}
	if err := wireSync(&cfg, &enrollment{URL: cen.url, User: res.User, Role: res.Role}, res.Token, db, dir, logger); err != nil {
		t.Fatal(err)
	}
	// The first sync pulls the forms, as "tracer sync" would before the screens start.
	lc, err := client.NewClient(cen.url, client.WithToken(res.Token))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lc.Sync(ctx, client.Laptop{Interviews: cfg.Interviews, Roster: cfg.Roster, State: sqlite.NewSyncStateStore(db),
		FormsDir: filepath.Join(dir, "forms")}, nil); err != nil {
		t.Fatal(err)
	}
	sf, err := NewMain().studyFormsFor(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	sf.apply(&cfg)
	cfg.SyncPoll = 200 * time.Millisecond
	r := runTUI(t, tui.New(ctx, cfg), db)

	r.waitFor("Form blk_tracer", "1 of 2 · f switches form")
	r.press("f")
	r.waitFor("Form employer_survey", "2 of 2")
	r.press("1")
	r.waitFor("Find the respondent")
	r.p.Send(tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl}) // a walk-in
	r.waitFor("Employer name")
	r.press("PT Bontang Teknik", "enter")
	r.waitFor("Hiring welders?")
	r.press("1", "enter")
	r.press("ctrl+r")
	r.waitFor("No problems")
	r.press("f", "y")
	r.waitFor("Sent                           1 in this form · 1 in all forms")

	// Back on the built-in form: a walk-in who declines, finalized and synced too.
	r.press("f")
	r.waitFor("Form blk_tracer", "1 of 2", "Sent                           0 in this form · 1 in all forms")
	r.press("1")
	r.waitFor("Find the respondent")
	r.p.Send(tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl})
	r.waitFor("Press Enter to continue.")
	r.press("enter")
	r.waitFor("Do you agree to be interviewed?")
	r.press("2", "enter")
	r.waitFor("Participant ID")
	r.press("enter")
	r.waitFor("Interview date")
	r.press("20261120", "enter")
	r.waitFor("Interview mode")
	r.press("1", "enter")
	r.press("ctrl+r")
	r.waitFor("No problems")
	r.press("f", "y")
	r.waitFor("Sent                           1 in this form · 2 in all forms")

	stored, err := subs.List(ctx, survey.SubmissionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byForm := map[string]int{}
	for _, st := range stored {
		byForm[st.FormID+" "+st.FormVersion]++
	}
	if len(stored) != 2 || byForm["employer_survey 1"] != 1 || byForm["blk_tracer "+builtinVersion(t)] != 1 {
		t.Fatalf("server holds %v, want one interview on each form", byForm)
	}
}

// TestTUIPublishForm has a supervisor publish from the forms screen through the same client
// calls as "tracer form publish": the server refuses a form that does not load with the
// loader's problems, stores the employer survey, lists it with its publisher and retires
// it.
func TestTUIPublishForm(t *testing.T) {
	ctx := context.Background()
	cen := startCentre(t, "tracer", builtinForm(), nil)
	users, formStore := cen.users, cen.forms
	dir := t.TempDir()
	good := filepath.Join(dir, "employer.md")
	bad := filepath.Join(dir, "bad.md")
	if err := os.WriteFile(good, []byte(employerForm), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(strings.Replace(employerForm, "select_one yn", "select_one nolist", 1)), 0o600); err != nil {
		t.Fatal(err)
	}

	r := startLaptop(t, cen.url, users, "sri", survey.RoleSupervisor)
	r.waitFor("9  Study forms")
	r.press("9")
	r.waitFor("blk_tracer     2026.12.1      offered")
	r.press("p", bad, "enter")
	r.waitFor("bad.md does not load and was not", `bad.md: line 4, sheet survey, column type: unknown choice list "nolist"`)
	r.press("p", good, "enter")
	r.waitFor("Published form employer_survey version 1", "employer_surv… 1              offered    ")
	list, err := formStore.Forms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[1].ID != "employer_survey" || list[1].PublishedBy != "sri" {
		t.Fatalf("server holds %+v", list)
	}
	r.press("down", "r", "y")
	r.waitFor("Form employer_survey is retired")
	if list, _ = formStore.Forms(ctx); !list[1].Retired {
		t.Fatalf("employer_survey not retired: %+v", list[1])
	}
}

func builtinVersion(t *testing.T) string {
	t.Helper()
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	return f.Version
}

// TestDraftOfAVersionlessFormReopens: a draft of a form whose settings give no version,
// saved before such a form was named a version from its content, has version "" and the
// form's hash; the file tried with --form still opens it (the same bytes), and only it.
func TestDraftOfAVersionlessFormReopens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "walkin.md")
	if err := os.WriteFile(path, []byte(strings.Replace(employerForm, "| | employer_survey | 1 | Employer survey |", "| | employer_survey | | Employer survey |", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	sf, err := NewMain().studyFormsFor(ctx, filepath.Join(dir, "data"), path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg tui.Config
	sf.apply(&cfg)
	form := cfg.Form
	if !form.VersionFromContent || form.Version == "" {
		t.Fatalf("form version %q (from content: %v), want one named from its content", form.Version, form.VersionFromContent)
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ivs := sqlite.NewInterviewStore(db)
	draft := &survey.Interview{ID: survey.NewID(), FormID: form.ID, FormVersion: "", FormHash: form.Hash, Enumerator: "ani", State: survey.StateDraft}
	if err := ivs.CreateDraft(ctx, draft, []survey.Answer{{Path: "employer", Value: "PT Lama"}}); err != nil {
		t.Fatal(err)
	}
	iv, err := ivs.Get(ctx, draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cfg.FormOf(ctx, iv)
	if err != nil || got != form {
		t.Fatalf("FormOf(draft of version %q) = %v, %v; want the form tried", iv.FormVersion, got, err)
	}
	other := *iv
	other.FormHash = strings.Repeat("0", 64)
	if f, err := cfg.FormOf(ctx, &other); err == nil {
		t.Fatalf("FormOf(another form's draft with no version) = %s %s, want an error", f.ID, f.Version)
	}
}
