-- Public holidays for counting working days (appeals are answered within
-- working days, §4.2.5): the program knows the fixed ones and the movable
-- ones of the years it was built for; the operator adds a day or removes
-- one (removed = 1) here.
CREATE TABLE public_holidays (
    day        TEXT PRIMARY KEY,
    name_az    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    removed    SMALLINT NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
