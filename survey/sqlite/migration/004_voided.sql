-- A draft voided on the laptop leaves its id, who and why, so that the roster's history
-- keeps it after its answers and events are gone.

CREATE TABLE voided (
	interview_id  TEXT PRIMARY KEY,
	form_id       TEXT NOT NULL,
	respondent_id TEXT NOT NULL DEFAULT '',
	enumerator    TEXT NOT NULL,
	reason        TEXT NOT NULL,
	voided_at     TEXT NOT NULL
);
