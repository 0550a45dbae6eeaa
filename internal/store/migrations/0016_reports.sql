-- The report builder (§3.2.3, §6.2.5): saved report definitions, owned by
-- a person and visible to their organisation, and the long reports run in
-- the background (exports, long lists, heavy cross-tabs), each claimed by
-- exactly one server with a conditional UPDATE and kept until it expires.

-- A covering index for cross-tabs: the current profiles by place and
-- birth date, with the category mask, are read from the index alone, in
-- the order the grouping needs, without touching the table.
CREATE INDEX profiles_report ON profiles (status, region, birth_date, categories, child_id);

CREATE TABLE report_definitions (
    id         {{identity}},
    owner_fin  TEXT NOT NULL,
    -- The organisation the owner acted for; its staff see the definition.
    org        TEXT NOT NULL,
    name       TEXT NOT NULL,
    -- The definition as JSON (reports.Definition).
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX report_definitions_org ON report_definitions (org, name);

CREATE TABLE report_jobs (
    id          {{identity}},
    -- crosstab | list | export
    kind        TEXT NOT NULL,
    -- csv | xlsx | pdf | json
    format      TEXT NOT NULL,
    -- The definition as JSON, and what else the run needs (the cell of a
    -- list, the language, the stated purpose) as JSON.
    definition  TEXT NOT NULL,
    params      TEXT NOT NULL DEFAULT '{}',
    state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    -- Percent done, 0 to 100.
    progress    INTEGER NOT NULL DEFAULT 0,
    result      {{blob}},
    result_type TEXT NOT NULL DEFAULT '',
    result_name TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    owner_fin   TEXT NOT NULL,
    owner_org   TEXT NOT NULL,
    -- The server running the job, and until when its claim holds; a job
    -- whose claim ran out (its server died) is claimed again.
    claimed_by  TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    started_at  BIGINT NOT NULL DEFAULT 0,
    finished_at BIGINT NOT NULL DEFAULT 0,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX report_jobs_state ON report_jobs (state, created_at);
CREATE INDEX report_jobs_owner ON report_jobs (owner_fin, created_at);
