package main

import (
	"encoding/csv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tracer/forms/builtin"
	"tracer/survey"
)

// TestTUILinks runs the supervisor's TUI against a real server on 127.0.0.1: the links
// screen makes links for a batch through the server's API and writes their CSV; the CSV's
// link opens that alumnus's form, which the list then shows as opened; revoking through
// the screen stops the link at once.
func TestTUILinks(t *testing.T) {
	cen := startCentre(t, "sri", builtinForm(), []*survey.Respondent{
		{RosterID: "R1", Name: "Dimas Gunawan", BatchID: "B1", Phone: "+6281234567001"},
		{RosterID: "R2", Name: "Sari Dewi", BatchID: "B1", Phone: "+6281234567002"},
		{RosterID: "R3", Name: "Budi", BatchID: "B2"},
	})
	f, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}

	sri := startLaptop(t, cen.url, cen.users, "sri", survey.RoleSupervisor)
	sri.waitFor("Self-response links (WhatsApp)")
	sri.press("l")
	sri.waitFor("No links yet. Press n")
	csvPath := filepath.Join(t.TempDir(), "b1.csv")
	sri.press("n", "b", "B1", "enter")
	sri.waitFor("valid for (days, 1-366): › 30")
	sri.press("ctrl+u", "14", "enter")
	sri.waitFor("server address: › " + cen.url)
	// The test server is on 127.0.0.1: the screen says phones cannot reach it, and takes
	// it on a second Enter.
	sri.press("enter")
	sri.waitFor("opens only on this computer")
	sri.press("enter", "ctrl+u", csvPath, "enter")
	sri.waitFor("Make links for batch B1 (form " + f.ID + ", valid 14 days)")
	sri.press("y")
	sri.waitFor("2 links made; CSV written to", "2 links · 2 unused")

	fh, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(fh).ReadAll()
	fh.Close()
	if err != nil || len(rows) != 3 || rows[1][0] != "R1" || rows[1][2] != "+6281234567001" || !strings.HasPrefix(rows[1][3], cen.url+"/r/") {
		t.Fatalf("CSV %q %v", rows, err)
	}
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(rows[1][3] + "/form.xml"); code != http.StatusOK || !strings.Contains(body, "<full_name>Dimas Gunawan</full_name>") {
		t.Fatalf("Dimas's form: %d %.200s", code, body)
	}
	sri.press("ctrl+r")
	sri.waitFor("2 links · 1 unused · 1 opened")

	// Revoke R1's link (listed first: links of one make are listed by roster id).
	sri.press("x")
	sri.waitFor("Revoke link " + rows[1][7] + " of R1")
	sri.press("y")
	sri.waitFor("Link "+rows[1][7]+" revoked.", "1 revoked")
	if code, body := get(rows[1][3]); code != http.StatusGone || !strings.Contains(body, "Tautan ini tidak berlaku") {
		t.Errorf("a revoked link's page: %d %.200s", code, body)
	}
	if code, _ := get(rows[2][3] + "/form.xml"); code != http.StatusOK {
		t.Errorf("Sari's link after revoking Dimas's: %d", code)
	}
}
