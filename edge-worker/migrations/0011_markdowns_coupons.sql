-- 临期特价 and coupons (shared_model::markdown, shared_model::coupon).

-- The markdown applied to a store's current batch of a product (NULL: none), and what the
-- plan may not go below: the unit cost when known and the owner's floor. A markdown
-- belongs to the batch whose best-before it names; a new batch sells at the regular price.
ALTER TABLE store_products ADD COLUMN markdown_rate INTEGER;          -- percent paid: 90, 80, 70, 50
ALTER TABLE store_products ADD COLUMN markdown_price_fen INTEGER;
ALTER TABLE store_products ADD COLUMN markdown_best_before TEXT;
ALTER TABLE store_products ADD COLUMN markdown_applied_at TEXT;
ALTER TABLE store_products ADD COLUMN unit_cost_fen INTEGER;
ALTER TABLE store_products ADD COLUMN floor_price_fen INTEGER;

-- One resident's coupons in one store; `redeemed_by` is the order that used it (one use),
-- set in the same batch as that order's header, cleared when that order is cancelled
-- before the coupon expires.
CREATE TABLE coupons (
  id            TEXT PRIMARY KEY,
  store_id      TEXT NOT NULL REFERENCES stores(id),
  person_id     TEXT NOT NULL REFERENCES people(id),
  kind          TEXT NOT NULL,
  amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
  threshold_fen INTEGER NOT NULL CHECK (threshold_fen >= 0),
  product_id    TEXT REFERENCES products(id),
  issued_at     TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  redeemed_by   TEXT
);
CREATE INDEX coupons_person ON coupons(person_id, store_id);
CREATE INDEX coupons_redeemed ON coupons(redeemed_by);

-- What an order's goods came to before its coupon, and the coupon it used.
ALTER TABLE orders ADD COLUMN goods_total_fen INTEGER;
ALTER TABLE orders ADD COLUMN coupon_id TEXT;
ALTER TABLE orders ADD COLUMN coupon_discount_fen INTEGER NOT NULL DEFAULT 0;
