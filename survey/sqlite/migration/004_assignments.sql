-- Which enumerator traces which roster row (server). Once the roster has any assignment,
-- an enumerator pulls only the rows assigned to her; other roles pull every row.
CREATE TABLE assignments (
	roster_id   TEXT PRIMARY KEY REFERENCES server_roster (roster_id),
	user_name   TEXT NOT NULL REFERENCES users (name),
	assigned_by TEXT NOT NULL,
	assigned_at TEXT NOT NULL
);
CREATE INDEX assignments_user ON assignments (user_name);
