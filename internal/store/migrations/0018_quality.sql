-- Data quality reads delays and rejections over a recent period: these
-- indexes let it scan only that period's facts and batches, with the
-- columns it needs in the index itself.
CREATE INDEX facts_quality ON facts (received_at, sender, category, effective_date) WHERE action = 'upsert';
CREATE INDEX batches_received ON batches (received_at);
