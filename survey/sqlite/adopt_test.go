package sqlite_test

import (
	"context"
	"testing"

	"tracer/survey"
	"tracer/survey/sqlite"
)

// TestAdopt: at a laptop's first enrollment the account adopts the drafts, the revisions
// not sent and the attempts made in the computer user's name; a revision already sent
// keeps its maker, adopting again changes nothing, and the outbox is immutable after as
// before.
func TestAdopt(t *testing.T) {
	ctx := context.Background()
	db, s, _ := newStores(t)
	made := func(respondent string) *survey.Interview {
		t.Helper()
		iv := &survey.Interview{FormID: "blk_tracer", FormVersion: "2026.1", FormHash: "f00d", RespondentID: respondent, Enumerator: "komputer", Lang: "id"}
		must(t, s.Create(ctx, iv))
		must(t, saveAnswer(ctx, s, iv.ID, "consent", "1"))
		return iv
	}
	draft, unsent, sent := made("R1"), made("R2"), made("R3")
	before, err := finalize(ctx, s, unsent.ID)
	must(t, err)
	item, err := finalize(ctx, s, sent.ID)
	must(t, err)
	must(t, s.MarkSent(ctx, survey.SentRevision{InterviewID: sent.ID, Revision: 1, Hash: item.Hash}))
	attempts := sqlite.NewAttemptStore(db)
	must(t, attempts.Add(ctx, &survey.Attempt{ID: survey.NewID(), RosterID: "R1", At: db.Now(), Enumerator: "komputer", Mode: survey.ModePhone, Outcome: "2.21"}))

	got, err := db.Adopt(ctx, "sari", true)
	if err != nil || got != (sqlite.Adopted{Interviews: 1, Drafts: 1, Attempts: 1}) {
		t.Fatalf("Adopt: %+v %v, want 1 finalized interview, 1 draft and 1 attempt", got, err)
	}
	for id, want := range map[string]string{draft.ID: "sari", unsent.ID: "sari", sent.ID: "komputer"} {
		iv, err := s.Get(ctx, id)
		if err != nil || iv.Enumerator != want {
			t.Errorf("interview %s: %v, enumerator %q, want %q", id, err, iv.Enumerator, want)
		}
	}
	outbox, err := s.Outbox(ctx, 0)
	must(t, err)
	if len(outbox) != 1 || outbox[0].InterviewID != unsent.ID {
		t.Fatalf("outbox %+v", outbox)
	}
	rec, err := survey.DecodeRecord(outbox[0].Body)
	must(t, err)
	if rec.Enumerator != "sari" || outbox[0].Hash != survey.HashBytes(outbox[0].Body) || outbox[0].Hash == before.Hash || rec.Answers["consent"] != "1" {
		t.Errorf("the adopted revision: enumerator %q, hash %s of body %s (was %s), answers %v", rec.Enumerator, outbox[0].Hash, survey.HashBytes(outbox[0].Body), before.Hash, rec.Answers)
	}
	list, err := attempts.Unsent(ctx)
	if err != nil || len(list) != 1 || list[0].Enumerator != "sari" {
		t.Errorf("attempts %v %+v", err, list)
	}
	if again, err := db.Adopt(ctx, "sari", true); err != nil || again.Total() != 0 {
		t.Errorf("adopting again: %+v %v", again, err)
	}
	// Logged in as another account, the laptop holds sari's work; the sent interview is
	// no one's to wait for.
	if w, err := db.WaitingOfOthers(ctx, "budi"); err != nil || len(w) != 1 || w[0] != (sqlite.Waiting{Account: "sari", Drafts: 1, Unsent: 1, Attempts: 1}) {
		t.Errorf("waiting of others than budi: %+v %v", w, err)
	}
	if w, err := db.WaitingOfOthers(ctx, "sari"); err != nil || len(w) != 0 {
		t.Errorf("waiting of others than sari: %+v %v", w, err)
	}
	// sari's attempt, refused as sent by budi's sync, goes again after sari's login.
	must(t, attempts.Refuse(ctx, list[0].ID, `Attempt x names "sari" as its maker; an enumerator sends only her own (budi). (forbidden)`))
	if n, err := db.ForgetForbidden(ctx, "budi"); err != nil || n != 0 {
		t.Errorf("ForgetForbidden(budi): %d %v", n, err)
	}
	if n, err := db.ForgetForbidden(ctx, "sari"); err != nil || n != 1 {
		t.Errorf("ForgetForbidden(sari): %d %v", n, err)
	}
	if again, err := attempts.Unsent(ctx); err != nil || len(again) != 1 {
		t.Errorf("after ForgetForbidden: %v %+v", err, again)
	}
	// Once adopted, or once sent, a revision cannot be rewritten.
	for _, q := range []string{
		`UPDATE outbox SET body = 'x', adopted_at = 'now' WHERE interview_id = '` + unsent.ID + `'`,
		`UPDATE outbox SET hash = 'x', adopted_at = 'now' WHERE interview_id = '` + unsent.ID + `'`,
		`UPDATE outbox SET body = 'x', adopted_at = 'now' WHERE interview_id = '` + sent.ID + `'`,
		`UPDATE outbox SET adopted_at = NULL WHERE interview_id = '` + unsent.ID + `'`,
		`UPDATE outbox SET body = 'x'`,
		`UPDATE outbox SET hash = 'x'`,
	} {
		if err := sqlite.ExecForTest(ctx, db, q); survey.ErrorCode(err) != survey.ECONFLICT {
			t.Errorf("%s: %v, want ECONFLICT", q, err)
		}
	}
}

// TestAdoptNotedNames: at a login after the first, the account adopts only what names noted
// as unenrolled made (a screen open across the first login); a noted name that is the
// account's own is forgotten as such, and another account's work stays its own.
func TestAdoptNotedNames(t *testing.T) {
	ctx := context.Background()
	db, s, _ := newStores(t)
	made := func(by string) *survey.Interview {
		t.Helper()
		iv := &survey.Interview{FormID: "blk_tracer", FormVersion: "2026.1", RespondentID: "R1", Enumerator: by, Lang: "id"}
		must(t, s.Create(ctx, iv))
		return iv
	}
	must(t, db.NoteUnenrolled(ctx, "enumerator"))
	must(t, db.NoteUnenrolled(ctx, "sari"))
	placeholder, sari, budi := made("enumerator"), made("sari"), made("budi")
	// sari logs in: her own name is no unenrolled one any more; "enumerator"'s draft is hers.
	if a, err := db.Adopt(ctx, "sari", false); err != nil || a != (sqlite.Adopted{Drafts: 1}) {
		t.Fatalf("sari's login: %+v %v", a, err)
	}
	// dewi logs in later: nothing of sari's, nor budi's, is hers.
	if a, err := db.Adopt(ctx, "dewi", false); err != nil || a.Total() != 0 {
		t.Fatalf("dewi's login: %+v %v", a, err)
	}
	for id, want := range map[string]string{placeholder.ID: "sari", sari.ID: "sari", budi.ID: "budi"} {
		if iv, err := s.Get(ctx, id); err != nil || iv.Enumerator != want {
			t.Errorf("%s: %v %q, want %q", id, err, iv.Enumerator, want)
		}
	}
}
