-- Webhooks (issue 12): subscriptions per API key, one delivery per (run, subscription), and the
-- signal changes each run published, captured in the run's own publish transaction.

-- A subscription belongs to the API key that created it (key_id); a key sees only its own.
-- Exactly one filter: card_ids (JSON array), set_name, or every card (filter = 'all').
CREATE TABLE webhook_subscriptions (
  id                   TEXT PRIMARY KEY,        -- wh_<random>
  key_id               TEXT NOT NULL,
  url                  TEXT NOT NULL,
  filter               TEXT NOT NULL CHECK (filter IN ('cards', 'set', 'all')),
  card_ids             TEXT,                    -- JSON array when filter = 'cards'
  set_name             TEXT,                    -- when filter = 'set'
  signals              TEXT NOT NULL,           -- JSON array of BUY / SELL / HOLD
  min_probability      REAL,
  secret_cipher        TEXT NOT NULL,           -- base64(iv || AES-GCM(secret)), see README "Webhooks"
  status               TEXT NOT NULL CHECK (status IN ('active', 'paused')),
  paused_reason        TEXT,
  paused_at            TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
);
CREATE INDEX webhook_subscriptions_by_key ON webhook_subscriptions (key_id, created_at, id);
CREATE INDEX webhook_subscriptions_active ON webhook_subscriptions (status);

-- One row per event sent to a subscription; id is the event id (the webhook-id header). A run's
-- event is unique per (run_id, subscription_id), so a retried notify step never makes a second.
-- Test events have no run (run_id NULL, which UNIQUE lets repeat).
CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,            -- msg_<hex>
  subscription_id  TEXT NOT NULL,
  run_id           TEXT,
  type             TEXT NOT NULL,               -- signals.changed | webhook.test
  status           TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'delivered', 'failed', 'cancelled')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_status      INTEGER,                     -- the receiver's last HTTP status (null: no answer)
  last_error       TEXT,
  body             TEXT NOT NULL,               -- the exact JSON signed and sent
  created_at       TEXT NOT NULL,
  enqueued_at      TEXT,
  last_attempt_at  TEXT,
  delivered_at     TEXT,
  failed_at        TEXT,
  UNIQUE (run_id, subscription_id)
);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, created_at DESC, id DESC);
-- The notify step's "stored but not yet sent".
CREATE INDEX webhook_deliveries_unsent ON webhook_deliveries (id) WHERE enqueued_at IS NULL;

-- The cards whose served signal a run changed (previous_signal NULL: the card was new to
-- serving), with the answer the run published. Written by the same statement batch that moves
-- the run's staged cards into serving_cards, so it is exactly what changed for subscribers.
CREATE TABLE signal_changes (
  run_id          TEXT NOT NULL,
  card_id         TEXT NOT NULL,
  name            TEXT NOT NULL,
  set_name        TEXT NOT NULL,
  previous_signal TEXT,
  signal          TEXT NOT NULL,
  latest_date     TEXT NOT NULL,
  market_price    REAL NOT NULL,
  fair_price      REAL NOT NULL,
  deviation_pct   REAL,
  p_up            REAL,
  p_down          REAL,
  model_version   TEXT NOT NULL,
  PRIMARY KEY (run_id, card_id)
);
