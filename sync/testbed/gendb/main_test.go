package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite"

	"tracer/survey"
	"tracer/survey/sqlite"
	"tracer/sync/client"
	"tracer/sync/testbed"
	"tracer/sync/wire"
)

// generated makes a database of n interviews over roster rows in a temporary folder.
func generated(t *testing.T, n, roster int, stores bool) string {
	t.Helper()
	return generatedWith(t, options{n: n, roster: roster, stores: stores})
}

// generatedWith makes the database o describes (its path, batch, workers and check set
// here) in a temporary folder.
func generatedWith(t *testing.T, o options) string {
	t.Helper()
	o.path = filepath.Join(t.TempDir(), "server.db")
	o.batch, o.workers, o.check = 97, 3, 1
	if err := run(context.Background(), o, io.Discard); err != nil {
		t.Fatal(err)
	}
	return o.path
}

// dump returns every row of the tables the roster upload and the ingest write, in key
// order, one line per row.
func dump(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for _, table := range []string{"server_roster", "submissions", "submission_conflicts", "reviews", "review_history", "form_interviews", "counters",
		"server_attempts", "attempt_conflicts", "returns"} {
		rows, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteString(" | ")
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprint(&b, v)
			}
			out[table] = append(out[table], b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

// TestWritesWhatTheStoresWrite checks that the generator's own writer leaves the same rows
// as the server's roster upload and ingest do, sequence numbers and review history included.
func TestWritesWhatTheStoresWrite(t *testing.T) {
	const n, roster = 450, 400 // walk-ins, unlinked interviews, revisions, second interviews
	fast, slow := dump(t, generated(t, n, roster, false)), dump(t, generated(t, n, roster, true))
	if len(fast["submissions"]) < n+n/20 || len(fast["server_roster"]) != roster || len(fast["review_history"]) != len(fast["submissions"]) {
		t.Fatalf("%d submissions, %d roster rows, %d review events", len(fast["submissions"]), len(fast["server_roster"]), len(fast["review_history"]))
	}
	sameRows(t, fast, slow)
}

// TestApprovesAsTheStoreApproves checks -approve: the generator's writer leaves the rows
// the review store's approvals leave, the share asked for is approved at each interview's
// latest revision, and the default report reads those.
func TestApprovesAsTheStoreApproves(t *testing.T) {
	const n, roster, share = 450, 400, 0.6
	fastPath := generatedWith(t, options{n: n, roster: roster, approve: share})
	fast, slow := dump(t, fastPath), dump(t, generatedWith(t, options{n: n, roster: roster, approve: share, stores: true}))
	sameRows(t, fast, slow)
	db, err := sql.Open("sqlite", fastPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var approvedN, latest, events, carried int
	if err := db.QueryRow(`SELECT count(*), count(CASE WHEN approved_revision = revision THEN 1 END) FROM reviews WHERE state = 'approved'`).Scan(&approvedN, &latest); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*), count(CASE WHEN submitted_by LIKE 'enum%' THEN 1 END) FROM review_history WHERE to_state = 'approved'`).Scan(&events, &carried); err != nil {
		t.Fatal(err)
	}
	if want := len(approvals(options{n: n, approve: share})); approvedN != want || latest != want || events != want || carried != want {
		t.Errorf("%d approved (%d at their latest revision), %d approval events (%d with their sender); want %d each", approvedN, latest, events, carried, want)
	}
	if approvedN < n*share*0.9 || approvedN > n*share*1.1 {
		t.Errorf("%d of %d interviews approved, want about %.0f%%", approvedN, n, share*100)
	}
	sdb, err := testbed.OpenServerDB(context.Background(), fastPath)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	want := map[string]int{}
	for _, a := range approvals(options{n: n, approve: share}) {
		want[a.id] = a.revision
	}
	read := 0
	for rec, err := range sqlite.NewReviewStore(sdb).Records(context.Background(), survey.RecordFilter{Revisions: survey.RevisionsApproved}) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Revision != want[rec.ID] {
			t.Fatalf("the approved revisions' reader gave interview %s revision %d, want %d", rec.ID, rec.Revision, want[rec.ID])
		}
		read++
	}
	if read != approvedN {
		t.Errorf("the approved revisions' reader read %d records, want %d", read, approvedN)
	}
	for _, s := range []float64{0, 1} {
		if got := len(approvals(options{n: n, approve: s})); got != int(s)*n {
			t.Errorf("share %v: %d approvals, want %d", s, got, int(s)*n)
		}
	}
}

// TestAttemptsAsTheLedgerStores checks -attempts and -returned: the generator's writer
// leaves the rows the attempt ledger's ingest and the review store's returns leave, every
// AAPOR class of docs/TRACING.md is some alumni's final disposition, several attempts are
// made of most, some alumni are never attempted, and the returned interviews wait for
// correction, unapproved.
func TestAttemptsAsTheLedgerStores(t *testing.T) {
	const n, roster = 450, 600
	o := options{n: n, roster: roster, approve: 0.5, returned: 0.1, attempts: true, shuffle: true}
	fastPath := generatedWith(t, o)
	o.stores = true
	fast, slow := dump(t, fastPath), dump(t, generatedWith(t, o))
	sameRows(t, fast, slow)
	if len(fast["server_attempts"]) < roster {
		t.Fatalf("%d attempts for %d roster rows", len(fast["server_attempts"]), roster)
	}
	db, err := sql.Open("sqlite", fastPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The final disposition of each roster row, from its attempts and interviews, as
	// docs/TRACING.md states the rule.
	attempts := map[string][]survey.DispositionEvent{}
	rows, err := db.Query(`SELECT roster_id, outcome, at FROM server_attempts`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, code, at string
		if err := rows.Scan(&id, &code, &at); err != nil {
			t.Fatal(err)
		}
		when, _ := time.Parse(timeLayout, at)
		attempts[id] = append(attempts[id], survey.DispositionEvent{Code: code, At: when})
	}
	rows.Close()
	interviews := map[string][]survey.DispositionEvent{}
	rows, err = db.Query(`SELECT s.respondent_id, s.body FROM submissions s JOIN reviews r ON r.interview_id = s.interview_id
		AND r.revision = s.revision WHERE s.respondent_id LIKE 'R%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var body []byte
		if err := rows.Scan(&id, &body); err != nil {
			t.Fatal(err)
		}
		rec, err := survey.DecodeRecord(body)
		if err != nil {
			t.Fatal(err)
		}
		code := survey.InterviewDisposition(rec.Answers["grp_consent/consent"], rec.Answers["grp_status/main_status"])
		interviews[id] = append(interviews[id], survey.DispositionEvent{Code: code, At: rec.FinalizedAt})
	}
	rows.Close()
	classes, several, never := map[survey.Class]int{}, 0, 0
	for r := range roster {
		id := rosterRow(r).RosterID
		d, _ := survey.LookupDisposition(survey.AlumnusDisposition(attempts[id], interviews[id]))
		classes[d.Class]++
		switch {
		case len(attempts[id]) >= 2:
			several++
		case len(attempts[id]) == 0 && len(interviews[id]) == 0:
			never++
		}
	}
	for _, c := range []survey.Class{survey.ClassComplete, survey.ClassPartial, survey.ClassRefusal, survey.ClassNonContact,
		survey.ClassOther, survey.ClassUnknown, survey.ClassIneligible} {
		if classes[c] < 5 {
			t.Errorf("%d alumni end in class %s; want some of every class (%v)", classes[c], c, classes)
		}
	}
	if several < roster/3 || never < 10 {
		t.Errorf("%d alumni with several attempts, %d never attempted nor interviewed", several, never)
	}
	var back, approvedBack, waiting int
	if err := db.QueryRow(`SELECT count(*), count(CASE WHEN v.state = 'approved' THEN 1 END), count(CASE WHEN v.state = 'returned' THEN 1 END)
		FROM returns r JOIN reviews v ON v.interview_id = r.interview_id`).Scan(&back, &approvedBack, &waiting); err != nil {
		t.Fatal(err)
	}
	if want := len(returns(o)); back != want || approvedBack != 0 || waiting != want || want < n/20 {
		t.Errorf("%d returns (%d approved, %d waiting for correction); want %d waiting", back, approvedBack, waiting, want)
	}
}

// TestInterviewIDs checks the generated ids: version 7 UUIDs of when the interview started,
// one per interview, the same for the same number, in the order the interviews started.
func TestInterviewIDs(t *testing.T) {
	const n = 20000
	seen := map[string]int{}
	var last time.Time
	for i := range n {
		id := interviewID(i, n)
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("interview %d: id %s (%v): version %d, variant %v; want a version 7 UUID", i, id, err, u.Version(), u.Variant())
		}
		sec, nsec := u.Time().UnixTime()
		at := time.Unix(sec, nsec).UTC()
		if want := startedAt(i, n, 1); !at.Equal(want) {
			t.Fatalf("interview %d: id %s holds %v, want when it started, %v", i, id, at, want)
		}
		if j, ok := seen[id]; ok {
			t.Fatalf("interviews %d and %d share id %s", j, i, id)
		}
		seen[id] = i
		if interviewID(i, n) != id {
			t.Fatalf("interview %d: two ids", i)
		}
		if at.After(last) {
			last = at
		}
	}
	if first := startedAt(0, n, 1); !last.After(first.Add(80 * 24 * time.Hour)) {
		t.Errorf("ids span %v to %v; want the 90 days of interviews", first, last)
	}
}

// sameRows reports every table whose rows differ between the generator's writer (fast) and
// the stores (slow).
func sameRows(t *testing.T, fast, slow map[string][]string) {
	t.Helper()
	for table, want := range slow {
		got := fast[table]
		if len(got) != len(want) {
			t.Errorf("%s: %d rows, the stores wrote %d", table, len(got), len(want))
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s row %d:\n got %s\nwant %s", table, i, got[i], want[i])
				break
			}
		}
	}
}

// TestServerTakesEveryInterview pushes every generated revision to a real server over HTTP,
// which checks each with the form engine, and checks the answers vary.
func TestServerTakesEveryInterview(t *testing.T) {
	ctx := context.Background()
	path := generated(t, 300, 300, false)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT interview_id, revision, hash, body, enumerator FROM submissions ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	byEnumerator := map[string][]wire.PushItem{}
	statuses, consent, income := map[string]bool{}, map[string]bool{}, map[string]bool{}
	ids := map[string]bool{}
	for rows.Next() {
		var it wire.PushItem
		var enumerator string
		if err := rows.Scan(&it.ID, &it.Revision, &it.Hash, &it.Body, &enumerator); err != nil {
			t.Fatal(err)
		}
		byEnumerator[enumerator] = append(byEnumerator[enumerator], it)
		ids[it.ID] = true
		rec, err := survey.DecodeRecord(it.Body)
		if err != nil {
			t.Fatal(err)
		}
		statuses[rec.Answers["grp_status/main_status"]] = true
		consent[rec.Answers["grp_consent/consent"]] = true
		income[fmt.Sprint(rec.Answers["grp_job/income_exact"] != "", rec.Answers["grp_job/income_band"] != "")] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 300 || len(statuses) != 9 || len(consent) != 2 || len(income) != 3 {
		t.Fatalf("%d interviews, main activities %v, consent %v, income given %v", len(ids), statuses, consent, income)
	}
	env := testbed.NewEnv(t, nil, nil)
	stored := 0
	for enumerator, items := range byEnumerator {
		c, err := client.NewClient(env.URL, client.WithToken(testbed.Token(t, env.Users, enumerator, survey.RoleEnumerator)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Push(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res.Receipts {
			if r.Status != survey.ReceiptStored {
				t.Fatalf("%s revision %d: %s %s", items[i].ID, items[i].Revision, r.Status, r.Message)
			}
			stored++
		}
	}
	if stored < 300 {
		t.Fatalf("%d revisions stored", stored)
	}
}

// TestShuffleVisitsEveryRowOnce checks the scattered roster order is a permutation that
// moves neighbouring turns far apart, and that a shuffled database interviews every roster
// row once outside the planned second interviews.
func TestShuffleVisitsEveryRowOnce(t *testing.T) {
	for _, n := range []int{1, 2, 3, 10, 97, 400, 1000, 999983, 1000000} {
		o := newRosterOrder(n, true)
		seen := make([]bool, n)
		near := 0
		for turn := range n {
			r := o.row(turn)
			if r < 0 || r >= n || seen[r] {
				t.Fatalf("n=%d: turn %d gives row %d twice or outside the roster", n, turn, r)
			}
			seen[r] = true
			if turn > 0 && max(r-o.row(turn-1), o.row(turn-1)-r) < 2 {
				near++
			}
		}
		if n >= 97 && near > n/50 {
			t.Errorf("n=%d: %d turns follow a neighbouring row", n, near)
		}
	}
	db, err := sql.Open("sqlite", func() string {
		path := filepath.Join(t.TempDir(), "server.db")
		o := options{path: path, n: 200, roster: 200, batch: 97, workers: 3, check: 1, shuffle: true}
		if err := run(context.Background(), o, io.Discard); err != nil {
			t.Fatal(err)
		}
		return path
	}())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, people, rising int
	err = db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT id), SUM(id > prev) FROM (SELECT respondent_id AS id,
		LAG(respondent_id) OVER (ORDER BY seq) AS prev FROM submissions WHERE respondent_id LIKE 'R%' AND revision = 1)`).Scan(&rows, &people, &rising)
	if err != nil {
		t.Fatal(err)
	}
	// In the roster's order nearly every interview's row follows the one before; scattered,
	// about half do.
	if people < rows-rows/50-1 || rising > rows*3/4 {
		t.Fatalf("%d interviews of roster rows, %d people, %d after a row earlier in the roster", rows, people, rising)
	}
}

// TestTrainingEndsAfterItStarts: every generated roster row's training starts before it
// ends, in the batch's month, as a real roster's does.
func TestTrainingEndsAfterItStarts(t *testing.T) {
	for i := range 5000 {
		r := respondent(i)
		start, err1 := time.Parse(time.DateOnly, r.TrainingStart)
		end, err2 := time.Parse(time.DateOnly, r.TrainingEnd)
		if err1 != nil || err2 != nil || !start.Before(end) || end.Sub(start) > 70*24*time.Hour {
			t.Fatalf("row %d: training %s to %s", i, r.TrainingStart, r.TrainingEnd)
		}
		if want := fmt.Sprintf("BTG-2025-%02d", end.Month()); r.BatchID != want {
			t.Fatalf("row %d: batch %s ends in %s", i, r.BatchID, r.TrainingEnd)
		}
	}
}
