-- Central's tables as the first central wrote them.
-- {{int}}, {{blob}} and {{strict}} are filled in per dialect (SQLite or
-- PostgreSQL). Times are RFC 3339 text in UTC, as on the terminals.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value {{int}} NOT NULL
){{strict}};
INSERT INTO meta (name, value) VALUES ('schema', 1), ('version', 0), ('floor', 0);

CREATE TABLE terminals (
    id          TEXT PRIMARY KEY,
    hall        TEXT NOT NULL,
    secret_hash TEXT NOT NULL DEFAULT '',
    enrolled_at TEXT NOT NULL DEFAULT '',
    revoked_at  TEXT NOT NULL DEFAULT '',
    last_seq    {{int}} NOT NULL DEFAULT 0,
    last_seen   TEXT NOT NULL DEFAULT ''
){{strict}};

CREATE TABLE enrol_codes (
    code_hash  TEXT PRIMARY KEY,
    terminal   TEXT NOT NULL,
    hall       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT NOT NULL DEFAULT ''
){{strict}};

CREATE TABLE ops (
    terminal    TEXT NOT NULL,
    seq         {{int}} NOT NULL,
    op_id       TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    entity      TEXT NOT NULL,
    rejected    TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    PRIMARY KEY (terminal, seq)
){{strict}};

CREATE TABLE cases (
    number         TEXT PRIMARY KEY,
    terminal       TEXT NOT NULL,
    hall           TEXT NOT NULL,
    item_code      TEXT NOT NULL,
    name_sealed    {{blob}},
    id_sealed      {{blob}},
    phone_sealed   {{blob}},
    id_index       {{blob}},
    received       TEXT NOT NULL,
    missing        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    state          TEXT NOT NULL,
    window_no      {{int}} NOT NULL,
    clerk          TEXT NOT NULL,
    ticket         TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    accepted_at    TEXT NOT NULL,
    due_date       TEXT NOT NULL,
    statutory_date TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    decision       TEXT NOT NULL DEFAULT '',
    decision_dept  TEXT NOT NULL DEFAULT '',
    decision_note  TEXT NOT NULL DEFAULT '',
    decided_at     TEXT NOT NULL DEFAULT ''
){{strict}};
CREATE INDEX cases_decided ON cases (hall) WHERE decision <> '';

CREATE TABLE case_events (
    case_number TEXT NOT NULL,
    seq         {{int}} NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    state       TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)
){{strict}};

CREATE TABLE ratings (
    id               TEXT PRIMARY KEY,
    terminal         TEXT NOT NULL,
    level            {{int}} NOT NULL,
    reasons          TEXT NOT NULL,
    comment_sealed   {{blob}},
    ticket           TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    window_no        {{int}} NOT NULL,
    clerk            TEXT NOT NULL,
    at               TEXT NOT NULL,
    follow_up_due    TEXT NOT NULL,
    resolved_at      TEXT NOT NULL DEFAULT '',
    resolution       TEXT NOT NULL DEFAULT ''
){{strict}};

CREATE TABLE opinions (
    case_number TEXT NOT NULL,
    department  TEXT NOT NULL,
    approve     {{int}} NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (case_number, department)
){{strict}};

-- What halls pull, in version order. hall '' is for every hall.
CREATE TABLE changes (
    version {{int}} PRIMARY KEY,
    hall    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    body    TEXT NOT NULL,
    at      TEXT NOT NULL
){{strict}};
CREATE INDEX changes_by_hall ON changes (hall, version);

-- The latest of each publication, for a full resync: 'catalog',
-- 'calendar', 'hall/<code>'.
CREATE TABLE published (
    name    TEXT PRIMARY KEY,
    version {{int}} NOT NULL,
    body    TEXT NOT NULL,
    at      TEXT NOT NULL
){{strict}};
