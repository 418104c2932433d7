package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"tracer/survey"
)

// queryPlan returns the steps of SQLite's plan for query on db.
func queryPlan(t *testing.T, db *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestFormsQueryReadsNoSubmissions checks, with SQLite's query plan, that listing the
// forms (every laptop's every sync) scans no table that grows with the interviews: its
// cost must not grow as the server stores more.
func TestFormsQueryReadsNoSubmissions(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := queryPlan(t, db, formsQuery)
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN published_forms") {
			t.Errorf("the forms list scans a table: %q (plan %q)", step, plan)
		}
		if strings.Contains(step, "submissions") {
			t.Errorf("the forms list reads the submissions: %q (plan %q)", step, plan)
		}
	}
}

// TestRecordsQueriesSortNothing checks, with SQLite's query plan, that reading the records
// of an export or a report walks the submissions in sequence order without sorting them:
// a sort holds every body (and roster row) in a temporary B-tree before the first record
// comes out.
func TestRecordsQueriesSortNothing(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, revs := range []survey.RevisionSet{survey.RevisionsApproved, survey.RevisionsLatest, survey.RevisionsAll, survey.RevisionsLatestAndApproved} {
		for _, withRoster := range []bool{false, true} {
			for _, form := range []string{"", "tracer"} {
				for _, anyOrder := range []bool{false, true} {
					p, err := recordsQuery(survey.RecordFilter{Revisions: revs, FormID: form, AnyOrder: anyOrder}, withRoster)
					if err != nil {
						t.Fatal(err)
					}
					for _, step := range queryPlan(t, db, p.q, p.args...) {
						if strings.Contains(step, "TEMP B-TREE") || strings.Contains(step, "MATERIALIZE") {
							t.Errorf("%s, roster %v, form %q, any order %v: %q", revs, withRoster, form, anyOrder, step)
						}
						// In the table's order the superseded rows are listed apart: no
						// lookup of every row in a list of them.
						if p.latestHere && strings.Contains(step, "SUBQUERY") {
							t.Errorf("%s, roster %v, form %q, any order: %q", revs, withRoster, form, step)
						}
					}
				}
			}
		}
	}
	if plan := queryPlan(t, db, supersededQuery); strings.Contains(strings.Join(plan, "; "), "TEMP B-TREE") {
		t.Errorf("the superseded rows are sorted in SQL: %q", plan)
	}
}

// TestFilteredPullsSeekTheirIndex checks, with SQLite's query plan, that the pulls a
// laptop or relay makes with a filter (its own late refusals and approvals, its alumni's
// attempts, a status of roster updates, its relay feed, a relay's approvals) seek the
// filter's index instead of walking
// every row after the cursor, and that the same queries without a filter still read by
// sequence number.
func TestFilteredPullsSeekTheirIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		name  string
		q     string
		args  []any
		index string
	}{
		{name: "late refusals of one enumerator", index: "late_refusals_submitter", q: first(lateRefusalsQuery(0, "ani", 10)), args: second(lateRefusalsQuery(0, "ani", 10))},
		{name: "attempts of one enumerator", index: "server_attempts_enumerator", q: first(attemptsQuery(survey.AttemptFilter{Enumerator: "ani"}, 10)), args: second(attemptsQuery(survey.AttemptFilter{Enumerator: "ani"}, 10))},
		{name: "attempts of one alumnus", index: "server_attempts_roster", q: first(attemptsQuery(survey.AttemptFilter{RosterID: "R1"}, 10)), args: second(attemptsQuery(survey.AttemptFilter{RosterID: "R1"}, 10))},
		{name: "pending roster updates", index: "server_roster_updates_status", q: first(updatesQuery(survey.UpdateFilter{Status: survey.UpdatePending}, 10)), args: second(updatesQuery(survey.UpdateFilter{Status: survey.UpdatePending}, 10))},
		{name: "one owner's relay feed", index: "relay_feed_owner", q: first(feedQuery("returns", 0, "ani", 10)), args: second(feedQuery("returns", 0, "ani", 10))},
		{name: "one account's approvals", index: "review_history_approvals", q: approvalsQuery, args: []any{"ani", 0, 10}},
		{name: "every account's approvals", index: "review_history_approved", q: allApprovalsQuery, args: []any{0, 10}},
	} {
		plan := strings.Join(queryPlan(t, db, tc.q, tc.args...), "; ")
		if !strings.Contains(plan, tc.index) {
			t.Errorf("%s: plan %q does not use index %s", tc.name, plan, tc.index)
		}
	}
	q, args := lateRefusalsQuery(0, "", 10)
	if n := strings.Count(q, "?"); n != len(args) {
		t.Fatalf("unfiltered query has %d placeholders for %d arguments", n, len(args))
	}
	if plan := strings.Join(queryPlan(t, db, q, args...), "; "); strings.Contains(plan, "late_refusals_submitter") {
		t.Errorf("unfiltered late refusals use the submitter index: %q", plan)
	}
}

func first(q string, _ []any) string    { return q }
func second(_ string, args []any) []any { return args }
