-- Roster updates proposed in the field, as on SQLite's server: every proposal received,
-- once per id, with its sequence number and its decision; another content pushed under a
-- stored id is kept in roster_update_conflicts, never overwritten.
INSERT INTO counters (name, value) VALUES ('roster_update', 0);
CREATE TABLE server_roster_updates (
	id           TEXT PRIMARY KEY,
	seq          BIGINT NOT NULL UNIQUE,
	roster_id    TEXT NOT NULL,
	field        TEXT NOT NULL,
	value        TEXT NOT NULL,
	old          TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	proposed_by  TEXT NOT NULL,
	proposed_at  TEXT NOT NULL,
	attempt_id   TEXT NOT NULL DEFAULT '',
	interview_id TEXT NOT NULL DEFAULT '',
	submitted_by TEXT NOT NULL,
	received_at  TEXT NOT NULL,
	status       TEXT NOT NULL DEFAULT 'pending',
	decided_by   TEXT NOT NULL DEFAULT '',
	decided_at   TEXT NOT NULL DEFAULT '',
	reason       TEXT NOT NULL DEFAULT '',
	replaced     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX server_roster_updates_roster ON server_roster_updates (roster_id, field, status);
CREATE INDEX server_roster_updates_status ON server_roster_updates (status, seq);
CREATE TABLE roster_update_conflicts (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	update_id    TEXT NOT NULL,
	body         TEXT NOT NULL,
	submitted_by TEXT NOT NULL,
	received_at  TEXT NOT NULL
);
