-- A rating's comment is the citizen's own words and may name people or
-- give a phone number: it is sealed like other personal data. The store
-- seals the comments written before this in clear when it opens, and
-- blanks the clear column (sealPlainComments); secure_delete zeroes the
-- bytes it overwrites.
ALTER TABLE ratings ADD COLUMN comment_sealed BLOB;
