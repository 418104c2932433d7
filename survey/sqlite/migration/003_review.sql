-- Review on the server: the state of every interview and every change of it, with who and
-- when. The submission store starts a review when an interview's first revision arrives
-- (received) and moves it on when a later revision arrives (resubmitted); supervisors
-- approve and return. Question-level comments of a return are kept as JSON text.

INSERT INTO counters (name, value) VALUES ('review', 0);

CREATE TABLE reviews (
	interview_id      TEXT PRIMARY KEY,
	revision          INTEGER NOT NULL,
	state             TEXT NOT NULL CHECK (state IN ('received', 'approved', 'returned', 'resubmitted')),
	approved_revision INTEGER NOT NULL DEFAULT 0,
	updated_at        TEXT NOT NULL,
	updated_by        TEXT NOT NULL
);
CREATE INDEX reviews_state ON reviews (state);

CREATE TABLE review_history (
	seq          INTEGER NOT NULL UNIQUE,
	interview_id TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	from_state   TEXT NOT NULL DEFAULT '',
	to_state     TEXT NOT NULL,
	comment      TEXT NOT NULL DEFAULT '',
	questions    TEXT NOT NULL DEFAULT '',
	by_user      TEXT NOT NULL,
	at           TEXT NOT NULL
);
CREATE INDEX review_history_interview ON review_history (interview_id, seq);

ALTER TABLE returns ADD COLUMN questions TEXT NOT NULL DEFAULT '';

-- Interviews stored before this migration: received, or returned when their latest
-- revision was returned.
INSERT INTO reviews (interview_id, revision, state, updated_at, updated_by)
SELECT s.interview_id, s.revision,
	CASE WHEN EXISTS (SELECT 1 FROM returns r WHERE r.interview_id = s.interview_id AND r.revision = s.revision)
		THEN 'returned' ELSE 'received' END,
	s.received_at, s.submitted_by
FROM submissions s
WHERE s.revision = (SELECT MAX(x.revision) FROM submissions x WHERE x.interview_id = s.interview_id);
