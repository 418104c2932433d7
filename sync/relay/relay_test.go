package relay_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/seal"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/relay"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// forwardEnv turns the test binary into a relay's forwarder that runs one round and exits:
// "CENTRE_URL|TOKEN|RELAY_DB", with "|DATA_KEY_HEX" a relay that enrolls laptops offline.
const forwardEnv = "TRACER_TEST_FORWARD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(forwardEnv); spec != "" {
		parts := strings.SplitN(spec, "|", 4)
		ctx := context.Background()
		db, err := sqlite.Open(ctx, parts[2])
		if err == nil {
			c, _ := client.NewClient(parts[0], client.WithToken(parts[1]), client.WithRetry(1, time.Millisecond, time.Millisecond))
			if len(parts) == 4 {
				// With the relay's data key: a relay that enrolls laptops offline.
				err = childEnrollRound(ctx, db, c, parts[3])
			} else {
				_, err = forwarder(db, c, 5).Round(ctx)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child forwarder:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func forwarder(db *sqlite.DB, centre *client.Client, batch int) *relay.Forwarder {
	return relay.New(relay.Config{Centre: centre, Store: sqlite.NewRelayStore(db), Forms: sqlite.NewFormStore(db),
		Attempts: sqlite.NewAttemptLedger(db), RosterUpdates: sqlite.NewRosterUpdateLedger(db), Cursors: sqlite.NewSyncStateStore(db), Batch: batch,
		MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Every: 20 * time.Millisecond})
}

// world is a centre with a key pair, a relay's database and server in front of it, and
// laptops enrolled at the centre whose interviews are sealed to the centre's key.
type world struct {
	centre   *testbed.Env
	relayTok string
	relayDB  *sqlite.DB
	relayURL string
	rcpt     *seal.Recipient
	// keepUpdates makes the relay keep and forward roster updates
	keepUpdates bool
	laptops     []*testbed.Laptop
	tokens      []string
	want        []*survey.OutboxItem
}

func newWorld(t *testing.T, wrap func(http.Handler) http.Handler) *world {
	t.Helper()
	key, err := seal.LoadOrCreate(filepath.Join(t.TempDir(), "server.db.age"))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{}
	w.centre = testbed.NewEnv(t, func(c *server.Config) {
		c.Key, c.PublicKey = key, key.Public()
		c.Accounts = c.Users.(*sqlite.UserStore)
	}, wrap)
	w.relayTok = testbed.Token(t, w.centre.Users, "rina", survey.RoleSupervisor)
	if w.rcpt, err = seal.ParseRecipient(key.Public()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, name := range []string{"ani", "budi", "citra"} {
		w.tokens = append(w.tokens, testbed.Token(t, w.centre.Users, name, survey.RoleEnumerator))
		l, items := w.laptop(t, name, 7+i)
		w.want = append(w.want, items...)
		w.laptops = append(w.laptops, l)
	}
	if w.relayDB, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "relay.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.relayDB.Close() })
	return w
}

// laptop returns a new laptop whose n finalized interviews by enumerator are sealed to
// the centre's key, in one session as a laptop's program does.
func (w *world) laptop(t *testing.T, enumerator string, n int) (*testbed.Laptop, []*survey.OutboxItem) {
	t.Helper()
	l := testbed.NewLaptop(t)
	session, err := seal.NewSession(w.rcpt)
	if err != nil {
		t.Fatal(err)
	}
	l.Interviews = sqlite.NewInterviewStore(l.DB, sqlite.SealedTo(session))
	items, err := testbed.Seed(context.Background(), l.Interviews, enumerator, n)
	if err != nil {
		t.Fatal(err)
	}
	return l, items
}

// serveRelay starts the relay's server on its database, reaching the centre at url.
func (w *world) serveRelay(t *testing.T, centre *client.Client, wake func()) {
	t.Helper()
	db := w.relayDB
	store := sqlite.NewRelayStore(db)
	cfg := server.Config{
		Users: sqlite.NewUserStore(db), Submissions: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db),
		Roster: sqlite.NewServerRosterStore(db), Returns: sqlite.NewReturnStore(db), Reviews: sqlite.NewReviewStore(db),
		Attempts: sqlite.NewAttemptLedger(db),
		Relay:    &server.RelayMode{Store: store, Upstream: relay.Upstream{Centre: centre}, Name: "rina", Accepted: wake},
	}
	if w.keepUpdates {
		cfg.RosterUpdates = sqlite.NewRosterUpdateLedger(db)
	}
	srv := server.New(cfg)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	w.relayURL = hs.URL
}

// syncLaptops syncs every laptop with the relay and checks each receipt says the relay kept it.
func (w *world) syncLaptops(t *testing.T) {
	t.Helper()
	for i, l := range w.laptops {
		c, err := client.NewClient(w.relayURL, client.WithToken(w.tokens[i]), client.WithBatch(4, 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := c.Sync(context.Background(), client.Laptop{Interviews: l.Interviews, State: l.State, Roster: l.Roster}, nil)
		if err != nil {
			t.Fatalf("laptop %d syncs with the relay: %v", i, err)
		}
		if sum.Relay != "rina" || sum.Count(survey.OutcomeStored) != len(sum.Outcomes) || len(sum.Outcomes) == 0 {
			t.Fatalf("laptop %d: relay %q, %d stored of %d", i, sum.Relay, sum.Count(survey.OutcomeStored), len(sum.Outcomes))
		}
	}
}

func relayStatus(t *testing.T, db *sqlite.DB) survey.RelayStatus {
	t.Helper()
	st, err := sqlite.NewRelayStore(db).Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// killHook holds the first relayed push after the centre stored it, before its answer
// leaves, until the test has killed the relay process that sent it.
type killHook struct {
	next   http.Handler
	once   gosync.Once
	held   chan struct{}
	killed chan struct{}
}

func (h *killHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/relay/push" {
		h.next.ServeHTTP(w, r)
		return
	}
	hold := false
	h.once.Do(func() { hold = true })
	if !hold {
		h.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	h.next.ServeHTTP(rec, r)
	close(h.held)
	<-h.killed
	// The relay is dead: its answer goes nowhere.
	panic(http.ErrAbortHandler)
}

// Laptops sync with the relay; the relay process is SIGKILLed while the centre has stored
// a forwarded batch but before the relay learned it; a new relay process finishes. The
// centre ends with exactly the laptops' revisions, each once.
func TestRelayKilledMidForward(t *testing.T) {
	ctx := context.Background()
	hook := &killHook{held: make(chan struct{}), killed: make(chan struct{})}
	w := newWorld(t, func(h http.Handler) http.Handler { hook.next = h; return hook })
	centre, err := client.NewClient(w.centre.URL, client.WithToken(w.relayTok), client.WithRetry(1, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 5)
	// The first round mirrors the accounts, so that laptops enrolled at the centre sync here.
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	w.serveRelay(t, centre, nil)
	w.syncLaptops(t)
	if st := relayStatus(t, w.relayDB); st.Received != len(w.want) || st.Waiting != len(w.want) {
		t.Fatalf("relay status %+v, want %d received and waiting", st, len(w.want))
	}
	if got, _ := testbed.ServerSet(ctx, w.centre.Subs); len(got) != 0 {
		t.Fatalf("the centre holds %d revisions before any forward", len(got))
	}

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), forwardEnv+"="+w.centre.URL+"|"+w.relayTok+"|"+w.relayDB.Path())
	var stderr strings.Builder
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	ended := wait(child)
	select {
	case <-hook.held:
	case err := <-ended:
		t.Fatalf("the relay process ended before its first forward: %v %s", err, stderr.String())
	}
	// Mid-forward: the centre stored the batch, the relay still holds all of it as waiting.
	atCentre, err := testbed.ServerSet(ctx, w.centre.Subs)
	if err != nil {
		t.Fatal(err)
	}
	if len(atCentre) != 5 {
		t.Fatalf("the centre holds %d revisions at the kill, want the first batch of 5", len(atCentre))
	}
	if st := relayStatus(t, w.relayDB); st.Waiting != len(w.want) || st.Forwarded != 0 {
		t.Fatalf("relay status at the kill %+v, want all %d waiting", st, len(w.want))
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err = <-ended
	close(hook.killed)
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the relay process was not killed: %v", err)
	}

	// The relay starts again and finishes: the batch the centre stored comes back as
	// already there, the rest is stored; nothing twice.
	r, err := fwd.Round(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Forwarded != len(w.want) || r.Refused != 0 {
		t.Fatalf("round after the restart: %+v, want %d forwarded", r, len(w.want))
	}
	if st := relayStatus(t, w.relayDB); st.Waiting != 0 || st.Forwarded != len(w.want) {
		t.Fatalf("relay status %+v, want %d forwarded", st, len(w.want))
	}
	testbed.CheckSame(t, w.centre.Subs, w.want, w.laptops...)
	checkSubmitters(t, w)
}

func wait(c *exec.Cmd) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- c.Wait() }()
	return ch
}

// checkSubmitters checks that the centre holds each revision as pushed by the account whose
// laptop pushed it to the relay, not by the relay's account.
func checkSubmitters(t *testing.T, w *world) {
	t.Helper()
	subs, err := w.centre.Subs.List(context.Background(), survey.SubmissionFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.SubmittedBy != s.Enumerator || s.SubmittedBy == "rina" {
			t.Fatalf("%s revision %d submitted by %q, enumerator %q", s.InterviewID, s.Revision, s.SubmittedBy, s.Enumerator)
		}
	}
}

// flapper sits between the relay and the centre and drops connections: every third
// request is cut before it reaches the centre, and every second relayed push that gets
// through is cut after the centre stored it, before its answer.
type flapper struct {
	next          http.Handler
	n, pushes     atomic.Int64
	before, after atomic.Int64
}

func (f *flapper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.n.Add(1)%3 == 1 {
		f.before.Add(1)
		panic(http.ErrAbortHandler)
	}
	if r.URL.Path == "/api/v1/relay/push" && f.pushes.Add(1)%2 == 0 {
		f.next.ServeHTTP(httptest.NewRecorder(), r)
		f.after.Add(1)
		panic(http.ErrAbortHandler)
	}
	f.next.ServeHTTP(w, r)
}

// The link between relay and centre drops connections, before and after the centre
// stored; the forwarder keeps retrying with backoff until the centre holds exactly the
// laptops' set.
func TestRelayLinkFlapping(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var fl flapper
	w := newWorld(t, nil)
	fl.next = w.centre.Server
	link := httptest.NewServer(&fl)
	defer link.Close()
	centre, err := client.NewClient(link.URL, client.WithToken(w.relayTok), client.WithRetry(1, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 3)
	// Mirror the accounts through the flapping link.
	for i := 0; ; i++ {
		if _, err := fwd.Round(ctx); err == nil {
			break
		} else if i > 50 {
			t.Fatalf("no round got through: %v", err)
		}
	}
	w.serveRelay(t, centre, fwd.Wake)
	w.syncLaptops(t)
	done := make(chan struct{})
	var rounds, failed atomic.Int64
	go func() {
		defer close(done)
		_ = fwd.Run(ctx, func(_ relay.Round, err error) {
			rounds.Add(1)
			if err != nil {
				failed.Add(1)
			}
			if st := relayStatus(t, w.relayDB); st.Waiting == 0 && err == nil {
				cancel()
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cancel()
		<-done
		t.Fatalf("the relay did not forward everything: %+v", relayStatus(t, w.relayDB))
	}
	if fl.before.Load() == 0 || fl.after.Load() == 0 || failed.Load() == 0 {
		t.Fatalf("the link did not flap: %d cut before, %d after the centre, %d failed rounds", fl.before.Load(), fl.after.Load(), failed.Load())
	}
	testbed.CheckSame(t, w.centre.Subs, w.want, w.laptops...)
	checkSubmitters(t, w)
	if st := relayStatus(t, w.relayDB); st.Forwarded != len(w.want) || st.Refused != 0 {
		t.Fatalf("relay status %+v", st)
	}
}

// TestRelayKeepsRosterUpdatesForTheCentre: a relay that keeps no roster updates (no ledger
// in its configuration) does not carry them; a laptop
// that syncs through one keeps its proposals (waiting, not lost, not refused) while the
// rest of its sync goes through, and its next sync with the centre sends them.
func TestRelayKeepsRosterUpdatesForTheCentre(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	centre, err := client.NewClient(w.centre.URL, client.WithToken(w.relayTok))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := centre.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 3)
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	w.serveRelay(t, centre, fwd.Wake)
	l := w.laptops[0]
	if _, err := l.Roster.Upsert(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	u, err := l.Updates.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldPhone,
		Value: "081355550101", ProposedBy: "ani", ProposedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	laptop := client.Laptop{Interviews: l.Interviews, State: l.State, Roster: l.Roster, Updates: l.Updates}
	viaRelay, err := client.NewClient(w.relayURL, client.WithToken(w.tokens[0]))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := viaRelay.Sync(ctx, laptop, nil)
	if err != nil {
		t.Fatalf("sync through the relay: %v", err)
	}
	if len(sum.Updates) != 1 || sum.Updates[0].Outcome != survey.OutcomeWaiting || sum.Count(survey.OutcomeStored) != len(sum.Outcomes) || len(sum.Outcomes) == 0 {
		t.Fatalf("through the relay: updates %+v, %d of %d interviews stored", sum.Updates, sum.Count(survey.OutcomeStored), len(sum.Outcomes))
	}
	if unsent, err := l.Updates.Unsent(ctx); err != nil || len(unsent) != 1 || unsent[0].ID != u.ID {
		t.Fatalf("the proposal on the laptop after the relay: %+v %v", unsent, err)
	}
	direct, err := client.NewClient(w.centre.URL, client.WithToken(w.tokens[0]))
	if err != nil {
		t.Fatal(err)
	}
	if sum, err = direct.Sync(ctx, laptop, nil); err != nil || sum.UpdateCount(survey.OutcomeStored) != 1 {
		t.Fatalf("sync with the centre: %+v %v", sum, err)
	}
}

// A relay with a roster-update ledger keeps a laptop's proposals like the centre (receipts
// stored, the laptop marks them sent) and forwards them as the proposer's, through a link
// that is down at first: the centre ends with each proposal once.
func TestRelayCarriesRosterUpdates(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	w.keepUpdates = true
	g := &gate{next: w.centre.Server}
	link := httptest.NewServer(g)
	defer link.Close()
	centre := newClient(t, link.URL, w.relayTok)
	sup := newClient(t, w.centre.URL, w.relayTok)
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 3)
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	w.serveRelay(t, centre, nil)
	l := w.laptops[0]
	laptop := client.Laptop{Interviews: l.Interviews, State: l.State, Roster: l.Roster, Updates: l.Updates}
	viaRelay := newClient(t, w.relayURL, w.tokens[0])
	if _, err := viaRelay.Sync(ctx, laptop, nil); err != nil { // the roster row comes down
		t.Fatal(err)
	}
	u, err := l.Updates.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldPhone,
		Value: "081355550101", ProposedBy: "ani", ProposedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	g.shut.Store(true)
	sum, err := viaRelay.Sync(ctx, laptop, nil)
	if err != nil || len(sum.Updates) != 1 || sum.Updates[0].Outcome != survey.OutcomeStored {
		t.Fatalf("the proposal through the offline relay: %+v %v", sum, err)
	}
	if unsent, _ := l.Updates.Unsent(ctx); len(unsent) != 0 {
		t.Fatalf("%d proposals left unsent after the relay kept them", len(unsent))
	}
	if r, err := fwd.Round(ctx); err == nil || r.Updates != 0 || g.cut.Load() == 0 {
		t.Fatalf("a round through the cut link: %+v %v", r, err)
	}
	g.shut.Store(false)
	for range 2 { // the second round has nothing left to send
		if _, err := fwd.Round(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The centre's own ledger: values in full (its listing route masks phones).
	list, err := sqlite.NewRosterUpdateLedger(w.centre.DB).List(ctx, survey.UpdateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != u.ID || list[0].SubmittedBy != "ani" || list[0].Value != u.Value {
		t.Fatalf("the centre's roster updates: %+v", *list[0])
	}
}
