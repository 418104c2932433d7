package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tracer/survey"
	"tracer/sync/client"
	"tracer/sync/server"
	"tracer/sync/testbed"
)

// TestRosterUpdatesSync: a correction learnt in the field travels from the laptop to the
// supervisor and, accepted, back to the laptop in the corrected roster row. Bad input is
// answered with a clear reason and nothing is lost: an alumnus not on the laptop's roster,
// a malformed number, the same proposal twice (on one laptop, from two laptops, under one
// id with another content), an alumnus assigned to someone else, a decision made twice.
func TestRosterUpdatesSync(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, nil, nil)
	ledger := testbed.Config(env.DB, nil).RosterUpdates
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	testbed.Token(t, env.Users, "eko", survey.RoleEnumerator)
	rows := []*survey.Respondent{{RosterID: "R1", Name: "Dimas", Phone: "+6281234567801", Regency: "6408"}, {RosterID: "R2", Name: "Sari"}}
	if _, err := sup.UploadRoster(ctx, rows); err != nil {
		t.Fatal(err)
	}
	for to, id := range map[string]string{"ani": "R1", "eko": "R2"} {
		if _, err := sup.Assign(ctx, to, survey.AssignSelector{RosterIDs: []string{id}}); err != nil {
			t.Fatal(err)
		}
	}
	lap := testbed.NewLaptop(t)
	laptop := client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, Updates: lap.Updates}
	if _, err := ani.Sync(ctx, laptop, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	propose := func(id string, f survey.UpdateField, v string) (*survey.RosterUpdate, error) {
		return lap.Updates.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: id, Field: f, Value: v, ProposedBy: "ani", ProposedAt: now})
	}
	// Refused on the laptop at once.
	if _, err := propose("R2", survey.FieldPhone, "081355550102"); survey.ErrorCode(err) != survey.ENOTFOUND || !strings.Contains(survey.ErrorMessage(err), "not on this laptop's roster") {
		t.Errorf("an alumnus assigned to eko: %v", err)
	}
	for _, bad := range []string{"0813-55", "+44 20 7946 0000", "0813 555x 0101", ""} {
		if _, err := propose("R1", survey.FieldPhone, bad); survey.ErrorCode(err) != survey.EINVALID {
			t.Errorf("malformed phone %q: %v", bad, err)
		}
	}
	if _, err := propose("R1", survey.FieldPhone, "0812 3456 7801"); survey.ErrorCode(err) != survey.EINVALID {
		t.Errorf("the roster's own number: %v", err)
	}
	phone, err := propose("R1", survey.FieldPhone, "0813-5555-0101")
	if err != nil || phone.Value != "+6281355550101" || phone.Old != "+6281234567801" {
		t.Fatalf("propose a phone: %+v %v", phone, err)
	}
	again, err := propose("R1", survey.FieldPhone, "+62 813 5555 0101")
	if err != nil || again.ID != phone.ID {
		t.Errorf("the same number again: %+v %v, want the first proposal back", again, err)
	}
	regency, err := propose("R1", survey.FieldRegency, "6474")
	if err != nil {
		t.Fatal(err)
	}
	if list, err := lap.Updates.List(ctx, survey.UpdateFilter{}); err != nil || len(list) != 2 {
		t.Fatalf("laptop holds %d proposals (%v), want 2", len(list), err)
	}

	sum, err := ani.Sync(ctx, laptop, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.UpdateCount(survey.OutcomeStored) != 2 || !sum.Complete() {
		t.Fatalf("first push: %+v", sum.Updates)
	}
	if unsent, _ := lap.Updates.Unsent(ctx); len(unsent) != 0 {
		t.Errorf("%d proposals left unsent after their receipts", len(unsent))
	}

	// The same proposal from a restored backup, another content under a stored id, and
	// the same value under a new id: nothing is stored twice or overwritten.
	copied := *phone
	changed := *regency
	changed.Value = "6471"
	sameValue := *phone
	sameValue.ID = survey.NewID()
	notMine := &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R2", Field: survey.FieldName, Value: "Sari Dewi", ProposedBy: "ani", ProposedAt: now}
	forged := &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldName, Value: "Dimas G", ProposedBy: "eko", ProposedAt: now}
	resp, err := ani.PushRosterUpdates(ctx, []*survey.RosterUpdate{&copied, &changed, &sameValue, notMine, forged})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		status survey.ReceiptStatus
		code   string
	}{{survey.ReceiptDuplicate, ""}, {survey.ReceiptConflict, survey.ECONFLICT}, {survey.ReceiptDuplicate, ""},
		{survey.ReceiptRefused, survey.EFORBIDDEN}, {survey.ReceiptRefused, survey.EFORBIDDEN}}
	for i, w := range want {
		if rc := resp.Receipts[i]; rc.Status != w.status || rc.Code != w.code {
			t.Errorf("receipt %d: %+v, want %s %s", i, rc, w.status, w.code)
		}
	}
	if !strings.Contains(resp.Receipts[3].Message, "not assigned to ani") {
		t.Errorf("the refusal does not say why: %q", resp.Receipts[3].Message)
	}

	// The supervisor sees masked numbers; an enumerator may not decide.
	page, err := sup.RosterUpdates(ctx, 0, survey.UpdatePending, "")
	if err != nil || len(page.Updates) != 2 {
		t.Fatalf("pending: %+v %v", page, err)
	}
	if p := page.Updates[0]; p.Value != "0813****0101" || p.Old != "0812****7801" || p.ProposedBy != "ani" || p.SubmittedBy != "ani" {
		t.Errorf("listed phone update: %+v", p)
	}
	if _, err := ani.DecideRosterUpdate(ctx, phone.ID, true, ""); survey.ErrorCode(err) != survey.EFORBIDDEN {
		t.Errorf("an enumerator accepts: %v", err)
	}
	if _, err := sup.DecideRosterUpdate(ctx, regency.ID, false, ""); survey.ErrorCode(err) != survey.EINVALID {
		t.Errorf("a rejection without a reason: %v", err)
	}
	if _, err := sup.DecideRosterUpdate(ctx, survey.NewID(), true, ""); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Errorf("an unknown update: %v", err)
	}
	acc, err := sup.DecideRosterUpdate(ctx, phone.ID, true, "dikonfirmasi lewat WA")
	if err != nil || acc.Status != survey.UpdateAccepted || acc.DecidedBy != "sri" || acc.Replaced != "0812****7801" {
		t.Fatalf("accept: %+v %v", acc, err)
	}
	if _, err := sup.DecideRosterUpdate(ctx, phone.ID, false, "salah"); survey.ErrorCode(err) != survey.ECONFLICT {
		t.Errorf("a second decision: %v", err)
	}
	if _, err := sup.DecideRosterUpdate(ctx, regency.ID, false, "kode BPS salah"); err != nil {
		t.Fatal(err)
	}
	// The history keeps everything, in full on the server.
	hist, err := ledger.List(ctx, survey.UpdateFilter{RosterID: "R1"})
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %+v %v", hist, err)
	}
	if h := hist[0]; h.Status != survey.UpdateAccepted || h.Value != "+6281355550101" || h.Replaced != "+6281234567801" ||
		h.Old != "+6281234567801" || h.Reason != "dikonfirmasi lewat WA" || h.DecidedAt.IsZero() || h.ProposedAt.IsZero() {
		t.Errorf("accepted in the history: %+v", h)
	}
	if h := hist[1]; h.Status != survey.UpdateRejected || h.Reason != "kode BPS salah" || h.Replaced != "" {
		t.Errorf("rejected in the history: %+v", h)
	}

	// The laptop's next sync pulls the corrected row: the accepted number, the old one kept
	// apart; the rejected regency is not applied.
	sum, err = ani.Sync(ctx, laptop, nil)
	if err != nil || sum.RosterRows != 1 {
		t.Fatalf("pull after the decision: %+v %v", sum, err)
	}
	r, err := lap.Roster.Get(ctx, "R1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Phone != "+6281355550101" || r.PhoneRaw != "081355550101" || r.Extra[survey.ExtraPreviousPhone] != "+6281234567801" || r.Regency != "6408" {
		t.Errorf("the pulled row: %+v", r)
	}
}

// TestRosterUpdatesWaitOnAServerWithout: a server that keeps no roster updates (a store
// without them) answers each "waiting": the laptop keeps its proposals and the rest of its
// sync (the roster pull) goes on.
func TestRosterUpdatesWaitOnAServerWithout(t *testing.T) {
	ctx := context.Background()
	env := testbed.NewEnv(t, func(c *server.Config) { c.RosterUpdates = nil }, nil)
	ani := newClient(t, env.URL, testbed.Token(t, env.Users, "ani", survey.RoleEnumerator))
	sup := newClient(t, env.URL, testbed.Token(t, env.Users, "sri", survey.RoleSupervisor))
	if _, err := sup.UploadRoster(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	lap := testbed.NewLaptop(t)
	if _, err := lap.Roster.Upsert(ctx, []*survey.Respondent{{RosterID: "R1", Name: "Dimas"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := lap.Updates.Propose(ctx, &survey.RosterUpdate{ID: survey.NewID(), RosterID: "R1", Field: survey.FieldName,
		Value: "Dimas Gunawan", ProposedBy: "ani", ProposedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	sum, err := ani.Sync(ctx, client.Laptop{Interviews: lap.Interviews, Roster: lap.Roster, State: lap.State, Updates: lap.Updates}, nil)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if len(sum.Updates) != 1 || sum.Updates[0].Outcome != survey.OutcomeWaiting || sum.RosterRows != 1 || sum.Complete() {
		t.Fatalf("summary: %+v", sum)
	}
	if unsent, err := lap.Updates.Unsent(ctx); err != nil || len(unsent) != 1 {
		t.Fatalf("the proposal on the laptop: %+v %v", unsent, err)
	}
}
