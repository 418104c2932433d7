-- A sent revision the server approved is purged from the laptop: its body is emptied and
-- purged_at set; its id, revision, hash and state stay. The outbox stays immutable
-- otherwise.
ALTER TABLE outbox ADD COLUMN purged_at TEXT;

DROP TRIGGER outbox_immutable;
CREATE TRIGGER outbox_immutable BEFORE UPDATE OF interview_id, revision, hash, created_at, sealed ON outbox
BEGIN
	SELECT RAISE(ABORT, 'finalized revision is immutable');
END;
CREATE TRIGGER outbox_body_purge_only BEFORE UPDATE OF body ON outbox
WHEN OLD.sent_at IS NULL OR length(NEW.body) != 0
BEGIN
	SELECT RAISE(ABORT, 'finalized revision is immutable');
END;
