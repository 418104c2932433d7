package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tracer/survey"
)

// Ensure ServerRosterStore keeps the history of its assignments.
var _ survey.AssignmentHistorian = (*ServerRosterStore)(nil)

// Assignments returns the enumerator each assigned roster id is assigned to.
func (s *ServerRosterStore) Assignments(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT roster_id, user_name FROM assignments`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, user string
		if err := rows.Scan(&id, &user); err != nil {
			return nil, err
		}
		out[id] = user
	}
	return out, rows.Err()
}

// AssignmentHistory returns the assignments of rosterID ("" for all), oldest first. See
// survey.AssignmentHistorian.
func (s *ServerRosterStore) AssignmentHistory(ctx context.Context, rosterID string, current bool) ([]survey.Assignment, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT roster_id, user_name, assigned_by, assigned_at, ended_by, ended_at
		FROM assignment_history WHERE ($1 = '' OR roster_id = $1) AND (NOT $2 OR ended_at = '') ORDER BY roster_id COLLATE "C", id`,
		rosterID, current)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.Assignment
	for rows.Next() {
		var a survey.Assignment
		var at, ended string
		if err := rows.Scan(&a.RosterID, &a.User, &a.AssignedBy, &at, &a.EndedBy, &ended); err != nil {
			return nil, err
		}
		if a.AssignedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		if a.EndedAt, err = parseTime(ended); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// heldAt reports whether user had rosterID assigned at t: an attempt or a proposal made
// then is hers even when the alumnus was reassigned before it reached the server.
func heldAt(ctx context.Context, tx *sql.Tx, rosterID, user string, t time.Time) (bool, error) {
	var one int
	at := formatTime(t)
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM assignment_history WHERE roster_id = $1 AND user_name = $2
		AND assigned_at <= $3 AND (ended_at = '' OR ended_at > $3) LIMIT 1`, rosterID, user, at).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
