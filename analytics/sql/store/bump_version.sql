-- The version $key (data or follow-ups) plus one, in the writing transaction.
INSERT OR REPLACE INTO meta
SELECT $key, CAST(COALESCE((SELECT CAST(value AS BIGINT) FROM meta WHERE key = $key), 0) + 1 AS VARCHAR)
