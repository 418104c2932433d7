-- The study's waves as a laptop last pulled them from the server, first to current: the
-- call list counts only the attempts and interviews of the current wave.
CREATE TABLE laptop_waves (
	position  INTEGER PRIMARY KEY,
	name      TEXT NOT NULL UNIQUE,
	starts_at TEXT NOT NULL
);
