-- Passwords set by the hall's manager at central (one-time, to be changed
-- at the next login) and by the clerk at a window; the newer one wins
-- (app.Staff.NewerPassword). A manager may disable a member of staff.
ALTER TABLE staff ADD COLUMN password_set TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
