-- On SQLite a profile becomes two rows keyed by the child, and the view
-- profiles joins them back, so that every statement reading profiles
-- reads them as before.
--
--   profile_facets holds what changes with a child's records and what the
--   reports count by: the category bits, the state, the place, the birth
--   date and the care status. Its rows are small (a million children fit
--   in about 40 MB), and a record that only adds a category to a child —
--   six in seven of the updates an ingestion makes — rewrites a row here
--   and nothing else: no index holds the category bits.
--   profile_rows holds the names, the FIN and the parents, which the
--   searches find children by.
--
-- The profiles had nine indexes, each entry written in an order unrelated
-- to the records' arrival. At a million children their upkeep, and the
-- rewriting of the reports' covering index whenever a child gained a
-- category, was a large part of an ingestion's cost; they go down to five.
-- The cross-tab and the reports read profile_facets whole (a scan of a
-- small table, about as fast as the covering index was), a FIN is found through
-- child_keys, and the daily archiving reads profile_facets too.
-- (PostgreSQL's half changes nothing.)
CREATE TABLE profile_facets (
    child_id        INTEGER PRIMARY KEY REFERENCES children (id),
    -- active | deceased | archived
    status          TEXT NOT NULL DEFAULT 'active',
    region          TEXT NOT NULL DEFAULT '',
    district        TEXT NOT NULL DEFAULT '',
    birth_date      TEXT NOT NULL DEFAULT '',
    care_status     TEXT NOT NULL DEFAULT '',
    -- Bit n is set when the category with bit n is present.
    categories      BIGINT NOT NULL DEFAULT 0,
    archived_reason TEXT NOT NULL DEFAULT '',
    archived_on     TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);
CREATE TABLE profile_rows (
    child_id    INTEGER PRIMARY KEY REFERENCES children (id),
    fin         TEXT NOT NULL DEFAULT '',
    given_name  TEXT NOT NULL DEFAULT '',
    family_name TEXT NOT NULL DEFAULT '',
    patronymic  TEXT NOT NULL DEFAULT '',
    name_key    TEXT NOT NULL DEFAULT '',
    family_root TEXT NOT NULL DEFAULT '',
    sex         TEXT NOT NULL DEFAULT '',
    citizenship TEXT NOT NULL DEFAULT '',
    mother_fin  TEXT NOT NULL DEFAULT '',
    father_fin  TEXT NOT NULL DEFAULT ''
);
INSERT INTO profile_facets (child_id, status, region, district, birth_date, care_status, categories,
    archived_reason, archived_on, updated_at)
SELECT child_id, status, region, district, birth_date, care_status, categories,
    archived_reason, archived_on, updated_at
FROM profiles ORDER BY child_id;
INSERT INTO profile_rows (child_id, fin, given_name, family_name, patronymic, name_key, family_root,
    sex, citizenship, mother_fin, father_fin)
SELECT child_id, fin, given_name, family_name, patronymic, name_key, family_root,
    sex, citizenship, mother_fin, father_fin
FROM profiles ORDER BY child_id;
DROP TABLE profiles;
-- The indexes leave out the profiles that lack their key: about half the
-- children are first heard of from a record that names no place, name or
-- parent, and their profile gets those from a later one. Indexing the empty key would write an entry on arrival and
-- delete it, from a page of its own, when the key came. A statement that
-- reads one of these indexes says so with the index's own condition.
CREATE INDEX profiles_place ON profile_facets (region, district, birth_date) WHERE region <> '';
CREATE INDEX profiles_name ON profile_rows (name_key) WHERE name_key <> '';
CREATE INDEX profiles_family ON profile_rows (family_root, family_name, given_name) WHERE family_root <> '';
CREATE INDEX profiles_mother ON profile_rows (mother_fin) WHERE mother_fin <> '';
CREATE INDEX profiles_father ON profile_rows (father_fin) WHERE father_fin <> '';
-- Every profile has both rows (the store writes them together). The join
-- is a LEFT one so that a statement reading only profile_facets' columns
-- — the cross-tab, most reports — does not read profile_rows at all;
-- SQLite turns it into an inner join wherever a condition needs a
-- profile_rows column.
CREATE VIEW profiles AS
SELECT f.child_id AS child_id, r.fin AS fin, r.given_name AS given_name, r.family_name AS family_name,
    r.patronymic AS patronymic, r.name_key AS name_key, r.family_root AS family_root,
    f.birth_date AS birth_date, r.sex AS sex, r.citizenship AS citizenship, f.region AS region,
    f.district AS district, f.care_status AS care_status, r.mother_fin AS mother_fin,
    r.father_fin AS father_fin, f.categories AS categories, f.status AS status, f.updated_at AS updated_at,
    f.archived_reason AS archived_reason, f.archived_on AS archived_on
FROM profile_facets f LEFT JOIN profile_rows r ON r.child_id = f.child_id;
-- Statements that write profiles as one table (tools, tests, the reports'
-- benchmark loader) write both rows; the store's own projection writes
-- the two tables itself, only the columns that changed.
CREATE TRIGGER profiles_insert INSTEAD OF INSERT ON profiles
BEGIN
    INSERT INTO profile_facets (child_id, status, region, district, birth_date, care_status, categories,
        archived_reason, archived_on, updated_at)
    VALUES (NEW.child_id, coalesce(NEW.status, 'active'), coalesce(NEW.region, ''), coalesce(NEW.district, ''),
        coalesce(NEW.birth_date, ''), coalesce(NEW.care_status, ''), coalesce(NEW.categories, 0),
        coalesce(NEW.archived_reason, ''), coalesce(NEW.archived_on, ''), coalesce(NEW.updated_at, 0));
    INSERT INTO profile_rows (child_id, fin, given_name, family_name, patronymic, name_key, family_root,
        sex, citizenship, mother_fin, father_fin)
    VALUES (NEW.child_id, coalesce(NEW.fin, ''), coalesce(NEW.given_name, ''), coalesce(NEW.family_name, ''),
        coalesce(NEW.patronymic, ''), coalesce(NEW.name_key, ''), coalesce(NEW.family_root, ''),
        coalesce(NEW.sex, ''), coalesce(NEW.citizenship, ''), coalesce(NEW.mother_fin, ''),
        coalesce(NEW.father_fin, ''));
END;
CREATE TRIGGER profiles_delete INSTEAD OF DELETE ON profiles
BEGIN
    DELETE FROM profile_rows WHERE child_id = OLD.child_id;
    DELETE FROM profile_facets WHERE child_id = OLD.child_id;
END;
