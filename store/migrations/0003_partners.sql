-- Partners manage their own sources through the API. Only a SHA-256 of the token is kept.
CREATE TABLE partners (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,     -- hex SHA-256 of the token
    created_at  TEXT NOT NULL,
    revoked_at  TEXT NOT NULL DEFAULT ''
);

-- Sources owned by a partner, and their review: pending ones are not crawled.
CREATE TABLE partner_sources (
    source      TEXT PRIMARY KEY,
    partner     INTEGER NOT NULL REFERENCES partners (id),
    state       TEXT NOT NULL,            -- pending, approved, rejected
    updated_at  TEXT NOT NULL
);
CREATE INDEX partner_sources_by_partner ON partner_sources (partner, source);

-- Records a partner took down: withdrawn, and kept so by later crawls until restored.
CREATE TABLE takedowns (
    record_id   TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    partner     INTEGER NOT NULL,
    at          TEXT NOT NULL
);

-- Every partner and admin action.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    partner     INTEGER NOT NULL,         -- 0: the admin
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    remote      TEXT NOT NULL
);
CREATE INDEX audit_by_partner ON audit (partner, id);
