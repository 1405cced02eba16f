-- Whole-warehouse totals for the run summary artifact.
SELECT (SELECT count(*) FROM articles) AS articles,
       (SELECT count(DISTINCT source_id) FROM articles) AS sources_with_articles,
       (SELECT count(*) FROM attributions) AS attributions,
       (SELECT count(*) FROM article_dates) AS article_dates,
       (SELECT count(*) FROM url_state WHERE status = 'failed') AS failed_urls,
       (SELECT count(*) FROM url_state WHERE status = 'pending') AS pending_urls,
       (SELECT count(*) FROM runs) AS runs;
