-- Each laptop's data key, sealed to the server's public key at enrollment, so that a
-- forgotten PIN is recovered by enrolling the laptop again with a new code (server).
CREATE TABLE laptop_keys (
	user_name  TEXT NOT NULL REFERENCES users (name),
	laptop_id  TEXT NOT NULL,
	sealed     BLOB NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (user_name, laptop_id)
);
