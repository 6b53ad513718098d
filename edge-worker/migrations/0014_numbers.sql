-- 经营数据 (shared_model::metrics): each store's size for 坪效 and 人效, and its daily
-- rollups, kept up to date by the cron so the numbers page reads a few rows, not every
-- order.
ALTER TABLE stores ADD COLUMN area_m2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stores ADD COLUMN staff INTEGER NOT NULL DEFAULT 0;

CREATE TABLE store_days (
  store_id         TEXT NOT NULL REFERENCES stores(id),
  date             TEXT NOT NULL,
  orders           INTEGER NOT NULL,
  paid_fen         INTEGER NOT NULL,
  live_paid_fen    INTEGER NOT NULL,
  goods_cost_fen   INTEGER NOT NULL,
  written_off_fen  INTEGER NOT NULL,
  stock_value_fen  INTEGER,
  promoters        INTEGER NOT NULL,
  passives         INTEGER NOT NULL,
  detractors       INTEGER NOT NULL,
  active           INTEGER NOT NULL,
  repurchasing     INTEGER NOT NULL,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (store_id, date)
) WITHOUT ROWID;

-- Units and sales of each product a day, for the week's best sellers.
CREATE TABLE store_product_days (
  store_id   TEXT NOT NULL REFERENCES stores(id),
  date       TEXT NOT NULL,
  product_id TEXT NOT NULL,
  name       TEXT NOT NULL,
  quantity   INTEGER NOT NULL,
  sales_fen  INTEGER NOT NULL,
  PRIMARY KEY (store_id, date, product_id)
) WITHOUT ROWID;
