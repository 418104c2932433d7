package postgres

import (
	"context"
	"database/sql"
	"errors"

	"tracer/survey"
)

// Ensure SubmissionStore implements survey.InstanceIndex.
var _ survey.InstanceIndex = (*SubmissionStore)(nil)

// AddInstance records which revision an ODK Collect instanceID was stored as. See
// survey.InstanceIndex.
func (s *SubmissionStore) AddInstance(ctx context.Context, instanceID, id string, revision int) error {
	_, err := s.db.db.ExecContext(ctx, `INSERT INTO collect_instances (instance_id, interview_id, revision) VALUES ($1, $2, $3)
		ON CONFLICT (instance_id) DO NOTHING`, instanceID, id, revision)
	return err
}

// Instance returns the interview and revision an ODK Collect instanceID was stored as. See
// survey.InstanceIndex.
func (s *SubmissionStore) Instance(ctx context.Context, instanceID string) (string, int, error) {
	var id string
	var rev int
	err := s.db.db.QueryRowContext(ctx, `SELECT interview_id, revision FROM collect_instances WHERE instance_id = $1`, instanceID).Scan(&id, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, survey.Errorf(survey.ENOTFOUND, "No interview was stored from instance %s.", instanceID)
	}
	return id, rev, err
}
