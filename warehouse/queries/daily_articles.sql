-- Articles per publication day and source: the day in each source's own zone (published_date),
-- for rows loaded before migration 0007 and not yet reparsed, the Asia/Jakarta day of the instant.
SELECT coalesce(published_date, CAST(timezone('Asia/Jakarta', published_at) AS DATE)) AS day,
       source_id,
       count(*) AS articles
FROM articles
WHERE published_at IS NOT NULL
GROUP BY ALL
ORDER BY day DESC, source_id;
