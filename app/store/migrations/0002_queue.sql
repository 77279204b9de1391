-- The hall's queue (排队叫号), kept by the hub. A ticket is numbered per
-- category per hall-day: A001, A002 … starting again each day.

CREATE TABLE tickets (
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
) STRICT;

-- The head of each line, for calling: the first ordinary and the first
-- priority ticket of a category, or the first sent to one window.
CREATE INDEX tickets_waiting ON tickets (day, category, queued_at, seq) WHERE state = 'waiting' AND priority = '' AND target_window = 0;
CREATE INDEX tickets_waiting_priority ON tickets (day, category, queued_at, seq) WHERE state = 'waiting' AND priority <> '' AND target_window = 0;
CREATE INDEX tickets_waiting_window ON tickets (day, target_window, queued_at, seq) WHERE state = 'waiting' AND target_window <> 0;
CREATE INDEX tickets_done ON tickets (day, category, finished_at) WHERE state = 'done';
CREATE INDEX tickets_by_window ON tickets (day, window, state);
CREATE INDEX tickets_by_who ON tickets (day, who_index);

-- Every call, recall and announcement, in order: what the hall screen shows
-- and what a reconnecting listener catches up on.
CREATE TABLE queue_events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    kind    TEXT NOT NULL,
    ticket  TEXT NOT NULL DEFAULT '',
    window  INTEGER NOT NULL DEFAULT 0,
    body    TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- The state of each open window: paused or not, and why; the priority calls
-- made in a row (for the fairness cap).
CREATE TABLE window_state (
    window          INTEGER PRIMARY KEY,
    paused          INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    pause_reason    TEXT NOT NULL DEFAULT '',
    priority_streak INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Requests already carried out, so a retried issue or call returns the
-- first answer instead of acting twice.
CREATE TABLE queue_requests (
    request_id TEXT PRIMARY KEY,
    at         TEXT NOT NULL,
    response   TEXT NOT NULL
) STRICT;
