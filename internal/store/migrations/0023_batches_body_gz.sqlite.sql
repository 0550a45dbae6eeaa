-- A signed batch's body, kept as evidence, is kept gzip-compressed in
-- body_gz, and body is then '': SQLite compresses no value itself, and
-- the bodies had grown to the largest table, written whole at every
-- batch. Batches kept before stay as they were: body, and body_gz NULL.
ALTER TABLE batches ADD COLUMN body_gz BLOB;
