-- One-time codes for a resident to sign in on another device. One live code per person;
-- only a hash is stored; `attempts` voids a code after too many wrong guesses.
CREATE TABLE device_codes (
  person_id  TEXT PRIMARY KEY REFERENCES people(id),
  code_hash  TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0
);
