-- Search asks for the start of a name key with LIKE 'key%'. PostgreSQL
-- answers that from a B-tree only when the index compares text byte by
-- byte, as the C collation or the pattern operator class do; under the
-- database's own collation it read every profile. The pattern class
-- still answers the equality lookups of record matching.
DROP INDEX profiles_name;
CREATE INDEX profiles_name ON profiles (name_key text_pattern_ops, birth_date);
