package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

func fastRetry() client.Option { return client.WithRetry(12, time.Millisecond, 20*time.Millisecond) }

func newClient(t *testing.T, url, token string, opts ...client.Option) *client.Client {
	t.Helper()
	c, err := client.NewClient(url, append([]client.Option{client.WithToken(token), fastRetry()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// twinOf makes on laptop to the interview id of laptop from, finalized again with
// hours_week answered hours: the same id and revision with other content.
func twinOf(t *testing.T, from, to *testbed.Laptop, id, hours string) *survey.OutboxItem {
	t.Helper()
	ctx := context.Background()
	orig, err := from.Interviews.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	twin := *orig
	twin.State, twin.Revision = "", 0
	if err := to.Interviews.Create(ctx, &twin); err != nil {
		t.Fatal(err)
	}
	f, as, _ := testbed.Builtin()
	changed := testbed.Of(f, as, orig.RespondentID)
	for i := range changed {
		if changed[i].Path == "hours_week" {
			changed[i].Value = hours
		}
	}
	item, err := to.Interviews.Finalize(ctx, twin.ID, changed)
	if err != nil {
		t.Fatal(err)
	}
	return item
}

func syncOnce(t *testing.T, c *client.Client, l *testbed.Laptop) *client.Summary {
	t.Helper()
	sum, err := c.Sync(context.Background(), client.Laptop{Interviews: l.Interviews, Roster: l.Roster, State: l.State}, nil)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return sum
}

// dropReplies commits each selected push (the handler returns only after the commit) and
// then cuts the connection instead of answering.
type dropReplies struct {
	next    http.Handler
	mu      gosync.Mutex
	rng     *rand.Rand
	share   float64
	dropped atomic.Int64
}

func (d *dropReplies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	drop := r.URL.Path == "/api/v1/interviews/push" && d.rng.Float64() < d.share
	d.mu.Unlock()
	if !drop {
		d.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	d.next.ServeHTTP(rec, r) // stored and committed
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
	d.dropped.Add(1)
}

// Lost replies: the reply is lost after the commit for a seeded share of the
// batches; after retries the server holds exactly the finalized set.
func TestLostReply(t *testing.T) {
	var drop *dropReplies
	env := testbed.NewEnv(t, nil, func(h http.Handler) http.Handler {
		drop = &dropReplies{next: h, rng: rand.New(rand.NewPCG(2, 5)), share: 0.5}
		return drop
	})
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(context.Background(), lap.Interviews, "ani", 60)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, env.URL, tok, client.WithBatch(7, 1<<20))
	sum := syncOnce(t, c, lap)
	if drop.dropped.Load() == 0 {
		t.Fatal("no reply was dropped")
	}
	// Every batch whose reply was lost comes back as "duplicate" on the retry.
	if sum.Count(survey.OutcomeStored)+sum.Count(survey.OutcomeDuplicate) != 60 || sum.Count(survey.OutcomeDuplicate) == 0 || !sum.Complete() {
		t.Fatalf("summary %+v after %d dropped replies", sum, drop.dropped.Load())
	}
	t.Logf("%d replies dropped; %d stored new, %d already there on the retry", drop.dropped.Load(), sum.Count(survey.OutcomeStored), sum.Count(survey.OutcomeDuplicate))
	testbed.CheckSame(t, env.Subs, want, lap)
}

// Test 5: the same id and revision with other content: 409 for that item, the original
// unchanged, the conflict recorded, and the laptop stops pushing it.
func TestConflictingResubmission(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	a, b := testbed.NewLaptop(t), testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, a.Interviews, "ani", 3)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, env.URL, tok)
	if sum := syncOnce(t, c, a); sum.Count(survey.OutcomeStored) != 3 {
		t.Fatalf("first laptop: %+v", sum)
	}
	// The second laptop holds the same id with a different answer.
	other := twinOf(t, a, b, want[0].InterviewID, "40")
	if other.Hash == want[0].Hash {
		t.Fatal("the twin has the same hash")
	}
	resp, err := c.Push(ctx, []wire.PushItem{{ID: other.InterviewID, Revision: 1, Hash: other.Hash, Body: other.Body}})
	if err != nil {
		t.Fatal(err)
	}
	if rc := resp.Receipts[0]; rc.HTTPStatus != http.StatusConflict || rc.Status != survey.ReceiptConflict || rc.Code != survey.ECONFLICT {
		t.Fatalf("receipt %+v, want a 409 conflict", rc)
	}
	sum := syncOnce(t, c, b)
	if sum.Count(survey.OutcomeConflict, survey.OutcomeRefused) != 1 || sum.With(survey.OutcomeConflict, survey.OutcomeRefused)[0].Code != survey.ECONFLICT || sum.Complete() {
		t.Fatalf("summary %+v, want one refused conflict", sum)
	}
	stored, err := env.Subs.Get(ctx, want[0].InterviewID, 1)
	if err != nil || stored.Hash != want[0].Hash || !bytes.Equal(stored.Body, want[0].Body) {
		t.Fatalf("the original changed: %v", err)
	}
	conflicts, err := env.Subs.Conflicts(ctx, want[0].InterviewID, 1)
	if err != nil || len(conflicts) != 1 || conflicts[0].Hash != other.Hash {
		t.Fatalf("conflicts %v %v, want the twin's", conflicts, err)
	}
	list, _ := env.Subs.List(ctx, survey.SubmissionFilter{})
	if list[0].Conflicts != 1 {
		t.Errorf("the supervisor's list does not flag the conflict: %+v", list[0])
	}
	// The laptop does not push it again.
	sum = syncOnce(t, c, b)
	if sum.Skipped != 1 || sum.Count(survey.OutcomeStored)+sum.Count(survey.OutcomeDuplicate)+sum.Count(survey.OutcomeConflict, survey.OutcomeRefused) != 0 {
		t.Fatalf("second sync %+v, want the conflict skipped", sum)
	}
	testbed.CheckSame(t, env.Subs, want, a)
}

// Test 6: the same revision 100 times: the same receipt, one row.
func TestIdempotentReplay(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 1)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, env.URL, tok)
	it := want[0]
	var first survey.Receipt
	for i := range 100 {
		resp, err := c.Push(ctx, []wire.PushItem{{ID: it.InterviewID, Revision: it.Revision, Hash: it.Hash, Body: it.Body}})
		if err != nil {
			t.Fatal(err)
		}
		rc := resp.Receipts[0].Receipt
		if i == 0 {
			if rc.Status != survey.ReceiptStored {
				t.Fatalf("first push: %+v", rc)
			}
			first = rc
			continue
		}
		if rc.Status != survey.ReceiptDuplicate || rc.Seq != first.Seq || !rc.ReceivedAt.Equal(first.ReceivedAt) || rc.Hash != first.Hash {
			t.Fatalf("push %d: %+v, want the receipt of %+v", i+1, rc, first)
		}
	}
	if n, _ := env.Subs.Count(ctx); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
	syncOnce(t, c, lap)
	testbed.CheckSame(t, env.Subs, want, lap)
}

// Test 7: a laptop whose clock is years off: accepted, dedupe unaffected, skew recorded.
func TestClockSkew(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)
	lap := testbed.NewLaptop(t)
	future := func() time.Time { return time.Now().AddDate(3, 0, 0) }
	lap.DB.Now = future
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 5)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, env.URL, tok, client.WithClock(future))
	if sum := syncOnce(t, c, lap); sum.Count(survey.OutcomeStored) != 5 || !sum.Complete() {
		t.Fatalf("summary %+v", sum)
	}
	sub, err := env.Subs.Get(ctx, want[0].InterviewID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if years := -sub.Skew.Hours() / 24 / 365; years < 2.9 || years > 3.1 {
		t.Fatalf("skew %v, want about -3 years", sub.Skew)
	}
	// The same revision from a clock years behind is still the same revision.
	past := newClient(t, env.URL, tok, client.WithClock(func() time.Time { return time.Now().AddDate(-7, 0, 0) }))
	resp, err := past.Push(ctx, []wire.PushItem{{ID: want[0].InterviewID, Revision: 1, Hash: want[0].Hash, Body: want[0].Body}})
	if err != nil || resp.Receipts[0].Status != survey.ReceiptDuplicate || resp.Receipts[0].Seq != sub.Seq {
		t.Fatalf("replay from the past: %+v %v", resp, err)
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}

// Test 8: a client sending its headers a byte a second is cut off by the read-header
// timeout; oversized, bomb and many-element bodies get 413 at little heap cost; other
// clients are served meanwhile. (TestSlowBodyIsCutOff and TestHostileBodiesCostLittle do
// the same for a trickling body and at the default limits.)
func TestSlowAndHugeRequests(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, func(c *server.Config) { c.MaxBody, c.MaxInflated = 64<<10, 256<<10 }, nil)
	env.HTTP.Close() // serve with the real http.Server and short timeouts instead
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := server.NewHTTPServer("", env.Server, server.Timeouts{ReadHeader: 300 * time.Millisecond, Read: 2 * time.Second, Write: 5 * time.Second, Idle: time.Second}, nil)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	url := "http://" + ln.Addr().String()
	tok := testbed.Token(t, env.Users, "ani", survey.RoleEnumerator)

	// The slow client.
	slowDone := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			slowDone <- -1
			return
		}
		defer conn.Close()
		req := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 60) + "\r\n\r\n"
		for i := range len(req) {
			if _, err := conn.Write([]byte{req[i]}); err != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		slowDone <- time.Since(start)
	}()

	// Others are served while it crawls.
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 10)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, url, tok, client.WithBatch(3, 1<<20))
	if sum := syncOnce(t, c, lap); sum.Count(survey.OutcomeStored) != 10 {
		t.Fatalf("summary %+v", sum)
	}

	post := func(body []byte, gz bool) (int, wire.Error) {
		req, _ := http.NewRequest("POST", url+"/api/v1/interviews/push", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		if gz {
			req.Header.Set("Content-Encoding", "gzip")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e wire.Error
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e
	}
	if status, e := post(bytes.Repeat([]byte("x"), 100<<10), false); status != 413 || e.Code != survey.ETOOLARGE {
		t.Errorf("oversized body: %d %+v, want 413 too_large", status, e)
	}
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`{"items":[{"id":"`))
	zw.Write(bytes.Repeat([]byte("a"), 10<<20))
	zw.Close()
	if bomb.Len() > 64<<10 {
		t.Fatalf("bomb is %d bytes", bomb.Len())
	}
	before := heapAllocated()
	if status, e := post(bomb.Bytes(), true); status != 413 || e.Code != survey.ETOOLARGE {
		t.Errorf("gzip bomb: %d %+v, want 413 too_large", status, e)
	}
	if took := heapAllocated() - before; took > 8<<20 {
		t.Errorf("the gzip bomb cost %d MB of heap", took>>20)
	}
	// Many small elements under the body limit: refused at the batch limit, cheaply.
	before = heapAllocated()
	if status, e := post(manySmall("items", 60<<10), false); status != 413 || e.Code != survey.ETOOLARGE {
		t.Errorf("many small items: %d %+v, want 413 too_large", status, e)
	}
	if took := heapAllocated() - before; took > 2<<20 {
		t.Errorf("many small items cost %d MB of heap", took>>20)
	}
	if status, e := post([]byte(`{"items":[`), false); status != 400 || e.Code != survey.EINVALID {
		t.Errorf("malformed: %d %+v, want 400 invalid", status, e)
	}

	select {
	case took := <-slowDone:
		if took < 0 || took > 3*time.Second {
			t.Errorf("slow client took %v; the read-header timeout should cut it off", took)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the slow client was never cut off")
	}
	testbed.CheckSame(t, env.Subs, want, lap)
}

// Test 10: the server database and its logs hold no token or enrollment code in clear,
// and the logs hold none of the interview's personal data.
func TestSecretsAtRest(t *testing.T) {
	ctx := context.Background()
	var logs lockedBuffer
	env := testbed.NewEnv(t, func(c *server.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}, nil)
	_, code, err := env.Users.CreateUser(ctx, "ani", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	anon := newClient(t, env.URL, "")
	res, err := anon.Enroll(ctx, code, "laptop-7", "")
	if err != nil {
		t.Fatal(err)
	}
	lap := testbed.NewLaptop(t)
	want, err := testbed.Seed(ctx, lap.Interviews, "ani", 4)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, env.URL, res.Token)
	syncOnce(t, c, lap)
	newClient(t, env.URL, res.Token+"x").Forms(ctx) // a wrong token is logged neither
	if err := env.DB.Close(); err != nil {          // checkpoint the WAL into the file
		t.Fatal(err)
	}
	files := map[string][]byte{"log": logs.Bytes()}
	for _, p := range []string{env.DB.Path(), env.DB.Path() + "-wal"} {
		if b, err := readFile(p); err == nil {
			files[p] = b
		}
	}
	secrets := []string{res.Token, code, survey.NormalizeCode(code)}
	personal := []string{"6408061202040071", "Dimas Gunawan", "08571224451", "5200000"}
	for name, b := range files {
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a secret in clear", name)
			}
		}
	}
	for _, s := range personal {
		if bytes.Contains(files["log"], []byte(s)) {
			t.Errorf("the log holds personal data")
		}
	}
	if !bytes.Contains(files["log"], []byte(`"msg":"push"`)) {
		t.Errorf("the log is empty?\n%s", files["log"])
	}
	db, err := testbed.OpenServerDB(ctx, env.DB.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	env.DB = db
	testbed.CheckSame(t, testbed.Config(db, nil).Submissions, want, lap)
}

type lockedBuffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }
