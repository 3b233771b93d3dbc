-- Access-log details (issue 18): which instrument, which excerpt, which
-- agenda a reader opened says something about the person, so it is sealed
-- to the client's public key; the plain columns stay generic (kind of
-- data, time, who).
ALTER TABLE access_log ADD COLUMN details BLOB;
