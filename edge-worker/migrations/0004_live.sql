-- Live rooms. Each room's Durable Object (LiveRoom) is the source of truth for its
-- session status, offers and units sold; these tables mirror it for lists, history and
-- the post-live summary, and record which orders came from a live.

CREATE TABLE live_sessions (
  id          TEXT PRIMARY KEY,
  store_id    TEXT NOT NULL REFERENCES stores(id),
  title       TEXT NOT NULL,
  starts_at   TEXT NOT NULL,
  cover_url   TEXT,
  stream_url  TEXT,
  status      TEXT NOT NULL CHECK (status IN ('scheduled', 'live', 'ended')),
  started_at  TEXT,
  ended_at    TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX live_sessions_store ON live_sessions(store_id, starts_at);

CREATE TABLE live_offers (
  id               TEXT PRIMARY KEY,
  live_session_id  TEXT NOT NULL REFERENCES live_sessions(id),
  product_id       TEXT NOT NULL,
  json             TEXT NOT NULL,
  pinned_at        TEXT NOT NULL
);
CREATE INDEX live_offers_session ON live_offers(live_session_id);

-- One row per order bought in a live: its offer, the price tier and whether the buyer
-- was a returning customer then (for the summary's returning share).
CREATE TABLE live_orders (
  order_id            TEXT PRIMARY KEY REFERENCES orders(id),
  live_session_id     TEXT NOT NULL REFERENCES live_sessions(id),
  offer_id            TEXT NOT NULL,
  tier                TEXT NOT NULL,
  returning_customer  INTEGER NOT NULL
);
CREATE INDEX live_orders_session ON live_orders(live_session_id);

CREATE TABLE live_reminders (
  live_session_id  TEXT NOT NULL REFERENCES live_sessions(id),
  person_id        TEXT NOT NULL REFERENCES people(id),
  created_at       TEXT NOT NULL,
  PRIMARY KEY (live_session_id, person_id)
);
CREATE INDEX live_reminders_person ON live_reminders(person_id);
