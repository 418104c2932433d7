package relay_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/wire"
)

// gate lets requests through to the centre while open; closed, it cuts every connection.
type gate struct {
	next http.Handler
	shut atomic.Bool
	cut  atomic.Int64
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.shut.Load() {
		g.cut.Add(1)
		panic(http.ErrAbortHandler)
	}
	g.next.ServeHTTP(w, r)
}

func newClient(t *testing.T, url, token string) *client.Client {
	t.Helper()
	c, err := client.NewClient(url, client.WithToken(token), client.WithRetry(1, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// What laptops pull flows down through the relay, under the centre's sequence numbers: an
// enumerator gets only the roster rows assigned to her, returns with their records and
// approvals of her own interviews; contact attempts go up as hers; an enrollment code of
// the centre works through the relay while the centre is reachable, and is refused in
// one line while it is not; the centre's office routes are refused by the relay.
func TestRelayFlowsDown(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	g := &gate{next: w.centre.Server}
	link := httptest.NewServer(g)
	defer link.Close()
	centre := newClient(t, link.URL, w.relayTok)
	sup := newClient(t, w.centre.URL, w.relayTok)
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}, {RosterID: "R2", Name: "Sari"}, {RosterID: "R3", Name: "Eko"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Assign(ctx, "ani", survey.AssignSelector{RosterIDs: []string{"R1", "R3"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Assign(ctx, "budi", survey.AssignSelector{RosterIDs: []string{"R2"}}); err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 50)
	if r, err := fwd.Round(ctx); err != nil || r.RosterRows != 3 || r.Forms != 1 {
		t.Fatalf("first round: %+v %v", r, err)
	}
	w.serveRelay(t, centre, nil)
	ani := w.laptops[0]
	now := time.Now().UTC().Truncate(time.Second)
	att := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: now.Add(-time.Hour), Enumerator: "ani", Mode: survey.ModePhone,
		Channel: "081234567890", Outcome: "3.13"}
	if err := ani.Attempts.Add(ctx, att); err != nil {
		t.Fatal(err)
	}
	laptop := client.Laptop{Interviews: ani.Interviews, State: ani.State, Roster: ani.Roster, Attempts: ani.Attempts}
	sum, err := newClient(t, w.relayURL, w.tokens[0]).Sync(ctx, laptop, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.RosterRows != 2 || sum.Relay != "rina" || len(sum.Attempts) != 1 || sum.Attempts[0].Outcome != survey.OutcomeStored {
		t.Fatalf("ani through the relay: %d roster rows (want her 2), relay %q, attempts %+v", sum.RosterRows, sum.Relay, sum.Attempts)
	}
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := sup.Attempts(ctx, 0)
	if err != nil || len(list.Attempts) != 1 || list.Attempts[0].ID != att.ID || list.Attempts[0].SubmittedBy != "ani" {
		t.Fatalf("the centre's attempts: %+v %v", list, err)
	}
	// The centre's supervisor returns one of ani's interviews and approves another.
	returned, approved := w.want[0], w.want[1]
	if _, err := sup.ReturnWithComments(ctx, returned.InterviewID, 1, "Cek upah", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := sup.Approve(ctx, approved.InterviewID, 1, "ok"); err != nil {
		t.Fatal(err)
	}
	if r, err := fwd.Round(ctx); err != nil || r.Returns != 1 || r.Approvals != 1 {
		t.Fatalf("round after the review: %+v %v", r, err)
	}
	g.shut.Store(true) // the relay is offline from now on
	budi := w.laptops[1]
	bsum, err := newClient(t, w.relayURL, w.tokens[1]).Sync(ctx, client.Laptop{Interviews: budi.Interviews, State: budi.State, Roster: budi.Roster}, nil)
	if err != nil || bsum.Returned != 0 || bsum.Purged != 0 || bsum.RosterRows != 1 {
		t.Fatalf("budi through the offline relay: %+v %v", bsum, err)
	}
	sum, err = newClient(t, w.relayURL, w.tokens[0]).Sync(ctx, laptop, nil)
	if err != nil || sum.Returned != 1 || sum.Purged != 1 {
		t.Fatalf("ani through the offline relay: %d returned, %d purged, %v", sum.Returned, sum.Purged, err)
	}
	iv, err := ani.Interviews.Get(ctx, returned.InterviewID)
	if err != nil || iv.State != survey.StateReturned {
		t.Fatalf("the returned interview on ani's laptop: %+v %v", iv, err)
	}
	// The same laptop at the centre itself: the cursors are the centre's, nothing again.
	direct, err := newClient(t, w.centre.URL, w.tokens[0]).Sync(ctx, laptop, nil)
	if err != nil || direct.Returned != 0 || direct.Purged != 0 || direct.RosterRows != 0 {
		t.Fatalf("ani at the centre after the relay: %+v %v", direct, err)
	}

	// Enrollment through the offline relay is refused in one line; online it works and the
	// token is good at the relay and at the centre.
	_, code, err := w.centre.Users.CreateUser(ctx, "dewi", survey.RoleEnumerator)
	if err != nil {
		t.Fatal(err)
	}
	anon := newClient(t, w.relayURL, "")
	if _, err := anon.Enroll(ctx, code, "laptop", ""); survey.ErrorCode(err) != survey.EUNAVAILABLE || !strings.Contains(survey.ErrorMessage(err), "cannot reach the centre") {
		t.Fatalf("enroll through the offline relay: %v", err)
	}
	if g.cut.Load() == 0 {
		t.Fatal("the link was never cut")
	}
	g.shut.Store(false)
	res, err := anon.Enroll(ctx, code, "laptop", "")
	if err != nil || res.User != "dewi" || res.PublicKey == "" {
		t.Fatalf("enroll through the relay: %+v %v", res, err)
	}
	for _, url := range []string{w.relayURL, w.centre.URL} {
		if u, err := newClient(t, url, res.Token).Me(ctx); err != nil || u.Name != "dewi" {
			t.Fatalf("dewi's token at %s: %+v %v", url, u, err)
		}
	}

	// The relay is not the centre's office, and it checks the envelope it cannot open.
	if _, err := newClient(t, w.relayURL, w.relayTok).Queue(ctx, survey.ReviewQuery{}); survey.ErrorCode(err) != survey.ENOTFOUND ||
		!strings.Contains(survey.ErrorMessage(err), "do this on the centre") {
		t.Fatalf("a supervisor's review queue at the relay: %v", err)
	}
	id := survey.NewID()
	resp, err := newClient(t, w.relayURL, w.tokens[0]).Push(ctx, []wire.PushItem{{ID: id, Revision: 1, Hash: strings.Repeat("ab", 32), Sealed: []byte("not sealed at all, but long enough to pass")}})
	if err != nil || resp.Receipts[0].Status != survey.ReceiptRefused || resp.Receipts[0].Code != survey.EINVALID {
		t.Fatalf("a push that is not an age envelope: %+v %v", resp, err)
	}
}
