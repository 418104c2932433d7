-- As on SQLite's server: an approval carries the account that sent the approved revision
-- (other history rows leave it empty), and two indexes over the approvals alone find one
-- account's approvals, for its laptop's sync, or every account's, for a relay, after a
-- sequence number, at a cost that does not grow with what the account ever sent.
ALTER TABLE review_history ADD COLUMN submitted_by TEXT NOT NULL DEFAULT '';
UPDATE review_history SET submitted_by = COALESCE((SELECT s.submitted_by FROM submissions s
	WHERE s.interview_id = review_history.interview_id AND s.revision = review_history.revision), '')
	WHERE to_state = 'approved';
CREATE INDEX review_history_approvals ON review_history (submitted_by, seq) WHERE to_state = 'approved';
CREATE INDEX review_history_approved ON review_history (seq) WHERE to_state = 'approved';
