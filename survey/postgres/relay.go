package postgres

import (
	"context"

	"tracer/survey"
)

// Ensure the stores give relays what they pull from the centre.
var (
	_ survey.AccountDirectory = (*UserStore)(nil)
	_ survey.ApprovalFeed     = (*ReviewStore)(nil)
)

// RelayAccounts lists the accounts a relay serves. See survey.AccountDirectory.
func (s *UserStore) RelayAccounts(ctx context.Context) ([]survey.RelayAccount, error) {
	rows, err := s.db.db.QueryContext(ctx, `SELECT u.name, u.role, COALESCE(t.token_hash, '') FROM users u
		LEFT JOIN tokens t ON t.user_name = u.name AND t.revoked_at = ''
		WHERE u.revoked_at = '' AND u.role IN ($1, $2) ORDER BY u.name COLLATE "C", t.token_hash COLLATE "C"`,
		string(survey.RoleEnumerator), string(survey.RoleSupervisor))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.RelayAccount
	for rows.Next() {
		var name, role, hash string
		if err := rows.Scan(&name, &role, &hash); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, survey.RelayAccount{Name: name, Role: survey.Role(role), TokenHashes: []string{}})
		}
		if hash != "" {
			a := &out[len(out)-1]
			a.TokenHashes = append(a.TokenHashes, hash)
		}
	}
	return out, rows.Err()
}

// allApprovalsQuery reads every account's approvals after a sequence number through the
// index of approvals, past the history's other rows.
const allApprovalsQuery = `SELECT seq, interview_id, revision, by_user, at, submitted_by FROM review_history
	WHERE to_state = 'approved' AND seq > $1 ORDER BY seq LIMIT $2`

// AllApprovals returns every account's approvals. See survey.ApprovalFeed.
func (s *ReviewStore) AllApprovals(ctx context.Context, after int64, limit int) ([]survey.RelayApproval, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := s.db.db.QueryContext(ctx, allApprovalsQuery, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.RelayApproval
	for rows.Next() {
		a := survey.RelayApproval{ReviewEvent: survey.ReviewEvent{To: survey.ReviewApproved}}
		var at string
		if err := rows.Scan(&a.Seq, &a.InterviewID, &a.Revision, &a.By, &at, &a.SubmittedBy); err != nil {
			return nil, err
		}
		if a.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
