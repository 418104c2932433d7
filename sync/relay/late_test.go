package relay_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// A relay took revisions ("safe on two machines") that the centre then refused when the
// relay forwarded them: one whose revision the centre already held with other content (a
// conflict) and two that name another enumerator (refused for ownership; the relay cannot
// see it in a sealed record). Each laptop learns it at its next sync, one through the relay
// and one directly with the centre: the revisions count as not sent again, stay on the
// laptop with their sealed records, and are not sent again. A supervisor sees all three.
func TestLateRefusalReachesTheLaptop(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	centre, err := client.NewClient(w.centre.URL, client.WithToken(w.relayTok), client.WithRetry(1, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 5)
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	w.serveRelay(t, centre, func() {})

	// Another laptop of ani's sent other content for her first interview's revision 1
	// straight to the centre.
	ani := w.laptops[0]
	first := w.want[0]
	body, hash, err := testbed.Record(first.InterviewID, "ani", 1, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	aniAtCentre, err := client.NewClient(w.centre.URL, client.WithToken(w.tokens[0]))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := aniAtCentre.Push(ctx, []wire.PushItem{{ID: first.InterviewID, Revision: 1, Hash: hash, Body: body}})
	if err != nil || resp.Receipts[0].Status != survey.ReceiptStored {
		t.Fatalf("the other content: %v %+v", err, resp)
	}
	// Budi's second laptop holds interviews that name ani.
	stray, strayItems := w.laptop(t, "ani", 2)
	w.laptops = append(w.laptops, stray)
	w.tokens = append(w.tokens, w.tokens[1])
	w.syncLaptops(t)

	r, err := fwd.Round(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Refused != 3 || len(r.Late) != 3 {
		t.Fatalf("the centre refused %d forwarded revisions, %d late refusals pulled; want 3 and 3", r.Refused, len(r.Late))
	}

	// Ani learns through the relay.
	aniAtRelay, err := client.NewClient(w.relayURL, client.WithToken(w.tokens[0]))
	if err != nil {
		t.Fatal(err)
	}
	laptop := func(l *testbed.Laptop) client.Laptop {
		return client.Laptop{Interviews: l.Interviews, State: l.State, Roster: l.Roster}
	}
	sum, err := aniAtRelay.Sync(ctx, laptop(ani), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.RefusedLater) != 1 || sum.RefusedLater[0].InterviewID != first.InterviewID ||
		sum.RefusedLater[0].Outcome != survey.OutcomeConflict || sum.RefusedLater[0].Code != survey.ECONFLICT || sum.Complete() {
		t.Fatalf("ani's sync through the relay learnt %+v (complete %v), want the conflict of %s", sum.RefusedLater, sum.Complete(), first.InterviewID)
	}
	checkKept(t, ani, []*survey.OutboxItem{first})

	// The stray laptop learns directly from the centre.
	budiAtCentre, err := client.NewClient(w.centre.URL, client.WithToken(w.tokens[1]))
	if err != nil {
		t.Fatal(err)
	}
	sum, err = budiAtCentre.Sync(ctx, laptop(stray), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.RefusedLater) != 2 {
		t.Fatalf("the stray laptop learnt %+v, want its 2 revisions refused", sum.RefusedLater)
	}
	for _, o := range sum.RefusedLater {
		if o.Outcome != survey.OutcomeRefused || o.Code != survey.EFORBIDDEN || o.Reason == "" {
			t.Errorf("late refusal %+v, want refused for ownership with a reason", o)
		}
	}
	checkKept(t, stray, strayItems)
	// Budi's own laptop holds none of them and is told of none.
	sum, err = budiAtCentre.Sync(ctx, laptop(w.laptops[1]), nil)
	if err != nil || len(sum.RefusedLater) != 0 {
		t.Fatalf("budi's first laptop: %v, learnt %+v", err, sum.RefusedLater)
	}

	// The next syncs send nothing again and learn nothing twice.
	for _, c := range []struct {
		c *client.Client
		l *testbed.Laptop
		n int
	}{{aniAtRelay, ani, 1}, {budiAtCentre, stray, 2}} {
		sum, err := c.c.Sync(ctx, laptop(c.l), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Outcomes) != 0 || len(sum.RefusedLater) != 0 || sum.Skipped != c.n {
			t.Errorf("a later sync pushed %d, learnt %d again, skipped %d; want 0, 0, %d", len(sum.Outcomes), len(sum.RefusedLater), sum.Skipped, c.n)
		}
	}

	// The supervisor sees all three, at the centre and at the relay; an enumerator hers.
	for _, c := range []struct {
		url, token string
		want       int
	}{{w.centre.URL, w.relayTok, 3}, {w.relayURL, w.relayTok, 3}, {w.centre.URL, w.tokens[0], 1}, {w.relayURL, w.tokens[2], 0}} {
		cl, err := client.NewClient(c.url, client.WithToken(c.token))
		if err != nil {
			t.Fatal(err)
		}
		page, err := cl.Refused(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Refusals) != c.want {
			t.Errorf("%s lists %d late refusals, want %d", c.url, len(page.Refusals), c.want)
		}
		for _, x := range page.Refusals {
			if x.Relay != "rina" || x.SubmittedBy == "" || x.Hash == "" {
				t.Errorf("late refusal %+v lacks its relay, account or hash", x)
			}
		}
	}

	// Forwarding again records nothing twice.
	if r, err := fwd.Round(ctx); err != nil || r.Refused != 0 || len(r.Late) != 0 {
		t.Fatalf("a second round: %v, refused %d, pulled %d", err, r.Refused, len(r.Late))
	}
}

// checkKept fails unless each item is in the laptop's outbox again with its sealed record
// and hash, its interview finalized, and its refusal kept.
func checkKept(t *testing.T, l *testbed.Laptop, items []*survey.OutboxItem) {
	t.Helper()
	ctx := context.Background()
	box, err := l.Interviews.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]*survey.OutboxItem{}
	for _, it := range box {
		in[it.InterviewID] = it
	}
	refused, err := l.State.Refusals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, r := range refused {
		kept[r.InterviewID] = true
	}
	for _, want := range items {
		got := in[want.InterviewID]
		if got == nil || got.Hash != want.Hash || len(got.Body) == 0 || !got.Sealed {
			t.Errorf("interview %s is not back in the outbox with its sealed record: %+v", want.InterviewID, got)
		}
		iv, err := l.Interviews.Get(ctx, want.InterviewID)
		if err != nil || iv.State != survey.StateFinalized {
			t.Errorf("interview %s: %v, state %v; want finalized", want.InterviewID, err, iv)
		}
		if !kept[want.InterviewID] {
			t.Errorf("the refusal of %s is not kept", want.InterviewID)
		}
	}
}

// An account revoked at the centre after its laptop synced with the relay does not stop
// the relay: its interviews wait on the relay, and the other accounts' reach the centre.
func TestRevokedAccountDoesNotBlockTheOthers(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	centre, err := client.NewClient(w.centre.URL, client.WithToken(w.relayTok), client.WithRetry(1, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 5)
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	w.serveRelay(t, centre, func() {})
	w.syncLaptops(t)
	if err := w.centre.Users.Revoke(ctx, "ani"); err != nil {
		t.Fatal(err)
	}
	r, err := fwd.Round(ctx)
	if err != nil {
		t.Fatalf("a revoked account stopped the round: %v", err)
	}
	ani := 7 // newWorld seeds 7, 8 and 9 interviews
	if r.Forwarded != len(w.want)-ani || r.Waiting != ani {
		t.Fatalf("forwarded %d, waiting %d; want %d and %d", r.Forwarded, r.Waiting, len(w.want)-ani, ani)
	}
	if st := relayStatus(t, w.relayDB); st.Waiting != ani {
		t.Errorf("the relay holds %d waiting, want ani's %d", st.Waiting, ani)
	}
}

// A relay took a contact attempt and a roster update from ani's laptop ("safe on two
// machines") that the centre then refused when the relay forwarded them: another content
// was stored at the centre under each id. Ani's laptop learns both at its next sync through
// the relay, marks them refused (with the centre's reason) and sends neither again, while
// the attempt and update the centre took stay sent; a supervisor sees both, at the centre
// and at the relay, with their kind.
func TestLateRefusalOfAttemptsAndRosterUpdates(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	w.keepUpdates = true
	centre := newClient(t, w.centre.URL, w.relayTok)
	if _, err := centre.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas", Phone: "+6281355550100"}}); err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 5)
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	w.serveRelay(t, centre, func() {})
	ani := w.laptops[0]
	laptop := client.Laptop{Interviews: ani.Interviews, State: ani.State, Roster: ani.Roster, Attempts: ani.Attempts, Updates: ani.Updates}
	viaRelay := newClient(t, w.relayURL, w.tokens[0])
	if _, err := viaRelay.Sync(ctx, laptop, nil); err != nil { // the roster row comes down
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Hour)
	refusedAttempt := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: at, Enumerator: "ani", Mode: survey.ModePhone,
		Channel: "+6281355550100", Outcome: "3.13", Note: "diangkat adiknya"}
	keptAttempt := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: at.Add(time.Minute), Enumerator: "ani", Mode: survey.ModeWhatsApp, Outcome: "3.13"}
	for _, a := range []*survey.Attempt{refusedAttempt, keptAttempt} {
		if err := ani.Attempts.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	refusedUpdate, err := ani.Updates.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldPhone,
		Value: "081355550101", ProposedBy: "ani", ProposedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	keptUpdate, err := ani.Updates.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldAddress,
		Value: "Jl. Kenanga 12", ProposedBy: "ani", ProposedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	// Another laptop of ani's sent other contents under the same ids straight to the centre.
	direct := newClient(t, w.centre.URL, w.tokens[0])
	other := *refusedAttempt
	other.Note = "nomor salah"
	if resp, err := direct.PushAttempts(ctx, []*survey.Attempt{&other}); err != nil || resp.Receipts[0].Status != survey.ReceiptStored {
		t.Fatalf("the other attempt at the centre: %v %+v", err, resp)
	}
	otherU := *refusedUpdate
	otherU.Value = "+6281355550199"
	if resp, err := direct.PushRosterUpdates(ctx, []*survey.RosterUpdate{&otherU}); err != nil || resp.Receipts[0].Status != survey.ReceiptStored {
		t.Fatalf("the other roster update at the centre: %v %+v", err, resp)
	}

	sum, err := viaRelay.Sync(ctx, laptop, nil)
	if err != nil || sum.AttemptCount(survey.OutcomeStored) != 2 || sum.UpdateCount(survey.OutcomeStored) != 2 {
		t.Fatalf("the relay took %d attempts and %d updates (%v), want 2 and 2", sum.AttemptCount(survey.OutcomeStored), sum.UpdateCount(survey.OutcomeStored), err)
	}
	r, err := fwd.Round(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.Attempts != 2 || r.Updates != 2 || len(r.Late) != 2 {
		t.Fatalf("the round settled %d attempts and %d updates and pulled %d late refusals; want 2, 2 and 2", r.Attempts, r.Updates, len(r.Late))
	}

	sum, err = viaRelay.Sync(ctx, laptop, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]survey.ItemKind{refusedAttempt.ID: survey.ItemAttempt, refusedUpdate.ID: survey.ItemRosterUpdate}
	if len(sum.RefusedLater) != 2 || sum.Complete() {
		t.Fatalf("ani's sync learnt %+v (complete %v), want the attempt and the update", sum.RefusedLater, sum.Complete())
	}
	for _, o := range sum.RefusedLater {
		if want[o.InterviewID] != o.Kind || o.Outcome != survey.OutcomeConflict || o.Code != survey.ECONFLICT || o.Reason == "" {
			t.Errorf("late refusal %+v, want a conflict of the %s", o, want[o.InterviewID])
		}
	}
	attempts, err := ani.Attempts.List(ctx, survey.AttemptFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range attempts {
		switch a.ID {
		case refusedAttempt.ID:
			if !strings.Contains(a.Refusal, "Another content") || !a.Same(refusedAttempt) {
				t.Errorf("the refused attempt on the laptop: refusal %q, %+v", a.Refusal, a)
			}
		case keptAttempt.ID:
			if a.Refusal != "" || a.Sent.IsZero() {
				t.Errorf("the attempt the centre took: refusal %q, sent %v", a.Refusal, a.Sent)
			}
		}
	}
	updates, err := ani.Updates.List(ctx, survey.UpdateFilter{})
	if err != nil || len(updates) != 2 {
		t.Fatalf("the laptop's roster updates: %v %d", err, len(updates))
	}
	for _, u := range updates {
		if refused := u.Refusal != ""; refused != (u.ID == refusedUpdate.ID) || (u.ID == keptUpdate.ID && u.Sent.IsZero()) {
			t.Errorf("roster update %s on the laptop: refusal %q, sent %v", u.Field, u.Refusal, u.Sent)
		}
	}
	// Nothing is sent again, nothing learnt twice.
	sum, err = viaRelay.Sync(ctx, laptop, nil)
	if err != nil || len(sum.Attempts)+len(sum.Updates)+len(sum.RefusedLater) != 0 {
		t.Fatalf("a later sync: %v, pushed %d attempts and %d updates, learnt %d again", err, len(sum.Attempts), len(sum.Updates), len(sum.RefusedLater))
	}

	// The supervisor sees both, with their kind, at the centre and at the relay.
	for _, url := range []string{w.centre.URL, w.relayURL} {
		page, err := newClient(t, url, w.relayTok).Refused(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Refusals) != 2 {
			t.Fatalf("%s lists %d late refusals, want 2", url, len(page.Refusals))
		}
		for _, x := range page.Refusals {
			if want[x.InterviewID] != x.Kind || x.SubmittedBy != "ani" || x.Relay != "rina" {
				t.Errorf("%s: late refusal %+v", url, x)
			}
		}
	}
}
