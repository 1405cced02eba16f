-- The latest recorded failures, newest first.  Parameter 1: how many rows.
SELECT failed_at, source_id, stage, error_class, transient, error, url
FROM failures
ORDER BY failed_at DESC
LIMIT ?;
