package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"tracer/survey"
	"tracer/survey/postgres/pgtest"
)

// TestFilteredPullsSeekTheirIndex checks, with PostgreSQL's plan of each query prepared as
// the driver prepares it and planned generically (the plan a prepared statement settles
// on), that a pull with a filter can seek the filter's index. Sequential scans are turned
// off so that the planner shows whether the index is usable at all: on the test's empty
// tables it would scan them anyway.
func TestFilteredPullsSeekTheirIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, pgtest.URL(t), WithCodeKey(pgtest.Key()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A history like a server's: receptions and approvals of a hundred accounts'
	// interviews, with the planner's statistics, so that the plan of one account's
	// approvals is the one a server settles on (on a few thousand rows in sequence order,
	// walking every approval is as cheap, and the planner rightly takes it).
	for _, q := range []string{`INSERT INTO review_history (seq, interview_id, revision, to_state, by_user, at, submitted_by)
		SELECT g, 'i' || (g / 2), 1, CASE WHEN g % 2 = 0 THEN 'received' ELSE 'approved' END, 'sri', '2026-01-01T00:00:00Z',
			CASE WHEN g % 2 = 0 THEN '' ELSE 'u' || (g % 200) END FROM generate_series(1, 100000) AS g`,
		`ANALYZE review_history`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, set := range []string{`SET enable_seqscan = off`, `SET plan_cache_mode = force_generic_plan`} {
		if _, err := conn.ExecContext(ctx, set); err != nil {
			t.Fatal(err)
		}
	}
	plan := func(name, q string, args []any) string {
		t.Helper()
		if _, err := conn.ExecContext(ctx, `PREPARE `+name+` AS `+q); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// EXECUTE takes its arguments as literals (the test's own values, no quotes in them).
		lit := make([]string, len(args))
		for i, a := range args {
			if s, ok := a.(string); ok {
				lit[i] = "'" + s + "'"
			} else {
				lit[i] = fmt.Sprint(a)
			}
		}
		rows, err := conn.QueryContext(ctx, `EXPLAIN EXECUTE `+name+`(`+strings.Join(lit, ", ")+`)`)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, strings.TrimSpace(line))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "; ")
	}
	for _, tc := range []struct {
		name, index string
		q           string
		args        []any
	}{
		{"late_refusals", "late_refusals_submitter", first(lateRefusalsQuery(0, "ani", 10)), second(lateRefusalsQuery(0, "ani", 10))},
		{"attempts_enumerator", "server_attempts_enumerator", first(attemptsQuery(survey.AttemptFilter{Enumerator: "ani"}, 10)), second(attemptsQuery(survey.AttemptFilter{Enumerator: "ani"}, 10))},
		{"attempts_roster", "server_attempts_roster", first(attemptsQuery(survey.AttemptFilter{RosterID: "R1"}, 10)), second(attemptsQuery(survey.AttemptFilter{RosterID: "R1"}, 10))},
		{"updates_status", "server_roster_updates_status", first(updatesQuery(survey.UpdateFilter{Status: survey.UpdatePending}, 10)), second(updatesQuery(survey.UpdateFilter{Status: survey.UpdatePending}, 10))},
		{"returns", "returns_submitter", first(returnsQuery(0, "ani", 10)), second(returnsQuery(0, "ani", 10))},
		{"approvals", "review_history_approvals", approvalsQuery, []any{"ani", 0, 10}},
		{"all_approvals", "review_history_approved", allApprovalsQuery, []any{0, 10}},
	} {
		if got := plan(tc.name, tc.q, tc.args); !strings.Contains(got, tc.index) {
			t.Errorf("%s: generic plan %q does not use index %s", tc.name, got, tc.index)
		}
	}
}

func first(q string, _ []any) string    { return q }
func second(_ string, args []any) []any { return args }
