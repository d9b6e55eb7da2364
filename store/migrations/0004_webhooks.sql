-- A partner's webhook per source: after each run, its summary is POSTed to url,
-- signed with HMAC-SHA256 under secret.
CREATE TABLE webhooks (
    source      TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
