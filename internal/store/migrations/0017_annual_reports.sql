-- Annual reports (§3.2.3): the operator defines each year's form per
-- participant; the participant fills it in, signs it and submits it by the
-- form's deadline (15 January of the following year by default, a
-- calendar day in Baku); the operator accepts it or returns it with
-- comments. Every step is kept in annual_events; every signed version is
-- kept as evidence in annual_signed; each reminder before the deadline is
-- claimed once in annual_reminders, whichever server sends it.
CREATE TABLE annual_forms (
    id           {{identity}},
    year         INTEGER NOT NULL,
    participant  TEXT NOT NULL REFERENCES participants (code),
    -- The form as JSON: sections, indicators, narrative fields.
    definition   TEXT NOT NULL,
    -- The last day to submit, YYYY-MM-DD (end of that day in Baku).
    deadline     TEXT NOT NULL,
    -- A later last day the operator reopened the form until; '' if not.
    reopened_until TEXT NOT NULL DEFAULT '',
    -- draft | submitted | returned | accepted
    state        TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'returned', 'accepted')),
    -- The values as JSON, indicator code to value.
    answers      TEXT NOT NULL DEFAULT '{}',
    submitted_at BIGINT NOT NULL DEFAULT 0,
    late         SMALLINT NOT NULL DEFAULT 0,
    -- The signed version last submitted (annual_signed.id), 0 for none.
    signed_id    BIGINT NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (year, participant)
);
CREATE INDEX annual_forms_state ON annual_forms (year, state);

CREATE TABLE annual_events (
    id       {{identity}},
    form_id  BIGINT NOT NULL REFERENCES annual_forms (id),
    at       BIGINT NOT NULL,
    actor    TEXT NOT NULL,
    org      TEXT NOT NULL DEFAULT '',
    what     TEXT NOT NULL,
    comment  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX annual_events_form ON annual_events (form_id, id);

CREATE TABLE annual_signed (
    id             {{identity}},
    form_id        BIGINT NOT NULL REFERENCES annual_forms (id),
    received_at    BIGINT NOT NULL,
    body           TEXT NOT NULL,
    signature      TEXT NOT NULL,
    signer_subject TEXT NOT NULL,
    client_subject TEXT NOT NULL,
    via            TEXT NOT NULL
);
CREATE INDEX annual_signed_form ON annual_signed (form_id, id);

-- Signatures under way in the e-cabinet, so that the confirmation may
-- reach any server.
CREATE TABLE annual_pending (
    id         TEXT PRIMARY KEY,
    form_id    BIGINT NOT NULL REFERENCES annual_forms (id),
    fin        TEXT NOT NULL,
    org        TEXT NOT NULL,
    body       TEXT NOT NULL,
    request_id TEXT NOT NULL,
    code       TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    done       SMALLINT NOT NULL DEFAULT 0
);

CREATE TABLE annual_reminders (
    form_id  BIGINT NOT NULL REFERENCES annual_forms (id),
    days     INTEGER NOT NULL,
    sent_at  BIGINT NOT NULL,
    PRIMARY KEY (form_id, days)
);

-- The Data Bank's own figures for a year, per district ('' for the whole
-- country), computed by a background job so that pages read them at once.
CREATE TABLE annual_measures (
    year        INTEGER NOT NULL,
    district    TEXT NOT NULL,
    figures     TEXT NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (year, district)
);
