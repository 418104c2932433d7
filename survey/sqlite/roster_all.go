package sqlite

import (
	"context"

	"tracer/survey"
)

// All returns every roster row on the laptop, by roster id, personal columns decrypted.
// The laptop holds only the alumni assigned to it, so the list is bounded by the work.
func (s *RosterStore) All(ctx context.Context) ([]*survey.Respondent, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT `+respondentColumns+` FROM respondents ORDER BY roster_id`)
	if err != nil {
		return nil, err
	}
	return s.scan(rows)
}
