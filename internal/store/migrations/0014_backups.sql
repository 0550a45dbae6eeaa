-- Every backup and its restore check (§2.1.4–2.1.5): where it went, how
-- big, its SHA-256, and whether the copy restored, passed the integrity
-- check, had the counts and a verifying audit chain.
CREATE TABLE backup_runs (
    id         {{identity}},
    at         BIGINT NOT NULL,
    trigger    TEXT NOT NULL,
    url        TEXT NOT NULL,
    bytes      BIGINT NOT NULL,
    sha256     TEXT NOT NULL,
    ok         SMALLINT NOT NULL,
    detail     TEXT NOT NULL
);
