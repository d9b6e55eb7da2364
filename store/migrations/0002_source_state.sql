-- How each source is doing: conditional GET validators, consecutive failures and the
-- back-off they earned, pausing, and the latest success and error.
CREATE TABLE source_state (
    source               TEXT PRIMARY KEY,
    etag                 TEXT NOT NULL DEFAULT '',
    last_modified        TEXT NOT NULL DEFAULT '',
    validators_for       TEXT NOT NULL DEFAULT '',  -- fingerprint of the definition they were read with
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    backoff_until        TEXT NOT NULL DEFAULT '',
    paused               INTEGER NOT NULL DEFAULT 0,
    paused_reason        TEXT NOT NULL DEFAULT '',
    last_success         TEXT NOT NULL DEFAULT '',
    last_error           TEXT NOT NULL DEFAULT '',
    last_error_at        TEXT NOT NULL DEFAULT ''
);

ALTER TABLE runs ADD COLUMN http_status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN detected_kind TEXT NOT NULL DEFAULT '';

-- Crawls held back by quarantine, applied only when someone approves the run.
CREATE TABLE pending_crawls (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id),
    data   TEXT NOT NULL
);
