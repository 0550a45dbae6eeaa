-- Operational parameters set by the operator's administrator (§6.2.5);
-- a parameter not here has its default.
CREATE TABLE parameters (
    key        TEXT PRIMARY KEY,
    value      BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
