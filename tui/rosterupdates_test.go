package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// ledgerDecider decides on the real server ledger as supervisor by: what the sync client
// does over HTTP, without the network.
type ledgerDecider struct {
	l  *sqlite.RosterUpdateLedger
	by string
}

func (d ledgerDecider) ListRosterUpdates(ctx context.Context, st survey.UpdateStatus, rosterID string) ([]*survey.RosterUpdate, error) {
	return d.l.List(ctx, survey.UpdateFilter{Status: st, RosterID: rosterID})
}

func (d ledgerDecider) DecideRosterUpdate(ctx context.Context, id string, accept bool, reason string) (*survey.RosterUpdate, error) {
	return d.l.Decide(ctx, id, accept, d.by, reason)
}

// withUpdates gives e a supervisor's decider on a server roster holding BTG25-0071 with two
// proposals from the field: a new number and a corrected name.
func withUpdates(t *testing.T, e *env) *sqlite.RosterUpdateLedger {
	t.Helper()
	ctx := context.Background()
	if _, err := sqlite.NewServerRosterStore(e.db).Upload(ctx, []*survey.Respondent{
		{RosterID: "BTG25-0071", Name: "Dimas Gunawan", Phone: "+6281234567801", PhoneRaw: "081234567801"},
	}); err != nil {
		t.Fatal(err)
	}
	l := sqlite.NewRosterUpdateLedger(e.db)
	at := fixedNow.Add(-time.Hour)
	rcs, err := l.Ingest(ctx, []*survey.RosterUpdate{
		{ID: "0f2b6a5e-0000-4000-8000-000000000001", RosterID: "BTG25-0071", Field: survey.FieldPhone, Value: "+6281355550101",
			Old: "+6281234567801", Note: "nomor dari kakaknya", ProposedBy: "ani", ProposedAt: at},
		{ID: "0f2b6a5e-0000-4000-8000-000000000002", RosterID: "BTG25-0071", Field: survey.FieldName, Value: "Dimas Gunawan Putra",
			Old: "Dimas Gunawan", ProposedBy: "ani", ProposedAt: at},
	}, "ani", true)
	if err != nil || rcs[0].Status != survey.ReceiptStored || rcs[1].Status != survey.ReceiptStored {
		t.Fatalf("fixture proposals: %+v %v", rcs, err)
	}
	e.cfg.Decider = ledgerDecider{l: l, by: "sri"}
	return l
}

// TestRosterUpdatesScreen: the supervisor sees the pending proposals (numbers masked),
// rejects one only with a reason, accepts the other, which changes the central roster row,
// and finds both in the history with who decided and why.
func TestRosterUpdatesScreen(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	withReviewer(t, e)
	l := withUpdates(t, e)
	m := start(t, e)
	if v := plain(m); !strings.Contains(v, "u  Usulan perbaikan roster") {
		t.Fatalf("home offers no roster updates:\n%s", v)
	}
	drive(t, m, keypress("u"))
	v := plain(m)
	if m.screen != screenUpdates || !strings.Contains(v, "menunggu keputusan: 2") ||
		!strings.Contains(v, "Nomor telepon: 0813****0101 (sebelumnya 0812****7801)") || strings.Contains(v, "081355550101") {
		t.Fatalf("the pending updates, numbers masked:\n%s", v)
	}
	// Down to the name; x with no reason is refused and decides nothing.
	drive(t, m, keypress("down"))
	drive(t, m, keypress("x"))
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Penolakan perlu alasan") {
		t.Fatalf("a rejection without a reason:\n%s", v)
	}
	if p, _ := l.List(ctx, survey.UpdateFilter{Status: survey.UpdatePending}); len(p) != 2 {
		t.Fatalf("decided without a reason: %d pending", len(p))
	}
	typeText(t, m, "ejaan di ijazah")
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "Usulan untuk BTG25-0071 ditolak") || !strings.Contains(v, "menunggu keputusan: 1") {
		t.Fatalf("after the rejection:\n%s", v)
	}
	// a on the number, esc: nothing; a, enter: accepted.
	drive(t, m, keypress("a"))
	drive(t, m, keypress("esc"))
	if p, _ := l.List(ctx, survey.UpdateFilter{Status: survey.UpdatePending}); len(p) != 1 {
		t.Fatalf("esc decided: %d pending", len(p))
	}
	drive(t, m, keypress("a"))
	drive(t, m, keypress("enter"))
	if v := plain(m); !strings.Contains(v, "diterima") || !strings.Contains(v, "menunggu keputusan: 0") {
		t.Fatalf("after accepting:\n%s", v)
	}
	rows, err := sqlite.NewServerRosterStore(e.db).Changes(ctx, 0, 10, "")
	if err != nil || len(rows) != 1 || rows[0].Respondent.Phone != "+6281355550101" || rows[0].Respondent.Name != "Dimas Gunawan" {
		t.Fatalf("the central roster row: %+v %v", rows, err)
	}
	drive(t, m, keypress("tab"))
	v = plain(m)
	if !strings.Contains(v, "Riwayat usulan perbaikan roster: 2") || !strings.Contains(v, "diterima sri") {
		t.Fatalf("the history:\n%s", v)
	}
	drive(t, m, keypress("down"))
	if v := plain(m); !strings.Contains(v, "ditolak sri") || !strings.Contains(v, "ejaan di ijazah") {
		t.Fatalf("the history, the rejection selected:\n%s", v)
	}
	// A decided one cannot be decided again.
	drive(t, m, keypress("a"))
	if u := m.pages[screenUpdates].(*updatesScreen); u.deciding {
		t.Error("a decided update offers a decision")
	}
}

// A decision is taken on the proposal it was begun on: when the list is read again (after
// the previous decision) while the reason is typed, the list's new order hands the decision
// to no other proposal.
func TestRosterUpdateDecisionStaysOnItsProposal(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	withReviewer(t, e)
	l := withUpdates(t, e)
	third := &survey.RosterUpdate{ID: "0f2b6a5e-0000-4000-8000-000000000003", RosterID: "BTG25-0071", Field: survey.FieldRegency,
		Value: "6472", ProposedBy: "ani", ProposedAt: fixedNow.Add(-time.Hour)}
	if rcs, err := l.Ingest(ctx, []*survey.RosterUpdate{third}, "ani", true); err != nil || rcs[0].Status != survey.ReceiptStored {
		t.Fatalf("third proposal: %+v %v", rcs, err)
	}
	m := start(t, e)
	drive(t, m, keypress("u"))
	v := m.pages[screenUpdates].(*updatesScreen)
	if len(v.list) != 3 {
		t.Fatalf("%d pending", len(v.list))
	}
	first := v.list[0].ID
	drive(t, m, keypress("a"))
	_, cmd := m.Update(keypress("enter"))
	var reload []tea.Cmd
	for _, msg := range runCmd(cmd) {
		_, c := m.Update(msg)
		reload = append(reload, c)
	}
	drive(t, m, keypress("down"))
	chosen := v.list[v.cursor].ID
	drive(t, m, keypress("x"))
	typeText(t, m, "salah")
	for _, c := range reload {
		for _, msg := range runCmd(c) {
			drive(t, m, msg)
		}
	}
	drive(t, m, keypress("enter"))
	got, err := l.List(ctx, survey.UpdateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]survey.UpdateStatus{first: survey.UpdateAccepted, chosen: survey.UpdateRejected}
	for _, u := range got {
		if w, ok := want[u.ID]; !ok && u.Status != survey.UpdatePending || ok && u.Status != w {
			t.Errorf("%s %s is %s, want %s (the proposals decided: %s accepted, %s rejected)", u.ID, u.Field, u.Status, w, first, chosen)
		}
	}
}
