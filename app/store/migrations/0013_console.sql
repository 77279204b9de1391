-- The hall's web console at the hub (issue 17 §1): the browsers' sessions
-- of the hall's managers, who log in with their staff id and password,
-- and the audit log of what they do there.
CREATE TABLE console_sessions (
    token_hash TEXT PRIMARY KEY,
    login      TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    remote     TEXT NOT NULL
) STRICT;
CREATE TABLE console_audit (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    login  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    remote TEXT NOT NULL,
    detail TEXT NOT NULL
) STRICT;
-- The dashboard's ratings of a day.
CREATE INDEX ratings_by_at ON ratings (at);
