-- The lifecycle (§1.8): a profile is archived when the child turns 18,
-- and closed when a death is recorded, by a daily job that exactly one
-- server runs at a time (a lease), each run recorded.
ALTER TABLE profiles ADD COLUMN archived_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN archived_on TEXT NOT NULL DEFAULT '';

CREATE TABLE job_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE archive_runs (
    id          {{identity}},
    holder      TEXT NOT NULL,
    trigger     TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    archived    BIGINT NOT NULL,
    closed      BIGINT NOT NULL
);
