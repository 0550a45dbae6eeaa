-- Nothing to change on PostgreSQL: its tables have no rowid, and the
-- primary key on child_id is the profiles' one index by child. (SQLite's
-- half of this migration makes child_id the table's rowid.)
SELECT 1;
