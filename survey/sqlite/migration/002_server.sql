-- The server's tables (tracer serve) and the laptop's sync state. Both kinds of database
-- get every table; each side uses its own. Sequence numbers come from the counters table
-- inside the writing transaction, so they are monotonic and portable to PostgreSQL.

CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('submission', 0), ('roster', 0), ('return', 0);

CREATE TABLE users (
	name       TEXT PRIMARY KEY,
	role       TEXT NOT NULL CHECK (role IN ('enumerator', 'supervisor', 'analyst', 'admin')),
	created_at TEXT NOT NULL,
	revoked_at TEXT NOT NULL DEFAULT ''
);

-- Codes and tokens are stored as the hex SHA-256 of the secret, never in clear.
CREATE TABLE enrollment_codes (
	code_hash  TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users (name),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tokens (
	token_hash TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users (name),
	device     TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tokens_user ON tokens (user_name);

-- Every revision the server stored. The database, not the code, keeps (id, revision) unique.
CREATE TABLE submissions (
	seq           INTEGER NOT NULL UNIQUE,
	interview_id  TEXT NOT NULL,
	revision      INTEGER NOT NULL CHECK (revision >= 1),
	hash          TEXT NOT NULL,
	body          BLOB NOT NULL,
	form_id       TEXT NOT NULL,
	form_version  TEXT NOT NULL,
	respondent_id TEXT NOT NULL DEFAULT '',
	enumerator    TEXT NOT NULL DEFAULT '',
	submitted_by  TEXT NOT NULL,
	device_time   TEXT NOT NULL DEFAULT '',
	skew_ms       INTEGER NOT NULL DEFAULT 0,
	received_at   TEXT NOT NULL,
	PRIMARY KEY (interview_id, revision)
);
CREATE INDEX submissions_submitter ON submissions (submitted_by, seq);

-- Different contents received for a stored id and revision: kept, never merged.
CREATE TABLE submission_conflicts (
	interview_id TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	hash         TEXT NOT NULL,
	body         BLOB NOT NULL,
	submitted_by TEXT NOT NULL,
	device_time  TEXT NOT NULL DEFAULT '',
	received_at  TEXT NOT NULL,
	PRIMARY KEY (interview_id, revision, hash)
);

CREATE TABLE published_forms (
	form_id      TEXT NOT NULL,
	version      TEXT NOT NULL,
	hash         TEXT NOT NULL,
	name         TEXT NOT NULL,
	title        TEXT NOT NULL DEFAULT '',
	source       BLOB NOT NULL,
	published_at TEXT NOT NULL,
	published_by TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (form_id, version)
);

CREATE TABLE server_roster (
	roster_id  TEXT PRIMARY KEY,
	seq        INTEGER NOT NULL UNIQUE,
	body       TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE returns (
	seq          INTEGER NOT NULL UNIQUE,
	interview_id TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	comment      TEXT NOT NULL,
	returned_by  TEXT NOT NULL,
	submitted_by TEXT NOT NULL,
	returned_at  TEXT NOT NULL,
	PRIMARY KEY (interview_id, revision),
	FOREIGN KEY (interview_id, revision) REFERENCES submissions (interview_id, revision)
);
CREATE INDEX returns_submitter ON returns (submitted_by, seq);

-- The laptop's side: revisions the server refused for good, and pull cursors.
CREATE TABLE sync_refusals (
	interview_id TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	hash         TEXT NOT NULL,
	code         TEXT NOT NULL,
	message      TEXT NOT NULL,
	at           TEXT NOT NULL,
	PRIMARY KEY (interview_id, revision)
);

CREATE TABLE sync_cursors (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
