-- Which interview revision each ODK Collect instanceID was stored as (server): an edit sent
-- from Collect names its predecessor's instanceID (meta/deprecatedID) and becomes the next
-- revision of that interview.
CREATE TABLE collect_instances (
	instance_id  TEXT PRIMARY KEY,
	interview_id TEXT NOT NULL,
	revision     BIGINT NOT NULL
);
