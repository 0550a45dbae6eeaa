-- Checkpoints of the audit chain: its head at a moment, signed with the
-- server's key, which the database does not hold. Rewriting the chain and
-- recomputing every hash no longer goes unnoticed: the signed hashes stop
-- matching.
CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    hash       TEXT NOT NULL,
    at         BIGINT NOT NULL,
    public_key TEXT NOT NULL,
    signature  TEXT NOT NULL
);
