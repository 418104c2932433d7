package tui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
)

// withNewerVersion gives e a second version of its built-in form without the question
// "suggestion", and the study's forms: the form on offer switches on home, each interview
// opens on its own version and a draft on the first is offered the move.
func withNewerVersion(tb testing.TB, e *env) *forms.Form {
	tb.Helper()
	src := builtin.Source()
	var out [][]byte
	for _, l := range bytes.Split(src, []byte("\n")) {
		if !bytes.Contains(l, []byte("| suggestion |")) {
			out = append(out, l)
		}
	}
	src = bytes.Replace(bytes.Join(out, []byte("\n")), []byte("| "+e.form.Version+" |"), []byte("| 2099.1 |"), 1)
	v2, err := forms.Parse(builtin.Name, src)
	if err != nil || v2.Version != "2099.1" || v2.Node("suggestion") != nil {
		tb.Fatalf("the second version: %v", err)
	}
	v1 := e.form
	other, err := forms.Parse("other.md", []byte("| survey |\n| | type | name | label |\n| | text | employer | Employer |\n| settings |\n| | form_id | version |\n| | employer_survey | 1 |\n"))
	if err != nil {
		tb.Fatal(err)
	}
	e.cfg.Forms = []*forms.Form{v1, other}
	e.cfg.FormOf = func(_ context.Context, iv *survey.Interview) (*forms.Form, error) {
		for _, f := range []*forms.Form{v1, v2, other} {
			if f.ID == iv.FormID && f.Version == iv.FormVersion && f.Hash == iv.FormHash {
				return f, nil
			}
		}
		return nil, survey.Errorf(survey.ENOTFOUND, "no form %s %s", iv.FormID, iv.FormVersion)
	}
	e.cfg.Newer = func(_ context.Context, f *forms.Form) (*forms.Form, error) {
		if f == v1 {
			return v2, nil
		}
		return nil, nil
	}
	return v2
}

// A draft started on one version and opened after a newer one arrived: the enumerator is
// asked; moving lists the answer that does not fit and keeps it in the history; the draft
// then opens on the new version.
func TestDraftMovesToNewerVersion(t *testing.T) {
	e := newEnv(t, true)
	v2 := withNewerVersion(t, e)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	id := m.iv().iv.ID
	ctx := context.Background()
	// An answer to the question the new version drops, saved as the draft's progress.
	path := e.form.Node("suggestion").Path()
	if err := e.cfg.Interviews.SaveProgress(ctx, id, survey.Changes{Answers: []survey.Answer{{Path: path, Value: "lebih banyak praktik"}}}); err != nil {
		t.Fatal(err)
	}
	drive(t, m, keypress("ctrl+c"))

	m = start(t, e)
	drive(t, m, m.c.openCmd(id)())
	if m.screen != screenMigrate || !strings.Contains(plain(m), "2099.1") {
		t.Fatalf("no question about the new version:\n%s", plain(m))
	}
	drive(t, m, keypress("y"))
	v := strings.Join(strings.Fields(plain(m)), " ") // as one line, whatever the wrapping
	if !strings.Contains(v, "1 jawaban tidak cocok") || !strings.Contains(v, path+` = "lebih banyak praktik": question removed in version 2099.1`) {
		t.Fatalf("the dropped answer is not listed:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	if m.screen != screenInterview || m.iv().sess.Form() != v2 {
		t.Fatalf("the draft did not open on the new version:\n%s", plain(m))
	}
	evs, err := e.cfg.Events.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ev := range evs {
		found = found || (ev.Kind == survey.EventDrop && ev.Path == path && ev.Old == "lebih banyak praktik")
	}
	if !found {
		t.Error("the dropped answer is not in the interview's history")
	}
}

// Keeping the version: any other key opens the draft as it was.
func TestDraftKeepsItsVersion(t *testing.T) {
	e := newEnv(t, true)
	withNewerVersion(t, e)
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	id := m.iv().iv.ID
	drive(t, m, keypress("ctrl+c"))
	m = start(t, e)
	drive(t, m, m.c.openCmd(id)())
	drive(t, m, keypress("n"))
	if m.screen != screenInterview || m.iv().sess.Form() != e.form {
		t.Fatalf("the draft did not open on its own version:\n%s", plain(m))
	}
	if iv, _ := e.cfg.Interviews.Get(context.Background(), id); iv.FormVersion != e.form.Version {
		t.Fatalf("the draft moved: %s", iv.FormVersion)
	}
}

// Home offers the study's forms: f switches the one a new interview starts on.
func TestHomeSwitchesForm(t *testing.T) {
	e := newEnv(t, true)
	withNewerVersion(t, e)
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "1 dari 2") || !strings.Contains(v, "blk_tracer") {
		t.Fatalf("home does not offer two forms:\n%s", v)
	}
	drive(t, m, keypress("f"))
	if v := plain(m); !strings.Contains(v, "employer_survey") || !strings.Contains(v, "2 dari 2") {
		t.Fatalf("f did not switch the form:\n%s", v)
	}
	drive(t, m, keypress("1"))
	drive(t, m, keypress("ctrl+n")) // a walk-in
	if m.screen != screenInterview || m.iv().iv.FormID != "employer_survey" {
		t.Fatalf("the new interview is not on the chosen form:\n%s", plain(m))
	}
}

// A form retired since the start is no longer offered once home shows again; the form in
// use switches to one still offered.
func TestHomeDropsRetiredForm(t *testing.T) {
	e := newEnv(t, true)
	withNewerVersion(t, e)
	other := e.cfg.Forms[1]
	offered := e.cfg.Forms
	e.cfg.Offered = func(context.Context) ([]*forms.Form, error) { return offered, nil }
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "1 dari 2") {
		t.Fatalf("home does not offer two forms:\n%s", v)
	}
	offered = []*forms.Form{other} // the built-in form retired
	drive(t, m, keypress("2"))
	drive(t, m, keypress("esc"))
	if v := plain(m); !strings.Contains(v, "employer_survey") || strings.Contains(v, "dari 2") {
		t.Fatalf("home still offers the retired form:\n%s", v)
	}
	drive(t, m, keypress("1"))
	drive(t, m, keypress("ctrl+n"))
	if m.screen != screenInterview || m.iv().iv.FormID != "employer_survey" {
		t.Fatalf("a new interview is not on the form still offered:\n%s", plain(m))
	}
}

// With two forms, an alumnus's draft of one form is not resumed when he is picked for the
// other: that starts its own interview; home counts the form in use beside every form.
func TestPickerAndCountsPerForm(t *testing.T) {
	e := newEnv(t, true)
	withNewerVersion(t, e)
	e.cfg.Lang = "en"
	m := start(t, e)
	openRespondent(t, m, "BTG25-0071")
	first := m.iv().iv
	drive(t, m, keypress("ctrl+s"))
	if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "Drafts 1 in this form · 1 in all forms") {
		t.Fatalf("home counts:\n%s", plain(m))
	}
	drive(t, m, keypress("f"))
	if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "Drafts 0 in this form · 1 in all forms") {
		t.Fatalf("home counts of the other form:\n%s", plain(m))
	}
	openRespondent(t, m, "BTG25-0071")
	second := m.iv().iv
	if second.ID == first.ID || second.FormID != "employer_survey" || second.RespondentID != "BTG25-0071" {
		t.Fatalf("picking the alumnus for the employer survey opened %s on %s, not a new interview (the draft is %s)",
			second.ID, second.FormID, first.ID)
	}
	drive(t, m, keypress("ctrl+s"))
	drive(t, m, keypress("f"))
	drive(t, m, keypress("1"))
	typeText(t, m, "BTG25-0071")
	drive(t, m, keypress("enter"))
	if m.screen == screenMigrate {
		drive(t, m, keypress("n")) // the draft's form has a newer version: keep it
	}
	if m.iv() == nil {
		t.Fatalf("no interview open:\n%s", plain(m))
	}
	if got := m.iv().iv.ID; got != first.ID {
		t.Errorf("the alumni form's draft was not resumed: opened %s, want %s", got, first.ID)
	}
}
