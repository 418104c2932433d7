package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
)

// TestTUIRefusalsInIndonesian: a supervisor's TUI in Bahasa Indonesia, against a real
// server, shows the server's refusals in Indonesian: a changed form published under a
// version already published, an assignment of alumni the roster does not have, and an
// approval of an interview another supervisor returned meanwhile. None of the server's
// English words reach the screen.
func TestTUIRefusalsInIndonesian(t *testing.T) {
	ctx := context.Background()
	cen := startCentre(t, "tracer", map[string][]byte{builtin.Name: builtin.Source(), "employer.md": []byte(employerForm)},
		[]*survey.Respondent{{RosterID: "R1", Name: "Dimas", BatchID: "B1", Regency: "6474"}})
	users, returns := cen.users, cen.returns
	ani := testbed.Token(t, users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	items, err := testbed.Seed(ctx, lap.Interviews, "ani", 1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(cen.url, client.WithToken(ani))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(ctx, client.Laptop{Interviews: lap.Interviews, State: lap.State}, nil); err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(t.TempDir(), "employer.md")
	if err := os.WriteFile(changed, []byte(strings.Replace(employerForm, "Hiring welders?", "Hiring welders now?", 1)), 0o600); err != nil {
		t.Fatal(err)
	}

	sri := startLaptopIn(t, cen.url, users, "sri", survey.RoleSupervisor, "id")
	english := []string{"already published", "No roster row", "returned for correction", "The ", "Interview "}
	noEnglish := func(what string) {
		t.Helper()
		s := sri.screen()
		for _, w := range english {
			if strings.Contains(s, w) {
				t.Errorf("%s: English on the Indonesian screen (%q):\n%s", what, w, s)
			}
		}
	}

	// 1. A changed form under a version the server already has.
	sri.waitFor("9  ")
	sri.press("9")
	sri.waitFor("employer_surv")
	sri.press("p", changed, "enter")
	sri.waitFor("Formulir employer_survey versi 1 sudah diterbitkan dengan isi lain")
	noEnglish("publish")
	sri.press("esc")

	// 2. Alumni of a regency the roster does not have.
	sri.waitFor("0  ")
	sri.press("0")
	sri.waitFor("Pelacakan", "ani  ")
	sri.press("a", "r", "3273", "enter", "ani", "enter", "y")
	sri.waitFor(`Tidak ada baris daftar alumni dengan domicile_regency "3273".`)
	noEnglish("assign")
	sri.press("esc")

	// 3. An approval of an interview another supervisor returned meanwhile.
	sri.waitFor("6  ")
	sri.press("6")
	sri.waitFor("diterima")
	sri.press("enter")
	sri.waitFor(" · r1 · ")
	id := items[0].InterviewID
	if _, err := returns.Return(ctx, id, 1, "Cek tanggal.", "budi"); err != nil {
		t.Fatal(err)
	}
	sri.press("a", "y")
	sri.waitFor("Wawancara " + id + " revisi 1 dikembalikan untuk")
	noEnglish("approve")
}
