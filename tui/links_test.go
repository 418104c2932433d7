package tui

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// storeLinks gives the links screen a real link store, as the server's API does for the
// supervisor "sri".
type storeLinks struct{ store *sqlite.LinkStore }

func (s storeLinks) MakeLinks(ctx context.Context, sel survey.AssignSelector, formID string, expires time.Time) ([]*survey.NewLink, error) {
	return s.store.MakeLinks(ctx, sel, formID, expires, "sri")
}

func (s storeLinks) Links(ctx context.Context) ([]*survey.Link, error) { return s.store.Links(ctx) }

func (s storeLinks) RevokeLink(ctx context.Context, id string) error {
	return s.store.RevokeLink(ctx, id)
}

// withLinks gives e a supervisor's links screen on a real link store, with the form
// published and four alumni on the server's roster.
func withLinks(t *testing.T, e *env) *sqlite.LinkStore {
	t.Helper()
	if e.cfg.Catalog == nil {
		withCatalog(t, e)
	}
	if _, err := sqlite.NewServerRosterStore(e.db).Upload(context.Background(), []*survey.Respondent{
		{RosterID: "BTG25-0071", Name: "Dimas Gunawan", BatchID: "B1", Phone: "+6281234567001", Regency: "6474"},
		{RosterID: "BTG25-0072", Name: "Rina Wati", BatchID: "B1", Phone: "+6281234567002", NIK: "6408064507040072"},
		{RosterID: "BTG25-0073", Name: "Sari Dewi", BatchID: "B1"},
		{RosterID: "BTG25-0074", Name: "Budi Santoso", BatchID: "B2", Regency: "6474", Phone: "+6281234567004"},
	}); err != nil {
		t.Fatal(err)
	}
	if e.cfg.Sync == nil {
		withSync(e)
	}
	store := sqlite.NewLinkStore(e.db)
	e.cfg.Role, e.cfg.Links = survey.RoleSupervisor, storeLinks{store}
	return store
}

// readCSV reads a links CSV.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestLinksScreen: l on home opens the links screen; making links for a batch asks the
// days, the server's address and a new file, sends nothing until y, writes the CSV of
// names, phones, links and WhatsApp messages, and lists the links unused; an opened link
// shows opened, and x revokes the link under the cursor after y.
func TestLinksScreen(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	e.cfg.Lang = "en"
	store := withLinks(t, e)
	e.cfg.Server = "https://tracer.example.id"
	dir := t.TempDir()
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "l  Self-response links (WhatsApp)") {
		t.Fatalf("home lacks the links action:\n%s", v)
	}
	drive(t, m, keypress("l"))
	if v := plain(m); m.screen != screenLinks || !strings.Contains(v, "No links yet. Press n") {
		t.Fatalf("links screen:\n%s", v)
	}

	csvPath := filepath.Join(dir, "b1.csv")
	makeB1 := func() {
		t.Helper()
		drive(t, m, keypress("n"))
		drive(t, m, keypress("b"))
		typeText(t, m, "B1")
		drive(t, m, keypress("enter"))
		if v := plain(m); !strings.Contains(v, "valid for (days, 1-366): › 30") {
			t.Fatalf("the days step:\n%s", v)
		}
		drive(t, m, keypress("enter"))
		if v := plain(m); !strings.Contains(v, "server address: › https://tracer.example.id") {
			t.Fatalf("the address step:\n%s", v)
		}
		drive(t, m, keypress("enter"))
		drive(t, m, keypress("ctrl+u"))
		typeText(t, m, csvPath)
		drive(t, m, keypress("enter"))
	}
	makeB1()
	if v := plain(m); !strings.Contains(v, "Make links for batch B1 (form "+e.form.ID+", valid 30 days)") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	drive(t, m, keypress("n"))
	if ls, _ := store.Links(ctx); len(ls) != 0 {
		t.Fatalf("n made %d links", len(ls))
	}
	if _, err := os.Stat(csvPath); !os.IsNotExist(err) {
		t.Fatalf("n left a file: %v", err)
	}
	// Esc half-way sends nothing either.
	drive(t, m, keypress("n"))
	drive(t, m, keypress("k"))
	typeText(t, m, "LAS")
	drive(t, m, keypress("esc"))
	if ls, _ := store.Links(ctx); len(ls) != 0 || m.links().step != linkNone {
		t.Fatalf("Esc made %d links", len(ls))
	}

	makeB1()
	drive(t, m, keypress("y"))
	v := plain(m)
	if !strings.Contains(v, "3 links made; CSV written to "+csvPath) || !strings.Contains(v, "3 links · 3 unused · 0 opened") {
		t.Fatalf("after making:\n%s", v)
	}
	rows := readCSV(t, csvPath)
	if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(survey.LinkCSVHeader, ",") {
		t.Fatalf("CSV: %q", rows)
	}
	if info, err := os.Stat(csvPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("CSV mode %v %v, want 0600", info.Mode().Perm(), err)
	}
	for i, want := range []string{"Dimas Gunawan", "Rina Wati", "Sari Dewi"} {
		row := rows[i+1]
		if row[1] != want || !strings.HasPrefix(row[3], "https://tracer.example.id/r/") || !strings.Contains(row[5], row[3]) {
			t.Errorf("CSV row %d: %q", i+1, row)
		}
		token := strings.TrimPrefix(row[3], "https://tracer.example.id/r/")
		if l, p, err := store.OpenLink(ctx, token); err != nil || p.Name != want || l.ID != row[7] {
			t.Errorf("the CSV's link for %s does not open his form: %v", want, err)
		}
	}
	if rows[1][2] != "+6281234567001" || !strings.HasPrefix(rows[1][6], "https://wa.me/6281234567001?text=Halo+Dimas") || rows[3][6] != "" {
		t.Errorf("phones and wa.me: %q / %q", rows[1], rows[3])
	}
	if strings.Contains(v, "+6281234567001") {
		t.Errorf("the screen shows a phone number:\n%s", v)
	}

	// The same path again is refused before anything is made.
	makeB1()
	if v := plain(m); !strings.Contains(v, "already exists; choose another name") || m.links().step != linkPath {
		t.Fatalf("an existing file:\n%s", v)
	}
	drive(t, m, keypress("esc"))

	// Days out of range, an address without its scheme, a folder that does not exist:
	// each said at its step, nothing made.
	drive(t, m, keypress("n"))
	drive(t, m, keypress("r"))
	typeText(t, m, "6474")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "0")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Type a number of days from 1 to 366.") {
		t.Fatalf("0 days:\n%s", v)
	}
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "7")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "tracer.example.id")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "The address must be http:// or https://") {
		t.Fatalf("an address without scheme:\n%s", v)
	}
	// An address phones cannot reach is said, and taken only on a second Enter.
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, "http://localhost:8080")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "http://localhost:8080 opens only on this computer") || m.links().step != linkURL {
		t.Fatalf("a loopback address:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	if m.links().step != linkPath {
		t.Fatalf("a loopback address confirmed: step %d", m.links().step)
	}
	drive(t, m, keypress("esc"))
	drive(t, m, keypress("n"))
	drive(t, m, keypress("r"))
	typeText(t, m, "6474")
	for range 3 {
		drive(t, m, keypress("enter"))
	}
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, filepath.Join(dir, "nope", "r.csv"))
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "The folder "+filepath.Join(dir, "nope")+" does not exist.") || m.links().step != linkPath {
		t.Fatalf("a missing folder:\n%s", v)
	}
	drive(t, m, keypress("esc"))
	if ls, _ := store.Links(ctx); len(ls) != 3 {
		t.Fatalf("%d links after a refused make, want 3", len(ls))
	}

	// The server refuses a batch with nobody: said in one line, no file left.
	drive(t, m, keypress("n"))
	drive(t, m, keypress("b"))
	typeText(t, m, "B9")
	for range 2 {
		drive(t, m, keypress("enter"))
	}
	b9 := filepath.Join(dir, "b9.csv")
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("ctrl+u"))
	typeText(t, m, b9)
	drive(t, m, keypress("enter"))
	drive(t, m, keypress("y"))
	if v := plain(m); !strings.Contains(v, `No links made: No roster row has batch_id "B9".`) {
		t.Fatalf("a batch with nobody:\n%s", v)
	}
	if _, err := os.Stat(b9); !os.IsNotExist(err) {
		t.Errorf("a refused make left its file: %v", err)
	}

	// Dimas opens his link: refreshed, the list says so.
	ls, err := store.Links(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var dimas *survey.Link
	for _, l := range ls {
		if l.RosterID == "BTG25-0071" {
			dimas = l
		}
	}
	if err := store.LinkOpened(ctx, dimas); err != nil {
		t.Fatal(err)
	}
	drive(t, m, keypress("ctrl+r"))
	if v := plain(m); !strings.Contains(v, "3 links · 2 unused · 1 opened") || !strings.Contains(v, "BTG25-0071   Dimas Gunawan      opened") {
		t.Fatalf("after Dimas opened his link:\n%s", v)
	}

	// Revoke the link under the cursor (the first listed): n keeps it, y revokes it.
	first := m.links().list[0]
	drive(t, m, keypress("x"))
	if v := plain(m); !strings.Contains(v, "Revoke link "+first.ID+" of "+first.RosterID+" "+m.links().names[first.RosterID]+"?") || m.links().names[first.RosterID] == "" {
		t.Fatalf("no question before revoking:\n%s", v)
	}
	drive(t, m, keypress("n"))
	if l := linkOf(t, store, first.ID); !l.RevokedAt.IsZero() {
		t.Fatal("n revoked the link")
	}
	drive(t, m, keypress("x"))
	drive(t, m, keypress("y"))
	if v := plain(m); !strings.Contains(v, "Link "+first.ID+" revoked.") || !strings.Contains(v, "1 revoked") {
		t.Fatalf("after revoking:\n%s", v)
	}
	if l := linkOf(t, store, first.ID); l.RevokedAt.IsZero() {
		t.Fatal("the link is not revoked in the store")
	}
	// Ctrl+R reads the list again: the line of the revocation goes with the old list
	drive(t, m, keypress("ctrl+r"))
	if v := plain(m); strings.Contains(v, "Link "+first.ID+" revoked.") || !strings.Contains(v, "1 revoked") {
		t.Fatalf("after Ctrl+R:\n%s", v)
	}
	// x on a link revoked already says so, and asks nothing
	m.links().cursor = slices.IndexFunc(m.links().list, func(l *survey.Link) bool { return l.ID == first.ID })
	drive(t, m, keypress("x"))
	if v := plain(m); !strings.Contains(v, "Link "+first.ID+" is already revoked") || m.links().step != linkNone {
		t.Fatalf("x on a revoked link:\n%s", v)
	}
	drive(t, m, keypress("esc"))
	if m.screen != screenHome {
		t.Fatalf("Esc did not go home: %d", m.screen)
	}
}

// linkOf returns the stored link with id.
func linkOf(t *testing.T, store *sqlite.LinkStore, id string) *survey.Link {
	t.Helper()
	ls, err := store.Links(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("no link %s", id)
	return nil
}

// TestLinksScreenIndonesian: the screen speaks Bahasa Indonesia, and home offers it only
// to a supervisor.
func TestLinksScreenIndonesian(t *testing.T) {
	e := newEnv(t, true)
	m := start(t, e)
	drive(t, m, keypress("l"))
	if m.screen != screenHome || strings.Contains(plain(m), "Tautan isi mandiri") {
		t.Fatalf("an enumerator reached the links screen:\n%s", plain(m))
	}
	withLinks(t, e)
	m = start(t, e)
	if v := plain(m); !strings.Contains(v, "l  Tautan isi mandiri (WhatsApp)") {
		t.Fatalf("home lacks the links action:\n%s", v)
	}
	drive(t, m, keypress("l"))
	drive(t, m, keypress("n"))
	if v := plain(m); !strings.Contains(v, "Buat tautan untuk alumni menurut:") || !strings.Contains(v, "r kabupaten/kota") {
		t.Fatalf("the dialog in Indonesian:\n%s", v)
	}
}
