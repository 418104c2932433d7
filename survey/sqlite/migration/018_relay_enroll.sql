-- Enrollment at a relay with no link to the centre. At the centre: the argon2id verifier
-- of each enrollment code (a relay pulls those of unused codes and checks a code against
-- them offline), and the token a code was consumed for when a relay confirmed it (so that
-- the relay's confirmation, sent again, is answered the same).
ALTER TABLE enrollment_codes ADD COLUMN verifier TEXT NOT NULL DEFAULT '';
ALTER TABLE enrollment_codes ADD COLUMN token_hash TEXT NOT NULL DEFAULT '';

-- At a relay: the verifiers pulled from the centre, encrypted under the relay's data key,
-- and the enrollments made offline, waiting for the centre's confirmation (the code the
-- laptop typed, encrypted, is what the centre checks then).
CREATE TABLE relay_verifiers (
	id         TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL,
	role       TEXT NOT NULL,
	verifier   TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE relay_enrollments (
	id          TEXT PRIMARY KEY,
	verifier_id TEXT NOT NULL,
	code        TEXT NOT NULL,
	user_name   TEXT NOT NULL,
	role        TEXT NOT NULL,
	token_hash  TEXT NOT NULL UNIQUE,
	device      TEXT NOT NULL DEFAULT '',
	enrolled_at TEXT NOT NULL,
	laptop_id   TEXT NOT NULL DEFAULT '',
	sealed_key  BLOB,
	key_sent    INTEGER NOT NULL DEFAULT 0,
	state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'refused', 'released')),
	refused_code TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	settled_at  TEXT NOT NULL DEFAULT ''
);

ALTER TABLE relay_items ADD COLUMN enrollment TEXT NOT NULL DEFAULT '';
