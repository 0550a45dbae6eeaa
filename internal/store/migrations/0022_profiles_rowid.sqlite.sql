-- On SQLite a column declared BIGINT PRIMARY KEY is not the table's rowid:
-- the profiles were a table keyed by rowid plus a separate unique index on
-- child_id, so every read, insert and update of a profile by its child
-- went through two b-trees. Declared INTEGER PRIMARY KEY, child_id is the
-- rowid itself. (SQLite cannot change a table's key in place: the table
-- is rebuilt, with its indexes. PostgreSQL's half changes nothing.)
CREATE TABLE profiles_rowid (
    child_id        INTEGER PRIMARY KEY REFERENCES children (id),
    fin             TEXT NOT NULL DEFAULT '',
    given_name      TEXT NOT NULL DEFAULT '',
    family_name     TEXT NOT NULL DEFAULT '',
    patronymic      TEXT NOT NULL DEFAULT '',
    name_key        TEXT NOT NULL DEFAULT '',
    family_root     TEXT NOT NULL DEFAULT '',
    birth_date      TEXT NOT NULL DEFAULT '',
    sex             TEXT NOT NULL DEFAULT '',
    citizenship     TEXT NOT NULL DEFAULT '',
    region          TEXT NOT NULL DEFAULT '',
    district        TEXT NOT NULL DEFAULT '',
    care_status     TEXT NOT NULL DEFAULT '',
    mother_fin      TEXT NOT NULL DEFAULT '',
    father_fin      TEXT NOT NULL DEFAULT '',
    -- Bit n is set when the category with bit n is present.
    categories      BIGINT NOT NULL DEFAULT 0,
    -- active | deceased | archived
    status          TEXT NOT NULL DEFAULT 'active',
    updated_at      BIGINT NOT NULL,
    archived_reason TEXT NOT NULL DEFAULT '',
    archived_on     TEXT NOT NULL DEFAULT ''
);
INSERT INTO profiles_rowid (child_id, fin, given_name, family_name, patronymic, name_key, family_root,
    birth_date, sex, citizenship, region, district, care_status, mother_fin, father_fin, categories,
    status, updated_at, archived_reason, archived_on)
SELECT child_id, fin, given_name, family_name, patronymic, name_key, family_root,
    birth_date, sex, citizenship, region, district, care_status, mother_fin, father_fin, categories,
    status, updated_at, archived_reason, archived_on
FROM profiles ORDER BY child_id;
DROP TABLE profiles;
ALTER TABLE profiles_rowid RENAME TO profiles;
CREATE INDEX profiles_fin ON profiles (fin);
CREATE INDEX profiles_name ON profiles (name_key, birth_date);
CREATE INDEX profiles_place ON profiles (region, district, birth_date);
CREATE INDEX profiles_birth_date ON profiles (birth_date);
CREATE INDEX profiles_mother ON profiles (mother_fin);
CREATE INDEX profiles_father ON profiles (father_fin);
CREATE INDEX profiles_status ON profiles (status, care_status);
CREATE INDEX profiles_report ON profiles (status, region, birth_date, categories, child_id);
CREATE INDEX profiles_family ON profiles (family_root, family_name, given_name, child_id, region, status);
