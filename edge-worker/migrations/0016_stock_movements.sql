-- 收货, 报损 and 盘点 (shared_model::movement): every change to a shelf that is not an
-- order, as the stock keeper applied it. One row per product and operation; the id is
-- `store:product:kind:key`, so a retried request writes nothing twice.
CREATE TABLE stock_movements (
  id              TEXT PRIMARY KEY,
  store_id        TEXT NOT NULL REFERENCES stores(id),
  product_id      TEXT NOT NULL REFERENCES products(id),
  kind            TEXT NOT NULL CHECK (kind IN ('receipt', 'write_off', 'count')),
  quantity        INTEGER NOT NULL,          -- units the shelf moved by, signed
  expected        INTEGER,                   -- a stock-take's units shown when counted
  reason          TEXT,                      -- a write-off's reason
  note            TEXT,
  best_before     TEXT,                      -- a receipt's batch
  loss_fen        INTEGER NOT NULL DEFAULT 0, -- units lost × unit cost at the time
  available_after INTEGER NOT NULL,
  person_id       TEXT NOT NULL REFERENCES people(id),
  created_at      TEXT NOT NULL
);
CREATE INDEX stock_movements_store ON stock_movements(store_id, created_at);

-- The EAN-13 on a product's pack, for 盘点 by scanning.
ALTER TABLE products ADD COLUMN barcode TEXT;
CREATE UNIQUE INDEX products_barcode ON products(barcode) WHERE barcode IS NOT NULL;
