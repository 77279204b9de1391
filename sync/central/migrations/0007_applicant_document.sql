-- The identity document a case's applicant showed (app.IDDocument): empty
-- for the resident ID card, as every case before it; foreign_permanent or
-- hmt_residence for the documents the catalogue lets an item take.
ALTER TABLE cases ADD COLUMN applicant_document TEXT NOT NULL DEFAULT '';
