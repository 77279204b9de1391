-- Appointments (issue 18 §3): the places taken in each hall's slots, per
-- day and queue category, and the bookings themselves. A booking's name,
-- ID number and mobile are sealed (app/pii) like a case's; id_index is
-- central's keyed hash of the ID number, for the one-open-booking rule;
-- id_key is the hash keyed with the hall's booking key, which is all the
-- hall ever learns of the ID number. IF NOT EXISTS throughout, as 0009.
CREATE TABLE IF NOT EXISTS booking_slots (
    hall     TEXT NOT NULL,
    day      TEXT NOT NULL,
    slot     TEXT NOT NULL,
    category TEXT NOT NULL,
    capacity {{int}} NOT NULL,
    taken    {{int}} NOT NULL,
    PRIMARY KEY (hall, day, slot, category)
){{strict}};
CREATE TABLE IF NOT EXISTS bookings (
    hall          TEXT NOT NULL,
    code          TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    category      TEXT NOT NULL,
    day           TEXT NOT NULL,
    slot          TEXT NOT NULL,
    who_masked    TEXT NOT NULL,
    name_sealed   {{blob}},
    id_sealed     {{blob}},
    phone_sealed  {{blob}},
    id_index      {{blob}} NOT NULL,
    id_key        TEXT NOT NULL,
    state         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    cancelled_at  TEXT NOT NULL DEFAULT '',
    checked_in_at TEXT NOT NULL DEFAULT '',
    ticket        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (hall, code)
){{strict}};
-- One booking per person, item and day that is not cancelled.
CREATE UNIQUE INDEX IF NOT EXISTS bookings_one_per_person ON bookings (hall, item_code, day, id_index) WHERE state <> 'cancelled';
CREATE INDEX IF NOT EXISTS bookings_by_day ON bookings (hall, day);
-- Each hall's booking key (hex), made by central on first need and sent
-- to the hall's kiosks only.
CREATE TABLE IF NOT EXISTS booking_keys (
    hall TEXT PRIMARY KEY,
    key  TEXT NOT NULL
){{strict}};
