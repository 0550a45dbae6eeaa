-- The core of the Data Bank: children and their identifying keys, the
-- immutable facts participants send, the profile projection kept in step
-- with them, candidate matches and merges, and the hash-chained audit log.
-- Times are microseconds since the Unix epoch (UTC); calendar dates are
-- 'YYYY-MM-DD' text, which sorts and compares correctly on both engines.

CREATE TABLE databank_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO databank_meta (key, value) VALUES ('application', 'child-rights-databank');

CREATE TABLE children (
    id          {{identity}},
    created_at  BIGINT NOT NULL,
    -- What a record with no identifying key said of the child.
    hint_given      TEXT NOT NULL DEFAULT '',
    hint_family     TEXT NOT NULL DEFAULT '',
    hint_patronymic TEXT NOT NULL DEFAULT '',
    hint_birth_date TEXT NOT NULL DEFAULT '',
    hint_mother_fin TEXT NOT NULL DEFAULT '',
    merged_into BIGINT REFERENCES children (id)
);

CREATE TABLE child_keys (
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    child_id BIGINT NOT NULL REFERENCES children (id),
    PRIMARY KEY (kind, value)
);
CREATE INDEX child_keys_child ON child_keys (child_id);

CREATE TABLE facts (
    id             {{identity}},
    child_id       BIGINT NOT NULL REFERENCES children (id),
    category       TEXT NOT NULL,
    sender         TEXT NOT NULL,
    source_id      TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('upsert', 'retract')),
    effective_date TEXT NOT NULL,
    received_at    BIGINT NOT NULL,
    payload        TEXT,
    content_hash   TEXT NOT NULL,
    batch_id       TEXT NOT NULL DEFAULT '',
    supersedes     BIGINT REFERENCES facts (id),
    is_current     SMALLINT NOT NULL DEFAULT 1
);
-- One current version per record: the sender's own id within a category.
CREATE UNIQUE INDEX facts_record ON facts (sender, category, source_id) WHERE is_current = 1;
CREATE INDEX facts_child ON facts (child_id, category);

CREATE TABLE profiles (
    child_id    BIGINT PRIMARY KEY REFERENCES children (id),
    fin         TEXT NOT NULL DEFAULT '',
    given_name  TEXT NOT NULL DEFAULT '',
    family_name TEXT NOT NULL DEFAULT '',
    patronymic  TEXT NOT NULL DEFAULT '',
    name_key    TEXT NOT NULL DEFAULT '',
    family_root TEXT NOT NULL DEFAULT '',
    birth_date  TEXT NOT NULL DEFAULT '',
    sex         TEXT NOT NULL DEFAULT '',
    citizenship TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    district    TEXT NOT NULL DEFAULT '',
    care_status TEXT NOT NULL DEFAULT '',
    mother_fin  TEXT NOT NULL DEFAULT '',
    father_fin  TEXT NOT NULL DEFAULT '',
    -- Bit n is set when the category with bit n is present.
    categories  BIGINT NOT NULL DEFAULT 0,
    -- active | deceased | archived
    status      TEXT NOT NULL DEFAULT 'active',
    updated_at  BIGINT NOT NULL
);
CREATE INDEX profiles_fin ON profiles (fin);
CREATE INDEX profiles_name ON profiles (name_key, birth_date);
CREATE INDEX profiles_family_root ON profiles (family_root);
CREATE INDEX profiles_place ON profiles (region, district, birth_date);
CREATE INDEX profiles_birth_date ON profiles (birth_date);
CREATE INDEX profiles_mother ON profiles (mother_fin);
CREATE INDEX profiles_father ON profiles (father_fin);
CREATE INDEX profiles_status ON profiles (status, care_status);

-- Pairs of children that may be one child, for the operator to decide.
CREATE TABLE match_candidates (
    child_id     BIGINT NOT NULL REFERENCES children (id),
    candidate_id BIGINT NOT NULL REFERENCES children (id),
    reason       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    resolution   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (child_id, candidate_id)
);

-- Operator merges, with what each moved so that a split can undo it.
CREATE TABLE merges (
    id         {{identity}},
    kept_id    BIGINT NOT NULL REFERENCES children (id),
    merged_id  BIGINT NOT NULL REFERENCES children (id),
    fact_ids   TEXT NOT NULL,
    key_list   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    undone_at  BIGINT
);

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_kind  TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_org   TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    child_id    BIGINT NOT NULL,
    category    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_child ON audit_log (child_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);

-- The head of the audit chain: one row, updated by every appending
-- transaction, which serialises appends and lets verification notice
-- entries deleted from the end.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
