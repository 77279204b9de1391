-- Who served a ticket (the clerk at its window when it was served or
-- finished), for the hall dashboard's figures per clerk.
ALTER TABLE ticket_events ADD COLUMN clerk TEXT NOT NULL DEFAULT '';
