-- Order ids whose stock hold was swept because the order never reached D1 in time (the
-- worker died between reserving and writing). The order insert checks this table in the
-- same transaction, so a late insert cannot land after its stock was given back.
CREATE TABLE voided_orders (
  order_id  TEXT PRIMARY KEY,
  voided_at TEXT NOT NULL
);
