-- Every laptop's sync asks for the approvals of the revisions its account sent. Found
-- through the submissions that account sent, that cost grew with all it had ever sent
-- (50,000 submissions: 0.7 s of CPU per sync). An approval now carries the account that
-- sent the approved revision (other history rows leave it empty), and two indexes over
-- the approvals alone find one account's approvals, or every account's for a relay,
-- after a sequence number.
ALTER TABLE review_history ADD COLUMN submitted_by TEXT NOT NULL DEFAULT '';
UPDATE review_history SET submitted_by = COALESCE((SELECT s.submitted_by FROM submissions s
	WHERE s.interview_id = review_history.interview_id AND s.revision = review_history.revision), '')
	WHERE to_state = 'approved';
CREATE INDEX review_history_approvals ON review_history (submitted_by, seq) WHERE to_state = 'approved';
CREATE INDEX review_history_approved ON review_history (seq) WHERE to_state = 'approved';
