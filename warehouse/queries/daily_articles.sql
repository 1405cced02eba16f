-- Articles per publication day (Asia/Jakarta calendar days, whatever the session TimeZone) and source.
SELECT CAST(timezone('Asia/Jakarta', published_at) AS DATE) AS day_wib,
       source_id,
       count(*) AS articles
FROM articles
WHERE published_at IS NOT NULL
GROUP BY ALL
ORDER BY day_wib DESC, source_id;
