-- Pipeline tracking: every run, its steps, params, metrics, artifacts and per-card collection
-- outcomes. Written by the PIPELINE Workflow's steps, read by /v1/runs and /v1/models.

-- One row per run. id = the Workflow instance id (nightly-YYYY-MM-DD for the cron).
CREATE TABLE pipeline_runs (
  id              TEXT PRIMARY KEY,
  instance_id     TEXT NOT NULL UNIQUE,
  trigger         TEXT NOT NULL CHECK (trigger IN ('cron', 'api', 'cli', 'start')),
  source          TEXT NOT NULL,          -- sample | live | file:<sha256>
  run_date        TEXT NOT NULL,          -- prices on or before this date are used
  status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'complete', 'rejected', 'failed')),
  force           INTEGER NOT NULL DEFAULT 0,
  code_version    TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  started_at      TEXT,
  ended_at        TEXT,
  champion_before TEXT,                   -- the serving version when the run started
  candidate       TEXT,                   -- the chosen candidate id
  model_version   TEXT,                   -- the version it built
  promoted        INTEGER NOT NULL DEFAULT 0,
  reason          TEXT                    -- why it was rejected or failed
);
CREATE INDEX pipeline_runs_by_created ON pipeline_runs (created_at DESC, id DESC);
CREATE INDEX pipeline_runs_by_key ON pipeline_runs (run_date, source, code_version, status);

-- One row per step of a run (shard steps are named "collect #0", ...). A step reused from an
-- earlier run with the same input hash and code version has cached = 1.
CREATE TABLE pipeline_steps (
  run_id       TEXT NOT NULL REFERENCES pipeline_runs(id),
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL,             -- the name without its shard suffix
  status       TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  started_at   TEXT NOT NULL,
  ended_at     TEXT,
  input_hash   TEXT,
  code_version TEXT NOT NULL,
  outputs      TEXT,                      -- JSON, small values only
  cached       INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  PRIMARY KEY (run_id, name)
);
CREATE INDEX pipeline_steps_cache ON pipeline_steps (kind, input_hash, code_version, status);

CREATE TABLE run_params (
  run_id  TEXT NOT NULL REFERENCES pipeline_runs(id),
  name    TEXT NOT NULL,
  value   TEXT NOT NULL,                  -- JSON
  PRIMARY KEY (run_id, name)
);

-- subject: 'collect', 'drift', 'gate', 'naive', 'chosen', 'champion' or 'candidate:<id>',
-- window_name: 'selection', 'validation' or 'run'.
CREATE TABLE run_metrics (
  run_id   TEXT NOT NULL REFERENCES pipeline_runs(id),
  subject  TEXT NOT NULL,
  window_name TEXT NOT NULL,
  name     TEXT NOT NULL,
  value    REAL,
  PRIMARY KEY (run_id, subject, window_name, name)
);

CREATE TABLE run_artifacts (
  run_id     TEXT NOT NULL REFERENCES pipeline_runs(id),
  r2_key     TEXT NOT NULL,
  kind       TEXT NOT NULL,               -- raw | features | stats | train | evaluation | model
  bytes      INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, r2_key)
);

-- Live collection: what happened to each card of the universe.
CREATE TABLE collect_outcomes (
  run_id        TEXT NOT NULL REFERENCES pipeline_runs(id),
  card_id       TEXT NOT NULL,
  tcgplayer_id  TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
  points        INTEGER NOT NULL DEFAULT 0,
  attempts      INTEGER NOT NULL DEFAULT 0,
  http_status   INTEGER,
  error         TEXT,
  PRIMARY KEY (run_id, card_id)
);

-- Which run built a version (null for versions built before the pipeline).
ALTER TABLE model_versions ADD COLUMN run_id TEXT;

-- Every move of an alias: promotions by runs and by operators (rollbacks).
CREATE TABLE alias_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  alias     TEXT NOT NULL,
  version   TEXT NOT NULL,
  previous  TEXT,
  actor     TEXT NOT NULL,                -- run:<id> or key:<api key id>
  at        TEXT NOT NULL
);
