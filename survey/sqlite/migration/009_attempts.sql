-- Contact attempts. On the laptop: every attempt recorded, with when a receipt said the
-- server holds it (sent_at) or why the server refused it for good (refusal). The channel
-- and the note are encrypted like drafts' answers when the laptop has a data key.
CREATE TABLE attempts (
	id           TEXT PRIMARY KEY,
	roster_id    TEXT NOT NULL,
	at           TEXT NOT NULL,
	enumerator   TEXT NOT NULL,
	mode         TEXT NOT NULL,
	channel      TEXT NOT NULL DEFAULT '',
	outcome      TEXT NOT NULL,
	callback_at  TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	interview_id TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	sent_at      TEXT NOT NULL DEFAULT '',
	refusal      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attempts_roster ON attempts (roster_id, at);
CREATE INDEX attempts_unsent ON attempts (created_at) WHERE sent_at = '' AND refusal = '';

-- On the server: every attempt received, once per id, with its sequence number; another
-- content pushed under a stored id is kept in attempt_conflicts, never overwritten.
INSERT INTO counters (name, value) VALUES ('attempt', 0);
CREATE TABLE server_attempts (
	id           TEXT PRIMARY KEY,
	seq          INTEGER NOT NULL UNIQUE,
	roster_id    TEXT NOT NULL,
	at           TEXT NOT NULL,
	enumerator   TEXT NOT NULL,
	mode         TEXT NOT NULL,
	channel      TEXT NOT NULL DEFAULT '',
	outcome      TEXT NOT NULL,
	callback_at  TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	interview_id TEXT NOT NULL DEFAULT '',
	submitted_by TEXT NOT NULL,
	received_at  TEXT NOT NULL
);
CREATE INDEX server_attempts_roster ON server_attempts (roster_id, at);
CREATE INDEX server_attempts_enumerator ON server_attempts (enumerator, at);
CREATE TABLE attempt_conflicts (
	id           INTEGER PRIMARY KEY,
	attempt_id   TEXT NOT NULL,
	body         TEXT NOT NULL,
	submitted_by TEXT NOT NULL,
	received_at  TEXT NOT NULL
);
