-- Nothing to change on PostgreSQL, which keeps every table apart from its
-- indexes. (SQLite's half of this migration makes child_keys its primary
-- key's b-tree.)
SELECT 1;
