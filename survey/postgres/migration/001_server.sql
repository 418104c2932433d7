-- The server's tables on PostgreSQL: the same tables and columns as the SQLite server
-- database, so that "tracer serve migrate" copies rows as they are. Times are text in the
-- same fixed-width UTC layout (they sort as text); sequence numbers come from the counters
-- table, updated inside the writing transaction, whose row lock orders them by commit.

CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('submission', 0), ('roster', 0), ('return', 0), ('review', 0), ('attempt', 0);

CREATE TABLE users (
	name       TEXT PRIMARY KEY,
	role       TEXT NOT NULL CHECK (role IN ('enumerator', 'supervisor', 'analyst', 'admin')),
	created_at TEXT NOT NULL,
	revoked_at TEXT NOT NULL DEFAULT ''
);

-- Codes are stored keyed (HMAC) and tokens as their SHA-256, never in clear.
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
	seq           BIGINT NOT NULL UNIQUE,
	interview_id  TEXT NOT NULL,
	revision      INTEGER NOT NULL CHECK (revision >= 1),
	hash          TEXT NOT NULL,
	body          BYTEA NOT NULL,
	form_id       TEXT NOT NULL,
	form_version  TEXT NOT NULL,
	respondent_id TEXT NOT NULL DEFAULT '',
	enumerator    TEXT NOT NULL DEFAULT '',
	submitted_by  TEXT NOT NULL,
	device_time   TEXT NOT NULL DEFAULT '',
	skew_ms       BIGINT NOT NULL DEFAULT 0,
	received_at   TEXT NOT NULL,
	PRIMARY KEY (interview_id, revision)
);
CREATE INDEX submissions_submitter ON submissions (submitted_by, seq);
CREATE INDEX submissions_form ON submissions (form_id, form_version);

-- Different contents received for a stored id and revision: kept, never merged.
CREATE TABLE submission_conflicts (
	interview_id TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	hash         TEXT NOT NULL,
	body         BYTEA NOT NULL,
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
	source       BYTEA NOT NULL,
	published_at TEXT NOT NULL,
	published_by TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (form_id, version)
);

CREATE TABLE retired_forms (
	form_id    TEXT PRIMARY KEY,
	retired_at TEXT NOT NULL,
	retired_by TEXT NOT NULL DEFAULT ''
);

-- Roster rows as JSON text, with the sequence number of their last change.
CREATE TABLE server_roster (
	roster_id  TEXT PRIMARY KEY,
	seq        BIGINT NOT NULL UNIQUE,
	body       TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE assignments (
	roster_id   TEXT PRIMARY KEY REFERENCES server_roster (roster_id),
	user_name   TEXT NOT NULL REFERENCES users (name),
	assigned_by TEXT NOT NULL,
	assigned_at TEXT NOT NULL
);
CREATE INDEX assignments_user ON assignments (user_name);

CREATE TABLE returns (
	seq          BIGINT NOT NULL UNIQUE,
	interview_id TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	comment      TEXT NOT NULL,
	returned_by  TEXT NOT NULL,
	submitted_by TEXT NOT NULL,
	returned_at  TEXT NOT NULL,
	questions    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (interview_id, revision),
	FOREIGN KEY (interview_id, revision) REFERENCES submissions (interview_id, revision)
);
CREATE INDEX returns_submitter ON returns (submitted_by, seq);

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
	seq          BIGINT NOT NULL UNIQUE,
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

CREATE TABLE laptop_keys (
	user_name  TEXT NOT NULL REFERENCES users (name),
	laptop_id  TEXT NOT NULL,
	sealed     BYTEA NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (user_name, laptop_id)
);

CREATE TABLE server_attempts (
	id           TEXT PRIMARY KEY,
	seq          BIGINT NOT NULL UNIQUE,
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
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	attempt_id   TEXT NOT NULL,
	body         TEXT NOT NULL,
	submitted_by TEXT NOT NULL,
	received_at  TEXT NOT NULL
);
