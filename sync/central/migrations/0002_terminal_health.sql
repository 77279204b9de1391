-- what terminals report of their health with each sync, and when
-- each last completed a sync.
ALTER TABLE terminals ADD COLUMN last_sync TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN role TEXT NOT NULL DEFAULT '';
CREATE TABLE terminal_health (
    terminal    TEXT PRIMARY KEY,
    version     TEXT NOT NULL,
    at          TEXT NOT NULL,
    worst       TEXT NOT NULL,
    report      TEXT NOT NULL,
    received_at TEXT NOT NULL
){{strict}};
