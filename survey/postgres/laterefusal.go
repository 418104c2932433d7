package postgres

import (
	"context"
	"database/sql"

	"tracer/survey"
)

var _ survey.LateRefusalLedger = (*SubmissionStore)(nil)

// RecordLateRefusals keeps refusals of relayed revisions. See survey.LateRefusalLedger.
func (s *SubmissionStore) RecordLateRefusals(ctx context.Context, refusals []survey.LateRefusal) error {
	if len(refusals) == 0 {
		return nil
	}
	now := s.db.now()
	return s.db.inTx(ctx, []string{counterLateRefusal}, func(tx *sql.Tx) error {
		for _, r := range refusals {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM late_refusals WHERE interview_id = $1 AND revision = $2 AND hash = $3`,
				r.InterviewID, r.Revision, r.Hash).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			seq, err := nextSeqs(ctx, tx, counterLateRefusal, 1)
			if err != nil {
				return err
			}
			if r.At.IsZero() {
				r.At = now
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO late_refusals (seq, kind, interview_id, revision, hash, outcome, code, message, submitted_by, relay, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, seq, string(r.Kind.Of()), r.InterviewID, r.Revision, r.Hash, string(r.Outcome), r.Code, r.Message,
				r.SubmittedBy, r.Relay, formatTime(r.At)); err != nil {
				return err
			}
		}
		return nil
	})
}

// LateRefusals returns refusals of relayed revisions. See survey.LateRefusalLedger.
func (s *SubmissionStore) LateRefusals(ctx context.Context, after int64, submitter string, limit int) ([]survey.LateRefusal, error) {
	if limit <= 0 {
		limit = 500
	}
	q, args := lateRefusalsQuery(after, submitter, limit)
	rows, err := s.db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.LateRefusal
	for rows.Next() {
		var r survey.LateRefusal
		var kind, outcome, at string
		if err := rows.Scan(&r.Seq, &kind, &r.InterviewID, &r.Revision, &r.Hash, &outcome, &r.Code, &r.Message, &r.SubmittedBy, &r.Relay, &at); err != nil {
			return nil, err
		}
		r.Outcome, r.Kind = survey.Outcome(outcome), survey.ItemKind(kind)
		if r.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// lateRefusalsQuery is the query of LateRefusals and its arguments.
func lateRefusalsQuery(after int64, submitter string, limit int) (string, []any) {
	q, args := andEq(`SELECT seq, kind, interview_id, revision, hash, outcome, code, message, submitted_by, relay, at
		FROM late_refusals WHERE seq > $1`, []any{after}, "submitted_by", submitter)
	return limited(q+` ORDER BY seq`, args, limit)
}
