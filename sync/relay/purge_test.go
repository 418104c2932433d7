package relay_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/survey/vault"
	"tracer/sync/client"
	"tracer/sync/relay"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// After the event the relay is purged: nothing is dropped while the centre has not taken
// it; once it has, the interviews and attempts it stored are dropped, a revision it refused
// is kept, the roster pulled from it is dropped (and pulled again by a relay started
// again), and no page of the relay's file keeps a name or a sealed record.
func TestRelayPurge(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	c, err := vault.NewCipher(vault.NewDataKey())
	if err != nil {
		t.Fatal(err)
	}
	w.relayDB.Encrypt(c)
	if _, err := newClient(t, w.centre.URL, w.relayTok).UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas Gunawan"}}); err != nil {
		t.Fatal(err)
	}
	g := &gate{next: w.centre.Server}
	link := httptest.NewServer(g)
	defer link.Close()
	centre := newClient(t, link.URL, w.relayTok)
	fwd := forwarder(w.relayDB, centre, 5)
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	w.serveRelay(t, centre, func() {})
	// One revision the centre holds with other content: refused when forwarded.
	first := w.want[0]
	body, hash, err := testbed.Record(first.InterviewID, "ani", 1, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(t, w.centre.URL, w.tokens[0]).Push(ctx, []wire.PushItem{{ID: first.InterviewID, Revision: 1, Hash: hash, Body: body}}); err != nil {
		t.Fatal(err)
	}
	att := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: time.Now().Add(-time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"}
	if err := w.laptops[0].Attempts.Add(ctx, att); err != nil {
		t.Fatal(err)
	}
	w.syncLaptops(t)
	if sum, err := newClient(t, w.relayURL, w.tokens[0]).Sync(ctx, client.Laptop{Interviews: w.laptops[0].Interviews, State: w.laptops[0].State,
		Roster: w.laptops[0].Roster, Attempts: w.laptops[0].Attempts}, nil); err != nil || len(sum.Attempts) != 1 {
		t.Fatalf("the attempt through the relay: %v %+v", err, sum)
	}
	store, cursors := sqlite.NewRelayStore(w.relayDB), sqlite.NewSyncStateStore(w.relayDB)

	// The centre is out of reach: nothing is safe there yet, so nothing goes.
	p, err := relay.Purge(ctx, store, cursors)
	if err != nil {
		t.Fatal(err)
	}
	if p.Interviews+p.Attempts+p.RosterRows != 0 || p.Waiting != len(w.want)+1 {
		t.Fatalf("a purge before forwarding: %+v, want nothing dropped and %d waiting", p, len(w.want)+1)
	}
	if st := relayStatus(t, w.relayDB); st.Waiting != len(w.want) {
		t.Fatalf("after that purge %d interviews wait, want %d", st.Waiting, len(w.want))
	}

	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	sealed := w.want[1] // a sealed record the relay held
	p, err = relay.Purge(ctx, store, cursors)
	if err != nil {
		t.Fatal(err)
	}
	if p.Interviews != len(w.want)-1 || p.Refused != 1 || p.Attempts != 1 || p.Waiting != 0 || p.RosterRows != 1 {
		t.Fatalf("the purge after the event: %+v; want %d interviews and 1 attempt dropped, 1 refused kept, the roster row dropped",
			p, len(w.want)-1)
	}
	if st := relayStatus(t, w.relayDB); st.Received != 1 || st.Refused != 1 {
		t.Fatalf("the relay keeps %+v, want only the refused revision", st)
	}
	for _, f := range []string{w.relayDB.Path(), w.relayDB.Path() + "-wal"} {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte("Dimas Gunawan")) || bytes.Contains(b, sealed.Body[len(sealed.Body)-64:]) {
			t.Fatalf("%s still holds a name or a forwarded record", f)
		}
	}
	// A relay started again pulls the roster afresh.
	if r, err := fwd.Round(ctx); err != nil || r.RosterRows != 1 {
		t.Fatalf("a round after the purge pulled %d roster rows (%v), want 1", r.RosterRows, err)
	}
	testbed.CheckSame(t, w.centre.Subs, append(w.want[1:], &survey.OutboxItem{InterviewID: first.InterviewID, Revision: 1, Hash: hash}))
}
