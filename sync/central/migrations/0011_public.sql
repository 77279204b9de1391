-- The citizens' pages (issue 18). queue_now is each hall's last queue
-- snapshot from its hub (its lines, no ticket list), version growing with
-- every one taken; public_tickets each ticket's state as the snapshots
-- left it (numbers, states and windows: no name). A case's 办件公示 reads
-- the cases decided per hall and time.
CREATE TABLE IF NOT EXISTS queue_now (
    hall        TEXT PRIMARY KEY,
    day         TEXT NOT NULL,
    at          TEXT NOT NULL,
    received_at TEXT NOT NULL,
    version     {{int}} NOT NULL,
    body        TEXT NOT NULL
){{strict}};
CREATE TABLE IF NOT EXISTS public_tickets (
    hall      TEXT NOT NULL,
    day       TEXT NOT NULL,
    code      TEXT NOT NULL,
    category  TEXT NOT NULL,
    state     TEXT NOT NULL,
    window_no {{int}} NOT NULL,
    priority  TEXT NOT NULL,
    PRIMARY KEY (hall, day, code)
){{strict}};
CREATE INDEX IF NOT EXISTS cases_decided_at ON cases (hall, decided_at) WHERE decision <> '';
