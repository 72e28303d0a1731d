-- Model versions: one row per immutable artifact under models/<version>/ in R2.
-- status 'building' while its rows are written; only 'ready' versions can be promoted.
CREATE TABLE model_versions (
  version         TEXT PRIMARY KEY,
  status          TEXT NOT NULL CHECK (status IN ('building', 'ready')),
  estimator       TEXT NOT NULL,
  params          TEXT NOT NULL,          -- JSON ModelSpec
  artifact_prefix TEXT NOT NULL,          -- models/<version>/
  manifest_sha256 TEXT NOT NULL,
  card_count      INTEGER NOT NULL,
  row_count       INTEGER NOT NULL,
  data_from       TEXT NOT NULL,          -- earliest observed date
  data_as_of      TEXT NOT NULL,          -- latest observed date
  source          TEXT NOT NULL,          -- where the prices came from (sample, csv, live)
  created_at      TEXT NOT NULL
);

-- Named pointers to versions; 'champion' is the one that serves.
CREATE TABLE model_aliases (
  alias       TEXT PRIMARY KEY,
  version     TEXT NOT NULL REFERENCES model_versions(version),
  previous    TEXT,
  updated_at  TEXT NOT NULL
);

-- The catalogue of a version: one row per card with its latest evaluated day.
CREATE TABLE model_cards (
  version          TEXT NOT NULL REFERENCES model_versions(version),
  card_id          TEXT NOT NULL,
  name             TEXT NOT NULL,
  set_name         TEXT NOT NULL,
  points           INTEGER NOT NULL,
  first_date       TEXT NOT NULL,
  latest_date      TEXT NOT NULL,
  latest_market    REAL NOT NULL,
  latest_fair      REAL NOT NULL,
  latest_deviation REAL,
  abs_deviation    REAL NOT NULL,         -- |latest_deviation|, 0 when null; ranks /v1/signals
  latest_signal    TEXT NOT NULL CHECK (latest_signal IN ('BUY', 'SELL', 'HOLD')),
  object_key       TEXT NOT NULL,
  sha256           TEXT NOT NULL,
  PRIMARY KEY (version, card_id)
);

CREATE INDEX model_cards_by_signal ON model_cards (version, latest_signal, abs_deviation DESC);
