-- Sources: what is crawled. definition is the source definition as JSON.
CREATE TABLE sources (
    id          TEXT PRIMARY KEY,
    definition  TEXT NOT NULL,
    origin      TEXT NOT NULL,            -- catalog, demo, partner
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Runs: one per crawl, whatever its outcome.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT NOT NULL,
    status      TEXT NOT NULL,            -- ok, not_modified, failed, quarantined
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    pages       INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    found       INTEGER NOT NULL DEFAULT 0,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    withdrawn   INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    problems    TEXT NOT NULL DEFAULT '[]' -- JSON array of strings
);
CREATE INDEX runs_by_source ON runs (source, id);

-- Records: the current normalized record (data, JSON without the timestamps, which
-- live in their own columns) and the columns used to select.
CREATE TABLE records (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    local_id    TEXT NOT NULL,
    status      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    data        TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (source, local_id)
);
CREATE INDEX records_by_source_status ON records (source, status);

-- Verbatim: the listing as the parser found it, so normalization can re-run.
CREATE TABLE verbatim (
    record_id   TEXT PRIMARY KEY REFERENCES records (id),
    data        TEXT NOT NULL,
    fetched_at  TEXT NOT NULL
);

-- Changes: the ordered log the index (and mirrors) follow. AUTOINCREMENT: a seq is
-- never reused, even after the newest rows are deleted.
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id   TEXT NOT NULL,
    op          TEXT NOT NULL,            -- upsert, withdraw
    at          TEXT NOT NULL
);
CREATE INDEX changes_by_record ON changes (record_id);
