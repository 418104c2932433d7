-- A finalized revision sealed to the server's public key: body holds the age ciphertext
-- of the canonical record, hash still the SHA-256 of the canonical record.
ALTER TABLE outbox ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
