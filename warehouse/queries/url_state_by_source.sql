-- The crash-safety ledger per source: how many URLs are pending, done, failed (and retryable).
SELECT coalesce(source_id, '(ad hoc)') AS source_id,
       count(*) FILTER (WHERE status = 'pending') AS pending,
       count(*) FILTER (WHERE status = 'done') AS done,
       count(*) FILTER (WHERE status = 'failed' AND transient) AS failed_transient,
       count(*) FILTER (WHERE status = 'failed' AND NOT coalesce(transient, false)) AS failed_permanent
FROM url_state
GROUP BY ALL
ORDER BY source_id;
