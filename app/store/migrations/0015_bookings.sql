-- Appointments (issue 18 §3): the hall's booking plan and, on a kiosk, the
-- hall's booking key (sealed) from the hall set-up central sends; and on
-- the hub the hall's bookings, as central sends them and as the hub checks
-- them in. A booking holds the masked name and the ID number's hash keyed
-- with the booking key, never the number.
CREATE TABLE booking_plan (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    plan        TEXT NOT NULL,
    key_sealed  BLOB
) STRICT;
CREATE TABLE bookings (
    code          TEXT PRIMARY KEY,
    item          TEXT NOT NULL,
    category      TEXT NOT NULL,
    day           TEXT NOT NULL,
    slot          TEXT NOT NULL,
    who_masked    TEXT NOT NULL,
    id_key        TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('open', 'cancelled', 'checked_in')),
    created_at    TEXT NOT NULL,
    cancelled_at  TEXT NOT NULL DEFAULT '',
    checked_in_at TEXT NOT NULL DEFAULT '',
    ticket        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX bookings_by_day ON bookings (day, id_key);
