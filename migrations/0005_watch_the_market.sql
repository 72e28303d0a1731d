-- Watching the whole market (issue 16): the feed's catalogue, a price history that grows night
-- by night (days in R2, indexed here), what each night's collection did per group, and the
-- served catalogue's search and sort columns.

-- The feed's groups (sets), as last listed. products_modified_on is the group's modifiedOn when
-- its products were last fetched: the products are fetched again only when it changes.
CREATE TABLE feed_groups (
  category_id          INTEGER NOT NULL,
  group_id             INTEGER NOT NULL,
  name                 TEXT NOT NULL,
  abbreviation         TEXT,
  published_on         TEXT,
  modified_on          TEXT,
  products_modified_on TEXT,
  first_seen           TEXT NOT NULL,   -- the feed day it was first listed
  last_seen            TEXT NOT NULL,
  PRIMARY KEY (category_id, group_id)
);

-- Products as the feed lists them: one row per TCGplayer product (a card, or a sealed product).
CREATE TABLE feed_products (
  product_id  INTEGER PRIMARY KEY,
  category_id INTEGER NOT NULL,
  group_id    INTEGER NOT NULL,
  name        TEXT NOT NULL,
  clean_name  TEXT,
  number      TEXT,                      -- extendedData "Number"; null for sealed products
  rarity      TEXT,
  kind        TEXT NOT NULL CHECK (kind IN ('card', 'sealed')),
  url         TEXT,
  modified_on TEXT,
  first_seen  TEXT NOT NULL,
  updated_on  TEXT NOT NULL              -- the feed day its row last changed
);
CREATE INDEX feed_products_by_group ON feed_products (category_id, group_id);

-- Every series any source has collected (a feed card is one product in one printing): what it
-- is, independent of any run. card_id never changes; name, slug and the rest follow the feed.
CREATE TABLE catalogue (
  card_id    TEXT PRIMARY KEY,
  source     TEXT NOT NULL,              -- the history source that first wrote it: tcgcsv, live, or an import's
  product_id INTEGER,
  printing   TEXT,                       -- the feed's subTypeName
  slug       TEXT,
  name       TEXT NOT NULL,
  set_name   TEXT NOT NULL,
  set_code   TEXT,                       -- the group's abbreviation
  number     TEXT,
  rarity     TEXT,
  language   TEXT,
  kind       TEXT NOT NULL DEFAULT 'card' CHECK (kind IN ('card', 'sealed')),
  url        TEXT,
  first_seen TEXT NOT NULL,              -- the first day with a price
  updated_at TEXT NOT NULL
);
CREATE INDEX catalogue_by_product ON catalogue (product_id);
CREATE INDEX catalogue_by_first_seen ON catalogue (first_seen, card_id);

-- The price history's index: one row per (day, source) with the version that is current, and
-- its parts (R2 objects under history/date=<date>/source=<source>/v=<version>/).
CREATE TABLE history_days (
  date       TEXT NOT NULL,
  source     TEXT NOT NULL,
  version    TEXT NOT NULL,
  rows       INTEGER NOT NULL,
  cards      INTEGER NOT NULL,
  parts      INTEGER NOT NULL,
  written_at TEXT NOT NULL,
  written_by TEXT NOT NULL,              -- the run or seed that wrote this version
  PRIMARY KEY (date, source)
);
CREATE TABLE history_parts (
  date       TEXT NOT NULL,
  source     TEXT NOT NULL,
  version    TEXT NOT NULL,
  part       INTEGER NOT NULL,
  first_card TEXT NOT NULL,
  last_card  TEXT NOT NULL,
  rows       INTEGER NOT NULL,
  r2_key     TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  PRIMARY KEY (date, source, version, part)
);
CREATE INDEX history_parts_by_range ON history_parts (date, last_card);

-- What each night's feed collection did per group.
CREATE TABLE feed_outcomes (
  run_id      TEXT NOT NULL,
  category_id INTEGER NOT NULL,
  group_id    INTEGER NOT NULL,
  name        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  prices      TEXT NOT NULL CHECK (prices IN ('fetched', 'stored', 'none')),   -- stored: the night's response already in R2
  products    TEXT NOT NULL CHECK (products IN ('fetched', 'stored', 'kept', 'none')),
  rows        INTEGER NOT NULL,
  nulls       INTEGER NOT NULL,
  zeros       INTEGER NOT NULL,
  attempts    INTEGER NOT NULL,
  http_status INTEGER,
  error       TEXT,
  PRIMARY KEY (run_id, category_id, group_id)
);

-- Requests made to the feed per UTC day, so every run of the day stays inside the budget.
CREATE TABLE feed_requests (
  day      TEXT PRIMARY KEY,
  requests INTEGER NOT NULL
);

-- Imports merged into the history (npm run history -- import, npm run backfill).
CREATE TABLE history_seeds (
  id           TEXT PRIMARY KEY,
  import_id    TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'complete', 'failed')),
  rows         INTEGER NOT NULL,
  cards        INTEGER NOT NULL,
  date_from    TEXT NOT NULL,
  date_to      TEXT NOT NULL,
  days_written INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL,
  ended_at     TEXT,
  error        TEXT
);

-- The served catalogue learns what each card is (copied from the catalogue when a run
-- publishes), its change over a week, and a search text; one index per filter and sort.
ALTER TABLE serving_cards ADD COLUMN product_id INTEGER;
ALTER TABLE serving_cards ADD COLUMN printing TEXT;
ALTER TABLE serving_cards ADD COLUMN slug TEXT;
ALTER TABLE serving_cards ADD COLUMN set_code TEXT;
ALTER TABLE serving_cards ADD COLUMN number TEXT;
ALTER TABLE serving_cards ADD COLUMN rarity TEXT;
ALTER TABLE serving_cards ADD COLUMN language TEXT;
ALTER TABLE serving_cards ADD COLUMN kind TEXT NOT NULL DEFAULT 'card';
ALTER TABLE serving_cards ADD COLUMN url TEXT;
ALTER TABLE serving_cards ADD COLUMN change_7d REAL;
ALTER TABLE serving_cards ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE serving_staged ADD COLUMN change_7d REAL;
CREATE INDEX serving_cards_by_price ON serving_cards (market_price, card_id);
CREATE INDEX serving_cards_by_change ON serving_cards (change_7d, card_id) WHERE change_7d IS NOT NULL;
CREATE INDEX serving_cards_by_strength ON serving_cards (strength, card_id);
CREATE INDEX serving_cards_by_set ON serving_cards (set_name, card_id);
CREATE INDEX serving_cards_by_printing ON serving_cards (printing, card_id);
CREATE INDEX serving_cards_by_language ON serving_cards (language, card_id);
CREATE INDEX serving_cards_by_kind ON serving_cards (kind, card_id);

-- Words of each served card's name, number, set and slug (rowid = serving_cards.rowid), kept in
-- step with serving_cards by the publish transaction.
CREATE VIRTUAL TABLE serving_search USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
