-- Forecast serving (issues 9 and 10): the data every run publishes, independent of which model
-- the gate keeps; the signals each run published (the track record); one run per (date, source,
-- code version) enforced by a unique key; heartbeats to find a run whose Worker died.

-- The catalogue as served: one row per card, refreshed by every run that saw the card (a run
-- for an older date never replaces fresher data). The card's dated history is one line of an
-- NDJSON object in R2 (object_key, read with a range: byte_offset, byte_length).
CREATE TABLE serving_cards (
  card_id           TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  set_name          TEXT NOT NULL,
  latest_date       TEXT NOT NULL,
  market_price      REAL NOT NULL,
  fair_price        REAL NOT NULL,
  deviation_pct     REAL,
  signal            TEXT NOT NULL CHECK (signal IN ('BUY', 'SELL', 'HOLD')),
  p_up              REAL,
  p_down            REAL,
  strength          REAL NOT NULL,          -- p_up of a BUY, p_down of a SELL (|deviation| for a rule), 0 for HOLD
  reason            TEXT,                   -- why a HOLD is a HOLD
  observations      INTEGER NOT NULL,
  days_since_change INTEGER NOT NULL,
  model_version     TEXT NOT NULL,
  run_id            TEXT NOT NULL,
  run_date          TEXT NOT NULL,
  object_key        TEXT NOT NULL,
  byte_offset       INTEGER NOT NULL,
  byte_length       INTEGER NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE INDEX serving_cards_by_signal ON serving_cards (signal, strength DESC, card_id);

-- A run's publish steps stage their rows here; the run's finalize step moves them into
-- serving_cards and track_record in one transaction, so a run that fails half-way publishes
-- nothing (its staged rows are deleted).
CREATE TABLE serving_staged (
  run_id            TEXT NOT NULL,
  card_id           TEXT NOT NULL,
  name              TEXT NOT NULL,
  set_name          TEXT NOT NULL,
  latest_date       TEXT NOT NULL,
  market_price      REAL NOT NULL,
  fair_price        REAL NOT NULL,
  deviation_pct     REAL,
  signal            TEXT NOT NULL,
  p_up              REAL,
  p_down            REAL,
  strength          REAL NOT NULL,
  reason            TEXT,
  observations      INTEGER NOT NULL,
  days_since_change INTEGER NOT NULL,
  model_version     TEXT NOT NULL,
  run_date          TEXT NOT NULL,
  object_key        TEXT NOT NULL,
  byte_offset       INTEGER NOT NULL,
  byte_length       INTEGER NOT NULL,
  updated_at        TEXT NOT NULL,
  PRIMARY KEY (run_id, card_id)
);

-- What serving shows as a whole (one row, id = 1): the run with the newest data, and the epoch,
-- the last run that published anything (every publish changes it, so caches keyed by it refresh).
CREATE TABLE serving_state (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  run_id        TEXT NOT NULL,
  run_date      TEXT NOT NULL,
  data_as_of    TEXT NOT NULL,
  model_version TEXT NOT NULL,
  published_at  TEXT NOT NULL,
  epoch         TEXT NOT NULL
);

-- The track record: every answer a run published for its date, never rewritten by a later run
-- or model; the outcome (first passage within the horizon) is filled in once the prices show it.
CREATE TABLE track_record (
  run_date      TEXT NOT NULL,
  card_id       TEXT NOT NULL,
  date          TEXT NOT NULL,               -- the observed day the answer is about (on or before run_date)
  market_price  REAL NOT NULL,
  fair_price    REAL NOT NULL,
  signal        TEXT NOT NULL CHECK (signal IN ('BUY', 'SELL', 'HOLD')),
  p_up          REAL,
  p_down        REAL,
  model_version TEXT NOT NULL,
  run_id        TEXT NOT NULL,
  horizon_days  INTEGER NOT NULL,
  move          REAL NOT NULL,
  outcome       TEXT CHECK (outcome IN ('up', 'down', 'none')),
  outcome_date  TEXT,
  PRIMARY KEY (run_date, card_id)
);
CREATE INDEX track_record_by_card ON track_record (card_id, run_date);

-- A run's track record until its finalize step (see serving_staged).
CREATE TABLE track_staged (
  run_id        TEXT NOT NULL,
  run_date      TEXT NOT NULL,
  card_id       TEXT NOT NULL,
  date          TEXT NOT NULL,
  market_price  REAL NOT NULL,
  fair_price    REAL NOT NULL,
  signal        TEXT NOT NULL,
  p_up          REAL,
  p_down        REAL,
  model_version TEXT NOT NULL,
  horizon_days  INTEGER NOT NULL,
  move          REAL NOT NULL,
  PRIMARY KEY (run_id, card_id)
);
CREATE INDEX track_record_open ON track_record (card_id, date) WHERE outcome IS NULL;

-- Model versions are learned models (artifact in R2) or rules (the spec is the model).
ALTER TABLE model_versions ADD COLUMN kind TEXT NOT NULL DEFAULT 'rule';
ALTER TABLE model_versions ADD COLUMN artifact_key TEXT;
ALTER TABLE model_versions ADD COLUMN trained_through TEXT;
-- The figures the building run's gate saw (JSON), for /v1/models.
ALTER TABLE model_versions ADD COLUMN figures TEXT;

-- One live run per (date, source, code version): live_key is that triple while the run is not
-- failed (a failed run frees it), and a unique index makes a second insert lose, whatever the
-- concurrency. Forced runs carry their own id in the key.
ALTER TABLE pipeline_runs ADD COLUMN live_key TEXT;
CREATE UNIQUE INDEX pipeline_runs_live_key ON pipeline_runs (live_key);
-- Progress: set at every step start and end; a running run silent for longer than its step's
-- timeout is failed by the next start or read.
ALTER TABLE pipeline_runs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE pipeline_runs ADD COLUMN step_timeout_seconds INTEGER;
-- What the run published: the model it served with, and whether serving moved to its data.
ALTER TABLE pipeline_runs ADD COLUMN serving_version TEXT;
ALTER TABLE pipeline_runs ADD COLUMN published INTEGER NOT NULL DEFAULT 0;

-- The per-version catalogue is replaced by serving_cards (data no longer belongs to a model).
DROP TABLE model_cards;
