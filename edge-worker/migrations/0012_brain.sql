-- The owner's daily brain (shared_model::brain): the residents' words it reads that were
-- not recorded yet, and each store's brain as last computed.

-- Searches of a store's shop that found nothing (需求雷达's fourth voice, and a live
-- push's "searched in vain"). `person_id` is NULL for a visitor not signed in.
CREATE TABLE empty_searches (
  id        TEXT PRIMARY KEY,
  store_id  TEXT NOT NULL REFERENCES stores(id),
  person_id TEXT REFERENCES people(id),
  query     TEXT NOT NULL,
  at        TEXT NOT NULL
);
CREATE INDEX empty_searches_store ON empty_searches(store_id, at);

-- Live-room comments with their author. The room itself keeps only its last 50, with the
-- author's masked name: the radar counts distinct residents, so it reads them here.
CREATE TABLE live_comments (
  id        TEXT PRIMARY KEY,
  store_id  TEXT NOT NULL REFERENCES stores(id),
  live_id   TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES people(id),
  text      TEXT NOT NULL,
  at        TEXT NOT NULL
);
CREATE INDEX live_comments_store ON live_comments(store_id, at);

-- Each store's brain (今日建议, 需求雷达, 直播 SOP) as last computed, as the JSON the
-- owner's pages read (shared_model::api::StoreBrain); recomputed by the cron when older
-- than an hour or computed on an earlier store-local date, and on the owner's demand.
CREATE TABLE store_brains (
  store_id    TEXT PRIMARY KEY REFERENCES stores(id),
  computed_at TEXT NOT NULL,
  local_date  TEXT NOT NULL,
  compute_ms  INTEGER NOT NULL,
  json        TEXT NOT NULL
);

-- Reviews and wishes of a store over the radar's two weeks.
CREATE INDEX demands_store_created ON demands(store_id, created_at);
