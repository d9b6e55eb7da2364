-- Problems reported on a record's public page: what was chosen and written, when.
-- No address or account is kept; rate limiting happens in memory.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id   TEXT NOT NULL,
    source      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX reports_by_source ON reports (source, id);
CREATE INDEX reports_by_record ON reports (record_id);
