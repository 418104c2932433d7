package postgres

import (
	"context"
)

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
