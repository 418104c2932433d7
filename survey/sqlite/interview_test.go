package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"tracer/survey"
	"tracer/survey/sqlite"
)

func newStores(t *testing.T) (*sqlite.DB, *sqlite.InterviewStore, *sqlite.EventStore) {
	t.Helper()
	db := openDB(t)
	db.Now = clock()
	return db, sqlite.NewInterviewStore(db), sqlite.NewEventStore(db)
}

func create(t *testing.T, s *sqlite.InterviewStore, respondent string) *survey.Interview {
	t.Helper()
	iv := &survey.Interview{FormID: "blk_tracer", FormVersion: "2026.1", FormHash: "f00d", RespondentID: respondent, Enumerator: "ani", Lang: "id"}
	if err := s.Create(context.Background(), iv); err != nil {
		t.Fatal(err)
	}
	return iv
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := survey.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func TestInterviewLifecycle(t *testing.T) {
	ctx := context.Background()
	_, s, events := newStores(t)
	iv := create(t, s, "BTG25-0001")
	if iv.ID == "" || iv.State != survey.StateDraft || iv.Revision != 1 || iv.StartedAt.IsZero() {
		t.Fatalf("Create gave %+v", iv)
	}

	// Answers, repeat instances and position survive a reopen of the store (tested below);
	// here: they read back as written.
	must(t, saveAnswer(ctx, s, iv.ID, "consent", "1", survey.Event{Kind: survey.EventLeave, Path: "consent"}))
	must(t, saveAnswer(ctx, s, iv.ID, "household[1]/age", "34"))
	must(t, saveAnswer(ctx, s, iv.ID, "household[2]/age", "7"))
	must(t, saveAnswer(ctx, s, iv.ID, "household[20]/age", "70"))
	must(t, saveAnswer(ctx, s, iv.ID, "household_size", "3"))
	must(t, saveAnswer(ctx, s, iv.ID, "consent", "1")) // unchanged: no change event
	must(t, saveAnswer(ctx, s, iv.ID, "household[1]/age", "35"))
	must(t, setPosition(ctx, s, iv.ID, "household[2]/age", survey.Event{Kind: survey.EventEnter, Path: "household[2]/age"}))
	must(t, s.SetLang(ctx, iv.ID, "en"))

	n, err := deleteAnswers(ctx, s, iv.ID, "household[2]")
	must(t, err)
	if n != 1 {
		t.Errorf("removing household[2] removed %d answers, want 1", n)
	}
	answers, err := s.Answers(ctx, iv.ID)
	must(t, err)
	want := []survey.Answer{{Path: "consent", Value: "1"}, {Path: "household[1]/age", Value: "35"}, {Path: "household[20]/age", Value: "70"}, {Path: "household_size", Value: "3"}}
	if diff := cmp.Diff(want, answers); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}

	// Renumbering after a removed instance is one atomic replace.
	must(t, s.SaveProgress(ctx, iv.ID, survey.Changes{Removed: []string{"household"}, Answers: []survey.Answer{{Path: "household[1]/age", Value: "35"}, {Path: "household[2]/age", Value: "70"}}}))
	answers, err = s.Answers(ctx, iv.ID)
	must(t, err)
	want = []survey.Answer{{Path: "consent", Value: "1"}, {Path: "household[1]/age", Value: "35"}, {Path: "household[2]/age", Value: "70"}, {Path: "household_size", Value: "3"}}
	if diff := cmp.Diff(want, answers); diff != "" {
		t.Errorf("answers after replace (-want +got):\n%s", diff)
	}

	got, err := s.Get(ctx, iv.ID)
	must(t, err)
	if got.Position != "household[2]/age" || got.Lang != "en" || !got.UpdatedAt.After(got.StartedAt) {
		t.Errorf("Get = %+v", got)
	}

	// Finalize freezes the revision into the outbox.
	item, err := finalize(ctx, s, iv.ID)
	must(t, err)
	rec, err := survey.DecodeRecord(item.Body)
	must(t, err)
	if rec.Revision != 1 || rec.Answers["household[2]/age"] != "70" || item.Hash != survey.HashBytes(item.Body) {
		t.Errorf("finalized record %+v hash %s", rec, item.Hash)
	}
	wantCode(t, saveAnswer(ctx, s, iv.ID, "consent", "2"), survey.ECONFLICT)
	_, err = deleteAnswers(ctx, s, iv.ID, "household")
	wantCode(t, err, survey.ECONFLICT)
	wantCode(t, setPosition(ctx, s, iv.ID, "consent"), survey.ECONFLICT)
	_, err = finalize(ctx, s, iv.ID)
	wantCode(t, err, survey.ECONFLICT)
	wantCode(t, s.Void(ctx, iv.ID, "respondent refused"), survey.ECONFLICT)

	out, err := s.Outbox(ctx, 10)
	must(t, err)
	if diff := cmp.Diff([]*survey.OutboxItem{item}, out); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}

	// The receipt must match the hash; marking twice is harmless.
	wantCode(t, s.MarkSent(ctx, survey.SentRevision{InterviewID: iv.ID, Revision: 1, Hash: "bad"}), survey.ECONFLICT)
	wantCode(t, s.MarkSent(ctx, survey.SentRevision{InterviewID: iv.ID, Revision: 2, Hash: item.Hash}), survey.ENOTFOUND)
	must(t, s.MarkSent(ctx, survey.SentRevision{InterviewID: iv.ID, Revision: 1, Hash: item.Hash}))
	must(t, s.MarkSent(ctx, survey.SentRevision{InterviewID: iv.ID, Revision: 1, Hash: item.Hash}))
	out, err = s.Outbox(ctx, 0)
	must(t, err)
	if len(out) != 0 {
		t.Errorf("outbox after MarkSent holds %d items", len(out))
	}
	got, _ = s.Get(ctx, iv.ID)
	if got.State != survey.StateSent {
		t.Errorf("state after MarkSent = %s", got.State)
	}

	// Returned and reopened: revision 2, answers kept; revision 1 stays as it was.
	_, err = s.Correct(ctx, iv.ID)
	wantCode(t, err, survey.ECONFLICT)
	wantCode(t, s.Return(ctx, iv.ID, 2, "no", nil), survey.ECONFLICT)
	must(t, s.Return(ctx, iv.ID, 1, "umur anak salah", nil))
	got, _ = s.Get(ctx, iv.ID)
	if got.State != survey.StateReturned || got.ReturnComment != "umur anak salah" {
		t.Errorf("after Return: %+v", got)
	}
	re, err := s.Correct(ctx, iv.ID)
	must(t, err)
	if re.Revision != 2 || re.State != survey.StateDraft || re.ReturnComment != "umur anak salah" || re.Position != "household[2]/age" {
		t.Errorf("Correct = %+v", re)
	}
	must(t, saveAnswer(ctx, s, iv.ID, "household[2]/age", "8"))
	item2, err := finalize(ctx, s, iv.ID)
	must(t, err)
	if item2.Revision != 2 || item2.Hash == item.Hash {
		t.Errorf("second finalize = %+v", item2)
	}
	out, _ = s.Outbox(ctx, 0)
	if len(out) != 1 || out[0].Revision != 2 {
		t.Errorf("outbox = %+v", out)
	}

	counts, err := s.Counts(ctx)
	must(t, err)
	if diff := cmp.Diff(map[survey.State]int{survey.StateFinalized: 1}, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}

	evs, err := events.Events(ctx, iv.ID)
	must(t, err)
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, string(e.Kind)+" "+e.Path+" "+e.Old+">"+e.New)
	}
	wantKinds := []string{
		"change consent >1", "leave consent >",
		"change household[1]/age >34", "change household[2]/age >7", "change household[20]/age >70",
		"change household_size >3", "change household[1]/age 34>35",
		"enter household[2]/age >", "lang  id>en",
		"remove household[2]/age 7>",
		"change household[2]/age >70", "remove household[20]/age 70>",
		"finalize  >1", "return  >umur anak salah", "reopen  >2",
		"change household[2]/age 70>8", "finalize  >2",
	}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestInterviewErrors(t *testing.T) {
	ctx := context.Background()
	_, s, events := newStores(t)
	iv := create(t, s, "")

	for _, tt := range []struct {
		name string
		err  error
		code string
	}{
		{"get missing", second(s.Get(ctx, "nope")), survey.ENOTFOUND},
		{"answers missing", second(s.Answers(ctx, "nope")), survey.ENOTFOUND},
		{"save missing", saveAnswer(ctx, s, "nope", "a", "1"), survey.ENOTFOUND},
		{"save empty path", saveAnswer(ctx, s, iv.ID, "", "1"), survey.EINVALID},
		{"delete empty prefix", second(deleteAnswers(ctx, s, iv.ID, "")), survey.EINVALID},
		{"finalize missing", second(finalize(ctx, s, "nope")), survey.ENOTFOUND},
		{"mark missing", s.MarkSent(ctx, survey.SentRevision{InterviewID: iv.ID, Revision: 1, Hash: "x"}), survey.ENOTFOUND},
		{"return draft", s.Return(ctx, iv.ID, 1, "x", nil), survey.ECONFLICT},
		{"create duplicate", s.Create(ctx, &survey.Interview{ID: iv.ID, FormID: "f", Enumerator: "e"}), survey.ECONFLICT},
		{"create no form", s.Create(ctx, &survey.Interview{Enumerator: "e"}), survey.EINVALID},
		{"create bad id", s.Create(ctx, &survey.Interview{ID: "42", FormID: "f", Enumerator: "e"}), survey.EINVALID},
		{"event unknown interview", events.Append(ctx, survey.Event{InterviewID: "nope", Kind: survey.EventEnter}), survey.ENOTFOUND},
		{"event without kind", events.Append(ctx, survey.Event{InterviewID: iv.ID}), survey.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.code) })
	}
}

func TestListAndDelete(t *testing.T) {
	ctx := context.Background()
	_, s, _ := newStores(t)
	a := create(t, s, "R1")
	b := create(t, s, "R2")
	c := create(t, s, "R1")
	if _, err := finalize(ctx, s, b.ID); err != nil {
		t.Fatal(err)
	}
	ids := func(ivs []*survey.Interview, err error) []string {
		t.Helper()
		must(t, err)
		var out []string
		for _, iv := range ivs {
			out = append(out, iv.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		filter survey.InterviewFilter
		want   []string
	}{
		{"all, latest first", survey.InterviewFilter{}, []string{b.ID, c.ID, a.ID}},
		{"drafts", survey.InterviewFilter{State: survey.StateDraft}, []string{c.ID, a.ID}},
		{"respondent", survey.InterviewFilter{RespondentID: "R1"}, []string{c.ID, a.ID}},
		{"limit", survey.InterviewFilter{Limit: 1, Offset: 1}, []string{c.ID}},
		{"offset", survey.InterviewFilter{Offset: 2}, []string{a.ID}},
		{"enumerator", survey.InterviewFilter{Enumerator: "budi"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(s.List(ctx, tt.filter))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	must(t, s.Void(ctx, a.ID, "respondent refused"))
	wantCode(t, second(s.Get(ctx, a.ID)), survey.ENOTFOUND)
	wantCode(t, s.Void(ctx, b.ID, "respondent refused"), survey.ECONFLICT)
}

// TestDraftResumes closes the store and opens it again: the draft comes back at its
// position with every answer and repeat instance.
func TestDraftResumes(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/" + sqlite.FileName
	db, err := sqlite.Open(ctx, path)
	must(t, err)
	s := sqlite.NewInterviewStore(db)
	iv := create(t, s, "BTG25-0007")
	want := []survey.Answer{{Path: "consent", Value: "1"}, {Path: "jobs[1]/title", Value: "welder"}, {Path: "jobs[2]/title", Value: "operator"}}
	for _, a := range want {
		must(t, saveAnswer(ctx, s, iv.ID, a.Path, a.Value))
	}
	must(t, setPosition(ctx, s, iv.ID, "jobs[2]/wage"))
	must(t, db.Close())

	db = openAt(t, path)
	s = sqlite.NewInterviewStore(db)
	got, err := s.Get(ctx, iv.ID)
	must(t, err)
	if diff := cmp.Diff(iv, got, cmpopts.IgnoreFields(survey.Interview{}, "UpdatedAt", "Position")); diff != "" {
		t.Errorf("interview (-want +got):\n%s", diff)
	}
	if got.Position != "jobs[2]/wage" {
		t.Errorf("position = %q", got.Position)
	}
	answers, err := s.Answers(ctx, iv.ID)
	must(t, err)
	if diff := cmp.Diff(want, answers); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
}

// TestOutboxImmutable checks that the database itself refuses to change a finalized
// revision, whatever the application code does.
func TestOutboxImmutable(t *testing.T) {
	ctx := context.Background()
	db, s, _ := newStores(t)
	iv := create(t, s, "")
	if _, err := finalize(ctx, s, iv.ID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE outbox SET body = 'x'`,
		`UPDATE outbox SET hash = 'x'`,
		`DELETE FROM outbox`,
	} {
		t.Run(q, func(t *testing.T) {
			if err := sqlite.ExecForTest(ctx, db, q); survey.ErrorCode(err) != survey.ECONFLICT {
				t.Errorf("%s: %v, want ECONFLICT", q, err)
			}
		})
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func second[T any](_ T, err error) error { return err }

// saveAnswer saves one changed answer with events as the interview screen does.
func saveAnswer(ctx context.Context, s *sqlite.InterviewStore, id, path, value string, events ...survey.Event) error {
	return s.SaveProgress(ctx, id, survey.Changes{Answers: []survey.Answer{{Path: path, Value: value}}, Events: events})
}

// setPosition saves a move to position with events.
func setPosition(ctx context.Context, s *sqlite.InterviewStore, id, position string, events ...survey.Event) error {
	return s.SaveProgress(ctx, id, survey.Changes{Position: position, Events: events})
}

// deleteAnswers removes the answers under prefix and returns how many the store lost.
func deleteAnswers(ctx context.Context, s *sqlite.InterviewStore, id, prefix string) (int, error) {
	before, _ := s.Answers(ctx, id)
	if err := s.SaveProgress(ctx, id, survey.Changes{Removed: []string{prefix}}); err != nil {
		return 0, err
	}
	after, err := s.Answers(ctx, id)
	return len(before) - len(after), err
}

// finalize freezes the interview with its stored answers as the final ones.
func finalize(ctx context.Context, s *sqlite.InterviewStore, id string) (*survey.OutboxItem, error) {
	answers, _ := s.Answers(ctx, id)
	return s.Finalize(ctx, id, answers)
}

// TestFinalizeFreezesTheFinalAnswers: the answers given to Finalize replace the stored
// ones in the same transaction (an answer that became irrelevant is dropped, as ODK does),
// and the record holds exactly them.
func TestFinalizeFreezesTheFinalAnswers(t *testing.T) {
	ctx := context.Background()
	_, s, events := newStores(t)
	iv := create(t, s, "R1")
	must(t, s.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{
		{Path: "consent", Value: "1"}, {Path: "employed", Value: "1"}, {Path: "wage", Value: "4000000"},
	}}))
	final := []survey.Answer{{Path: "employed", Value: "0"}, {Path: "consent", Value: "1"}}
	_, err := s.Finalize(ctx, iv.ID, []survey.Answer{{Path: "", Value: "x"}})
	wantCode(t, err, survey.EINVALID)
	item, err := s.Finalize(ctx, iv.ID, final)
	must(t, err)
	rec, err := survey.DecodeRecord(item.Body)
	must(t, err)
	if diff := cmp.Diff(map[string]string{"consent": "1", "employed": "0"}, rec.Answers); diff != "" {
		t.Errorf("record answers (-want +got):\n%s", diff)
	}
	stored, err := s.Answers(ctx, iv.ID)
	must(t, err)
	if diff := cmp.Diff([]survey.Answer{{Path: "consent", Value: "1"}, {Path: "employed", Value: "0"}}, stored); diff != "" {
		t.Errorf("stored answers (-want +got):\n%s", diff)
	}
	evs, err := events.Events(ctx, iv.ID)
	must(t, err)
	var kinds []string
	for _, e := range evs[3:] {
		kinds = append(kinds, string(e.Kind)+" "+e.Path+" "+e.Old+">"+e.New)
	}
	if diff := cmp.Diff([]string{"change employed 1>0", "remove wage 4000000>", "finalize  >1"}, kinds); diff != "" {
		t.Errorf("events of finalize (-want +got):\n%s", diff)
	}
}

// TestVoidKeepsTheReason: a voided draft is gone with its answers, and its id, respondent,
// enumerator and reason stay.
func TestVoidKeepsTheReason(t *testing.T) {
	ctx := context.Background()
	_, s, _ := newStores(t)
	iv := create(t, s, "R7")
	must(t, saveAnswer(ctx, s, iv.ID, "consent", "1"))
	wantCode(t, s.Void(ctx, iv.ID, "  "), survey.EINVALID)
	wantCode(t, s.Void(ctx, "nope", "duplicate"), survey.ENOTFOUND)
	must(t, s.Void(ctx, iv.ID, "started for the wrong alumnus"))
	wantCode(t, second(s.Get(ctx, iv.ID)), survey.ENOTFOUND)
	wantCode(t, second(s.Answers(ctx, iv.ID)), survey.ENOTFOUND)
	got, err := s.Voided(ctx)
	must(t, err)
	want := []survey.VoidedDraft{{InterviewID: iv.ID, FormID: "blk_tracer", RespondentID: "R7", Enumerator: "ani", Reason: "started for the wrong alumnus"}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(survey.VoidedDraft{}, "VoidedAt")); diff != "" {
		t.Errorf("voided (-want +got):\n%s", diff)
	}
	if len(got) == 1 && got[0].VoidedAt.IsZero() {
		t.Error("voided draft has no time")
	}
}

// TestSaveProgressRefusesAnEventWithoutKind: a malformed event refuses the whole save.
func TestSaveProgressRefusesAnEventWithoutKind(t *testing.T) {
	ctx := context.Background()
	_, s, _ := newStores(t)
	iv := create(t, s, "")
	err := s.SaveProgress(ctx, iv.ID, survey.Changes{Answers: []survey.Answer{{Path: "consent", Value: "1"}}, Events: []survey.Event{{Path: "consent"}}})
	wantCode(t, err, survey.EINVALID)
	if got, _ := s.Answers(ctx, iv.ID); len(got) != 0 {
		t.Errorf("answers after a refused save: %+v", got)
	}
}

// TestCreateFinalized: a completed interview is stored new and finalized in one call, its
// answers frozen into the outbox; an id that exists is refused and changes nothing.
func TestCreateFinalized(t *testing.T) {
	ctx := context.Background()
	_, s, _ := newStores(t)
	iv := &survey.Interview{FormID: "blk_tracer", FormVersion: "2026.1", RespondentID: "R1", Enumerator: "ani"}
	item, err := s.CreateFinalized(ctx, iv, []survey.Answer{{Path: "consent", Value: "no"}})
	must(t, err)
	got, err := s.Get(ctx, iv.ID)
	must(t, err)
	if got.State != survey.StateFinalized || got.Revision != 1 || item.InterviewID != iv.ID || item.Revision != 1 {
		t.Errorf("stored %+v, outbox item %+v", got, item)
	}
	rec, err := survey.DecodeRecord(item.Body)
	must(t, err)
	if rec.Answers["consent"] != "no" || len(rec.Answers) != 1 {
		t.Errorf("record answers %v", rec.Answers)
	}
	twin := &survey.Interview{ID: iv.ID, FormID: "blk_tracer", Enumerator: "eko"}
	_, err = s.CreateFinalized(ctx, twin, nil)
	wantCode(t, err, survey.ECONFLICT)
	out, err := s.Outbox(ctx, 0)
	must(t, err)
	if len(out) != 1 {
		t.Errorf("outbox holds %d items after a refused create, want 1", len(out))
	}
	_, err = s.CreateFinalized(ctx, &survey.Interview{Enumerator: "ani"}, nil)
	wantCode(t, err, survey.EINVALID)
}

// TestTriggerAbortKeepsItsText: only the outbox triggers' abort says a finalized revision
// cannot be changed; another trigger's abort reaches the caller with its own text.
func TestTriggerAbortKeepsItsText(t *testing.T) {
	ctx := context.Background()
	db, s, _ := newStores(t)
	iv := create(t, s, "")
	if _, err := finalize(ctx, s, iv.ID); err != nil {
		t.Fatal(err)
	}
	err := sqlite.ExecForTest(ctx, db, `DELETE FROM outbox`)
	if survey.ErrorCode(err) != survey.ECONFLICT || survey.ErrorMessage(err) != "A finalized revision cannot be changed." {
		t.Errorf("deleting a finalized revision: %v, want the finalized revision's conflict", err)
	}
	if err := sqlite.ExecForTest(ctx, db, `CREATE TRIGGER frozen_roster BEFORE INSERT ON respondents
		BEGIN SELECT RAISE(ABORT, 'the roster is frozen for the wave'); END`); err != nil {
		t.Fatal(err)
	}
	err = sqlite.ExecForTest(ctx, db, `INSERT INTO respondents (roster_id, name) VALUES ('R9', 'Sari')`)
	if err == nil {
		t.Fatal("the trigger did not abort the insert")
	}
	if !strings.Contains(err.Error(), "the roster is frozen for the wave") || strings.Contains(err.Error(), "finalized revision") {
		t.Errorf("another trigger's abort: %q, want its own text", err)
	}
	if survey.ErrorCode(err) == survey.ECONFLICT {
		t.Errorf("another trigger's abort became a conflict: %v", err)
	}
}

// TestMarkSentBatch: the receipts of one push are recorded together; a revision that is not
// in the outbox or has another hash is left as it was, the others are marked sent, and the
// first refusal is returned.
func TestMarkSentBatch(t *testing.T) {
	ctx := context.Background()
	_, s, _ := newStores(t)
	var items []*survey.OutboxItem
	for _, r := range []string{"BTG25-0001", "BTG25-0002", "BTG25-0003"} {
		iv := create(t, s, r)
		item, err := finalize(ctx, s, iv.ID)
		must(t, err)
		items = append(items, item)
	}
	sent := func(it *survey.OutboxItem) survey.SentRevision {
		return survey.SentRevision{InterviewID: it.InterviewID, Revision: it.Revision, Hash: it.Hash}
	}
	bad := sent(items[1])
	bad.Hash = "other"
	missing := sent(items[2])
	missing.Revision = 2
	wantCode(t, s.MarkSent(ctx, sent(items[0]), bad, missing, sent(items[2])), survey.ECONFLICT)
	out, err := s.Outbox(ctx, 0)
	must(t, err)
	if len(out) != 1 || out[0].InterviewID != items[1].InterviewID {
		t.Fatalf("outbox after a batch with one wrong hash holds %v, want only %s", out, items[1].InterviewID)
	}
	for i, it := range items {
		got, err := s.Get(ctx, it.InterviewID)
		must(t, err)
		want := survey.StateSent
		if i == 1 {
			want = survey.StateFinalized
		}
		if got.State != want {
			t.Errorf("interview %d is %s, want %s", i+1, got.State, want)
		}
	}
	must(t, s.MarkSent(ctx))
	must(t, s.MarkSent(ctx, sent(items[1]), sent(items[0])))
	if out, _ := s.Outbox(ctx, 0); len(out) != 0 {
		t.Errorf("outbox after marking the rest holds %d", len(out))
	}
}
