-- Each store's latest recommendation profile: its version (the KV key
-- `profile/{store}/{version}` holds the profile itself), when it was built and from what.
-- The cron builds again when enough orders came in after `built_at`.
CREATE TABLE recommendation_builds (
  store_id  TEXT PRIMARY KEY REFERENCES stores(id),
  version   INTEGER NOT NULL,
  built_at  TEXT NOT NULL,
  residents INTEGER NOT NULL,
  orders    INTEGER NOT NULL,
  bytes     INTEGER NOT NULL,
  build_ms  INTEGER NOT NULL
);
-- The store-wide history read by each build.
CREATE INDEX orders_store_placed ON orders(store_id, placed_at);
