-- The laptop's store. Kept portable to PostgreSQL where SQLite allows: TEXT times in a
-- fixed-width UTC layout, INTEGER ids, no SQLite-only types except in triggers.

CREATE TABLE interviews (
	id             TEXT PRIMARY KEY,
	form_id        TEXT NOT NULL,
	form_version   TEXT NOT NULL DEFAULT '',
	form_hash      TEXT NOT NULL DEFAULT '',
	respondent_id  TEXT NOT NULL DEFAULT '',
	enumerator     TEXT NOT NULL,
	state          TEXT NOT NULL CHECK (state IN ('draft', 'finalized', 'sent', 'returned')),
	revision       INTEGER NOT NULL CHECK (revision >= 1),
	position       TEXT NOT NULL DEFAULT '',
	lang           TEXT NOT NULL DEFAULT '',
	started_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	server_seq     INTEGER NOT NULL DEFAULT 0,
	received_at    TEXT NOT NULL DEFAULT '',
	return_comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX interviews_updated ON interviews (updated_at);
CREATE INDEX interviews_state ON interviews (state, updated_at);
CREATE INDEX interviews_respondent ON interviews (respondent_id);

CREATE TABLE answers (
	interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
	path         TEXT NOT NULL,
	value        TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	PRIMARY KEY (interview_id, path)
);

CREATE TABLE events (
	id           INTEGER PRIMARY KEY,
	interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL,
	path         TEXT NOT NULL DEFAULT '',
	old          TEXT NOT NULL DEFAULT '',
	new          TEXT NOT NULL DEFAULT '',
	at           TEXT NOT NULL
);
CREATE INDEX events_interview ON events (interview_id, id);

-- A finalized revision: its canonical bytes and their SHA-256. Rows are never changed
-- except to record the server's receipt (sent_at).
CREATE TABLE outbox (
	interview_id TEXT NOT NULL REFERENCES interviews (id),
	revision     INTEGER NOT NULL,
	hash         TEXT NOT NULL,
	body         BLOB NOT NULL,
	created_at   TEXT NOT NULL,
	sent_at      TEXT,
	PRIMARY KEY (interview_id, revision)
);
CREATE INDEX outbox_pending ON outbox (created_at) WHERE sent_at IS NULL;

CREATE TRIGGER outbox_immutable BEFORE UPDATE OF interview_id, revision, hash, body, created_at ON outbox
BEGIN
	SELECT RAISE(ABORT, 'finalized revision is immutable');
END;

CREATE TRIGGER outbox_undeletable BEFORE DELETE ON outbox
BEGIN
	SELECT RAISE(ABORT, 'finalized revision is immutable');
END;

CREATE TABLE respondents (
	roster_id      TEXT PRIMARY KEY,
	nik            TEXT NOT NULL DEFAULT '',
	name           TEXT NOT NULL,
	sex            TEXT NOT NULL DEFAULT '',
	birth_date     TEXT NOT NULL DEFAULT '',
	phone          TEXT NOT NULL DEFAULT '',
	phone_raw      TEXT NOT NULL DEFAULT '',
	education      TEXT NOT NULL DEFAULT '',
	institution    TEXT NOT NULL DEFAULT '',
	kejuruan       TEXT NOT NULL DEFAULT '',
	program_name   TEXT NOT NULL DEFAULT '',
	batch_id       TEXT NOT NULL DEFAULT '',
	training_start TEXT NOT NULL DEFAULT '',
	training_end   TEXT NOT NULL DEFAULT '',
	budget_year    TEXT NOT NULL DEFAULT '',
	funding        TEXT NOT NULL DEFAULT '',
	completion     TEXT NOT NULL DEFAULT '',
	regency        TEXT NOT NULL DEFAULT '',
	extra          TEXT NOT NULL DEFAULT '{}',
	updated_at     TEXT NOT NULL
);
CREATE INDEX respondents_nik ON respondents (nik);

-- roster_version grows with every change to respondents, so that every process can tell
-- when its in-memory search index is stale.
CREATE TABLE roster_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO roster_version (id, version) VALUES (1, 0);
