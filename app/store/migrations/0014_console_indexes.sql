-- The hall dashboard at the hub on a hall-year of records (issue 17 §6):
-- the cases each clerk accepted on a day are counted from an index that
-- holds the three columns, not from a scan of every case; the follow-ups
-- still open are found among the open ones, not by reading every rating.
CREATE INDEX cases_by_accepted ON cases (accepted_at, window, clerk);
CREATE INDEX follow_ups_open ON follow_ups (rating) WHERE resolved_at = '';
