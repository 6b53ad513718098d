-- 备货 (shared_model::supply): suppliers, what each store buys from whom, purchase orders
-- and their delivery through the SUPPLY queue, and the demo supplier's inbox.
-- (0016 is the stock movements' number.)

-- A supplier and where its purchase orders are POSTed. An endpoint starting with "/" is a
-- route of this worker (the demo supplier's inbox), reached through the SELF binding.
CREATE TABLE suppliers (
  id       TEXT PRIMARY KEY,
  name     TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  demo     INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1))
);

-- Each store product's supplier, pack size and safety stock (units).
ALTER TABLE store_products ADD COLUMN supplier_id TEXT REFERENCES suppliers(id);
ALTER TABLE store_products ADD COLUMN pack_size INTEGER NOT NULL DEFAULT 1 CHECK (pack_size >= 1);
ALTER TABLE store_products ADD COLUMN safety_stock INTEGER NOT NULL DEFAULT 0 CHECK (safety_stock >= 0);

-- One purchase order per store × supplier × pickup day: its id is derived from the three
-- (supply::purchase_order_id), so sending it again finds this row instead of a new one.
CREATE TABLE purchase_orders (
  id           TEXT PRIMARY KEY,
  store_id     TEXT NOT NULL REFERENCES stores(id),
  supplier_id  TEXT NOT NULL REFERENCES suppliers(id),
  pickup_date  TEXT NOT NULL,
  status       TEXT NOT NULL,            -- supply::DeliveryStatus
  sent_at      TEXT NOT NULL,
  delivered_at TEXT,
  UNIQUE (store_id, supplier_id, pickup_date)
);
CREATE INDEX purchase_orders_store ON purchase_orders(store_id, sent_at);

-- Its lines as sent, with the figures the rule took.
CREATE TABLE purchase_order_lines (
  purchase_order_id TEXT NOT NULL REFERENCES purchase_orders(id),
  product_id        TEXT NOT NULL,
  name              TEXT NOT NULL,
  unit              TEXT NOT NULL,
  ordered           INTEGER NOT NULL,
  safety_stock      INTEGER NOT NULL,
  on_hand           INTEGER NOT NULL,
  pack_size         INTEGER NOT NULL,
  quantity          INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (purchase_order_id, product_id)
) WITHOUT ROWID;

-- Each try to deliver it (numbered across resends).
CREATE TABLE delivery_attempts (
  purchase_order_id TEXT NOT NULL REFERENCES purchase_orders(id),
  attempt           INTEGER NOT NULL,
  at                TEXT NOT NULL,
  http_status       INTEGER,
  delivered         INTEGER NOT NULL,
  next_retry_at     TEXT,
  PRIMARY KEY (purchase_order_id, attempt)
) WITHOUT ROWID;

-- The dead-letter list: what the queue gave up on, until the owner sends it again
-- (resending deletes the row).
CREATE TABLE dead_letters (
  purchase_order_id TEXT PRIMARY KEY REFERENCES purchase_orders(id),
  store_id          TEXT NOT NULL REFERENCES stores(id),
  attempts          INTEGER NOT NULL,
  dead_at           TEXT NOT NULL
);

-- The demo supplier's inbox: each purchase order it received, once (its id is the
-- Idempotency-Key), and how many deliveries of it arrived.
CREATE TABLE demo_inbox_orders (
  purchase_order_id TEXT PRIMARY KEY,
  store_id          TEXT NOT NULL,
  body              TEXT NOT NULL,
  lines             INTEGER NOT NULL,
  received_at       TEXT NOT NULL,
  deliveries        INTEGER NOT NULL DEFAULT 1
);

-- Whether the demo inbox takes a store's orders (no row: open). Switched by the store's
-- owner (PUT /api/v1/stores/{store}/supply/demo-inbox), to show a supplier being down.
CREATE TABLE demo_inbox_switch (
  store_id TEXT PRIMARY KEY REFERENCES stores(id),
  open     INTEGER NOT NULL CHECK (open IN (0, 1))
);
