package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
)

// storeCatalog publishes into a real form store as the server does: the form engine loads
// the file first, and a form that does not load is refused with the loader's problems.
type storeCatalog struct {
	mu      sync.Mutex
	store   *sqlite.FormStore
	retired []string
}

func (s *storeCatalog) Forms(ctx context.Context) ([]*survey.PublishedForm, error) {
	return s.store.Forms(ctx)
}

func (s *storeCatalog) PublishFile(ctx context.Context, path string) (*survey.PublishedForm, bool, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	f, err := forms.ParseContext(ctx, filepath.Base(path), src)
	if err != nil {
		return nil, false, survey.Errorf(survey.EINVALID, "The form does not load: %s", err)
	}
	pf := &survey.PublishedForm{ID: f.ID, Version: f.Version, Name: filepath.Base(path), Title: f.Title, Source: src, PublishedBy: "sri"}
	added, err := s.store.Publish(ctx, pf)
	return pf, added, err
}

func (s *storeCatalog) Retire(ctx context.Context, id string) error {
	s.mu.Lock()
	s.retired = append(s.retired, id)
	s.mu.Unlock()
	return s.store.Retire(ctx, id, "sri")
}

// withCatalog gives e a supervisor's catalog holding the built-in form.
func withCatalog(t *testing.T, e *env) *storeCatalog {
	t.Helper()
	cat := &storeCatalog{store: sqlite.NewFormStore(e.db)}
	if _, err := cat.store.Publish(context.Background(), &survey.PublishedForm{ID: e.form.ID, Version: e.form.Version,
		Name: builtin.Name, Title: e.form.Title, Source: builtin.Source(), PublishedBy: "tracer"}); err != nil {
		t.Fatal(err)
	}
	e.cfg.Catalog = cat
	return cat
}

const employerMD = `| survey |
| | type | name | label |
| | text | employer | Employer name |
| settings |
| | form_id | version | form_title |
| | employer_survey | 1 | Employer survey |
`

// writeForm writes a form file in dir and returns its path.
func writeForm(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A supervisor publishes forms from the forms screen: a typed path is published and
// listed; the same bytes again change nothing; a changed form under the same version is
// told to carry a new version; a form that does not load lists the loader's problems one
// per line with where they are; r retires the form under the cursor after a yes.
func TestFormsPublishListRetire(t *testing.T) {
	e := newEnv(t, true)
	withReviewer(t, e)
	cat := withCatalog(t, e)
	e.cfg.Lang = "en"
	dir := t.TempDir()
	good := writeForm(t, dir, "employer.md", employerMD)
	changed := writeForm(t, dir, "employer-edit.md", strings.Replace(employerMD, "Employer name", "Company name", 1))
	broken := writeForm(t, dir, "broken.md", "| survey |\n| | type | name | label |\n| | select_one nolist | q | Q |\n"+
		"| | integer | n | N |\n| | calculate | c | |\n| settings |\n| | form_id | version |\n| | broken | 1 |\n")

	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "9  Study forms: publish, list, retire") {
		t.Fatalf("home lacks the forms action:\n%s", v)
	}
	drive(t, m, keypress("9"))
	if m.screen != screenForms || !strings.Contains(plain(m), "blk_tracer     2026.12.1      offered    2026-11-20") {
		t.Fatalf("forms screen:\n%s", plain(m))
	}

	publish := func(path string) string {
		t.Helper()
		drive(t, m, keypress("p"))
		typeText(t, m, path)
		if m.showHelp {
			t.Fatal("? opened the help while typing a path")
		}
		drive(t, m, keypress("enter"))
		return strings.Join(strings.Fields(plain(m)), " ")
	}
	// Enter with no path says so, and the path typed next is still the path
	drive(t, m, keypress("p"))
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Type the file's path first, then Enter") || m.pages[screenForms].(*formsScreen).edit == nil {
		t.Fatalf("Enter with no path:\n%s", v)
	}
	drive(t, m, keypress("esc"))
	v := publish(good)
	if !strings.Contains(v, "Published form employer_survey version 1 (sha256 ") ||
		!strings.Contains(v, "employer_surv… 1 offered") {
		t.Fatalf("after publishing:\n%s", v)
	}
	if list, _ := cat.store.Forms(context.Background()); len(list) != 2 {
		t.Fatalf("store holds %d versions, want 2", len(list))
	}

	v = publish(good)
	if !strings.Contains(v, "Form employer_survey version 1 is already published with these bytes: nothing to do.") {
		t.Errorf("same bytes:\n%s", v)
	}

	v = publish(changed)
	if !strings.Contains(v, "Not published: Form employer_survey version 1 is already published with other content") ||
		!strings.Contains(v, "already published with other content") {
		t.Errorf("changed form under the same version:\n%s", v)
	}

	v = publish(broken)
	if !strings.Contains(v, "broken.md does not load and was not published:") {
		t.Fatalf("broken form:\n%s", v)
	}
	var issues []string
	for _, l := range strings.Split(plain(m), "\n") {
		if strings.HasPrefix(l, "  broken.md: line ") {
			issues = append(issues, strings.TrimSpace(l))
		}
	}
	if len(issues) != 2 || !strings.Contains(v, `broken.md: line 3, sheet survey, column type: unknown choice list "nolist"`) ||
		!strings.Contains(v, `broken.md: line 5, sheet survey, column calculation:`) {
		t.Errorf("the loader's problems are not one per line with where they are: %q\n%s", issues, plain(m))
	}

	v = publish(filepath.Join(dir, "nosuch.md"))
	if !strings.Contains(v, "nosuch.md was not published:") || !strings.Contains(v, "no such file") {
		t.Errorf("missing file:\n%s", v)
	}
	if list, _ := cat.store.Forms(context.Background()); len(list) != 2 {
		t.Fatalf("a refused form was stored: %d versions", len(list))
	}

	// retire the employer survey: asked first, a no changes nothing
	drive(t, m, keypress("down"))
	drive(t, m, keypress("r"))
	if !strings.Contains(plain(m), "Retire form employer_survey?") {
		t.Fatalf("retire not asked:\n%s", plain(m))
	}
	drive(t, m, keypress("n"))
	if len(cat.retired) != 0 {
		t.Fatal("retired without a yes")
	}
	drive(t, m, keypress("r"))
	drive(t, m, keypress("y"))
	if len(cat.retired) != 1 || cat.retired[0] != "employer_survey" {
		t.Fatalf("retired %v", cat.retired)
	}
	v = strings.Join(strings.Fields(plain(m)), " ")
	if !strings.Contains(v, "Form employer_survey is retired") || !strings.Contains(v, "employer_surv… 1 retired") {
		t.Errorf("after retiring:\n%s", v)
	}
	// r on a retired form says so, and asks nothing
	drive(t, m, keypress("r"))
	if v := strings.Join(strings.Fields(plain(m)), " "); !strings.Contains(v, "Form employer_survey is already retired") || len(cat.retired) != 1 {
		t.Errorf("r on a retired form:\n%s", v)
	}
	drive(t, m, keypress("esc"))
	if m.screen != screenHome {
		t.Errorf("esc: screen %d", m.screen)
	}
}

// An enumerator has no forms screen.
func TestNoFormsForEnumerators(t *testing.T) {
	e := newEnv(t, true)
	withSync(e)
	m := start(t, e)
	drive(t, m, keypress("9"))
	drive(t, m, goFormsMsg{})
	if m.screen != screenHome || strings.Contains(plain(m), "9  ") {
		t.Errorf("an enumerator reached the forms screen:\n%s", plain(m))
	}
}
