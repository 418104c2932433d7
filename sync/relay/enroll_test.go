package relay_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
	"tracer/sync/client"
	"tracer/sync/relay"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// link is the centre as a relay reaches it: a listener of its own on 127.0.0.1 that the
// test closes (the hall loses its internet) and opens again on the same address.
type link struct {
	t    *testing.T
	h    http.Handler
	addr string
	srv  *http.Server
}

func newLink(t *testing.T, h http.Handler) *link {
	t.Helper()
	l := &link{t: t, h: h}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.addr = ln.Addr().String()
	l.serve(ln)
	t.Cleanup(func() { l.srv.Close() })
	return l
}

func (l *link) serve(ln net.Listener) {
	l.srv = &http.Server{Handler: l.h}
	go func() { _ = l.srv.Serve(ln) }()
}

func (l *link) URL() string { return "http://" + l.addr }

// down closes the listener and every connection: the centre is out of reach.
func (l *link) down() {
	l.t.Helper()
	if err := l.srv.Close(); err != nil {
		l.t.Fatal(err)
	}
}

// up listens on the same address again.
func (l *link) up() {
	l.t.Helper()
	var ln net.Listener
	var err error
	for range 100 {
		if ln, err = net.Listen("tcp", l.addr); err == nil {
			l.serve(ln)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	l.t.Fatalf("listen on %s again: %v", l.addr, err)
}

// enrollWorld is a centre, a relay with a data key reaching it through a link, and the
// relay's server with offline enrollment.
type enrollWorld struct {
	*world
	link    *link
	key     []byte
	centre  *client.Client
	fwd     *relay.Forwarder
	srv     *server.Server
	relayHS *httptest.Server
}

func newEnrollWorld(t *testing.T, wrap func(http.Handler) http.Handler) *enrollWorld {
	t.Helper()
	w := &enrollWorld{world: newWorld(t, nil), key: vault.NewDataKey()}
	start := time.Now()
	var h http.Handler = w.world.centre.Server
	if wrap != nil {
		h = wrap(h)
	}
	w.link = newLink(t, h)
	c, err := vault.NewCipher(w.key)
	if err != nil {
		t.Fatal(err)
	}
	w.relayDB.Encrypt(c)
	if w.centre, err = client.NewClient(w.link.URL(), client.WithToken(w.relayTok), client.WithRetry(1, time.Millisecond, time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	w.fwd = enrollForwarder(w.relayDB, w.centre)
	db := w.relayDB
	store := sqlite.NewRelayStore(db)
	w.srv = server.New(server.Config{
		Users: sqlite.NewUserStore(db), Submissions: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db),
		Roster: sqlite.NewServerRosterStore(db), Returns: sqlite.NewReturnStore(db), Reviews: sqlite.NewReviewStore(db),
		Attempts: sqlite.NewAttemptLedger(db), PublicKey: w.rcpt.String(), SessionSealing: true, EnrollBurst: 1000, Accounts: sqlite.NewUserStore(db),
		// The relay's clock stands still: its rate limits refill never during a test.
		Now:   func() time.Time { return start },
		Relay: &server.RelayMode{Store: store, Upstream: relay.Upstream{Centre: w.centre}, Name: "rina", Enrollments: store},
	})
	w.relayHS = httptest.NewServer(w.srv)
	t.Cleanup(w.relayHS.Close)
	w.relayURL = w.relayHS.URL
	return w
}

func enrollForwarder(db *sqlite.DB, centre *client.Client) *relay.Forwarder {
	return relay.New(relay.Config{Centre: centre, Store: sqlite.NewRelayStore(db), Forms: sqlite.NewFormStore(db),
		Attempts: sqlite.NewAttemptLedger(db), Cursors: sqlite.NewSyncStateStore(db), Enrollments: sqlite.NewRelayStore(db),
		Batch: 5, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Every: 20 * time.Millisecond})
}

// round runs one round of the relay's forwarder, which must go well.
func (w *enrollWorld) round(t *testing.T) relay.Round {
	t.Helper()
	r, err := w.fwd.Round(context.Background())
	if err != nil {
		t.Fatalf("relay round: %v", err)
	}
	return r
}

// code makes an account with role at the centre and returns its enrollment code.
func (w *enrollWorld) code(t *testing.T, name string) string {
	t.Helper()
	_, code, err := w.world.centre.Users.CreateUser(context.Background(), name, survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// enroll enrolls a laptop at the relay with code, as tracer login does, and returns a
// client of the relay with the token it gave.
func (w *enrollWorld) enroll(code, laptopID string) (*client.Client, error) {
	c, _, err := w.enrollToken(code, laptopID)
	return c, err
}

func (w *enrollWorld) enrollToken(code, laptopID string) (*client.Client, string, error) {
	c, err := client.NewClient(w.relayURL)
	if err != nil {
		return nil, "", err
	}
	res, err := c.Enroll(context.Background(), code, "laptop "+laptopID, laptopID)
	if err != nil {
		return nil, "", err
	}
	if !res.Relayed || res.PublicKey != w.rcpt.String() || !res.SessionSealing || res.User == "" {
		return nil, "", errors.New("the relay's offline enrollment gave no centre key or account, or did not say it was relayed")
	}
	c, err = client.NewClient(w.relayURL, client.WithToken(res.Token), client.WithBatch(3, 1<<20))
	return c, res.Token, err
}

// giveKey gives the relay the laptop's data key sealed to the centre's key, as tracer
// login does after enrolling; it returns the sealed bytes.
func (w *enrollWorld) giveKey(t *testing.T, c *client.Client, laptopID string) []byte {
	t.Helper()
	sealed, err := w.rcpt.Seal(vault.NewDataKey())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PutLaptopKey(context.Background(), laptopID, sealed); err != nil {
		t.Fatalf("the relay did not take the laptop's key offline: %v", err)
	}
	return sealed
}

// push syncs laptop l with the relay through c; every revision is safe there.
func push(t *testing.T, c *client.Client, l *testbed.Laptop, n int) {
	t.Helper()
	sum, err := c.Sync(context.Background(), client.Laptop{Interviews: l.Interviews, State: l.State, Roster: l.Roster}, nil)
	if err != nil {
		t.Fatalf("sync with the relay: %v", err)
	}
	if sum.Relay != "rina" || sum.Count(survey.OutcomeStored) != n || len(sum.Outcomes) != n {
		t.Fatalf("relay %q, %d stored of %d outcomes, want %d", sum.Relay, sum.Count(survey.OutcomeStored), len(sum.Outcomes), n)
	}
}

// centreHas returns how many revisions of enumerator the centre holds, each checked to be
// submitted by her.
func centreHas(t *testing.T, w *enrollWorld, enumerator string) int {
	t.Helper()
	subs, err := w.world.centre.Subs.List(context.Background(), survey.SubmissionFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range subs {
		if s.Enumerator == enumerator {
			if s.SubmittedBy != enumerator {
				t.Fatalf("%s revision %d of %s submitted by %q", s.InterviewID, s.Revision, enumerator, s.SubmittedBy)
			}
			n++
		}
	}
	return n
}

// A relay pulls the verifiers of the centre's unused codes while online; the centre goes
// away; a laptop enrolls at the relay with a code and pushes interviews, which the relay
// holds; the same code at a second laptop and wrong codes are refused, guessing is
// rate-limited; back online, the relay confirms the enrollment (the code consumed once,
// the laptop's key kept), and the interviews reach the centre once under the account.
func TestRelayEnrollsOffline(t *testing.T) {
	ctx := context.Background()
	w := newEnrollWorld(t, nil)
	code := w.code(t, "dewi")
	w.code(t, "eko") // another account's code: a second verifier to check against
	if _, _, err := w.world.centre.Users.CreateUser(ctx, "ana", survey.RoleAnalyst); err != nil {
		t.Fatal(err)
	}
	r := w.round(t)
	if r.Codes != 2 {
		t.Fatalf("the relay pulled %d code verifiers, want 2 (dewi's and eko's, no analyst's)", r.Codes)
	}
	// The verifiers are stored encrypted: no row holds one in clear.
	var clear int
	if err := w.relayDB.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM relay_verifiers WHERE verifier LIKE '$argon2id$%'`).Scan(&clear); err != nil {
		t.Fatal(err)
	}
	if clear != 0 {
		t.Fatalf("%d verifiers stored in clear", clear)
	}

	w.link.down()
	if _, err := w.fwd.Round(ctx); !errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("a round with the centre down: %v, want unreachable", err)
	}
	c, token, err := w.enrollToken(strings.ToLower(code), "L1")
	if err != nil {
		t.Fatalf("enroll at the relay offline: %v", err)
	}
	sealed := w.giveKey(t, c, "L1")
	l, want := w.laptop(t, "dewi", 4)
	push(t, c, l, 4)
	if st := relayStatus(t, w.relayDB); st.Waiting != 4 || st.Held != 4 {
		t.Fatalf("relay status %+v, want 4 waiting, all held", st)
	}
	// A contact attempt waits on the laptop until the centre confirms it.
	att := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: time.Now().Add(-time.Minute), Enumerator: "dewi",
		Mode: survey.ModePhone, Outcome: "3.13"}
	if resp, err := c.PushAttempts(ctx, []*survey.Attempt{att}); err != nil || resp.Receipts[0].Outcome() != survey.OutcomeWaiting ||
		!strings.Contains(resp.Receipts[0].Message, "until the centre confirms") {
		t.Fatalf("an attempt pushed before the confirmation: %+v %v, want waiting for the confirmation", resp, err)
	}
	if n, err := sqlite.NewAttemptLedger(w.relayDB).List(ctx, survey.AttemptFilter{Limit: 10}); err != nil || len(n) != 0 {
		t.Fatalf("the relay kept %d attempts of an unconfirmed laptop: %v", len(n), err)
	}

	// The same code at another laptop is refused; so is a wrong code, and guessing stops:
	// a code string after 3 tries, the relay after 30 attempts whatever the codes.
	if _, err := w.enroll(code, "L2"); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Fatalf("the same code at a second laptop: %v, want refused", err)
	}
	for i := range 3 {
		if _, err := w.enroll("ACDE-2346", "G"); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
			t.Fatalf("a wrong code, try %d: %v, want refused", i+1, err)
		}
	}
	if _, err := w.enroll("ACDE-2346", "G"); survey.ErrorCode(err) != survey.ERATELIMIT {
		t.Fatalf("the same wrong code a fourth time: %v, want rate-limited", err)
	}
	// 4 attempts of the relay's 30 are taken (the second laptop, three tries of the wrong
	// code; the fourth was stopped by its code's limit, and the enrollment's right code
	// gave its share back): 26 more get an answer, the rest are stopped.
	limited := 0
	for i := range 40 {
		_, err := w.enroll(survey.NewEnrollmentCode(), "G")
		switch survey.ErrorCode(err) {
		case survey.EUNAUTHORIZED:
		case survey.ERATELIMIT:
			limited++
		default:
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if limited != 14 {
		t.Fatalf("%d of 40 guesses rate-limited, want 14: the relay stops guessing after 30 attempts", limited)
	}

	// Back online: confirmed, then forwarded, once.
	w.link.up()
	r = w.round(t)
	if r.Confirmed != 1 || len(r.Unconfirmed) != 0 || r.Forwarded != 4 {
		t.Fatalf("round after reconnecting: %+v, want 1 confirmed and 4 forwarded", r)
	}
	if got := centreHas(t, w, "dewi"); got != 4 {
		t.Fatalf("the centre holds %d of dewi's revisions, want 4", got)
	}
	testbed.CheckSame(t, w.world.centre.Subs, want, l)
	if r := w.round(t); r.Confirmed != 0 || r.Forwarded != 0 {
		t.Fatalf("a second round moved something again: %+v", r)
	}
	// Confirmed, the attempt goes to the relay's own checks (this roster has no R1 yet).
	if resp, err := c.PushAttempts(ctx, []*survey.Attempt{att}); err != nil || strings.Contains(resp.Receipts[0].Message, "until the centre confirms") {
		t.Fatalf("the attempt pushed after the confirmation: %+v %v, want it checked by the relay", resp, err)
	}
	// The code is consumed at the centre; the laptop's token works there now, its key kept.
	if _, _, err := w.world.centre.Users.Enroll(ctx, code, "office"); survey.ErrorCode(err) != survey.EUNAUTHORIZED {
		t.Fatalf("the code after the relay's confirmation: %v, want used", err)
	}
	got, err := w.world.centre.Users.LaptopKey(ctx, "dewi", "L1")
	if err != nil || string(got) != string(sealed) {
		t.Fatalf("the centre's copy of the laptop key: %v", err)
	}
	direct, err := client.NewClient(w.world.centre.URL, client.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := direct.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State, Roster: l.Roster}, nil)
	if err != nil {
		t.Fatalf("the laptop syncs with the centre with the token the relay gave: %v", err)
	}
	if centreHas(t, w, "dewi") != 4 || sum.Count(survey.OutcomeStored) != 0 {
		t.Fatalf("syncing with the centre stored %d again", sum.Count(survey.OutcomeStored))
	}
}

// A code used at the centre's office meanwhile: the relay's confirmation is refused, the
// laptop's interviews stay held at the relay (not lost, not forwarded), the supervisor's
// round and the laptop's next sync say why; released by the supervisor, they go on.
func TestRelayEnrollmentRefused(t *testing.T) {
	ctx := context.Background()
	w := newEnrollWorld(t, nil)
	code := w.code(t, "eko")
	w.round(t)
	w.link.down()
	c, err := w.enroll(code, "L1")
	if err != nil {
		t.Fatalf("enroll at the relay offline: %v", err)
	}
	l, _ := w.laptop(t, "eko", 3)
	push(t, c, l, 3)
	// Meanwhile at the centre's office the same code enrolls another laptop.
	if _, _, err := w.world.centre.Users.Enroll(ctx, code, "office"); err != nil {
		t.Fatal(err)
	}
	w.link.up()
	r := w.round(t)
	if r.Confirmed != 0 || len(r.Unconfirmed) != 1 || r.Forwarded != 0 {
		t.Fatalf("round: %+v, want the enrollment refused and nothing forwarded", r)
	}
	if e := r.Unconfirmed[0]; e.User != "eko" || e.Held != 3 || !strings.Contains(e.Message, "used elsewhere") {
		t.Fatalf("refusal %+v, want eko's, 3 held, used elsewhere", e)
	}
	if st := relayStatus(t, w.relayDB); st.Held != 3 || st.Waiting != 3 {
		t.Fatalf("relay status %+v, want 3 held", st)
	}
	if got := centreHas(t, w, "eko"); got != 0 {
		t.Fatalf("the centre holds %d revisions pushed under a refused enrollment", got)
	}
	_, err = c.Sync(ctx, client.Laptop{Interviews: l.Interviews, State: l.State, Roster: l.Roster}, nil)
	msg := survey.ErrorMessage(err)
	if survey.ErrorCode(err) != survey.EUNAUTHORIZED || !strings.Contains(msg, "refused this laptop's enrollment") ||
		!strings.Contains(msg, "Pusat menolak") || strings.Contains(msg, "\n") {
		t.Fatalf("the laptop's sync after the refusal: %v", err)
	}
	if r := w.round(t); r.Forwarded != 0 || len(r.Unconfirmed) != 0 {
		t.Fatalf("a later round: %+v, want nothing", r)
	}
	list, err := sqlite.NewRelayStore(w.relayDB).Enrollments(ctx, false)
	if err != nil || len(list) != 1 || list[0].State != survey.EnrollRefused {
		t.Fatalf("the relay's enrollments: %+v %v", list, err)
	}
	if err := sqlite.NewRelayStore(w.relayDB).Release(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := w.round(t); r.Forwarded != 3 {
		t.Fatalf("round after the release: %+v, want 3 forwarded", r)
	}
	if got := centreHas(t, w, "eko"); got != 3 {
		t.Fatalf("the centre holds %d of eko's revisions after the release, want 3", got)
	}
}

// The account revoked at the centre meanwhile: the confirmation is refused and the
// interviews stay held.
func TestRelayEnrollmentRevoked(t *testing.T) {
	ctx := context.Background()
	w := newEnrollWorld(t, nil)
	code := w.code(t, "fina")
	w.round(t)
	w.link.down()
	c, err := w.enroll(code, "L1")
	if err != nil {
		t.Fatal(err)
	}
	l, _ := w.laptop(t, "fina", 2)
	push(t, c, l, 2)
	if err := w.world.centre.Users.Revoke(ctx, "fina"); err != nil {
		t.Fatal(err)
	}
	w.link.up()
	r := w.round(t)
	if len(r.Unconfirmed) != 1 || !strings.Contains(r.Unconfirmed[0].Message, "revoked") || r.Forwarded != 0 {
		t.Fatalf("round: %+v, want the enrollment refused (revoked)", r)
	}
	if st := relayStatus(t, w.relayDB); st.Held != 2 {
		t.Fatalf("relay status %+v, want 2 held", st)
	}
	if got := centreHas(t, w, "fina"); got != 0 {
		t.Fatalf("the centre holds %d revisions of a revoked account", got)
	}
}

// A laptop enrolled at the relay offline brings its interviews on a USB stick: the relay
// imports the bundle and holds them like a push until the centre confirms the laptop.
func TestRelayEnrollOfflineBundle(t *testing.T) {
	ctx := context.Background()
	w := newEnrollWorld(t, nil)
	code := w.code(t, "hana")
	w.round(t)
	w.link.down()
	_, token, err := w.enrollToken(code, "L1")
	if err != nil {
		t.Fatal(err)
	}
	l, want := w.laptop(t, "hana", 3)
	stick := t.TempDir()
	if wrote, err := client.WriteOutbox(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, stick, "hana", token, time.Now()); err != nil || wrote.Items != 3 {
		t.Fatalf("the laptop writes its outbox: %+v %v", wrote, err)
	}
	if errs := importDir(t, w.srv, stick); len(errs) != 0 {
		t.Fatalf("import at the relay: %v", errs)
	}
	if st := relayStatus(t, w.relayDB); st.Held != 3 {
		t.Fatalf("relay status %+v, want the bundle's 3 interviews held", st)
	}
	w.link.up()
	if r := w.round(t); r.Confirmed != 1 || r.Forwarded != 3 {
		t.Fatalf("round: %+v, want confirmed and 3 forwarded", r)
	}
	sum, bad, err := client.ReadReceipts(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, stick, "hana", token)
	if err != nil || len(bad) != 0 || sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("the laptop reads its receipts: %+v %v %v", sum, bad, err)
	}
	testbed.CheckSame(t, w.world.centre.Subs, want, l)
}

// confirmHook holds the first confirmation of an offline enrollment after the centre
// committed it, before its answer leaves, until the test has killed the relay process
// that asked.
type confirmHook struct {
	next   http.Handler
	once   gosync.Once
	held   chan struct{}
	killed chan struct{}
}

func (h *confirmHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hold := false
	if r.URL.Path == "/api/v1/relay/enroll" {
		h.once.Do(func() { hold = true })
	}
	if !hold {
		h.next.ServeHTTP(w, r)
		return
	}
	h.next.ServeHTTP(httptest.NewRecorder(), r)
	close(h.held)
	<-h.killed
	panic(http.ErrAbortHandler)
}

// The relay process is SIGKILLed after the centre confirmed an enrollment but before the
// relay learned it; started again, it confirms again and is answered the same: one token
// at the centre, the code consumed once, the interviews there once.
func TestRelayKilledMidConfirm(t *testing.T) {
	ctx := context.Background()
	hook := &confirmHook{held: make(chan struct{}), killed: make(chan struct{})}
	w := newEnrollWorld(t, func(h http.Handler) http.Handler { hook.next = h; return hook })
	code := w.code(t, "gita")
	w.round(t)
	w.link.down()
	c, token, err := w.enrollToken(code, "L1")
	if err != nil {
		t.Fatal(err)
	}
	l, want := w.laptop(t, "gita", 3)
	push(t, c, l, 3)
	w.link.up()

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), forwardEnv+"="+w.link.URL()+"|"+w.relayTok+"|"+w.relayDB.Path()+"|"+hex.EncodeToString(w.key))
	var stderr strings.Builder
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	ended := wait(child)
	select {
	case <-hook.held:
	case err := <-ended:
		t.Fatalf("the relay process ended before confirming: %v %s", err, stderr.String())
	}
	// Mid-confirm: the centre took the token, the relay still has the enrollment pending.
	if _, err := w.world.centre.Users.Authenticate(ctx, token); err != nil {
		t.Fatalf("the centre did not take the token before the kill: %v", err)
	}
	list, err := sqlite.NewRelayStore(w.relayDB).Enrollments(ctx, false)
	if err != nil || len(list) != 1 || list[0].State != survey.EnrollPending {
		t.Fatalf("the relay's enrollment at the kill: %+v %v, want pending", list, err)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err = <-ended
	close(hook.killed)
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the relay process was not killed: %v", err)
	}

	r := w.round(t)
	if r.Confirmed != 1 || len(r.Unconfirmed) != 0 || r.Forwarded != 3 {
		t.Fatalf("round after the restart: %+v, want confirmed again and 3 forwarded", r)
	}
	users, err := w.world.centre.Users.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Name == "gita" && u.Tokens != 1 {
			t.Fatalf("gita has %d tokens at the centre, want 1", u.Tokens)
		}
	}
	if got := centreHas(t, w, "gita"); got != 3 {
		t.Fatalf("the centre holds %d of gita's revisions, want 3", got)
	}
	testbed.CheckSame(t, w.world.centre.Subs, want, l)
}

// childEnrollRound runs one round of a relay that enrolls laptops offline, its data key
// given in hex.
func childEnrollRound(ctx context.Context, db *sqlite.DB, centre *client.Client, keyHex string) error {
	key, err := hex.DecodeString(keyHex)
	if err != nil {
		return err
	}
	c, err := vault.NewCipher(key)
	if err != nil {
		return err
	}
	db.Encrypt(c)
	_, err = enrollForwarder(db, centre).Round(ctx)
	return err
}

// TestRelayHallEnrollsOnline: a hall of laptops enrolls through a relay that reaches the
// centre, so every code comes to the centre from the relay's one address: more laptops
// than the centre's bound on one address's attempts all enroll, their codes being right.
func TestRelayHallEnrollsOnline(t *testing.T) {
	w := newEnrollWorld(t, nil)
	for i := range 15 {
		name := fmt.Sprintf("pencacah%02d", i)
		code := w.code(t, name)
		c, err := client.NewClient(w.relayURL)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Enroll(t.Context(), code, "laptop", fmt.Sprintf("L%02d", i))
		if err != nil {
			t.Fatalf("laptop %d of the hall through the relay: %v", i+1, err)
		}
		if res.User != name || res.Relayed {
			t.Fatalf("laptop %d: enrolled as %q (relayed offline %v), want %s at the centre", i+1, res.User, res.Relayed, name)
		}
	}
}
