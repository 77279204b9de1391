-- The identity document an applicant showed (issue 15 item 4): empty for
-- the resident ID card (居民身份证), as every case before this migration
-- was taken on; foreign_permanent for the foreigner's permanent residence
-- card (外国人永久居留身份证), hmt_residence for the residence permit of
-- Hong Kong, Macao and Taiwan residents (港澳台居民居住证). Which items take
-- which documents is the catalogue's (app.Item.Documents).
ALTER TABLE cases ADD COLUMN applicant_document TEXT NOT NULL DEFAULT '';
