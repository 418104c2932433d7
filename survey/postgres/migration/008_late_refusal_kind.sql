-- A late refusal names what was refused, as on SQLite's server.
ALTER TABLE late_refusals ADD COLUMN kind TEXT NOT NULL DEFAULT 'interview';
