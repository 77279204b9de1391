-- The terminal's link to central (sync/link): the credentials it was
-- enrolled with and the cursor of central's changes it has applied. One row.
-- The secret is sealed like personal data: whoever copies the database file
-- must not be able to speak to central as this terminal.

CREATE TABLE sync_link (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    central_url   TEXT NOT NULL DEFAULT '',
    terminal      TEXT NOT NULL DEFAULT '',
    hall          TEXT NOT NULL DEFAULT '',
    secret_sealed BLOB,
    ca_pem        TEXT NOT NULL DEFAULT '',   -- the central CA this terminal pins
    enrolled_at   TEXT NOT NULL DEFAULT '',
    cursor        INTEGER NOT NULL DEFAULT 0 CHECK (cursor >= 0), -- central's change version applied
    resynced_at   TEXT NOT NULL DEFAULT ''    -- the last full resync, if any
) STRICT;

INSERT INTO sync_link (id) VALUES (1);

-- Central decisions that could not be applied here (the case is unknown or
-- has moved on), kept for staff to see rather than silently dropped.
CREATE TABLE sync_skipped (
    at          TEXT NOT NULL,
    case_number TEXT NOT NULL,
    state       TEXT NOT NULL,
    department  TEXT NOT NULL,
    why         TEXT NOT NULL
) STRICT;
