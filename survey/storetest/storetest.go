// Package storetest is the contract of the server's survey stores, as one test suite that
// every implementation runs (survey/sqlite and survey/postgres): accounts and enrollment
// (a relay's offline enrollments too),
// published forms, the roster and its assignments, pushed revisions with their receipts,
// review and returns, contact attempts, self-response links, waves, the instanceIDs of
// ODK Collect's revisions, and the cursors
// laptops page with while several writers store at once.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tracer/survey"
)

// Stores are the server stores of one database, opened through one handle (one
// connection pool, as one server process has).
type Stores struct {
	Users       survey.UserStore
	LaptopKeys  survey.LaptopKeyStore
	Submissions survey.SubmissionStore
	Forms       survey.FormStore
	Roster      survey.ServerRosterStore
	Returns     survey.ReturnStore
	Reviews     survey.ReviewStore
	Attempts    survey.AttemptLedger
	// RosterUpdates keeps the roster updates proposed in the field.
	RosterUpdates survey.RosterUpdateLedger
	// Links keeps self-response links.
	Links survey.LinkStore
	// Waves keeps the study's waves.
	Waves survey.WaveStore

	// SetNow replaces the clock of the handle's stores; tests restore time.Now.
	SetNow func(func() time.Time)
	// SQL is the handle, for checks of what the tables hold.
	SQL *sql.DB
}

// Opener opens the stores of one database through a new handle each time it is called,
// as another server process on the same database would.
type Opener func(t *testing.T) Stores

// NewDB makes a fresh, empty database for one test and returns its Opener.
type NewDB func(t *testing.T) Opener

// Run runs the contract against the implementation whose databases newDB makes.
func Run(t *testing.T, newDB NewDB) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Users", testUsers},
		{"LaptopKeys", testLaptopKeys},
		{"RelayEnroll", testRelayEnroll},
		{"Forms", testForms},
		{"FormInterviews", testFormInterviews},
		{"Roster", testRoster},
		{"RosterDepartures", testRosterDepartures},
		{"RosterPages", testRosterPages},
		{"Ingest", testIngest},
		{"ReviewStateMachine", testReviewStateMachine},
		{"ReviewsOfOneBatch", testReviewsOfOneBatch},
		{"IDsEndingWith", testIDsEndingWith},
		{"LargeMixedBatch", testLargeMixedBatch},
		{"RosterRecords", testRosterRecords},
		{"LatestRecords", testLatestRecords},
		{"Attempts", testAttempts},
		{"RosterUpdates", testRosterUpdates},
		{"Links", testLinks},
		{"Waves", testWaves},
		{"LateRefusals", testLateRefusals},
		{"Instances", testInstances},
		{"ConcurrentPushes", testConcurrentPushes},
		{"CommitOrderedCursors", testCommitOrderedCursors},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newDB(t)) })
	}
}

// Submission returns a finalized revision of interview id by enumerator ani whose one
// answer is income.
func Submission(t testing.TB, id string, rev int, income string) *survey.Submission {
	t.Helper()
	rec := &survey.Record{ID: id, Revision: rev, FormID: "f", FormVersion: "1", Enumerator: "ani",
		StartedAt: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), FinalizedAt: time.Date(2026, 1, 1, 9, 30, 0, 0, time.UTC),
		Answers: map[string]string{"income_exact": income}}
	body, err := rec.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return &survey.Submission{InterviewID: id, Revision: rev, Hash: survey.HashBytes(body), Body: body, FormID: "f", FormVersion: "1",
		Enumerator: "ani", SubmittedBy: "ani"}
}

// wantCode fails the test unless err has the domain code want ("" for no error).
func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := survey.ErrorCode(err); got != want {
		t.Fatalf("%s: %v (code %q), want code %q", what, err, got, want)
	}
}

func testUsers(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	u, code, err := s.Users.CreateUser(ctx, "sari", survey.RoleEnumerator)
	if err != nil || u.Name != "sari" || u.Role != survey.RoleEnumerator || code == "" {
		t.Fatalf("create: %+v %q %v", u, code, err)
	}
	_, _, err = s.Users.CreateUser(ctx, "sari", survey.RoleAdmin)
	wantCode(t, "the same name again", err, survey.ECONFLICT)
	_, _, err = s.Users.CreateUser(ctx, "has space", survey.RoleAdmin)
	wantCode(t, "a name with a space", err, survey.EINVALID)
	_, _, err = s.Users.CreateUser(ctx, "budi", survey.Role("boss"))
	wantCode(t, "an unknown role", err, survey.EINVALID)

	token, who, err := s.Users.Enroll(ctx, code, "laptop-1")
	if err != nil || who.Name != "sari" || token == "" {
		t.Fatalf("enroll: %q %+v %v", token, who, err)
	}
	_, _, err = s.Users.Enroll(ctx, code, "laptop-2")
	wantCode(t, "a used code", err, survey.EUNAUTHORIZED)
	_, _, err = s.Users.Enroll(ctx, "ACDE-2345", "laptop-2")
	wantCode(t, "an unknown code", err, survey.EUNAUTHORIZED)
	got, err := s.Users.Authenticate(ctx, token)
	if err != nil || got.Name != "sari" || got.Role != survey.RoleEnumerator {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	_, err = s.Users.Authenticate(ctx, token+"x")
	wantCode(t, "an unknown token", err, survey.EUNAUTHORIZED)

	// A code is typed as it is read aloud: lower case, spaces.
	code2, err := s.Users.NewCode(ctx, "sari")
	if err != nil {
		t.Fatal(err)
	}
	spoken := fmt.Sprintf(" %s ", toLower(code2))
	token2, _, err := s.Users.Enroll(ctx, spoken, "laptop-2")
	if err != nil {
		t.Fatalf("enroll with %q: %v", spoken, err)
	}
	_, err = s.Users.NewCode(ctx, "nobody")
	wantCode(t, "a code for nobody", err, survey.ENOTFOUND)

	// Another handle on the same database sees the same accounts and codes.
	other := open(t)
	code3, err := s.Users.NewCode(ctx, "sari")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Users.Enroll(ctx, code3, "laptop-3"); err != nil {
		t.Fatalf("enroll through another handle: %v", err)
	}
	list, err := other.Users.Users(ctx)
	if err != nil || len(list) != 1 || list[0].Tokens != 3 {
		t.Fatalf("users: %+v %v, want sari with 3 tokens", list, err)
	}

	if err := s.Users.Revoke(ctx, "sari"); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.Revoke(ctx, "sari"); err != nil {
		t.Fatalf("revoke twice: %v", err)
	}
	wantCode(t, "revoke nobody", s.Users.Revoke(ctx, "nobody"), survey.ENOTFOUND)
	for _, tok := range []string{token, token2} {
		_, err := other.Users.Authenticate(ctx, tok)
		wantCode(t, "a revoked account's token", err, survey.EUNAUTHORIZED)
	}
	_, err = s.Users.NewCode(ctx, "sari")
	wantCode(t, "a code for a revoked account", err, survey.ECONFLICT)
	list, err = s.Users.Users(ctx)
	if err != nil || len(list) != 1 || list[0].RevokedAt.IsZero() || list[0].Tokens != 0 {
		t.Fatalf("users after the revocation: %+v %v", list, err)
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func testLaptopKeys(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	if _, _, err := s.Users.CreateUser(ctx, "ani", survey.RoleEnumerator); err != nil {
		t.Fatal(err)
	}
	_, err := s.LaptopKeys.LaptopKey(ctx, "ani", "L1")
	wantCode(t, "no key yet", err, survey.ENOTFOUND)
	if err := s.LaptopKeys.PutLaptopKey(ctx, "ani", "L1", []byte("sealed-1")); err != nil {
		t.Fatal(err)
	}
	if err := s.LaptopKeys.PutLaptopKey(ctx, "ani", "L1", []byte("sealed-1")); err != nil {
		t.Fatalf("the same key again: %v", err)
	}
	wantCode(t, "another key for the laptop", s.LaptopKeys.PutLaptopKey(ctx, "ani", "L1", []byte("sealed-2")), survey.ECONFLICT)
	wantCode(t, "an empty key", s.LaptopKeys.PutLaptopKey(ctx, "ani", "L2", nil), survey.EINVALID)
	got, err := open(t).LaptopKeys.LaptopKey(ctx, "ani", "L1")
	if err != nil || string(got) != "sealed-1" {
		t.Fatalf("key: %q %v", got, err)
	}
}

func testForms(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	f := &survey.PublishedForm{ID: "tracer", Version: "1", Name: "tracer.xlsx", Title: "Tracer", Source: []byte("v1"), PublishedBy: "sri"}
	added, err := s.Forms.Publish(ctx, f)
	if err != nil || !added || f.Hash != survey.HashBytes([]byte("v1")) {
		t.Fatalf("publish: %v %v %+v", added, err, f)
	}
	added, err = s.Forms.Publish(ctx, &survey.PublishedForm{ID: "tracer", Version: "1", Name: "tracer.xlsx", Source: []byte("v1")})
	if err != nil || added {
		t.Fatalf("the same bytes again: %v %v, want nothing added", added, err)
	}
	_, err = s.Forms.Publish(ctx, &survey.PublishedForm{ID: "tracer", Version: "1", Name: "tracer.xlsx", Source: []byte("other")})
	wantCode(t, "other bytes under a published version", err, survey.ECONFLICT)
	_, err = s.Forms.Publish(ctx, &survey.PublishedForm{ID: "tracer", Name: "x.xlsx", Source: []byte("v")})
	wantCode(t, "no version", err, survey.EINVALID)

	got, err := s.Forms.Form(ctx, "tracer", "1")
	if err != nil || string(got.Source) != "v1" || got.Title != "Tracer" || got.PublishedBy != "sri" || got.PublishedAt.IsZero() {
		t.Fatalf("form: %+v %v", got, err)
	}
	_, err = s.Forms.Form(ctx, "tracer", "9")
	wantCode(t, "an unpublished version", err, survey.ENOTFOUND)

	if _, err := s.Submissions.Ingest(ctx, []*survey.Submission{withForm(Submission(t, survey.NewID(), 1, "1"), "tracer", "1")}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "retire an unknown form", s.Forms.Retire(ctx, "nope", "sri"), survey.ENOTFOUND)
	if err := s.Forms.Retire(ctx, "tracer", "sri"); err != nil {
		t.Fatal(err)
	}
	list, err := open(t).Forms.Forms(ctx)
	if err != nil || len(list) != 1 || !list[0].Retired || list[0].Interviews != 1 || list[0].Source != nil {
		t.Fatalf("forms after the retirement: %+v %v", list, err)
	}
	// A new version offers the form again.
	if _, err := s.Forms.Publish(ctx, &survey.PublishedForm{ID: "tracer", Version: "2", Name: "tracer.xlsx", Source: []byte("v2")}); err != nil {
		t.Fatal(err)
	}
	list, err = s.Forms.Forms(ctx)
	if err != nil || len(list) != 2 || list[0].Retired || list[1].Retired || list[1].Version != "2" {
		t.Fatalf("forms after a new version: %+v %v", list, err)
	}
}

// testFormInterviews checks the interviews each published version counts: an interview
// counts once per version any of its revisions used, whether its revisions come in one
// batch (in any order) or several, and duplicates count nothing.
func testFormInterviews(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	for _, v := range []string{"1", "2", "3"} {
		if _, err := s.Forms.Publish(ctx, &survey.PublishedForm{ID: "f", Version: v, Name: "f.xlsx", Source: []byte("v" + v)}); err != nil {
			t.Fatal(err)
		}
	}
	sub := func(id string, rev int, v string) *survey.Submission {
		return withForm(Submission(t, id, rev, "1"), "f", v)
	}
	ingest := func(batch ...*survey.Submission) {
		t.Helper()
		rcs, err := s.Submissions.Ingest(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, rc := range rcs {
			if rc.Status != survey.ReceiptStored && rc.Status != survey.ReceiptDuplicate {
				t.Fatalf("%s revision %d: %s %s", rc.InterviewID, rc.Revision, rc.Status, rc.Message)
			}
		}
	}
	a, b, c := survey.NewID(), survey.NewID(), survey.NewID()
	ingest(sub(a, 1, "1"), sub(b, 1, "1"))
	ingest(sub(a, 2, "1"))                 // the same version again: no new interview
	ingest(sub(a, 3, "2"), sub(a, 3, "2")) // another version, sent twice in one batch
	ingest(sub(b, 1, "1"))                 // a duplicate
	// Later revisions before earlier ones in one batch, across two versions.
	ingest(sub(c, 3, "1"), sub(c, 2, "2"), sub(c, 1, "1"))
	list, err := open(t).Forms.Forms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range list {
		got[f.ID+"@"+f.Version] = f.Interviews
	}
	if want := map[string]int{"f@1": 3, "f@2": 2, "f@3": 0}; !maps.Equal(got, want) {
		t.Fatalf("interviews per version: %v, want %v", got, want)
	}
}

func withForm(s *survey.Submission, id, version string) *survey.Submission {
	s.FormID, s.FormVersion = id, version
	return s
}

func rosterIDs(rows []survey.RosterRow) []string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.Respondent.RosterID)
	}
	return ids
}

func testRoster(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	for _, u := range []struct {
		name string
		role survey.Role
	}{{"ani", survey.RoleEnumerator}, {"budi", survey.RoleEnumerator}, {"sri", survey.RoleSupervisor}} {
		if _, _, err := s.Users.CreateUser(ctx, u.name, u.role); err != nil {
			t.Fatal(err)
		}
	}
	rows := []*survey.Respondent{
		{RosterID: "A-1", Name: "Ani", Kejuruan: "LAS", BatchID: "B1"},
		{RosterID: "A-2", Name: "Agus", Kejuruan: "LAS", BatchID: "B2"},
		{RosterID: "T-1", Name: "Tini", Kejuruan: "TIK", BatchID: "B2"},
	}
	res, err := s.Roster.Upload(ctx, rows)
	if err != nil || res.Inserted != 3 {
		t.Fatalf("upload: %+v %v", res, err)
	}
	_, err = s.Roster.Upload(ctx, []*survey.Respondent{{RosterID: "X"}})
	wantCode(t, "a row without a name", err, survey.EINVALID)
	all, err := s.Roster.Changes(ctx, 0, 0, "")
	if err != nil || len(all) != 3 {
		t.Fatalf("changes: %+v %v", all, err)
	}
	last := all[2].Seq
	changed := *rows[1]
	changed.Name = "Agus Salim"
	res, err = s.Roster.Upload(ctx, []*survey.Respondent{rows[0], &changed})
	if err != nil || res.Unchanged != 1 || res.Updated != 1 || res.Inserted != 0 {
		t.Fatalf("upload again: %+v %v", res, err)
	}
	after, err := s.Roster.Changes(ctx, last, 0, "")
	if err != nil || len(after) != 1 || after[0].Respondent.Name != "Agus Salim" || after[0].Seq <= last {
		t.Fatalf("changes after %d: %+v %v", last, after, err)
	}
	// A row uploaded again without some of its values (a file without those columns) keeps
	// the stored ones: nothing is erased, and nothing changed.
	res, err = s.Roster.Upload(ctx, []*survey.Respondent{{RosterID: "T-1", Name: "Tini", Extra: map[string]string{"alamat": "Jl. Mawar"}}})
	if err != nil || res.Updated != 1 {
		t.Fatalf("upload without kejuruan and batch: %+v %v", res, err)
	}
	res, err = s.Roster.Upload(ctx, []*survey.Respondent{{RosterID: "T-1", Name: "Tini"}})
	if err != nil || res.Unchanged != 1 {
		t.Fatalf("upload without the extra column: %+v %v", res, err)
	}
	got, err := s.Roster.Changes(ctx, 0, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		if r := g.Respondent; r.RosterID == "T-1" && (r.Kejuruan != "TIK" || r.BatchID != "B2" || r.Extra["alamat"] != "Jl. Mawar") {
			t.Fatalf("a partial upload erased values: %+v", r)
		}
	}
	page, err := s.Roster.Changes(ctx, 0, 2, "")
	if err != nil || len(page) != 2 || page[0].Seq >= page[1].Seq {
		t.Fatalf("a page of 2: %+v %v", page, err)
	}
	// The whole roster in one pass gives the rows Changes gives, in the same order; after
	// an assignment too (checked at the end).
	scanner, ok := s.Roster.(survey.RosterScanner)
	if !ok {
		t.Fatal("the server roster store reads no whole roster in one pass (survey.RosterScanner)")
	}
	sameRows := func(when string) {
		t.Helper()
		pages, err := s.Roster.Changes(ctx, 0, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		var want, got []*survey.Respondent
		for _, p := range pages {
			want = append(want, p.Respondent)
		}
		for r, err := range scanner.RosterRows(ctx) {
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			got = append(got, r)
		}
		if len(want) != 3 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the roster in one pass %+v, its changes %+v", when, got, want)
		}
	}
	sameRows("after uploads")
	defer sameRows("after assignments")

	// The roster's state moves with every change to a row or an assignment, and only then.
	stater, ok := s.Roster.(survey.RosterStater)
	if !ok {
		t.Fatal("the server roster store tells no state (survey.RosterStater)")
	}
	state := func() survey.RosterState {
		t.Helper()
		st, err := stater.RosterState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	before := state()
	if before.Rows != 3 || before.MaxSeq < 3 || before.Assigned != 0 {
		t.Fatalf("state of 3 rows: %+v", before)
	}
	if _, err := s.Roster.Upload(ctx, []*survey.Respondent{{RosterID: "T-1", Name: "Tini"}}); err != nil {
		t.Fatal(err)
	}
	if st := state(); st != before {
		t.Errorf("an upload that changed nothing moved the state from %+v to %+v", before, st)
	}
	defer func() {
		if st := state(); st == before || st.Rows != 3 || st.Assigned == 0 {
			t.Errorf("assignments left the state at %+v (before them %+v)", st, before)
		}
	}()

	// Before any assignment an enumerator pulls every row.
	if got, err := s.Roster.Changes(ctx, 0, 0, "ani"); err != nil || len(got) != 3 {
		t.Fatalf("ani before assignments: %v %v", rosterIDs(got), err)
	}
	_, err = s.Roster.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"A-1"}}, "sri", "sri")
	wantCode(t, "assign to a supervisor", err, survey.EINVALID)
	_, err = s.Roster.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"A-1", "Z-9"}}, "ani", "sri")
	wantCode(t, "assign an unknown row", err, survey.ENOTFOUND)
	_, err = s.Roster.Assign(ctx, survey.AssignSelector{Batch: "B1", Kejuruan: "LAS"}, "ani", "sri")
	wantCode(t, "two selectors", err, survey.EINVALID)
	_, err = s.Roster.Assign(ctx, survey.AssignSelector{Batch: "B9"}, "ani", "sri")
	wantCode(t, "an empty batch", err, survey.ENOTFOUND)
	if got, err := s.Roster.Changes(ctx, 0, 0, "ani"); err != nil || len(got) != 3 {
		t.Fatalf("a refused assignment assigned something: %v %v", rosterIDs(got), err)
	}

	r, err := s.Roster.Assign(ctx, survey.AssignSelector{Kejuruan: "LAS"}, "ani", "sri")
	if err != nil || r.Assigned != 2 || r.To != "ani" {
		t.Fatalf("assign LAS: %+v %v", r, err)
	}
	r, err = s.Roster.Assign(ctx, survey.AssignSelector{Batch: "B2"}, "budi", "sri")
	if err != nil || r.Assigned != 2 {
		t.Fatalf("assign B2: %+v %v", r, err)
	}
	o := open(t)
	ani, err := o.Roster.Changes(ctx, 0, 0, "ani")
	if err != nil || !slices.Equal(rosterIDs(ani), []string{"A-1"}) {
		t.Fatalf("ani's rows: %v %v", rosterIDs(ani), err)
	}
	budi, err := o.Roster.Changes(ctx, 0, 0, "budi")
	if ids := rosterIDs(budi); err != nil || !slices.Equal(slices.Sorted(slices.Values(ids)), []string{"A-2", "T-1"}) {
		t.Fatalf("budi's rows: %v %v", rosterIDs(budi), err)
	}
	// An assignment gives the rows new sequence numbers, so a laptop past them pulls them.
	if budi[0].Seq <= after[0].Seq {
		t.Fatalf("assigned row seq %d, not after %d", budi[0].Seq, after[0].Seq)
	}
	if l, ok := o.Roster.(survey.AssignmentLister); ok {
		m, err := l.Assignments(ctx)
		want := map[string]string{"A-1": "ani", "A-2": "budi", "T-1": "budi"}
		if err != nil || fmt.Sprint(m) != fmt.Sprint(want) {
			t.Fatalf("assignments %v %v, want %v", m, err, want)
		}
	} else {
		t.Fatalf("%T does not list its assignments", o.Roster)
	}
}

func testIngest(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	id := survey.NewID()
	first := Submission(t, id, 1, "100")
	first.DeviceTime = time.Now().Add(-time.Minute)
	rc, err := s.Submissions.Ingest(ctx, []*survey.Submission{first, Submission(t, id, 2, "200")})
	if err != nil || len(rc) != 2 || rc[0].Status != survey.ReceiptStored || rc[1].Status != survey.ReceiptStored || rc[1].Seq <= rc[0].Seq {
		t.Fatalf("revisions 1 and 2 in one batch: %+v %v", rc, err)
	}
	// The same revision again, from this handle or another: the original receipt.
	for _, h := range []Stores{s, open(t)} {
		again, err := h.Submissions.Ingest(ctx, []*survey.Submission{Submission(t, id, 1, "100")})
		if err != nil || again[0].Status != survey.ReceiptDuplicate || again[0].Seq != rc[0].Seq || !again[0].ReceivedAt.Equal(rc[0].ReceivedAt) {
			t.Fatalf("duplicate: %+v %v, want the receipt of %+v", again, err, rc[0])
		}
	}
	// Other content for a stored revision: kept apart, flagged, never overwritten.
	other := Submission(t, id, 1, "999")
	for range 2 {
		c, err := s.Submissions.Ingest(ctx, []*survey.Submission{other})
		if err != nil || c[0].Status != survey.ReceiptConflict || c[0].Code != survey.ECONFLICT || c[0].Seq != rc[0].Seq {
			t.Fatalf("conflict: %+v %v", c, err)
		}
	}
	got, err := s.Submissions.Get(ctx, id, 1)
	if err != nil || got.Hash != first.Hash || string(got.Body) != string(first.Body) || got.Skew < time.Minute-time.Second {
		t.Fatalf("stored revision 1: %+v %v", got, err)
	}
	cs, err := s.Submissions.Conflicts(ctx, id, 1)
	if err != nil || len(cs) != 1 || cs[0].Hash != other.Hash || cs[0].Body != nil || cs[0].SubmittedBy != other.SubmittedBy {
		t.Fatalf("conflicts: %+v %v", cs, err)
	}
	list, err := s.Submissions.List(ctx, survey.SubmissionFilter{})
	if err != nil || len(list) != 2 || list[0].Conflicts != 1 || list[1].Conflicts != 0 || list[0].Body != nil {
		t.Fatalf("list: %+v %v", list, err)
	}
	defer func() {
		// More differing contents than a list holds: all kept, the oldest listed.
		var many []*survey.Submission
		for i := range survey.MaxConflictsListed + 5 {
			many = append(many, Submission(t, id, 2, fmt.Sprintf("9%04d", i)))
		}
		if _, err := s.Submissions.Ingest(ctx, many); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Submissions.Conflicts(ctx, id, 2)
		if err != nil || len(cs) != survey.MaxConflictsListed {
			t.Fatalf("%d differing contents listed (%v), want %d", len(cs), err, survey.MaxConflictsListed)
		}
		if v, err := s.Reviews.Review(ctx, id); err != nil || v.Conflicts != survey.MaxConflictsListed+6 {
			t.Errorf("review counts %d differing contents (%v), want all %d of its revisions", v.Conflicts, err, survey.MaxConflictsListed+6)
		}
	}()
	v, err := s.Reviews.Review(ctx, id)
	if err != nil || v.Conflicts != 1 || v.Revision != 2 || v.State != survey.ReviewResubmitted {
		t.Fatalf("review with a conflict: %+v %v", v, err)
	}
	if h, err := s.Reviews.History(ctx, id); err != nil || reviewStates(h) != "1:>received/ani 2:received>resubmitted/ani " || h[1].Seq <= h[0].Seq {
		t.Fatalf("history of revisions 1 and 2 in one batch: %s %v", reviewStates(h), err)
	}
	// Several interviews in one batch, each with its own review and history.
	many := []*survey.Submission{Submission(t, survey.NewID(), 1, "1"), Submission(t, survey.NewID(), 1, "2"), Submission(t, survey.NewID(), 1, "3")}
	if rc, err := s.Submissions.Ingest(ctx, many); err != nil || len(rc) != 3 || rc[0].Seq >= rc[1].Seq || rc[1].Seq >= rc[2].Seq {
		t.Fatalf("three interviews in one batch: %+v %v", rc, err)
	}
	for _, sub := range many {
		v, err := s.Reviews.Review(ctx, sub.InterviewID)
		h, herr := s.Reviews.History(ctx, sub.InterviewID)
		if err != nil || herr != nil || v.State != survey.ReviewReceived || v.Revision != 1 || reviewStates(h) != "1:>received/ani " {
			t.Fatalf("review of %s: %+v %v, history %s %v", sub.InterviewID, v, err, reviewStates(h), herr)
		}
	}

	// Out of order, another account's revision, and a malformed one.
	r, err := s.Submissions.Ingest(ctx, []*survey.Submission{Submission(t, id, 4, "4")})
	if err != nil || r[0].Status != survey.ReceiptRefused || r[0].Code != survey.ECONFLICT {
		t.Fatalf("revision 4 after 2: %+v %v", r, err)
	}
	theirs := Submission(t, id, 3, "3")
	theirs.SubmittedBy = "budi"
	r, err = s.Submissions.Ingest(ctx, []*survey.Submission{theirs})
	if err != nil || r[0].Status != survey.ReceiptRefused || r[0].Code != survey.EFORBIDDEN {
		t.Fatalf("another account's revision: %+v %v", r, err)
	}
	_, err = s.Submissions.Ingest(ctx, []*survey.Submission{{InterviewID: id, Revision: 3}})
	wantCode(t, "a submission without a body", err, survey.EINVALID)
	if _, err := s.Submissions.Get(ctx, id, 3); survey.ErrorCode(err) != survey.ENOTFOUND {
		t.Fatalf("revision 3: %v, want ENOTFOUND", err)
	}
	if n, err := s.Submissions.Count(ctx); err != nil || n != 5 {
		t.Fatalf("count %d %v, want 5", n, err)
	}

	// Pages by sequence number and by submitter.
	for range 3 {
		sub := Submission(t, survey.NewID(), 1, "1")
		sub.SubmittedBy = "budi"
		if _, err := s.Submissions.Ingest(ctx, []*survey.Submission{sub}); err != nil {
			t.Fatal(err)
		}
	}
	mine, err := s.Submissions.List(ctx, survey.SubmissionFilter{SubmittedBy: "budi", After: rc[1].Seq, Limit: 2})
	if err != nil || len(mine) != 2 || mine[0].SubmittedBy != "budi" || mine[0].Seq <= rc[1].Seq || mine[1].Seq <= mine[0].Seq {
		t.Fatalf("budi's first page: %+v %v", mine, err)
	}
	rest, err := s.Submissions.List(ctx, survey.SubmissionFilter{SubmittedBy: "budi", After: mine[1].Seq})
	if err != nil || len(rest) != 1 {
		t.Fatalf("budi's second page: %+v %v", rest, err)
	}
}

func reviewStates(h []*survey.ReviewEvent) string {
	s := ""
	for _, e := range h {
		s += fmt.Sprintf("%d:%s>%s/%s ", e.Revision, e.From, e.To, e.By)
	}
	return s
}

// testReviewsOfOneBatch ingests, in one call, two revisions of a new interview (the later
// first), the first revision of another and the next revision of a returned one, and
// checks each review and its history: every change recorded once, from the state before
// it, with sequence numbers that rise in the order the changes were made.
func testReviewsOfOneBatch(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	subs, reviews := st.Submissions, st.Reviews
	twice, once, returned := survey.NewID(), survey.NewID(), survey.NewID()
	if _, err := subs.Ingest(ctx, []*survey.Submission{Submission(t, returned, 1, "5")}); err != nil {
		t.Fatal(err)
	}
	if _, err := reviews.ReturnWithComments(ctx, returned, 1, "Cek upah", nil, "sri"); err != nil {
		t.Fatal(err)
	}
	got, err := subs.Ingest(ctx, []*survey.Submission{Submission(t, twice, 2, "200"), Submission(t, once, 1, "7"),
		Submission(t, twice, 1, "100"), Submission(t, returned, 2, "6")})
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range got {
		if rc.Status != survey.ReceiptStored {
			t.Fatalf("receipt %+v, want stored", rc)
		}
	}
	type change struct {
		from, to survey.ReviewState
		rev      int
	}
	for _, c := range []struct {
		id      string
		state   survey.ReviewState
		rev     int
		history []change
	}{
		// Revision 2 is stored first (the batch's order): a new interview's first stored
		// revision above 1 is resubmitted; revision 1 after it changes nothing.
		{twice, survey.ReviewResubmitted, 2, []change{{"", survey.ReviewResubmitted, 2}}},
		{once, survey.ReviewReceived, 1, []change{{"", survey.ReviewReceived, 1}}},
		{returned, survey.ReviewResubmitted, 2, []change{{"", survey.ReviewReceived, 1},
			{survey.ReviewReceived, survey.ReviewReturned, 1}, {survey.ReviewReturned, survey.ReviewResubmitted, 2}}},
	} {
		v, err := reviews.Review(ctx, c.id)
		if err != nil || v.State != c.state || v.Revision != c.rev {
			t.Fatalf("review of %s: %+v %v, want %s at revision %d", c.id, v, err, c.state, c.rev)
		}
		es, err := reviews.History(ctx, c.id)
		if err != nil {
			t.Fatal(err)
		}
		var h []change
		for i, e := range es {
			h = append(h, change{e.From, e.To, e.Revision})
			if i > 0 && e.Seq <= es[i-1].Seq {
				t.Errorf("history of %s: sequence %d after %d", c.id, e.Seq, es[i-1].Seq)
			}
		}
		if !slices.Equal(h, c.history) {
			t.Errorf("history of %s: %v, want %v", c.id, h, c.history)
		}
	}
}

// testIDsEndingWith finds interviews by the end of their ids, as a supervisor types the
// short id a flag prints.
func testIDsEndingWith(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	a, b, c := "019a0000-0000-7000-8000-00000000beef", "019a0000-0000-7000-8000-00001234beef", "019a0000-0000-7000-8000-0000cafe0001"
	if _, err := st.Submissions.Ingest(ctx, []*survey.Submission{Submission(t, a, 1, "1"), Submission(t, b, 1, "2"), Submission(t, b, 2, "3"), Submission(t, c, 1, "4")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		suffix string
		limit  int
		want   []string
	}{
		{"1234beef", 5, []string{b}},
		{"cafe0001", 5, []string{c}},
		{"beef", 5, []string{a, b}},
		{"beef", 1, nil}, // one of the two
		{"deadbeef", 5, nil},
		{"", 5, nil},
	} {
		got, err := st.Reviews.IDsEndingWith(ctx, tc.suffix, tc.limit)
		slices.Sort(got)
		switch {
		case err != nil:
			t.Errorf("%q: %v", tc.suffix, err)
		case tc.limit == 1 && (len(got) != 1 || got[0] != a && got[0] != b):
			t.Errorf("%q limit 1: %q", tc.suffix, got)
		case tc.limit > 1 && !slices.Equal(got, tc.want):
			t.Errorf("%q: %q, want %q", tc.suffix, got, tc.want)
		}
	}
}

// testReviewStateMachine walks one interview through received, returned, resubmitted,
// approved, returned again and approved again, and checks the record stream.
func testReviewStateMachine(t *testing.T, open Opener) {
	ctx := context.Background()
	st := open(t)
	subs, reviews := st.Submissions, st.Reviews
	id, other := survey.NewID(), survey.NewID()
	if _, err := subs.Ingest(ctx, []*survey.Submission{Submission(t, id, 1, "100"), Submission(t, other, 1, "7")}); err != nil {
		t.Fatal(err)
	}
	check := func(state survey.ReviewState, rev, approved int) {
		t.Helper()
		v, err := reviews.Review(ctx, id)
		if err != nil || v.State != state || v.Revision != rev || v.ApprovedRevision != approved {
			t.Fatalf("review %+v %v, want %s revision %d approved %d", v, err, state, rev, approved)
		}
	}
	check(survey.ReviewReceived, 1, 0)
	// The coverage stamp changes with every change of what the coverage counts, and only
	// then.
	last := ""
	stamp := func(what string, changed bool) {
		t.Helper()
		got, err := reviews.CoverageStamp(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if (got != last) != changed {
			t.Fatalf("coverage stamp %q after %s, was %q: want changed %v", got, what, last, changed)
		}
		last = got
	}
	stamp("the first revisions", true)
	stamp("nothing", false)

	_, err := reviews.ReturnWithComments(ctx, id, 1, "", nil, "sri")
	wantCode(t, "a return without a comment", err, survey.EINVALID)
	n, err := reviews.ReturnWithComments(ctx, id, 1, "Cek upah", []survey.QuestionComment{{Path: "income_exact", Comment: "Bulanan?"}}, "sri")
	if err != nil || len(n.Questions) != 1 || n.SubmittedBy != "ani" {
		t.Fatalf("return: %+v %v", n, err)
	}
	stamp("a return", true)
	again, err := reviews.ReturnWithComments(ctx, id, 1, "other", nil, "sri")
	if err != nil || again.Seq != n.Seq || again.Comment != "Cek upah" {
		t.Fatalf("second return: %+v %v", again, err)
	}
	stamp("the same return again", false)
	check(survey.ReviewReturned, 1, 0)
	_, err = reviews.Approve(ctx, id, 1, "", "sri")
	wantCode(t, "approve a returned interview", err, survey.ECONFLICT) // wait for the correction
	_, err = reviews.Approve(ctx, id, 2, "", "sri")
	wantCode(t, "approve a revision not stored", err, survey.ENOTFOUND)
	_, err = reviews.Approve(ctx, survey.NewID(), 1, "", "sri")
	wantCode(t, "approve an unknown interview", err, survey.ENOTFOUND)

	// The laptop pulls the notice with its question comments.
	ns, err := st.Returns.Returned(ctx, 0, "ani", 10)
	if err != nil || len(ns) != 1 || len(ns[0].Questions) != 1 || ns[0].Questions[0].Path != "income_exact" {
		t.Fatalf("returned: %+v %v", ns, err)
	}
	if ns, err := st.Returns.Returned(ctx, 0, "budi", 10); err != nil || len(ns) != 0 {
		t.Fatalf("budi's returns: %+v %v", ns, err)
	}
	if ns, err := st.Returns.Returned(ctx, n.Seq, "", 10); err != nil || len(ns) != 0 {
		t.Fatalf("returns after the last: %+v %v", ns, err)
	}

	if _, err := subs.Ingest(ctx, []*survey.Submission{Submission(t, id, 2, "200")}); err != nil {
		t.Fatal(err)
	}
	check(survey.ReviewResubmitted, 2, 0)
	stamp("a correction", true)
	_, err = reviews.Approve(ctx, id, 1, "", "sri")
	wantCode(t, "approve an old revision", err, survey.ECONFLICT)
	stamp("a refused approval", false)
	// Returning the returned revision again gives the first notice.
	if late, err := st.Returns.Return(ctx, id, 1, "late", "sri"); err != nil || late.Seq != n.Seq || late.Comment != "Cek upah" {
		t.Fatalf("return revision 1 again: %+v %v", late, err)
	}
	e, err := reviews.Approve(ctx, id, 2, "ok", "sri")
	if err != nil || e.To != survey.ReviewApproved {
		t.Fatalf("approve: %+v %v", e, err)
	}
	stamp("an approval", true)
	e2, err := reviews.Approve(ctx, id, 2, "twice", "sri")
	if err != nil || e2.Seq != e.Seq {
		t.Fatalf("approve twice: %+v %v", e2, err)
	}
	stamp("the same approval again", false)
	if _, err := st.Roster.Upload(ctx, []*survey.Respondent{{RosterID: "R-stamp", Name: "Siti"}}); err != nil {
		t.Fatal(err)
	}
	stamp("a roster row", true)
	check(survey.ReviewApproved, 2, 2)
	ap, err := reviews.Approvals(ctx, 0, "ani", 10)
	if err != nil || len(ap) != 1 || ap[0].InterviewID != id || ap[0].Revision != 2 {
		t.Fatalf("approvals: %+v %v", ap, err)
	}

	// records lists the revisions of set in sequence order, and checks that a reader
	// taking any order (AnyOrder) gets the same ones, marked alike.
	records := func(set survey.RevisionSet) string {
		read := func(anyOrder bool) []string {
			var out []string
			for rec, err := range reviews.Records(ctx, survey.RecordFilter{Revisions: set, AnyOrder: anyOrder}) {
				if err != nil {
					t.Fatal(err)
				}
				s := fmt.Sprintf("%s/%d", rec.Answers["income_exact"], rec.Revision)
				if set == survey.RevisionsLatestAndApproved {
					s += ":"
					if rec.Latest {
						s += "L"
					}
					if rec.Approved {
						s += "A"
					}
				} else if rec.Latest || rec.Approved {
					t.Errorf("a record of %s marked latest %v, approved %v", set, rec.Latest, rec.Approved)
				}
				out = append(out, s+" ")
			}
			return out
		}
		inSeq, anyOrder := read(false), read(true)
		s := strings.Join(inSeq, "")
		slices.Sort(inSeq)
		slices.Sort(anyOrder)
		if !slices.Equal(inSeq, anyOrder) {
			t.Errorf("%s in any order: %q, want %q", set, anyOrder, inSeq)
		}
		return s
	}
	if got := records(survey.RevisionsApproved); got != "200/2 " {
		t.Errorf("approved records %q", got)
	}
	if got := records(survey.RevisionsLatest); got != "7/1 200/2 " {
		t.Errorf("latest records %q", got)
	}
	if got := records(survey.RevisionsAll); got != "100/1 7/1 200/2 " {
		t.Errorf("all records %q", got)
	}
	if got := records(survey.RevisionsLatestAndApproved); got != "7/1:L 200/2:LA " {
		t.Errorf("latest and approved records %q", got)
	}
	for _, err := range reviews.Records(ctx, survey.RecordFilter{Revisions: "some"}) {
		wantCode(t, "unknown revisions", err, survey.EINVALID)
	}

	// Returning an approved interview withdraws the approval.
	if _, err := reviews.ReturnWithComments(ctx, id, 2, "Salah NIK", nil, "sri"); err != nil {
		t.Fatal(err)
	}
	stamp("a withdrawn approval", true)
	check(survey.ReviewReturned, 2, 0)
	if got := records(survey.RevisionsApproved); got != "" {
		t.Errorf("approved records after the return %q", got)
	}
	if _, err := subs.Ingest(ctx, []*survey.Submission{Submission(t, id, 3, "300")}); err != nil {
		t.Fatal(err)
	}
	if _, err := reviews.Approve(ctx, id, 3, "", "sri"); err != nil {
		t.Fatal(err)
	}
	check(survey.ReviewApproved, 3, 3)

	h, err := reviews.History(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := "1:>received/ani 1:received>returned/sri 2:returned>resubmitted/ani 2:resubmitted>approved/sri " +
		"2:approved>returned/sri 3:returned>resubmitted/ani 3:resubmitted>approved/sri "
	if got := reviewStates(h); got != want {
		t.Errorf("history\n%s\nwant\n%s", got, want)
	}
	if len(h[1].Questions) != 1 || h[1].Comment != "Cek upah" {
		t.Errorf("return event %+v", h[1])
	}
	revs, err := reviews.Revisions(ctx, id)
	if err != nil || len(revs) != 3 {
		t.Fatalf("revisions %d %v", len(revs), err)
	}
	q, err := reviews.Queue(ctx, survey.ReviewFilter{State: survey.ReviewReceived})
	if err != nil || len(q) != 1 || q[0].InterviewID != other {
		t.Fatalf("queue of received: %+v %v", q, err)
	}
	q, err = reviews.Queue(ctx, survey.ReviewFilter{Limit: 1})
	if err != nil || len(q) != 1 || q[0].InterviewID != other {
		t.Fatalf("queue's first page: %+v %v", q, err)
	}
	uses, err := reviews.FormUses(ctx)
	if err != nil || len(uses) != 1 || uses[0].Revisions != 4 {
		t.Fatalf("form uses %+v %v", uses, err)
	}
	// Another account's approved interview is hers alone; a relay's feed names whose each is.
	budis := Submission(t, survey.NewID(), 1, "9")
	budis.Enumerator, budis.SubmittedBy = "budi", "budi"
	if _, err := subs.Ingest(ctx, []*survey.Submission{budis}); err != nil {
		t.Fatal(err)
	}
	eb, err := reviews.Approve(ctx, budis.InterviewID, 1, "", "sri")
	if err != nil {
		t.Fatal(err)
	}
	anis, err := reviews.Approvals(ctx, 0, "ani", 10)
	if err != nil || len(anis) == 0 {
		t.Fatalf("ani's approvals: %+v %v", anis, err)
	}
	for _, a := range anis {
		if a.InterviewID != id {
			t.Errorf("ani's approvals hold %s", a.InterviewID)
		}
	}
	if ap, err := reviews.Approvals(ctx, 0, "budi", 10); err != nil || len(ap) != 1 || ap[0].InterviewID != budis.InterviewID || ap[0].Seq != eb.Seq {
		t.Fatalf("budi's approvals: %+v %v", ap, err)
	}
	if ap, err := reviews.Approvals(ctx, eb.Seq, "budi", 10); err != nil || len(ap) != 0 {
		t.Fatalf("budi's approvals after the last: %+v %v", ap, err)
	}
	if feed, ok := reviews.(survey.ApprovalFeed); ok {
		all, err := feed.AllApprovals(ctx, 0, 10)
		if err != nil || len(all) != len(anis)+1 || all[len(all)-1].SubmittedBy != "budi" || all[len(all)-1].Seq != eb.Seq {
			t.Fatalf("every account's approvals: %+v %v", all, err)
		}
		for _, a := range all[:len(anis)] {
			if a.SubmittedBy != "ani" {
				t.Errorf("approval of %s names %q", a.InterviewID, a.SubmittedBy)
			}
		}
	}
	// A revision sent after the approval, with no return: the approval stays on its own.
	if _, err := subs.Ingest(ctx, []*survey.Submission{Submission(t, id, 4, "400")}); err != nil {
		t.Fatal(err)
	}
	if got := records(survey.RevisionsLatestAndApproved); got != "7/1:L 300/3:A 9/1:LA 400/4:L " {
		t.Errorf("latest and approved records, a revision after the approval %q", got)
	}
	if got := records(survey.RevisionsApproved); got != "300/3 9/1 " {
		t.Errorf("approved records, a revision after the approval %q", got)
	}
}

// testRosterRecords checks that the store joins each record's roster row, and none for a
// respondent the roster lacks, in sequence order.
func testRosterRecords(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.Roster.Upload(ctx, []*survey.Respondent{
		{RosterID: "A-1", Name: "Ani", Kejuruan: "LAS"},
		{RosterID: "B-2", Name: "Budi", Kejuruan: "TIK"},
	}); err != nil {
		t.Fatal(err)
	}
	var want []string
	answers := map[string][]survey.Answer{}
	for i, rid := range []string{"B-2", "Z-9", "A-1"} {
		sub := Submission(t, survey.NewID(), 1, "1")
		sub.RespondentID = rid
		// Answers of several paths, some in a repeat, and one record without any.
		rec, err := survey.DecodeRecord(sub.Body)
		if err != nil {
			t.Fatal(err)
		}
		rec.RespondentID = rid
		rec.Answers = map[string]string{"g/b": rid, "a": strconv.Itoa(i), "g/r[2]/x": "two", "g/r[10]/x": "", "g/a": "ä"}
		if i == 1 {
			rec.Answers = nil
		}
		if sub.Body, err = rec.Canonical(); err != nil {
			t.Fatal(err)
		}
		sub.Hash = survey.HashBytes(sub.Body)
		if _, err := s.Submissions.Ingest(ctx, []*survey.Submission{sub}); err != nil {
			t.Fatal(err)
		}
		want = append(want, sub.InterviewID)
		answers[sub.InterviewID] = rec.AnswerList()
	}
	var got []string
	for rr, err := range s.Reviews.RosterRecords(ctx, survey.RecordFilter{Revisions: survey.RevisionsAll}) {
		if err != nil {
			t.Fatal(err)
		}
		name := "-"
		if rr.Respondent != nil {
			name = rr.Respondent.Name + "/" + rr.Respondent.Kejuruan
		}
		got = append(got, rr.Record.ID+" "+name)
		if w := answers[rr.Record.ID]; !slices.Equal(rr.Answers, w) || rr.Record.Answers != nil {
			t.Errorf("answers of %s: %q (map %v), want %q", rr.Record.ID, rr.Answers, rr.Record.Answers, w)
		}
	}
	wantRows := []string{want[0] + " Budi/TIK", want[1] + " -", want[2] + " Ani/LAS"}
	if !slices.Equal(got, wantRows) {
		t.Fatalf("joined %q, want %q", got, wantRows)
	}
	// The export reads the row of an interview without respondent id by itself.
	rr, ok := s.Roster.(survey.RosterRowReader)
	if !ok {
		t.Fatal("the server roster store reads no row by roster id (survey.RosterRowReader)")
	}
	if p, err := rr.RosterRow(ctx, "B-2"); err != nil || p == nil || p.Name != "Budi" || p.Kejuruan != "TIK" {
		t.Errorf("RosterRow(B-2) = %+v, %v; want Budi/TIK", p, err)
	}
	if p, err := rr.RosterRow(ctx, "Z-9"); err != nil || p != nil {
		t.Errorf("RosterRow(Z-9) = %+v, %v; want none", p, err)
	}
}

func attempt(id, roster, enumerator string) *survey.Attempt {
	return &survey.Attempt{ID: id, RosterID: roster, At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Enumerator: enumerator,
		Mode: survey.ModePhone, Outcome: "2.22"}
}

func testAttempts(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	for _, name := range []string{"ani", "budi"} {
		if _, _, err := s.Users.CreateUser(ctx, name, survey.RoleEnumerator); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Roster.Upload(ctx, []*survey.Respondent{{RosterID: "A-1", Name: "Ani"}, {RosterID: "B-1", Name: "Budi"}}); err != nil {
		t.Fatal(err)
	}
	a := attempt("at-1", "A-1", "ani")
	changed := attempt("at-1", "A-1", "ani")
	changed.Note = "other"
	rc, err := s.Attempts.Ingest(ctx, []*survey.Attempt{
		a, attempt("at-2", "Z-9", "ani"), attempt("at-3", "A-1", "budi"), attempt("at-1", "A-1", "ani"), changed,
	}, "ani", true)
	if err != nil || len(rc) != 5 {
		t.Fatalf("ingest: %+v %v", rc, err)
	}
	want := []struct {
		status survey.ReceiptStatus
		code   string
	}{
		{survey.ReceiptStored, ""}, {survey.ReceiptRefused, survey.ENOTFOUND}, {survey.ReceiptRefused, survey.EFORBIDDEN},
		{survey.ReceiptDuplicate, ""}, {survey.ReceiptConflict, survey.ECONFLICT},
	}
	for i, w := range want {
		if rc[i].Status != w.status || rc[i].Code != w.code {
			t.Errorf("receipt %d: %+v, want %s %s", i, rc[i], w.status, w.code)
		}
	}
	if rc[3].Seq != rc[0].Seq || rc[0].Seq == 0 {
		t.Errorf("duplicate seq %d, stored %d", rc[3].Seq, rc[0].Seq)
	}
	// Once the roster has assignments, an enumerator's attempt needs her alumnus.
	if _, err := s.Roster.Assign(ctx, survey.AssignSelector{RosterIDs: []string{"B-1"}}, "budi", "sri"); err != nil {
		t.Fatal(err)
	}
	rc, err = s.Attempts.Ingest(ctx, []*survey.Attempt{attempt("at-4", "B-1", "ani"), attempt("at-5", "B-1", "budi")}, "budi", true)
	if err != nil || rc[0].Code != survey.EFORBIDDEN || rc[1].Status != survey.ReceiptStored {
		t.Fatalf("after assignments: %+v %v", rc, err)
	}
	rc, err = open(t).Attempts.Ingest(ctx, []*survey.Attempt{attempt("at-6", "B-1", "ani")}, "sri", false)
	if err != nil || rc[0].Status != survey.ReceiptStored {
		t.Fatalf("a supervisor's push: %+v %v", rc, err)
	}
	list, err := s.Attempts.List(ctx, survey.AttemptFilter{})
	if err != nil || len(list) != 3 || list[0].ID != "at-1" || list[0].SubmittedBy != "ani" || list[0].ReceivedAt.IsZero() || !list[0].Same(a) {
		t.Fatalf("list: %+v %v", list, err)
	}
	byRoster, err := s.Attempts.List(ctx, survey.AttemptFilter{RosterID: "B-1", Enumerator: "budi"})
	if err != nil || len(byRoster) != 1 || byRoster[0].ID != "at-5" {
		t.Fatalf("B-1 by budi: %+v %v", byRoster, err)
	}
	after, err := s.Attempts.List(ctx, survey.AttemptFilter{After: list[0].Seq, Limit: 1})
	if err != nil || len(after) != 1 || after[0].ID != "at-5" {
		t.Fatalf("after the first: %+v %v", after, err)
	}
}

// testConcurrentPushes pushes the same revisions through several handles at once, as
// laptops retrying against several servers would: each revision is stored once, every
// receipt is safe and names the one stored sequence number.
func testConcurrentPushes(t *testing.T, open Opener) {
	ctx := context.Background()
	const handles, interviews = 4, 40
	subs := make([]*survey.Submission, interviews)
	for i := range subs {
		subs[i] = Submission(t, survey.NewID(), 1, fmt.Sprint(i))
	}
	stores := make([]Stores, handles)
	for i := range stores {
		stores[i] = open(t)
	}
	receipts := make([][]survey.Receipt, handles)
	errs := make([]error, handles)
	var wg sync.WaitGroup
	for h := range handles {
		wg.Go(func() {
			// Each handle pushes every revision, in its own order, a few at a time.
			order := slices.Clone(subs)
			for i := range order {
				j := (i*7 + h*13) % len(order)
				order[i], order[j] = order[j], order[i]
			}
			for i := 0; i < len(order); i += 5 {
				rc, err := stores[h].Submissions.Ingest(ctx, order[i:i+5])
				if err != nil {
					errs[h] = err
					return
				}
				receipts[h] = append(receipts[h], rc...)
			}
		})
	}
	wg.Wait()
	seqs := map[string]int64{}
	for h := range handles {
		if errs[h] != nil {
			t.Fatalf("handle %d: %v", h, errs[h])
		}
		for _, rc := range receipts[h] {
			if !rc.Safe() {
				t.Fatalf("handle %d: receipt %+v is not safe", h, rc)
			}
			if s, ok := seqs[rc.InterviewID]; ok && s != rc.Seq {
				t.Fatalf("%s has receipts with seq %d and %d", rc.InterviewID, s, rc.Seq)
			}
			seqs[rc.InterviewID] = rc.Seq
		}
	}
	if n, err := stores[0].Submissions.Count(ctx); err != nil || n != interviews {
		t.Fatalf("%d revisions stored (%v), want %d", n, err, interviews)
	}
	list, err := stores[1].Submissions.List(ctx, survey.SubmissionFilter{Limit: 1000})
	if err != nil || len(list) != interviews {
		t.Fatalf("list: %d %v", len(list), err)
	}
	for _, sub := range list {
		if seqs[sub.InterviewID] != sub.Seq || sub.Conflicts != 0 {
			t.Fatalf("stored %s seq %d conflicts %d, receipts said seq %d", sub.InterviewID, sub.Seq, sub.Conflicts, seqs[sub.InterviewID])
		}
		if v, err := stores[2].Reviews.History(ctx, sub.InterviewID); err != nil || len(v) != 1 {
			t.Fatalf("%s has %d review events (%v), want 1", sub.InterviewID, len(v), err)
		}
	}
}

// testCommitOrderedCursors runs writers on separate handles while a pager follows each
// kind of cursor laptops page with (submissions, the roster, returns, attempts) "after
// SEQ", and checks that the pager saw every row that was stored: a sequence number handed
// out before another writer's commit would let the pager move past it before it commits.
func testCommitOrderedCursors(t *testing.T, open Opener) {
	ctx := context.Background()
	setup := open(t)
	if _, _, err := setup.Users.CreateUser(ctx, "ani", survey.RoleEnumerator); err != nil {
		t.Fatal(err)
	}
	const writers, rounds = 4, 25
	var rosterIDs []*survey.Respondent
	for w := range writers {
		for i := range rounds {
			rosterIDs = append(rosterIDs, &survey.Respondent{RosterID: fmt.Sprintf("R-%d-%d", w, i), Name: "x"})
		}
	}
	if _, err := setup.Roster.Upload(ctx, rosterIDs); err != nil {
		t.Fatal(err)
	}
	type cursor struct {
		name string
		page func(s Stores, after int64) ([]int64, error)
	}
	cursors := []cursor{
		{"submissions", func(s Stores, after int64) ([]int64, error) {
			l, err := s.Submissions.List(ctx, survey.SubmissionFilter{After: after, Limit: 7})
			var out []int64
			for _, x := range l {
				out = append(out, x.Seq)
			}
			return out, err
		}},
		{"roster", func(s Stores, after int64) ([]int64, error) {
			l, err := s.Roster.Changes(ctx, after, 7, "")
			var out []int64
			for _, x := range l {
				out = append(out, x.Seq)
			}
			return out, err
		}},
		{"returns", func(s Stores, after int64) ([]int64, error) {
			l, err := s.Returns.Returned(ctx, after, "", 7)
			var out []int64
			for _, x := range l {
				out = append(out, x.Seq)
			}
			return out, err
		}},
		{"approvals", func(s Stores, after int64) ([]int64, error) {
			l, err := s.Reviews.Approvals(ctx, after, "ani", 7)
			var out []int64
			for _, x := range l {
				out = append(out, x.Seq)
			}
			return out, err
		}},
		{"roster updates", func(s Stores, after int64) ([]int64, error) {
			l, err := s.RosterUpdates.List(ctx, survey.UpdateFilter{After: after, Limit: 7})
			var out []int64
			for _, x := range l {
				out = append(out, x.Seq)
			}
			return out, err
		}},
		{"attempts", func(s Stores, after int64) ([]int64, error) {
			l, err := s.Attempts.List(ctx, survey.AttemptFilter{After: after, Limit: 7})
			var out []int64
			for _, x := range l {
				out = append(out, x.Seq)
			}
			return out, err
		}},
	}
	seen := make([]map[int64]bool, len(cursors))
	after := make([]int64, len(cursors))
	for i := range seen {
		seen[i] = map[int64]bool{}
	}
	pager := open(t)
	pageAll := func() error {
		for i, c := range cursors {
			for {
				seqs, err := c.page(pager, after[i])
				if err != nil {
					return fmt.Errorf("%s: %w", c.name, err)
				}
				if len(seqs) == 0 {
					break
				}
				for _, s := range seqs {
					if s <= after[i] || seen[i][s] {
						return fmt.Errorf("%s: seq %d after cursor %d, seen before: %v", c.name, s, after[i], seen[i][s])
					}
					seen[i][s] = true
					after[i] = s
				}
			}
		}
		return nil
	}

	stop := make(chan struct{})
	pagerDone := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				pagerDone <- nil
				return
			default:
			}
			if err := pageAll(); err != nil {
				pagerDone <- err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		s := open(t)
		wg.Go(func() {
			for i := range rounds {
				sub := Submission(t, survey.NewID(), 1, fmt.Sprint(i))
				other := Submission(t, survey.NewID(), 1, fmt.Sprint(i))
				rosterID := fmt.Sprintf("R-%d-%d", w, i)
				steps := []struct {
					name string
					do   func() error
				}{
					{"ingest", func() error {
						rc, err := s.Submissions.Ingest(ctx, []*survey.Submission{sub})
						if err == nil && rc[0].Status != survey.ReceiptStored {
							err = fmt.Errorf("receipt %+v", rc[0])
						}
						return err
					}},
					{"return", func() error { _, err := s.Returns.Return(ctx, sub.InterviewID, 1, "cek", "sri"); return err }},
					{"ingest another", func() error { _, err := s.Submissions.Ingest(ctx, []*survey.Submission{other}); return err }},
					{"approve", func() error { _, err := s.Reviews.Approve(ctx, other.InterviewID, 1, "", "sri"); return err }},
					{"roster upload", func() error {
						_, err := s.Roster.Upload(ctx, []*survey.Respondent{{RosterID: rosterID, Name: fmt.Sprint("changed ", i)}})
						return err
					}},
					{"attempt", func() error {
						_, err := s.Attempts.Ingest(ctx, []*survey.Attempt{attempt(fmt.Sprintf("a-%d-%d", w, i), rosterID, "ani")}, "ani", true)
						return err
					}},
					{"roster update", func() error {
						rc, err := s.RosterUpdates.Ingest(ctx, []*survey.RosterUpdate{proposal(fmt.Sprintf("u-%d-%d", w, i), rosterID, "ani", "regency", "6474")}, "ani", true)
						if err == nil && rc[0].Status != survey.ReceiptStored {
							err = fmt.Errorf("receipt %+v", rc[0])
						}
						return err
					}},
				}
				var err error
				for _, st := range steps {
					t0 := time.Now()
					if err = st.do(); err != nil {
						err = fmt.Errorf("%s after %v: %w", st.name, time.Since(t0), err)
						break
					}
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d round %d: %w", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	if err := <-pagerDone; err != nil {
		t.Fatal(err)
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// One last pass after every writer committed: whatever the pager skipped while they
	// ran lies behind its cursor now, so it would be missing from what it saw.
	if err := pageAll(); err != nil {
		t.Fatal(err)
	}
	for i, c := range cursors {
		var all []int64
		for after := int64(0); ; {
			seqs, err := c.page(setup, after)
			if err != nil {
				t.Fatal(err)
			}
			if len(seqs) == 0 {
				break
			}
			all = append(all, seqs...)
			after = seqs[len(seqs)-1]
		}
		var missed []int64
		for _, s := range all {
			if !seen[i][s] {
				missed = append(missed, s)
			}
		}
		if len(missed) > 0 {
			t.Errorf("%s: the pager skipped %d of %d rows, seqs %v", c.name, len(missed), len(all), missed)
		}
		want := writers * rounds
		if c.name == "submissions" {
			want *= 2 // one returned, one approved per round
		}
		if c.name != "roster" && len(all) != want {
			t.Errorf("%s: %d rows stored, want %d", c.name, len(all), want)
		}
	}
}

func proposal(id, roster, by string, field survey.UpdateField, value string) *survey.RosterUpdate {
	return &survey.RosterUpdate{ID: id, RosterID: roster, Field: field, Value: value, ProposedBy: by,
		ProposedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func testRosterUpdates(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	for _, name := range []string{"ani", "budi"} {
		if _, _, err := s.Users.CreateUser(ctx, name, survey.RoleEnumerator); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Roster.Upload(ctx, []*survey.Respondent{{RosterID: "A-1", Name: "Ani", Regency: "6471"}, {RosterID: "B-1", Name: "Budi"}}); err != nil {
		t.Fatal(err)
	}
	up := proposal("u-1", "A-1", "ani", survey.FieldRegency, "6474")
	changed := proposal("u-1", "A-1", "ani", survey.FieldRegency, "6472")
	rc, err := s.RosterUpdates.Ingest(ctx, []*survey.RosterUpdate{
		up, proposal("u-2", "Z-9", "ani", survey.FieldRegency, "6474"), proposal("u-3", "A-1", "budi", survey.FieldRegency, "6474"),
		proposal("u-1", "A-1", "ani", survey.FieldRegency, "6474"), changed, proposal("u-4", "A-1", "ani", survey.FieldRegency, "6471"),
	}, "ani", true)
	if err != nil || len(rc) != 6 {
		t.Fatalf("ingest: %+v %v", rc, err)
	}
	want := []struct {
		status survey.ReceiptStatus
		code   string
	}{
		{survey.ReceiptStored, ""}, {survey.ReceiptRefused, survey.ENOTFOUND}, {survey.ReceiptRefused, survey.EFORBIDDEN},
		{survey.ReceiptDuplicate, ""}, {survey.ReceiptConflict, survey.ECONFLICT}, {survey.ReceiptDuplicate, ""},
	}
	for i, w := range want {
		if rc[i].Status != w.status || rc[i].Code != w.code {
			t.Errorf("receipt %d: %+v, want %s %s", i, rc[i], w.status, w.code)
		}
	}
	// The same value pending under another id is the first proposal's duplicate.
	rc, err = open(t).RosterUpdates.Ingest(ctx, []*survey.RosterUpdate{proposal("u-5", "A-1", "ani", survey.FieldRegency, "6474")}, "ani", true)
	if err != nil || rc[0].Status != survey.ReceiptDuplicate {
		t.Fatalf("the same value again: %+v %v", rc, err)
	}
	rows, err := s.Roster.Changes(ctx, 0, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	last := rows[len(rows)-1].Seq

	_, err = s.RosterUpdates.Decide(ctx, "u-1", false, "sri", "")
	wantCode(t, "a rejection without a reason", err, survey.EINVALID)
	_, err = s.RosterUpdates.Decide(ctx, "nope", true, "sri", "")
	wantCode(t, "decide an unknown update", err, survey.ENOTFOUND)
	u, err := s.RosterUpdates.Decide(ctx, "u-1", true, "sri", "")
	if err != nil || u.Status != survey.UpdateAccepted || u.Replaced != "6471" || u.DecidedBy != "sri" {
		t.Fatalf("accept: %+v %v", u, err)
	}
	_, err = open(t).RosterUpdates.Decide(ctx, "u-1", false, "sri", "late")
	wantCode(t, "decide twice", err, survey.ECONFLICT)
	// Accepting changed the central row and gave it a new sequence number.
	after, err := s.Roster.Changes(ctx, last, 0, "")
	if err != nil || len(after) != 1 || after[0].Respondent.RosterID != "A-1" || after[0].Respondent.Regency != "6474" {
		t.Fatalf("roster after the acceptance: %+v %v", after, err)
	}
	list, err := s.RosterUpdates.List(ctx, survey.UpdateFilter{Status: survey.UpdateAccepted})
	if err != nil || len(list) != 1 || list[0].ID != "u-1" || list[0].SubmittedBy != "ani" || list[0].ReceivedAt.IsZero() {
		t.Fatalf("accepted: %+v %v", list, err)
	}
	if list, err := s.RosterUpdates.List(ctx, survey.UpdateFilter{RosterID: "B-1"}); err != nil || len(list) != 0 {
		t.Fatalf("B-1's updates: %+v %v", list, err)
	}
	// The office's file uploaded again, made before the correction: the regency accepted
	// from the field stays; a file that gives another value replaces it.
	regency := func() string {
		t.Helper()
		rows, err := s.Roster.Changes(ctx, 0, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Respondent.RosterID == "A-1" {
				return r.Respondent.Regency
			}
		}
		t.Fatal("no row A-1")
		return ""
	}
	for _, tc := range []struct{ file, want string }{{"6471", "6474"}, {"6472", "6472"}} {
		if _, err := s.Roster.Upload(ctx, []*survey.Respondent{{RosterID: "A-1", Name: "Ani", Regency: tc.file}}); err != nil {
			t.Fatal(err)
		}
		if got := regency(); got != tc.want {
			t.Errorf("the file's regency %s uploaded after the correction 6471 -> 6474: the row has %s, want %s", tc.file, got, tc.want)
		}
	}
}
