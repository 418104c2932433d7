// Package testbed builds what the sync tests, the CLI tests and the load generator share:
// a server on a real SQLite file, laptops with finalized interviews of the built-in form,
// and the check that the server holds exactly the laptops' finalized set.
package testbed

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"tracer/forms"
	"tracer/forms/builtin"
	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/server"
)

var (
	once    sync.Once
	form    *forms.Form
	answers []survey.Answer
	initErr error
)

// Persona is the built-in form's persona every seeded interview is filled with.
const Persona = "employed"

// Builtin returns the compiled built-in form and the final answers of a complete interview.
func Builtin() (*forms.Form, []survey.Answer, error) {
	once.Do(func() {
		form, initErr = builtin.Load()
		if initErr != nil {
			return
		}
		var data []byte
		if data, initErr = builtin.Persona(Persona); initErr != nil {
			return
		}
		var a map[string]any
		if initErr = json.Unmarshal(data, &a); initErr != nil {
			return
		}
		s := forms.NewSession(form, forms.Options{Now: func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }})
		if errs := s.Fill(a); len(errs) > 0 {
			initErr = fmt.Errorf("fill %s: %v", Persona, errs)
			return
		}
		answers = s.Final()
	})
	return form, answers, initErr
}

// Seed creates n interviews of the built-in form by enumerator in store, each with its own
// respondent id, finalizes them and returns their outbox items.
func Seed(ctx context.Context, store survey.InterviewStore, enumerator string, n int) ([]*survey.OutboxItem, error) {
	f, as, err := Builtin()
	if err != nil {
		return nil, err
	}
	out := make([]*survey.OutboxItem, 0, n)
	for i := range n {
		iv := &survey.Interview{FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash, Enumerator: enumerator,
			RespondentID: fmt.Sprintf("R-%s-%05d", enumerator, i)}
		it, err := store.CreateFinalized(ctx, iv, Of(f, as, iv.RespondentID))
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// Of returns answers as the interview of alumnus rosterID gives them: its roster_id
// question answered with rosterID, as the roster prefills it (the server refuses a record
// whose roster_id is another alumnus's than its respondent's).
func Of(f *forms.Form, answers []survey.Answer, rosterID string) []survey.Answer {
	n := f.Node(builtin.RosterID)
	if n == nil {
		return answers
	}
	out := slices.Clone(answers)
	for i := range out {
		if out[i].Path == n.Path() {
			out[i].Value = rosterID
		}
	}
	return out
}

// Record returns the canonical bytes and hash of a finalized interview of the built-in
// form with the given id, enumerator and revision, made without a database (for load
// generation and for pushes crafted by hand).
func Record(id, enumerator string, revision int, at time.Time) ([]byte, string, error) {
	f, as, err := Builtin()
	if err != nil {
		return nil, "", err
	}
	iv := &survey.Interview{ID: id, Revision: revision, FormID: f.ID, FormVersion: f.Version, FormHash: f.Hash,
		Enumerator: enumerator, StartedAt: at.Add(-20 * time.Minute)}
	body, err := survey.NewRecord(iv, as, at).Canonical()
	if err != nil {
		return nil, "", err
	}
	return body, survey.HashBytes(body), nil
}

// Env is a server on a real SQLite file behind httptest on 127.0.0.1.
type Env struct {
	DB     *sqlite.DB
	Users  *sqlite.UserStore
	Subs   *sqlite.SubmissionStore
	Forms  *sqlite.FormStore
	Server *server.Server
	HTTP   *httptest.Server
	URL    string
}

// Config returns a server configuration on the stores of db.
func Config(db *sqlite.DB, log *slog.Logger) server.Config {
	return server.Config{
		Users: sqlite.NewUserStore(db), Submissions: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db),
		Roster: sqlite.NewServerRosterStore(db), Returns: sqlite.NewReturnStore(db), Reviews: sqlite.NewReviewStore(db),
		Attempts: sqlite.NewAttemptLedger(db), RosterUpdates: sqlite.NewRosterUpdateLedger(db), LaptopKeys: sqlite.NewUserStore(db), Logger: log, CanWrite: db.CanWrite,
		Links: sqlite.NewLinkStore(db), Waves: sqlite.NewWaveStore(db),
	}
}

// OpenServerDB opens the server database at path and publishes the built-in form.
func OpenServerDB(ctx context.Context, path string) (*sqlite.DB, error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, _, err := server.Publish(ctx, sqlite.NewFormStore(db), builtin.Name, builtin.Source(), "tracer"); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// NewEnv starts a server in tb's temporary folder; edit adjusts its configuration and
// wrap, when not nil, wraps its handler. Both stop when the test ends.
func NewEnv(tb testing.TB, edit func(*server.Config), wrap func(http.Handler) http.Handler) *Env {
	tb.Helper()
	ctx := context.Background()
	db, err := OpenServerDB(ctx, filepath.Join(tb.TempDir(), "server.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	cfg := Config(db, nil)
	if edit != nil {
		edit(&cfg)
	}
	srv := server.New(cfg)
	e := &Env{DB: db, Users: sqlite.NewUserStore(db), Subs: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db), Server: srv}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	e.HTTP = httptest.NewServer(h)
	tb.Cleanup(e.HTTP.Close)
	e.URL = e.HTTP.URL
	return e
}

// Token creates an account with role and enrolls it, returning its token.
func Token(tb testing.TB, users survey.UserStore, name string, role survey.Role) string {
	tb.Helper()
	ctx := context.Background()
	_, code, err := users.CreateUser(ctx, name, role)
	if err != nil {
		tb.Fatal(err)
	}
	token, _, err := users.Enroll(ctx, code, "test")
	if err != nil {
		tb.Fatal(err)
	}
	return token
}

// Laptop is a laptop database and its stores.
type Laptop struct {
	DB         *sqlite.DB
	Interviews *sqlite.InterviewStore
	Roster     *sqlite.RosterStore
	State      *sqlite.SyncStateStore
	Attempts   *sqlite.AttemptStore
	Updates    *sqlite.RosterUpdateStore
}

// OpenLaptop opens a laptop database at path.
func OpenLaptop(ctx context.Context, path string) (*Laptop, error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return &Laptop{DB: db, Interviews: sqlite.NewInterviewStore(db), Roster: sqlite.NewRosterStore(db), State: sqlite.NewSyncStateStore(db), Attempts: sqlite.NewAttemptStore(db),
		Updates: sqlite.NewRosterUpdateStore(db)}, nil
}

// NewLaptop opens a laptop database in tb's temporary folder, closed when the test ends.
func NewLaptop(tb testing.TB) *Laptop {
	tb.Helper()
	l, err := OpenLaptop(context.Background(), filepath.Join(tb.TempDir(), sqlite.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.DB.Close() })
	return l
}

// ServerSet returns every stored revision as "id/revision" -> hash, failing on a repeat.
func ServerSet(ctx context.Context, subs survey.SubmissionStore) (map[string]string, error) {
	set := map[string]string{}
	var after int64
	for range 1_000_000 {
		page, err := subs.List(ctx, survey.SubmissionFilter{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return set, nil
		}
		for _, s := range page {
			k := fmt.Sprintf("%s/%d", s.InterviewID, s.Revision)
			if _, dup := set[k]; dup {
				return nil, fmt.Errorf("revision %s stored twice", k)
			}
			set[k] = s.Hash
			after = s.Seq
		}
	}
	return set, nil
}

// CheckSame fails tb unless the server holds exactly the finalized revisions in want, each
// once with the same hash, and none of the laptops has anything left to push.
func CheckSame(tb testing.TB, subs survey.SubmissionStore, want []*survey.OutboxItem, laptops ...*Laptop) {
	tb.Helper()
	ctx := context.Background()
	got, err := ServerSet(ctx, subs)
	if err != nil {
		tb.Fatal(err)
	}
	missing, wrong := 0, 0
	for _, it := range want {
		h, ok := got[fmt.Sprintf("%s/%d", it.InterviewID, it.Revision)]
		switch {
		case !ok:
			missing++
		case h != it.Hash:
			wrong++
		}
	}
	if missing > 0 || wrong > 0 || len(got) != len(want) {
		tb.Fatalf("server holds %d revisions, laptops finalized %d: %d missing, %d with another hash", len(got), len(want), missing, wrong)
	}
	for i, l := range laptops {
		left, err := l.Interviews.Outbox(ctx, 0)
		if err != nil {
			tb.Fatal(err)
		}
		if len(left) > 0 {
			tb.Fatalf("laptop %d still has %d revisions to push", i, len(left))
		}
	}
}
