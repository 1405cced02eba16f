-- The most recent flow runs with their totals.  Parameter 1: how many runs.
SELECT run_id, flow_name, state, started_at, finished_at,
       date_diff('second', started_at, finished_at) AS duration_s,
       discovered, fetched, new, updated, unchanged, failed, not_modified, error
FROM runs
ORDER BY started_at DESC
LIMIT ?;
