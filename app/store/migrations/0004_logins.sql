-- Failed logins at this terminal (app.LoginPolicy): wrong passwords in a
-- row and, once too many, until when the staff id is locked. Kept apart
-- from staff, which central's hall set-up replaces wholesale: a lock must
-- survive a new set-up arriving, and a restart of the terminal.

CREATE TABLE login_failures (
    staff_id     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until TEXT NOT NULL DEFAULT ''
) STRICT;
