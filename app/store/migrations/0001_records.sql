-- The hall's records on one terminal. Times are RFC 3339 text in UTC; dates
-- are YYYY-MM-DD hall time. Personal data is sealed (AES-256-GCM) in BLOB
-- columns ending in _sealed; *_index columns hold keyed hashes for look-up.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Per-terminal counters that must never go back, e.g. case numbers.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL CHECK (value >= 0)
) STRICT;

-- Service catalogue (事项), a read-only copy of what central published.
CREATE TABLE catalog_version (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    version   INTEGER NOT NULL,
    loaded_at TEXT NOT NULL
) STRICT;

CREATE TABLE departments (
    code    TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

CREATE TABLE categories (
    prefix      TEXT PRIMARY KEY CHECK (length(prefix) = 1),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    daily_limit INTEGER NOT NULL CHECK (daily_limit BETWEEN 1 AND 999),
    closes      TEXT NOT NULL
) STRICT;

CREATE TABLE items (
    code         TEXT PRIMARY KEY,
    position     INTEGER NOT NULL,
    category     TEXT NOT NULL REFERENCES categories (prefix),
    self_service INTEGER NOT NULL CHECK (self_service IN (0, 1)),
    body         TEXT NOT NULL -- the whole item as published, JSON
) STRICT;

-- Windows, the categories each serves in calling order, and staff.
CREATE TABLE windows (
    number  INTEGER PRIMARY KEY CHECK (number BETWEEN 1 AND 999),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

CREATE TABLE window_categories (
    window   INTEGER NOT NULL REFERENCES windows (number) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (window, position)
) STRICT;

CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'manager', 'technician')),
    password_hash TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE hall (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    code    TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

-- Official holidays and make-up working days (调休).
CREATE TABLE calendar_days (
    date    TEXT PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

-- Cases (办件). Intake fields are this terminal's; decision fields
-- (state after acceptance, decided_at) may come from central.
CREATE TABLE cases (
    number          TEXT PRIMARY KEY,
    item_code       TEXT NOT NULL,
    item_name_zh    TEXT NOT NULL,
    item_name_en    TEXT NOT NULL,
    name_sealed     BLOB,
    id_sealed       BLOB,
    phone_sealed    BLOB,
    id_index        BLOB NOT NULL,
    received        TEXT NOT NULL DEFAULT '[]', -- JSON array of material indexes
    missing         TEXT NOT NULL DEFAULT '[]',
    reason          TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('submitted', 'accepted', 'supplement_requested',
                        'refused', 'in_review', 'approved', 'denied', 'result_issued', 'closed')),
    window          INTEGER NOT NULL DEFAULT 0,
    clerk           TEXT NOT NULL DEFAULT '',
    ticket          TEXT NOT NULL DEFAULT '',
    submitted_at    TEXT NOT NULL,
    accepted_at     TEXT NOT NULL DEFAULT '',
    due_date        TEXT NOT NULL DEFAULT '',
    statutory_date  TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    event_count     INTEGER NOT NULL DEFAULT 0,
    head_hash       TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX cases_by_id ON cases (id_index);
CREATE INDEX cases_open ON cases (state, due_date) WHERE state NOT IN ('closed', 'refused');

-- The timeline of each case (全程留痕): append-only, hash-chained.
CREATE TABLE case_events (
    case_number TEXT NOT NULL REFERENCES cases (number),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    state       TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)
) STRICT;

CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case events are append-only');
END;

CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case events are append-only');
END;

-- Ratings (好差评) and the follow-ups bad ones open.
CREATE TABLE ratings (
    id          TEXT PRIMARY KEY,
    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    reasons     TEXT NOT NULL DEFAULT '[]',
    comment     TEXT NOT NULL DEFAULT '',
    ticket      TEXT NOT NULL DEFAULT '',
    case_number TEXT NOT NULL DEFAULT '',
    window      INTEGER NOT NULL DEFAULT 0,
    clerk       TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    CHECK (ticket <> '' OR case_number <> '')
) STRICT;

CREATE TABLE follow_ups (
    rating      TEXT PRIMARY KEY REFERENCES ratings (id),
    due_date    TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    resolved_at TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
) STRICT;

-- What central must learn, written in the same transaction as the change.
-- AUTOINCREMENT: a sequence number is never reused, even after rows are pruned.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id      TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    entity     TEXT NOT NULL,
    payload    BLOB NOT NULL, -- sealed JSON: it may carry personal data
    created_at TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'rejected')),
    reason     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
