package relay_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/bundle"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// importDir imports every outbox bundle in dir through srv and writes the receipts beside
// each, as "tracer sync --from DIR --db FILE" does; it returns the import errors by file.
func importDir(t *testing.T, srv *server.Server, dir string) map[string]error {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*"+client.OutboxExt))
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{}
	for _, p := range paths {
		data, err := client.ReadFileLimited(p)
		if err != nil {
			t.Fatal(err)
		}
		imp, err := srv.ImportBundle(context.Background(), data)
		if err != nil {
			errs[filepath.Base(p)] = err
			continue
		}
		if err := os.WriteFile(client.ReceiptFile(p), imp.Sealed, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return errs
}

func relayServer(w *world) *server.Server {
	db := w.relayDB
	return server.New(server.Config{
		Users: sqlite.NewUserStore(db), Submissions: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db),
		Roster: sqlite.NewServerRosterStore(db), Returns: sqlite.NewReturnStore(db), Reviews: sqlite.NewReviewStore(db),
		Attempts: sqlite.NewAttemptLedger(db), Accounts: sqlite.NewUserStore(db),
		Relay: &server.RelayMode{Store: sqlite.NewRelayStore(db), Name: "rina"},
	})
}

// A USB stick goes round the hall with no network: each laptop writes its outbox as a
// bundle, the relay imports them (twice: harmless), a tampered bundle is refused and
// nothing of it stored, the laptops mark their interviews sent only once they read the
// receipts, and the relay forwards everything to the centre: the centre's set is the
// laptops' set, each once.
func TestBundleRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	centre, err := client.NewClient(w.centre.URL, client.WithToken(w.relayTok), client.WithRetry(1, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	fwd := forwarder(w.relayDB, centre, 50)
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	names := []string{"ani", "budi", "citra"}
	for i, l := range w.laptops {
		wrote, err := client.WriteOutbox(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, stick, names[i], w.tokens[i], time.Now())
		if err != nil || len(wrote.Files) != 1 || wrote.Items != 7+i {
			t.Fatalf("laptop %d writes its outbox: %v %d files, %d interviews", i, err, len(wrote.Files), wrote.Items)
		}
	}
	// Nothing is marked sent by writing a bundle.
	for i, l := range w.laptops {
		if left, _ := l.Interviews.Outbox(ctx, 0); len(left) != 7+i {
			t.Fatalf("laptop %d has %d in its outbox after writing the bundle, want %d", i, len(left), 7+i)
		}
	}
	// One more laptop's bundle, changed by one byte on the way.
	extra, _ := w.laptop(t, "ani", 2)
	tdir := t.TempDir()
	wrote, err := client.WriteOutbox(ctx, client.Laptop{Interviews: extra.Interviews, State: extra.State}, tdir, "ani", w.tokens[0], time.Now())
	if err != nil || len(wrote.Files) != 1 {
		t.Fatal(wrote, err)
	}
	files := wrote.Files
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-40] ^= 1
	tampered := filepath.Join(stick, "tampered"+client.OutboxExt)
	if err := os.WriteFile(tampered, data, 0o600); err != nil {
		t.Fatal(err)
	}

	srv := relayServer(w)
	errs := importDir(t, srv, stick)
	if len(errs) != 1 || !bundle.IsTampered(errs["tampered.bundle"]) {
		t.Fatalf("import errors %v, want the tampered bundle refused", errs)
	}
	if msg := survey.ErrorMessage(errs["tampered.bundle"]); strings.Contains(msg, "\n") || !strings.Contains(msg, "changed or damaged") {
		t.Fatalf("the refusal is not one clear line: %q", msg)
	}
	if st := relayStatus(t, w.relayDB); st.Received != len(w.want) {
		t.Fatalf("the relay holds %d after the import, want %d (none of the tampered bundle)", st.Received, len(w.want))
	}
	// The same bundles again: nothing new, every receipt says already there.
	first, _ := filepath.Glob(filepath.Join(stick, "*"+client.ReceiptExt))
	firstReceipts := map[string][]byte{}
	for _, p := range first {
		firstReceipts[p], _ = os.ReadFile(p)
	}
	if errs := importDir(t, srv, stick); len(errs) != 1 {
		t.Fatalf("second import: %v", errs)
	}
	if st := relayStatus(t, w.relayDB); st.Received != len(w.want) {
		t.Fatalf("the relay holds %d after importing twice, want %d", st.Received, len(w.want))
	}
	for p, b := range firstReceipts {
		if again, _ := os.ReadFile(p); bytes.Equal(again, b) {
			t.Fatalf("%s was not written again by the second import", p)
		}
	}

	// A receipt changed on the way back is refused and marks nothing.
	rp, _ := filepath.Glob(filepath.Join(stick, "tracer-ani-*"+client.ReceiptExt))
	good, _ := os.ReadFile(rp[0])
	bad := bytes.Clone(good)
	bad[len(bad)-20] ^= 1
	if err := os.WriteFile(rp[0], bad, 0o600); err != nil {
		t.Fatal(err)
	}
	l0 := client.Laptop{Interviews: w.laptops[0].Interviews, State: w.laptops[0].State}
	sum, badFiles, err := client.ReadReceipts(ctx, l0, stick, "ani", w.tokens[0])
	if err != nil || len(badFiles) != 1 || !bundle.IsTampered(badFiles[0]) || len(sum.Outcomes) != 0 {
		t.Fatalf("a tampered receipt: %v %v %+v", err, badFiles, sum)
	}
	if left, _ := w.laptops[0].Interviews.Outbox(ctx, 0); len(left) != 7 {
		t.Fatalf("a tampered receipt marked %d sent", 7-len(left))
	}
	if err := os.WriteFile(rp[0], good, 0o600); err != nil {
		t.Fatal(err)
	}
	// Each laptop reads its own receipts (twice: harmless) and only now marks them sent.
	for i, l := range w.laptops {
		for range 2 {
			sum, badFiles, err := client.ReadReceipts(ctx, client.Laptop{Interviews: l.Interviews, State: l.State}, stick, names[i], w.tokens[i])
			if err != nil || len(badFiles) != 0 || sum.Count(survey.OutcomeStored, survey.OutcomeDuplicate) != 7+i || sum.Relay != "rina" {
				t.Fatalf("laptop %d reads its receipts: %v %v %+v", i, err, badFiles, sum)
			}
		}
	}
	if _, err := fwd.Round(ctx); err != nil {
		t.Fatal(err)
	}
	testbed.CheckSame(t, w.centre.Subs, w.want, w.laptops...)
	checkSubmitters(t, w)
}

// The centre imports bundles itself (no relay at the event): the receipts say stored at
// the server, and a bundle of a revoked account is refused.
func TestBundleToCentre(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	if _, err := newClient(t, w.centre.URL, w.relayTok).UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	// A contact attempt travels in ani's bundle with her interviews.
	att := &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: time.Now().Add(-time.Hour), Enumerator: "ani", Mode: survey.ModePhone, Outcome: "3.13"}
	if err := w.laptops[0].Attempts.Add(ctx, att); err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	names := []string{"ani", "budi", "citra"}
	for i, l := range w.laptops {
		if _, err := client.WriteOutbox(ctx, client.Laptop{Interviews: l.Interviews, State: l.State, Attempts: l.Attempts}, stick, names[i], w.tokens[i], time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.centre.Users.Revoke(ctx, "citra"); err != nil {
		t.Fatal(err)
	}
	errs := importDir(t, w.centre.Server, stick)
	if len(errs) != 1 {
		t.Fatalf("import errors %v, want citra's bundle refused", errs)
	}
	for name, err := range errs {
		if !strings.Contains(name, "citra") || survey.ErrorCode(err) != survey.EUNAUTHORIZED {
			t.Fatalf("%s: %v, want citra's refused as unauthorized", name, err)
		}
	}
	if unsent, _ := w.laptops[0].Attempts.Unsent(ctx); len(unsent) != 1 {
		t.Fatalf("the attempt is marked sent before its receipt is read: %d unsent", len(unsent))
	}
	for i, l := range w.laptops[:2] {
		sum, bad, err := client.ReadReceipts(ctx, client.Laptop{Interviews: l.Interviews, State: l.State, Attempts: l.Attempts}, stick, names[i], w.tokens[i])
		if err != nil || len(bad) != 0 || sum.Count(survey.OutcomeStored) != 7+i || sum.Relay != "" {
			t.Fatalf("laptop %d reads its receipts: %v %v %+v", i, err, bad, sum)
		}
	}
	if unsent, _ := w.laptops[0].Attempts.Unsent(ctx); len(unsent) != 0 {
		t.Fatalf("the attempt's receipt left %d unsent", len(unsent))
	}
	stored, err := sqlite.NewAttemptLedger(w.centre.DB).List(ctx, survey.AttemptFilter{})
	if err != nil || len(stored) != 1 || stored[0].ID != att.ID || stored[0].SubmittedBy != "ani" {
		t.Fatalf("the centre's attempts: %+v %v", stored, err)
	}
	testbed.CheckSame(t, w.centre.Subs, w.want[:7+8], w.laptops[:2]...)
	checkSubmitters(t, w)
}

// Roster updates proposed in the field travel on the USB stick with the interviews: the
// relay imports them (twice: the second import's receipts say already there), the laptop
// marks them sent only when it reads the receipts, and the relay forwards each to the
// centre once, as the proposer's. A relay that keeps no roster updates answers them
// waiting, and the laptop keeps them for its next sync.
func TestBundleCarriesRosterUpdates(t *testing.T) {
	ctx := context.Background()
	for _, keep := range []bool{true, false} {
		t.Run(fmt.Sprintf("keep=%v", keep), func(t *testing.T) {
			w := newWorld(t, nil)
			if _, err := newClient(t, w.centre.URL, w.relayTok).UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
				t.Fatal(err)
			}
			centre := newClient(t, w.centre.URL, w.relayTok)
			fwd := forwarder(w.relayDB, centre, 5)
			if _, err := fwd.Round(ctx); err != nil {
				t.Fatal(err)
			}
			db := w.relayDB
			cfg := server.Config{
				Users: sqlite.NewUserStore(db), Submissions: sqlite.NewSubmissionStore(db), Forms: sqlite.NewFormStore(db),
				Roster: sqlite.NewServerRosterStore(db), Returns: sqlite.NewReturnStore(db), Reviews: sqlite.NewReviewStore(db),
				Attempts: sqlite.NewAttemptLedger(db), Accounts: sqlite.NewUserStore(db),
				Relay: &server.RelayMode{Store: sqlite.NewRelayStore(db), Name: "rina"},
			}
			if keep {
				cfg.RosterUpdates = sqlite.NewRosterUpdateLedger(db)
			}
			srv := server.New(cfg)
			l := w.laptops[0]
			if _, err := l.Roster.Upsert(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, phone := range []string{"081355550101", "081355550102"} {
				u, err := l.Updates.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldPhone,
					Value: phone, ProposedBy: "ani", ProposedAt: time.Now()})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, u.ID)
			}
			laptop := client.Laptop{Interviews: l.Interviews, State: l.State, Updates: l.Updates}
			stick := t.TempDir()
			wrote, err := client.WriteOutbox(ctx, laptop, stick, "ani", w.tokens[0], time.Now())
			if err != nil || wrote.Updates != 2 || wrote.Items != 7 || len(wrote.Files) != 1 {
				t.Fatalf("the bundle: %+v %v", wrote, err)
			}
			data, err := os.ReadFile(wrote.Files[0])
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "081355550101") {
				t.Fatal("a proposed phone number is in clear on the stick")
			}
			for n := range 2 {
				if errs := importDir(t, srv, stick); len(errs) != 0 {
					t.Fatal(errs)
				}
				if unsent, _ := l.Updates.Unsent(ctx); n == 0 && len(unsent) != 2 {
					t.Fatalf("%d proposals unsent before the receipts are read, want 2", len(unsent))
				}
				sum, bad, err := client.ReadReceipts(ctx, laptop, stick, "ani", w.tokens[0])
				if err != nil || len(bad) != 0 || len(sum.Updates) != 2 {
					t.Fatalf("reading the receipts: %v %v %+v", err, bad, sum)
				}
				want := survey.OutcomeStored
				switch {
				case !keep:
					want = survey.OutcomeWaiting
				case n == 1:
					want = survey.OutcomeDuplicate
				}
				if sum.Updates[0].Outcome != want || sum.Updates[1].Outcome != want {
					t.Fatalf("import %d: the proposals' outcomes %+v, want %s", n+1, sum.Updates, want)
				}
				unsent, _ := l.Updates.Unsent(ctx)
				if keep && len(unsent) != 0 || !keep && len(unsent) != 2 {
					t.Fatalf("import %d: %d proposals left unsent", n+1, len(unsent))
				}
			}
			for range 2 {
				if _, err := fwd.Round(ctx); err != nil {
					t.Fatal(err)
				}
			}
			list, err := sqlite.NewRosterUpdateLedger(w.centre.DB).List(ctx, survey.UpdateFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if !keep {
				if len(list) != 0 {
					t.Fatalf("the centre holds %d proposals the relay answered waiting", len(list))
				}
				return
			}
			if len(list) != 2 || list[0].ID != ids[0] || list[1].ID != ids[1] || list[0].SubmittedBy != "ani" {
				t.Fatalf("the centre's roster updates: %d, want each of the 2 once as ani's", len(list))
			}
		})
	}
}
