-- 心愿单: residents' wishes for what their store does not sell yet, the neighbours' votes,
-- and the in-app notices a stocked wish sends its voters (shared_model::community).

CREATE TABLE demands (
  id             TEXT PRIMARY KEY,
  store_id       TEXT NOT NULL REFERENCES stores(id),
  author_id      TEXT NOT NULL REFERENCES people(id),
  text           TEXT NOT NULL,
  category_id    TEXT REFERENCES categories(id),
  price_fen      INTEGER,
  status         TEXT NOT NULL,
  product_id     TEXT REFERENCES products(id),
  decline_reason TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX demands_store ON demands(store_id, status);
CREATE INDEX demands_author ON demands(author_id, status);

-- One row per person who wants a wish (its author's written with it): the count is the
-- number of rows, so a repeated +1 can never count twice.
CREATE TABLE demand_votes (
  demand_id  TEXT NOT NULL REFERENCES demands(id),
  person_id  TEXT NOT NULL REFERENCES people(id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (demand_id, person_id)
);

-- A resident's in-app notices beyond lives (CommunityNotice as JSON), newest first.
CREATE TABLE notices (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id  TEXT NOT NULL REFERENCES people(id),
  store_id   TEXT NOT NULL REFERENCES stores(id),
  kind       TEXT NOT NULL,
  json       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at    TEXT
);
CREATE INDEX notices_person ON notices(person_id, id);
