-- Self-response links (server): one per alumnus, opened by a secret token of which only the
-- SHA-256 is kept. Submissions through a link are revisions of its interview.
CREATE TABLE links (
	id           TEXT PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	roster_id    TEXT NOT NULL,
	form_id      TEXT NOT NULL,
	interview_id TEXT NOT NULL,
	created_by   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	revoked_at   TEXT NOT NULL DEFAULT '',
	revisions    BIGINT NOT NULL DEFAULT 0,
	last_used_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX links_roster ON links (roster_id, created_at);
