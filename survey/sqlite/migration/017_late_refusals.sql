-- Revisions a relay took from a laptop that the centre then refused for good when the
-- relay forwarded them. The centre numbers them from its counter; a relay keeps a copy
-- under the centre's numbers, so a laptop's cursor stays right whether it syncs with the
-- relay or with the centre.
INSERT INTO counters (name, value) VALUES ('late_refusal', 0);
CREATE TABLE late_refusals (
	seq          INTEGER NOT NULL UNIQUE,
	interview_id TEXT NOT NULL,
	revision     INTEGER NOT NULL,
	hash         TEXT NOT NULL,
	outcome      TEXT NOT NULL,
	code         TEXT NOT NULL,
	message      TEXT NOT NULL,
	submitted_by TEXT NOT NULL,
	relay        TEXT NOT NULL,
	at           TEXT NOT NULL,
	PRIMARY KEY (interview_id, revision, hash)
);
CREATE INDEX late_refusals_submitter ON late_refusals (submitted_by, seq);
