-- The argon2id verifier of each enrollment code (a relay pulls those of unused codes and
-- checks a code against them with no link to the centre), and the token a code was
-- consumed for when a relay confirmed it (so that a confirmation sent again is answered
-- the same).
ALTER TABLE enrollment_codes ADD COLUMN verifier TEXT NOT NULL DEFAULT '';
ALTER TABLE enrollment_codes ADD COLUMN token_hash TEXT NOT NULL DEFAULT '';
