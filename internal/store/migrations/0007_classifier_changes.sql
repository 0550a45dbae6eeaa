-- The operator's changes to the classifiers (§6.2.5): items added,
-- renamed or retired. The built-in items are in the program; every server
-- applies these on top, at start and every minute after. A code is never
-- re-used, so a change is keyed by its list and code.
CREATE TABLE classifier_changes (
    list       TEXT NOT NULL,
    code       TEXT NOT NULL,
    name_az    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    parent     TEXT NOT NULL DEFAULT '',
    retired    SMALLINT NOT NULL DEFAULT 0,
    seq        BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (list, code)
);
