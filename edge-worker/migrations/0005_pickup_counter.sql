-- The owner's pickup counter: wrong pickup codes per order (locked for a while after
-- too many, see shared_model::pickup), and the day's list paged by (placed_at, id).
ALTER TABLE orders ADD COLUMN pickup_code_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN pickup_code_failed_at TEXT;
CREATE INDEX orders_store_day ON orders(store_id, pickup_date, placed_at, id);
