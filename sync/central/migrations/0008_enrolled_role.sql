-- The role a terminal is enrolled as (kiosk, window, display, hub), fixed
-- by the one-time code central made for it, not by what the terminal says
-- of itself: only the hall's hub may report queue events (issue 16 §6).
ALTER TABLE enrol_codes ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE terminals ADD COLUMN enrolled_as TEXT NOT NULL DEFAULT '';
-- Terminals enrolled before codes had a role: the one whose health reports
-- said it is its hall's hub keeps reporting queue events; any other is
-- enrolled again with a code for its role.
UPDATE terminals SET enrolled_as = 'hub' WHERE role = 'hub';
