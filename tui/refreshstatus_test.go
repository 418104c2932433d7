package tui

import (
	"strings"
	"testing"

	"tracer/survey"
)

// TestStatusClearsOnRefresh: the line telling of a screen's last action (an assignment
// made, a form published) goes when Ctrl+R reads the screen again and when the screen is
// opened again, in both languages: it told of what the new reading replaces.
func TestStatusClearsOnRefresh(t *testing.T) {
	for _, lang := range uiLangs {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t, true)
			e.cfg.Lang = lang
			withTracing(t, e)
			withCatalog(t, e)
			m := start(t, e)
			tt := &m.c.t.Tracing
			assigned := survey.Plurals(tt.Assigned1, 3, "eko")

			drive(t, m, keypress("0"))
			assign := func() {
				t.Helper()
				drive(t, m, keypress("a"))
				drive(t, m, keypress("b"))
				typeText(t, m, "B1")
				drive(t, m, keypress("enter"))
				typeText(t, m, "eko")
				drive(t, m, keypress("enter"))
				drive(t, m, keypress("y"))
				if v := plain(m); !strings.Contains(v, assigned) {
					t.Fatalf("no outcome of the assignment:\n%s", v)
				}
			}
			assign()
			drive(t, m, keypress("ctrl+r"))
			if v := plain(m); strings.Contains(v, assigned) {
				t.Errorf("tracing: the assignment's outcome stays after Ctrl+R:\n%s", v)
			}
			assign()
			drive(t, m, keypress("esc"))
			drive(t, m, keypress("0"))
			if v := plain(m); strings.Contains(v, assigned) {
				t.Errorf("tracing: the assignment's outcome stays when the screen opens again:\n%s", v)
			}
			drive(t, m, keypress("esc"))

			dir := t.TempDir()
			path := writeForm(t, dir, "employer.md", employerMD)
			drive(t, m, keypress("9"))
			published := strings.Fields(m.c.t.FormsPublished)[0] // "Published", "Formulir"
			publish := func() {
				t.Helper()
				drive(t, m, keypress("p"))
				typeText(t, m, path)
				drive(t, m, keypress("enter"))
				if v := plain(m); !strings.Contains(v, published+" ") || !strings.Contains(v, "employer_survey") {
					t.Fatalf("no outcome of the publication:\n%s", v)
				}
			}
			publish()
			drive(t, m, keypress("ctrl+r"))
			if v := plain(m); strings.Contains(v, "sha256") {
				t.Errorf("forms: the publication's outcome stays after Ctrl+R:\n%s", v)
			}
			publish()
			drive(t, m, keypress("esc"))
			drive(t, m, keypress("9"))
			if v := plain(m); strings.Contains(v, "sha256") {
				t.Errorf("forms: the publication's outcome stays when the screen opens again:\n%s", v)
			}
		})
	}
}
