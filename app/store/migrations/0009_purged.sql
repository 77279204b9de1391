-- Personal data leaves a terminal and the hub once it is safely at central
-- and no longer needed (issue 16 §1, DESIGN.md §4a): the retention period
-- after a case is closed or refused, once every operation of the case has
-- left this store's outbox. A purged case keeps its number, item, dates,
-- state and timeline; its applicant's sealed name, ID number, phone and the
-- ID look-up hash are erased (purge.go), and purged_at says when. The
-- timeline's hash chain covers none of them, so it still verifies.
ALTER TABLE cases ADD COLUMN purged_at TEXT NOT NULL DEFAULT '';
