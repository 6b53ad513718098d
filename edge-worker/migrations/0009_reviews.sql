-- Buyers' reviews (口碑) and their photos (shared_model::community::review). A review is
-- about one product of one picked-up order; its photos' bytes live in R2 (binding
-- PHOTOS) under their key, and a row here is written only after the bytes are there.

CREATE TABLE reviews (
  id            TEXT PRIMARY KEY,
  store_id      TEXT NOT NULL REFERENCES stores(id),
  product_id    TEXT NOT NULL REFERENCES products(id),
  order_id      TEXT NOT NULL REFERENCES orders(id),
  author_id     TEXT NOT NULL REFERENCES people(id),
  stars         INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
  text          TEXT,
  visibility    TEXT NOT NULL,
  hidden_reason TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  -- One review per product per picked-up order.
  UNIQUE (order_id, product_id)
);
CREATE INDEX reviews_product ON reviews(store_id, product_id, created_at);
CREATE INDEX reviews_store ON reviews(store_id, visibility, created_at);
CREATE INDEX reviews_author ON reviews(author_id, created_at);

-- `key` is the photo's id and its R2 key; `position` orders a review's photos and, with
-- the insert's own count check, keeps them to at most six.
CREATE TABLE review_photos (
  key          TEXT PRIMARY KEY,
  review_id    TEXT NOT NULL REFERENCES reviews(id),
  content_type TEXT NOT NULL,
  bytes        INTEGER NOT NULL,
  width        INTEGER NOT NULL,
  height       INTEGER NOT NULL,
  position     INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  UNIQUE (review_id, position)
);
