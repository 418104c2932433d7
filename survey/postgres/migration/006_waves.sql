-- The study's waves (server): named periods in which the same cohort is traced again,
-- in the order they were added; each runs from starts_at until the next one starts.
CREATE TABLE waves (
	name       TEXT PRIMARY KEY,
	position   BIGINT NOT NULL UNIQUE,
	starts_at  TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL
);
-- The assignments in force during a past wave, kept when the next wave began; the
-- current wave's are the assignments table itself.
CREATE TABLE wave_assignments (
	wave      TEXT NOT NULL REFERENCES waves (name),
	roster_id TEXT NOT NULL,
	user_name TEXT NOT NULL,
	PRIMARY KEY (wave, roster_id)
);
