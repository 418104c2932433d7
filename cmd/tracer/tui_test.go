package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/roster"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/tui"
)

const sampleRoster = "../../../shared/data/roster-blki-bontang-2025.csv"

// tuiRun is a TUI program running on a laptop's data folder, driven by key presses.
type tuiRun struct {
	tb    testing.TB
	p     *tea.Program
	model tea.Model
	done  chan error
	// db is the laptop's database.
	db *sqlite.DB
}

type lookMsg struct {
	fn   func(tea.Model)
	done chan struct{}
}

// centre is a real server on 127.0.0.1 over a SQLite file in a test folder, with the stores
// the TUI tests read and write behind its back.
type centre struct {
	url      string
	db       *sqlite.DB
	users    *sqlite.UserStore
	forms    *sqlite.FormStore
	roster   *sqlite.ServerRosterStore
	subs     *sqlite.SubmissionStore
	returns  *sqlite.ReturnStore
	reviews  *sqlite.ReviewStore
	links    *sqlite.LinkStore
	attempts *sqlite.AttemptLedger
}

// startCentre starts a centre with every store, the forms (file name to source) published
// by by and the roster uploaded, either of them nil for none; it stops when the test ends.
func startCentre(t *testing.T, by string, forms map[string][]byte, rows []*survey.Respondent) *centre {
	t.Helper()
	return startCentreIn(t, nil, by, forms, rows)
}

// startCentreIn is startCentre with the server counting "today" in loc (time.Local when nil).
func startCentreIn(t *testing.T, loc *time.Location, by string, forms map[string][]byte, rows []*survey.Respondent) *centre {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &centre{db: db, users: sqlite.NewUserStore(db), forms: sqlite.NewFormStore(db), roster: sqlite.NewServerRosterStore(db),
		subs: sqlite.NewSubmissionStore(db), returns: sqlite.NewReturnStore(db), reviews: sqlite.NewReviewStore(db),
		links: sqlite.NewLinkStore(db), attempts: sqlite.NewAttemptLedger(db)}
	for name, src := range forms {
		if _, _, err := server.Publish(ctx, c.forms, name, src, by); err != nil {
			t.Fatal(err)
		}
	}
	if len(rows) > 0 {
		if _, err := c.roster.Upload(ctx, rows); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(server.New(server.Config{
		Users: c.users, Submissions: c.subs, Forms: c.forms, Roster: c.roster, Returns: c.returns, Reviews: c.reviews,
		Links: c.links, Attempts: c.attempts, RosterUpdates: sqlite.NewRosterUpdateLedger(db), Waves: sqlite.NewWaveStore(db),
		Location: loc,
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

// builtinForm is the built-in form to publish, by its file name.
func builtinForm() map[string][]byte { return map[string][]byte{builtin.Name: builtin.Source()} }

// startLaptop enrolls a laptop data folder with the server as user and runs the TUI on it
// through wireSync, as "tracer" does.
func startLaptop(t *testing.T, url string, users survey.UserStore, name string, role survey.Role) *tuiRun {
	t.Helper()
	return startLaptopIn(t, url, users, name, role, "en")
}

// startLaptopIn is startLaptop with the UI in lang ("id" or "en").
func startLaptopIn(t *testing.T, url string, users survey.UserStore, name string, role survey.Role, lang string) *tuiRun {
	t.Helper()
	ctx := context.Background()
	_, code, err := users.CreateUser(ctx, name, role)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Enroll(ctx, code, "laptop-"+name, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	form, err := builtin.Load()
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	cfg := tui.Config{
		Form: form, Interviews: sqlite.NewInterviewStore(db), Roster: sqlite.NewRosterStore(db), Events: sqlite.NewEventStore(db),
		Enumerator: res.User, Lang: lang, DeviceID: "laptop-" + name, Logger: logger,
	}
	if err := wireSync(&cfg, &enrollment{URL: url, User: res.User, Role: res.Role}, res.Token, db, dir, logger); err != nil {
		t.Fatal(err)
	}
	cfg.SyncPoll = 200 * time.Millisecond // the background sync, quickly
	return runTUI(t, tui.New(ctx, cfg), db)
}

// runTUI runs model in a real program at 80x24 until the test ends; db is the laptop's
// database.
func runTUI(t *testing.T, model tea.Model, db *sqlite.DB) *tuiRun {
	t.Helper()
	r := &tuiRun{tb: t, model: model, done: make(chan error, 1), db: db}
	r.p = tea.NewProgram(model, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24), tea.WithoutSignals(),
		tea.WithFilter(func(m tea.Model, msg tea.Msg) tea.Msg {
			if l, ok := msg.(lookMsg); ok {
				l.fn(m)
				close(l.done)
				return nil
			}
			return msg
		}))
	go func() {
		_, err := r.p.Run()
		r.done <- err
	}()
	t.Cleanup(r.p.Kill)
	return r
}

// screen returns what the program shows, without styles.
func (r *tuiRun) screen() string {
	var s string
	d := make(chan struct{})
	r.p.Send(lookMsg{fn: func(m tea.Model) { s = ansi.Strip(m.View().Content) }, done: d})
	select {
	case <-d:
	case <-time.After(2 * time.Minute):
		r.tb.Fatal("the program does not answer")
	}
	return s
}

// waitFor waits until the screen shows every one of want.
func (r *tuiRun) waitFor(want ...string) {
	r.tb.Helper()
	// Generous: a screen that never comes fails the test, a slow machine must not.
	deadline := time.Now().Add(90 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		s = r.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.tb.Fatalf("waiting for %q; screen:\n%s", want, s)
}

func (r *tuiRun) press(keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			r.p.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			r.p.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		case "down":
			r.p.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		case "right":
			r.p.Send(tea.KeyPressMsg{Code: tea.KeyRight})
		case "ctrl+r":
			r.p.Send(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
		case "ctrl+u":
			r.p.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
		default:
			for _, c := range k {
				if c == ' ' {
					r.p.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
					continue
				}
				r.p.Send(tea.KeyPressMsg{Code: c, Text: string(c)})
			}
		}
	}
}

// TestTUIReviewFlow runs the enumerator's and the supervisor's TUIs against a real server
// on 127.0.0.1: sari interviews and the background sync pushes it; budi returns it with a
// comment; sari syncs, sees the comment, corrects and finalizes revision 2, which syncs;
// budi approves it.
func TestTUIReviewFlow(t *testing.T) {
	if _, err := os.Stat(sampleRoster); err != nil {
		t.Skipf("sample roster absent: %v", err)
	}
	ctx := context.Background()
	tbl, err := roster.ReadFile(context.Background(), sampleRoster)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := roster.Parse(tbl, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cen := startCentre(t, "tracer", builtinForm(), parsed.Respondents)
	users, reviews := cen.users, cen.reviews

	sari := startLaptop(t, cen.url, users, "sari", survey.RoleEnumerator)
	// the first background sync pulls the roster
	sari.waitFor("● online", "672 alumni")
	sari.press("1")
	sari.waitFor("Find the respondent")
	sari.press("BTG25-0232")
	sari.waitFor("Maya Tanjung")
	sari.press("enter")
	sari.waitFor("Press Enter to continue.")
	sari.press("enter")
	sari.waitFor("Do you agree to be interviewed?")
	sari.press("2", "enter", "enter", "20261120", "enter", "1", "enter")
	sari.press("ctrl+r")
	sari.waitFor("No problems")
	sari.press("f", "y")
	// finalizing syncs in the background
	sari.waitFor("Sent                           1", "Finalized, not sent            0")

	budi := startLaptop(t, cen.url, users, "budi", survey.RoleSupervisor)
	budi.waitFor("6  Review queue")
	budi.press("6")
	budi.waitFor("received", "BTG25-0232")
	budi.press("enter")
	budi.waitFor("BTG25-0232 · r1 · received · sari", "Do you agree to be interviewed? No")
	budi.press("down", "down", "c", "Not the event day", "enter")
	budi.waitFor("Question comments that go with the return (x): 1.")
	budi.press("x", "The interview date is wrong", "enter")
	budi.waitFor("Returned to the enumerator.", "returned · sari")

	// keys wait for the screen they are meant for: a screen changes in a command
	sari.press("4")
	sari.waitFor("enter sync now")
	sari.press("enter")
	sari.waitFor("1 returned interview")
	sari.press("esc")
	sari.waitFor("5  Returned for correction (1)")
	sari.press("5")
	// the question's comment travels apart from the interview's (client.ReturnComment's
	// format, read back by the TUI)
	sari.waitFor("Supervisor's comment: The interview date is wrong (+1)")
	sari.press("enter")
	// the correction opens at the question the supervisor commented on, with her comments
	sari.waitFor("Supervisor's comment: The interview date is wrong", "Comment on this question: Not the event day",
		"1 question with comments")
	sari.press("ctrl+r")
	sari.waitFor("No problems")
	sari.press("f", "y")
	sari.waitFor("Sent                           1", "Returned for correction        0")

	budi.press("esc")
	budi.waitFor("next filter")
	budi.press("ctrl+r")
	budi.waitFor("resubmitted", "BTG25-0232 r2")
	budi.press("enter")
	budi.waitFor("BTG25-0232 · r2 · resubmitted")
	budi.press("a", "y")
	budi.waitFor("Approved.")

	rv, err := reviews.Queue(ctx, survey.ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rv) != 1 || rv[0].State != survey.ReviewApproved || rv[0].ApprovedRevision != 2 || rv[0].RespondentID != "BTG25-0232" {
		t.Fatalf("server reviews %+v", rv[0])
	}
	budi.press("esc")
	budi.waitFor("next filter")
	budi.press("c")
	budi.waitFor("Traced 1 of 672", "approved 1")
}

// TestHelpListsCommands: "tracer --help" lists the commands, then the screens' flags.
func TestHelpListsCommands(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		var out, errOut bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
		if err := m.Run(context.Background(), []string{arg}); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		for _, want := range []string{"Commands:", "roster import FILE", "serve", "login URL CODE", "-data string"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: no %q in:\n%s", arg, want, out.String())
			}
		}
	}
}
