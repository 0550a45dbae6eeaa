-- Projecting a profile needs the payloads of a few categories only; of
-- the others, only which ones the child has. With is_current and action
-- in the index on (child_id, category), that second question is answered
-- from the index alone, without reading the facts themselves.
DROP INDEX facts_child;
CREATE INDEX facts_child ON facts (child_id, category, is_current, action);
