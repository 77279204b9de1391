-- the hall hubs' queue events, for the halls' queue statistics. No
-- name, not even the masked one: a ticket, its category and its times.
CREATE TABLE ticket_events (
    op_id       TEXT PRIMARY KEY,
    terminal    TEXT NOT NULL,
    hall        TEXT NOT NULL,
    ticket      TEXT NOT NULL,
    day         TEXT NOT NULL,
    category    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    window_no   {{int}} NOT NULL,
    priority    TEXT NOT NULL,
    state       TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    called_at   TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    recalls     {{int}} NOT NULL
){{strict}};
CREATE INDEX ticket_events_by_day ON ticket_events (hall, day);
