-- the last operation held when a terminal was enrolled again: from
-- then on its new cases are checked against the numbers central holds.
ALTER TABLE terminals ADD COLUMN reenrolled_after {{int}} NOT NULL DEFAULT 0;
