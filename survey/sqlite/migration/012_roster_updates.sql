-- Roster updates learnt in the field (a new phone number, domicile, address, a corrected
-- name). On the laptop: every proposal, with when a receipt said the server holds it
-- (sent_at) or why it refused it for good (refusal); the values and the note are encrypted
-- like attempts' numbers when the laptop has a data key.
CREATE TABLE roster_updates (
	id           TEXT PRIMARY KEY,
	roster_id    TEXT NOT NULL,
	field        TEXT NOT NULL,
	value        TEXT NOT NULL,
	old          TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	proposed_by  TEXT NOT NULL,
	proposed_at  TEXT NOT NULL,
	attempt_id   TEXT NOT NULL DEFAULT '',
	interview_id TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	sent_at      TEXT NOT NULL DEFAULT '',
	refusal      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX roster_updates_roster ON roster_updates (roster_id, field);
CREATE INDEX roster_updates_unsent ON roster_updates (created_at) WHERE sent_at = '' AND refusal = '';

-- On the server: every proposal received, once per id, with its sequence number and its
-- decision (status pending, accepted or rejected; who decided, when, why; the central
-- roster's value it replaced when accepted). Nothing is deleted: this is the history.
INSERT INTO counters (name, value) VALUES ('roster_update', 0);
CREATE TABLE server_roster_updates (
	id           TEXT PRIMARY KEY,
	seq          INTEGER NOT NULL UNIQUE,
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
	id           INTEGER PRIMARY KEY,
	update_id    TEXT NOT NULL,
	body         TEXT NOT NULL,
	submitted_by TEXT NOT NULL,
	received_at  TEXT NOT NULL
);
