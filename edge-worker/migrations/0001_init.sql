-- Linli's first schema. Every person-owned or stock-owned row is scoped to a store.
-- Never edit once landed: add a new numbered file instead.

CREATE TABLE stores (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  neighbourhood TEXT NOT NULL,
  city          TEXT NOT NULL,
  address       TEXT NOT NULL,
  cover_url     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE pickup_points (
  id          TEXT PRIMARY KEY,
  store_id    TEXT NOT NULL REFERENCES stores(id),
  name        TEXT NOT NULL,
  address     TEXT NOT NULL,
  time_window TEXT NOT NULL
);
CREATE INDEX pickup_points_store ON pickup_points(store_id);

CREATE TABLE categories (
  id      TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort    INTEGER NOT NULL
);

-- The chain's catalogue (HQ); what each store sells, at what price, is in store_products.
CREATE TABLE products (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  category_id     TEXT NOT NULL REFERENCES categories(id),
  unit            TEXT NOT NULL,
  description     TEXT NOT NULL,
  origin          TEXT NOT NULL,
  shelf_life_days INTEGER NOT NULL,
  test_report     TEXT,
  image_url       TEXT NOT NULL
);

-- `available` mirrors the SKU's Durable Object (the source of truth) for listings;
-- `stock_version` keeps a late, stale write from overwriting a newer one.
CREATE TABLE store_products (
  store_id      TEXT NOT NULL REFERENCES stores(id),
  product_id    TEXT NOT NULL REFERENCES products(id),
  price_fen     INTEGER NOT NULL CHECK (price_fen > 0),
  opening_stock INTEGER NOT NULL CHECK (opening_stock >= 0),
  available     INTEGER NOT NULL CHECK (available >= 0),
  stock_version INTEGER NOT NULL DEFAULT 0,
  per_buyer_cap INTEGER CHECK (per_buyer_cap IS NULL OR per_buyer_cap > 0),
  best_before   TEXT NOT NULL,
  on_sale       INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (store_id, product_id)
);

CREATE TABLE people (
  id             TEXT PRIMARY KEY,
  store_id       TEXT NOT NULL REFERENCES stores(id),
  role           TEXT NOT NULL CHECK (role IN ('resident', 'owner')),
  nickname       TEXT NOT NULL,
  phone          TEXT NOT NULL,
  building       TEXT NOT NULL DEFAULT '',
  unit           TEXT NOT NULL DEFAULT '',
  household_tags TEXT NOT NULL DEFAULT '[]',
  is_koc         INTEGER NOT NULL DEFAULT 0,
  password_hash  TEXT,
  created_at     TEXT NOT NULL,
  UNIQUE (store_id, role, phone)
);

-- Only a hash of the cookie token is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  person_id  TEXT NOT NULL REFERENCES people(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE cart_items (
  person_id  TEXT NOT NULL REFERENCES people(id),
  product_id TEXT NOT NULL REFERENCES products(id),
  quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  added_at   TEXT NOT NULL,
  PRIMARY KEY (person_id, product_id)
);

CREATE TABLE orders (
  id              TEXT PRIMARY KEY,
  store_id        TEXT NOT NULL REFERENCES stores(id),
  person_id       TEXT NOT NULL REFERENCES people(id),
  idempotency_key TEXT NOT NULL,
  fingerprint     TEXT NOT NULL,
  status          TEXT NOT NULL,
  total_fen       INTEGER NOT NULL,
  pickup_point_id TEXT NOT NULL REFERENCES pickup_points(id),
  pickup_date     TEXT NOT NULL,
  pickup_code     TEXT NOT NULL,
  note            TEXT,
  placed_at       TEXT NOT NULL,
  UNIQUE (person_id, idempotency_key)
);
CREATE INDEX orders_person ON orders(person_id, placed_at);
CREATE INDEX orders_store ON orders(store_id, pickup_date);

CREATE TABLE order_lines (
  order_id       TEXT NOT NULL REFERENCES orders(id),
  line_no        INTEGER NOT NULL,
  product_id     TEXT NOT NULL REFERENCES products(id),
  name           TEXT NOT NULL,
  unit           TEXT NOT NULL,
  unit_price_fen INTEGER NOT NULL,
  quantity       INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_events (
  order_id TEXT NOT NULL REFERENCES orders(id),
  status   TEXT NOT NULL,
  at       TEXT NOT NULL,
  PRIMARY KEY (order_id, status)
);
