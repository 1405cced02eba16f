-- Per-source health: freshness, failure streak, volume, parse coverage (see README.md).
SELECT source_id, name, last_success_at, last_run_at, consecutive_failed_runs, articles,
       round(articles_per_day_7d, 1) AS articles_per_day_7d,
       round(share_missing_date, 3) AS share_missing_date,
       round(share_missing_attribution, 3) AS share_missing_attribution,
       pending_urls, failed_urls
FROM v_source_health
ORDER BY consecutive_failed_runs DESC, source_id;
