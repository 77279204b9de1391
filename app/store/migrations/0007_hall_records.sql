-- The hall's records on the hub (DESIGN.md §4a): every terminal's cases,
-- ratings and follow-ups reach the hub through the terminal's outbox, and
-- the hub applies each operation once, in each terminal's order. These
-- tables stay empty on every other terminal.

-- The last operation applied from each terminal of the hall.
CREATE TABLE hall_peers (
    terminal TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL CHECK (last_seq >= 0)
) STRICT;

-- Every operation the hub took from a terminal, applied or refused (with
-- why): an id seen once is never applied twice, whatever its sequence.
CREATE TABLE hall_ops (
    op_id    TEXT PRIMARY KEY,
    terminal TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    entity   TEXT NOT NULL,
    rejected TEXT NOT NULL DEFAULT '',
    at       TEXT NOT NULL
) STRICT;

CREATE INDEX hall_ops_by_terminal ON hall_ops (terminal, seq);

-- Look-ups the hall's records need: the cases waiting for a window's
-- pre-review (预审), and one rating per ticket and per case (一次一评).
CREATE INDEX cases_by_state ON cases (state, submitted_at);
CREATE INDEX ratings_by_ticket ON ratings (ticket) WHERE ticket <> '';
CREATE INDEX ratings_by_case ON ratings (case_number) WHERE case_number <> '';

-- Who served a ticket: a rating carries the window and the clerk. The
-- clerk logged in at a window is told to the hub, which marks the tickets
-- the window moves with it.
ALTER TABLE tickets ADD COLUMN clerk TEXT NOT NULL DEFAULT '';
ALTER TABLE window_state ADD COLUMN clerk TEXT NOT NULL DEFAULT '';
