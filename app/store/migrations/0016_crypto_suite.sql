-- The crypto suite (issue 19): what central named at enrolment or in its
-- changes since, 'intl' or 'gm'; empty until then, which means 'intl'.
-- New values are sealed, indexed and chained under it.
ALTER TABLE sync_link ADD COLUMN suite TEXT NOT NULL DEFAULT '';
