package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tracer/survey"
)

// Ensure SubmissionStore implements survey.InstanceIndex.
var _ survey.InstanceIndex = (*SubmissionStore)(nil)

// addInstances records, inside an ingest's transaction, the Collect instanceID of each
// submission of subs that carries one and whose receipt says it is stored (now or before),
// in the batch's order: the first revision to carry an instanceID keeps it.
func addInstances(ctx context.Context, tx cachedTx, subs []*survey.Submission, receipts []survey.Receipt) error {
	var with []int
	for i, sub := range subs {
		if st := receipts[i].Status; sub.InstanceID == "" || sub.InstanceID == sub.InterviewID ||
			(st != survey.ReceiptStored && st != survey.ReceiptDuplicate) {
			continue
		}
		with = append(with, i)
	}
	if err := execRows(ctx, tx, `INSERT INTO collect_instances (instance_id, interview_id, revision) VALUES `,
		` ON CONFLICT (instance_id) DO NOTHING`, 3, len(with), func(n int, dst []any) []any {
			sub := subs[with[n]]
			return append(dst, sub.InstanceID, sub.InterviewID, sub.Revision)
		}); err != nil {
		return fmt.Errorf("record instances: %w", err)
	}
	return nil
}

// Instance returns the interview and revision an ODK Collect instanceID was stored as. See
// survey.InstanceIndex.
func (s *SubmissionStore) Instance(ctx context.Context, instanceID string) (string, int, error) {
	var id string
	var rev int
	st, err := s.db.stmt(ctx, `SELECT interview_id, revision FROM collect_instances WHERE instance_id = ?`)
	if err != nil {
		return "", 0, err
	}
	err = st.QueryRowContext(ctx, instanceID).Scan(&id, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, survey.Errorf(survey.ENOTFOUND, "No interview was stored from instance %s.", instanceID)
	}
	return id, rev, err
}
