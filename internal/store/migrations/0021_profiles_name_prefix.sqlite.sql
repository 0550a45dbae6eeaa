-- Nothing to change on SQLite: its index on name keys compares them as
-- bytes, and search asks for a prefix as a range of them. (PostgreSQL's
-- half of this migration gives its index the same order.)
SELECT 1;
