-- A relay's own tables (tracer serve --relay URL). Revisions pushed by laptops are kept as
-- they came, sealed to the centre's key, until the centre has answered for each; returns
-- and approvals pulled from the centre are kept under the centre's sequence numbers, so
-- a laptop's cursors stay right whether it syncs with the relay or with the centre.
CREATE TABLE relay_items (
	seq          INTEGER PRIMARY KEY,
	interview_id TEXT NOT NULL,
	revision     INTEGER NOT NULL CHECK (revision >= 1),
	hash         TEXT NOT NULL,
	body         BLOB,
	sealed       BLOB,
	submitted_by TEXT NOT NULL,
	device_time  TEXT NOT NULL DEFAULT '',
	received_at  TEXT NOT NULL,
	done_at      TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL DEFAULT '',
	code         TEXT NOT NULL DEFAULT '',
	message      TEXT NOT NULL DEFAULT '',
	tries        INTEGER NOT NULL DEFAULT 0,
	UNIQUE (interview_id, revision, hash)
);
CREATE INDEX relay_items_pending ON relay_items (done_at, seq);

CREATE TABLE relay_feed (
	kind  TEXT NOT NULL CHECK (kind IN ('return', 'approval')),
	seq   INTEGER NOT NULL,
	owner TEXT NOT NULL,
	body  BLOB NOT NULL,
	PRIMARY KEY (kind, seq)
);
CREATE INDEX relay_feed_owner ON relay_feed (kind, owner, seq);
