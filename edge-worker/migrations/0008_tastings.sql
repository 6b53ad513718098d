-- 品鉴会: tastings the owner schedules and the answers to the question after them
-- (shared_model::community). Bookings live in each tasting's TastingDesk Durable Object,
-- which decides them one at a time; D1 keeps a copy of its counts for lists.

CREATE TABLE tastings (
  id                  TEXT PRIMARY KEY,
  store_id            TEXT NOT NULL REFERENCES stores(id),
  title               TEXT NOT NULL,
  starts_at           TEXT NOT NULL,
  place               TEXT NOT NULL,
  seats               INTEGER NOT NULL,
  seats_per_household INTEGER NOT NULL,
  product_ids         TEXT NOT NULL DEFAULT '[]',
  cover_url           TEXT,
  status              TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  -- The desk's counts as of its `counts_version`th change (older answers never overwrite newer).
  seats_taken         INTEGER NOT NULL DEFAULT 0,
  waitlisted          INTEGER NOT NULL DEFAULT 0,
  counts_version      INTEGER NOT NULL DEFAULT 0,
  -- When the "tasting tomorrow" notices went out.
  reminded_at         TEXT
);
CREATE INDEX tastings_store ON tastings(store_id, starts_at);
CREATE INDEX tastings_due ON tastings(status, reminded_at, starts_at);

-- One answer per attendee per tasting.
CREATE TABLE nps_answers (
  tasting_id TEXT NOT NULL REFERENCES tastings(id),
  person_id  TEXT NOT NULL REFERENCES people(id),
  store_id   TEXT NOT NULL REFERENCES stores(id),
  score      INTEGER NOT NULL,
  comment    TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tasting_id, person_id)
);
CREATE INDEX nps_answers_store ON nps_answers(store_id, created_at);

-- What a notice is about, when it must go out once only (a desk may resend after a
-- failure): `promoted:{booking}`, `reminder:{booking}`.
ALTER TABLE notices ADD COLUMN source TEXT;
CREATE UNIQUE INDEX notices_source ON notices(source);
