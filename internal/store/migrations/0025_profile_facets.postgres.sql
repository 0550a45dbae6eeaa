-- Nothing to change on PostgreSQL: a profile stays one row, and an update
-- there writes a new version of the whole row whatever it changes. (SQLite's
-- half of this migration splits each profile into the facets the reports
-- count by and the names and parents the searches find children by.)
SELECT 1;
