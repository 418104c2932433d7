-- A retired form is no longer offered on laptops for new interviews; its versions stay
-- published, so drafts and interviews made with it still finish, sync and export.
-- Publishing a new version of a retired form offers it again.
CREATE TABLE retired_forms (
	form_id    TEXT PRIMARY KEY,
	retired_at TEXT NOT NULL,
	retired_by TEXT NOT NULL DEFAULT ''
);
