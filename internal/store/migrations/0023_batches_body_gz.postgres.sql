-- The column SQLite keeps compressed bodies of batches in (see SQLite's
-- half of this migration). PostgreSQL compresses large values itself
-- (TOAST), so the store leaves it NULL here and keeps body as received;
-- it exists so that both engines have one schema.
ALTER TABLE batches ADD COLUMN body_gz BYTEA;
