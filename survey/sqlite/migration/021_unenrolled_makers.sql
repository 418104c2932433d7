-- The names a laptop made work under while it was not enrolled (the computer's user, or
-- a screen left open across the first login): the next login's account adopts what they
-- made and has not sent, then the names are forgotten.
CREATE TABLE unenrolled_makers (
	name     TEXT PRIMARY KEY,
	noted_at TEXT NOT NULL
);
