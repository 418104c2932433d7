-- How many interviews the server holds per published form version (an interview counts
-- once per version any of its revisions used), kept by the submission store as revisions
-- arrive, as on SQLite's server: listing the forms, which every laptop does on every sync,
-- reads one row per version instead of counting the submissions.
CREATE TABLE form_interviews (
	form_id    TEXT NOT NULL,
	version    TEXT NOT NULL,
	interviews BIGINT NOT NULL,
	PRIMARY KEY (form_id, version)
);
INSERT INTO form_interviews (form_id, version, interviews)
SELECT form_id, form_version, COUNT(DISTINCT interview_id) FROM submissions GROUP BY form_id, form_version;
