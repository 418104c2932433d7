package sqlite

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
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range refusals {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM late_refusals WHERE interview_id = ? AND revision = ? AND hash = ?`,
				r.InterviewID, r.Revision, r.Hash).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			seq, err := nextSeqs(ctx, tx, "late_refusal", 1)
			if err != nil {
				return err
			}
			if r.At.IsZero() {
				r.At = now
			}
			if err := insertLateRefusal(ctx, tx, seq, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// MirrorLateRefusals stores late refusals under the centre's sequence numbers. See
// survey.RelayStore.
func (s *RelayStore) MirrorLateRefusals(ctx context.Context, refusals []survey.LateRefusal) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range refusals {
			if r.Seq <= 0 {
				return survey.Errorf(survey.EINVALID, "The centre gave a late refusal of %s without a sequence number.", r.InterviewID)
			}
			if err := insertLateRefusal(ctx, tx, r.Seq, r); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertLateRefusal(ctx context.Context, tx *sql.Tx, seq int64, r survey.LateRefusal) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO late_refusals (seq, kind, interview_id, revision, hash, outcome, code, message, submitted_by, relay, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, seq, string(r.Kind.Of()), r.InterviewID, r.Revision, r.Hash, string(r.Outcome), r.Code, r.Message,
		r.SubmittedBy, r.Relay, formatTime(r.At))
	return err
}

// LateRefusals returns refusals of relayed revisions. See survey.LateRefusalLedger.
func (s *SubmissionStore) LateRefusals(ctx context.Context, after int64, submitter string, limit int) ([]survey.LateRefusal, error) {
	if limit <= 0 {
		limit = 500
	}
	q, args := lateRefusalsQuery(after, submitter, limit)
	rows, err := s.db.query(ctx, q, args...)
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
		FROM late_refusals WHERE seq > ?`, []any{after}, "submitted_by", submitter)
	return q + ` ORDER BY seq LIMIT ?`, append(args, limit)
}
