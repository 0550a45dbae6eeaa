-- E-cabinets: every person who logged in (§5.2), the staff each
-- organisation's head registered with their roles, the rights (grants)
-- given to them, and login sessions, kept on the server so that a
-- revocation ends a live session at its next request.

CREATE TABLE persons (
    fin              TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    last_login       BIGINT NOT NULL,
    suspended        SMALLINT NOT NULL DEFAULT 0,
    suspended_reason TEXT NOT NULL DEFAULT ''
);

-- A person acting for an organisation. Evaluators (Ministry of Digital
-- Development) and auditors (the security service) belong to bodies that
-- are not exchange participants, so org is not a reference.
CREATE TABLE staff (
    org           TEXT NOT NULL,
    fin           TEXT NOT NULL,
    role          TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    PRIMARY KEY (org, fin)
);
CREATE INDEX staff_fin ON staff (fin);

CREATE TABLE grants (
    id         {{identity}},
    org        TEXT NOT NULL,
    fin        TEXT NOT NULL,
    category   TEXT NOT NULL,
    can_read   SMALLINT NOT NULL,
    can_write  SMALLINT NOT NULL,
    region     TEXT NOT NULL DEFAULT '',
    district   TEXT NOT NULL DEFAULT '',
    until      TEXT NOT NULL DEFAULT '',
    granted_by TEXT NOT NULL,
    granted_at BIGINT NOT NULL
);
CREATE INDEX grants_person ON grants (org, fin);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    fin        TEXT NOT NULL,
    org        TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    ended_at   BIGINT
);
CREATE INDEX sessions_fin ON sessions (fin);
