-- A laptop used before its first enrollment made its interviews in the name of the
-- computer's user, which no server account is: the server takes an enumerator's own only.
-- At that enrollment the account adopts them: a revision not yet sent and not sealed (a
-- laptop that was never enrolled has no key to seal to) has its body and hash rewritten
-- once with the account as its enumerator, adopted_at set. The outbox stays immutable
-- otherwise.
ALTER TABLE outbox ADD COLUMN adopted_at TEXT;

DROP TRIGGER outbox_immutable;
CREATE TRIGGER outbox_immutable BEFORE UPDATE OF interview_id, revision, created_at, sealed ON outbox
BEGIN
	SELECT RAISE(ABORT, 'finalized revision is immutable');
END;

CREATE TRIGGER outbox_hash_adopted_only BEFORE UPDATE OF hash ON outbox
WHEN NOT (OLD.sent_at IS NULL AND NOT OLD.sealed AND OLD.adopted_at IS NULL AND NEW.adopted_at IS NOT NULL)
BEGIN
	SELECT RAISE(ABORT, 'finalized revision is immutable');
END;

DROP TRIGGER outbox_body_purge_only;
CREATE TRIGGER outbox_body_purge_only BEFORE UPDATE OF body ON outbox
WHEN (OLD.sent_at IS NULL OR length(NEW.body) != 0)
	AND NOT (OLD.sent_at IS NULL AND NOT OLD.sealed AND OLD.adopted_at IS NULL AND NEW.adopted_at IS NOT NULL)
BEGIN
	SELECT RAISE(ABORT, 'finalized revision is immutable');
END;

CREATE TRIGGER outbox_adopted_once BEFORE UPDATE OF adopted_at ON outbox
WHEN OLD.adopted_at IS NOT NULL OR OLD.sent_at IS NOT NULL OR OLD.sealed
BEGIN
	SELECT RAISE(ABORT, 'finalized revision is immutable');
END;
