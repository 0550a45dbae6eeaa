-- On SQLite child_keys was a table keyed by rowid, with its primary key
-- (kind, value) and child_keys_child as two indexes beside it: finding a
-- child by a key went through the key's index and then the table for the
-- child's id, and a child's keys through child_keys_child and then the
-- table, a row at a time — b-trees whose pages a read takes again at
-- every transaction, as SQLite drops a reader's cache whenever anything
-- was written. Without a rowid the table is its primary key's b-tree: a
-- key finds its child in one descent, and child_keys_child, which holds
-- the primary key, answers a child's keys by itself. The rows are small,
-- as a table without rowid wants them. (PostgreSQL's half changes
-- nothing.)
CREATE TABLE child_keys_by_key (
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    child_id BIGINT NOT NULL REFERENCES children (id),
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
INSERT INTO child_keys_by_key (kind, value, child_id)
SELECT kind, value, child_id FROM child_keys ORDER BY kind, value;
DROP TABLE child_keys;
ALTER TABLE child_keys_by_key RENAME TO child_keys;
CREATE INDEX child_keys_child ON child_keys (child_id);
