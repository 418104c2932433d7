-- Every assignment of a roster row to an enumerator, with when it ended (the row was
-- reassigned to someone else): who owned an alumnus when. The rows assigned now start
-- the history.
CREATE TABLE assignment_history (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	roster_id   TEXT NOT NULL,
	user_name   TEXT NOT NULL,
	assigned_by TEXT NOT NULL,
	assigned_at TEXT NOT NULL,
	ended_by    TEXT NOT NULL DEFAULT '',
	ended_at    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assignment_history_roster ON assignment_history (roster_id, assigned_at);
INSERT INTO assignment_history (roster_id, user_name, assigned_by, assigned_at)
	SELECT roster_id, user_name, assigned_by, assigned_at FROM assignments ORDER BY roster_id;
