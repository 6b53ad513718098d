-- HQ (总部) joins residents and owners as a role (shared_model::identity::Role). SQLite
-- cannot change a CHECK in place, so `people` is rebuilt: the same columns, rows and
-- unique key; the tables that refer to it keep referring to it by name, and the foreign
-- keys are checked once, at the end.
PRAGMA defer_foreign_keys = true;

CREATE TABLE people_new (
  id                TEXT PRIMARY KEY,
  store_id          TEXT NOT NULL REFERENCES stores(id),
  role              TEXT NOT NULL CHECK (role IN ('resident', 'owner', 'hq')),
  nickname          TEXT NOT NULL,
  phone             TEXT NOT NULL,
  building          TEXT NOT NULL DEFAULT '',
  unit              TEXT NOT NULL DEFAULT '',
  household_tags    TEXT NOT NULL DEFAULT '[]',
  is_koc            INTEGER NOT NULL DEFAULT 0,
  password_hash     TEXT,
  created_at        TEXT NOT NULL,
  browse_follow_ups INTEGER NOT NULL DEFAULT 1,
  UNIQUE (store_id, role, phone)
);
INSERT INTO people_new (id, store_id, role, nickname, phone, building, unit, household_tags, is_koc, password_hash, created_at, browse_follow_ups)
  SELECT id, store_id, role, nickname, phone, building, unit, household_tags, is_koc, password_hash, created_at, browse_follow_ups FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;

PRAGMA defer_foreign_keys = false;
