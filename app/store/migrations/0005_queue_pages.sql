-- Fewer pages per queue change. Every page a commit touches is written to
-- the log and synced before a kiosk gets its number or a window its call,
-- so the hub's tables now touch fewer: tickets are stored in the order of
-- their id, with no separate index from a row number to the id; the
-- ID-card index holds only the tickets taken with a card; the log of
-- carried-out requests is likewise stored by its request id.

CREATE TABLE tickets_by_id (
    id           TEXT PRIMARY KEY,            -- hall day + code, e.g. 2026-11-23/A001
    day          TEXT NOT NULL,               -- hall day, YYYY-MM-DD
    issued_category TEXT NOT NULL,            -- the category that numbered it; its code keeps that letter
    category     TEXT NOT NULL,               -- the line it is in now, changed by a transfer
    seq          INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 999),
    code         TEXT NOT NULL,               -- A001
    priority     TEXT NOT NULL DEFAULT '' CHECK (priority IN ('', 'elderly', 'disability', 'appointment')),
    who_masked   TEXT NOT NULL DEFAULT '',    -- 张* — never the full name
    who_index    TEXT,                        -- app.WhoKey of the ID number, to recognise a returning citizen
    issued_at    TEXT NOT NULL,
    queued_at    TEXT NOT NULL,               -- the place in the queue: kept through a transfer, new on a re-queue
    called_at    TEXT NOT NULL DEFAULT '',
    served_at    TEXT NOT NULL DEFAULT '',
    finished_at  TEXT NOT NULL DEFAULT '',
    window       INTEGER NOT NULL DEFAULT 0,  -- the window that called it, or the one it was transferred to
    target_window INTEGER NOT NULL DEFAULT 0, -- set by a transfer to one window
    recalls      INTEGER NOT NULL DEFAULT 0,
    requeued     INTEGER NOT NULL DEFAULT 0 CHECK (requeued IN (0, 1)),
    state        TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'done', 'no_show')),
    UNIQUE (day, issued_category, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO tickets_by_id (id, day, issued_category, category, seq, code, priority, who_masked, who_index,
    issued_at, queued_at, called_at, served_at, finished_at, window, target_window, recalls, requeued, state)
SELECT id, day, issued_category, category, seq, code, priority, who_masked, who_index,
    issued_at, queued_at, called_at, served_at, finished_at, window, target_window, recalls, requeued, state
FROM tickets;

DROP TABLE tickets;
ALTER TABLE tickets_by_id RENAME TO tickets;

CREATE INDEX tickets_waiting ON tickets (day, category, queued_at, seq) WHERE state = 'waiting' AND priority = '' AND target_window = 0;
CREATE INDEX tickets_waiting_priority ON tickets (day, category, queued_at, seq) WHERE state = 'waiting' AND priority <> '' AND target_window = 0;
CREATE INDEX tickets_waiting_window ON tickets (day, target_window, queued_at, seq) WHERE state = 'waiting' AND target_window <> 0;
CREATE INDEX tickets_done ON tickets (day, category, finished_at) WHERE state = 'done';
CREATE INDEX tickets_by_window ON tickets (day, window, state);
CREATE INDEX tickets_by_who ON tickets (day, who_index) WHERE who_index IS NOT NULL;

CREATE TABLE queue_requests_by_id (
    request_id TEXT PRIMARY KEY,
    at         TEXT NOT NULL,
    response   TEXT NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO queue_requests_by_id (request_id, at, response) SELECT request_id, at, response FROM queue_requests;
DROP TABLE queue_requests;
ALTER TABLE queue_requests_by_id RENAME TO queue_requests;
