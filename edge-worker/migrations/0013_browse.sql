-- Browse-and-leave (shared_model::brain::browse): residents' views of product pages, and
-- whether she wants the follow-up notice with its coupon.
CREATE TABLE product_views (
  person_id  TEXT NOT NULL REFERENCES people(id),
  store_id   TEXT NOT NULL REFERENCES stores(id),
  product_id TEXT NOT NULL REFERENCES products(id),
  at         TEXT NOT NULL,
  seconds    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX product_views_store_at ON product_views(store_id, at);

ALTER TABLE people ADD COLUMN browse_follow_ups INTEGER NOT NULL DEFAULT 1;
