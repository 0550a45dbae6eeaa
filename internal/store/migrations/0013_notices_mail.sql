-- E-mail for the remaining lifecycle notices: the address a person gives
-- for the decision on their correction, and the days the overdue-appeals
-- digest went out (once a day, whichever server sends it).
ALTER TABLE corrections ADD COLUMN reply_email TEXT NOT NULL DEFAULT '';
CREATE TABLE digest_days (
    day TEXT PRIMARY KEY,
    at  BIGINT NOT NULL
);
