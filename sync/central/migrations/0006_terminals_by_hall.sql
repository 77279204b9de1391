-- A pushing terminal's hall peers are read with every batch: a hall's hub
-- relays the records of every terminal of its hall (DESIGN.md §4a).
CREATE INDEX terminals_by_hall ON terminals (hall);
