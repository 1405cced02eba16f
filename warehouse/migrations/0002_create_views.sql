-- 0002: reporting views over the core tables.

-- One row per article with its attribution lists (ordered by first appearance, de-duplicated).
CREATE VIEW v_article_sources AS
WITH firsts AS (
    SELECT article_id, role,
           CASE WHEN role IN ('agency', 'cited_agency', 'translated_from')
                THEN coalesce(canonical, name) ELSE name END AS value,
           min(position) AS position
    FROM attributions
    GROUP BY ALL
),
lists AS (
    SELECT article_id,
           list(value ORDER BY position) FILTER (WHERE role = 'agency') AS agencies,
           list(value ORDER BY position) FILTER (WHERE role = 'cited_agency') AS cited_agencies,
           list(value ORDER BY position) FILTER (WHERE role = 'reporter') AS reporters,
           list(value ORDER BY position) FILTER (WHERE role = 'editor') AS editors,
           list(value ORDER BY position) FILTER (WHERE role = 'staff_initials') AS staff_initials,
           list(value ORDER BY position) FILTER (WHERE role = 'translator') AS translators,
           list(value ORDER BY position) FILTER (WHERE role = 'translated_from') AS translated_from,
           first(value ORDER BY position) FILTER (WHERE role = 'dateline_place') AS dateline_place
    FROM firsts
    GROUP BY article_id
)
SELECT a.article_id,
       a.canonical_url,
       a.source_id,
       a.outlet,
       a.title,
       a.published_at,
       coalesce(a.dateline_place, l.dateline_place) AS dateline_place,
       coalesce(l.agencies, []::VARCHAR[]) AS agencies,
       coalesce(l.cited_agencies, []::VARCHAR[]) AS cited_agencies,
       coalesce(l.reporters, []::VARCHAR[]) AS reporters,
       coalesce(l.editors, []::VARCHAR[]) AS editors,
       coalesce(l.staff_initials, []::VARCHAR[]) AS staff_initials,
       coalesce(l.translators, []::VARCHAR[]) AS translators,
       coalesce(l.translated_from, []::VARCHAR[]) AS translated_from,
       a.authors,
       a.language,
       a.first_seen_at,
       a.updated_at
FROM articles a
LEFT JOIN lists l USING (article_id);

-- One row per source: freshness, failure streak, volume and parse coverage.
-- A source "failed" in a finished run when it recorded failures (or an error) and produced nothing.
CREATE VIEW v_source_health AS
WITH ids AS (
    SELECT source_id FROM sources
    UNION SELECT source_id FROM articles WHERE source_id IS NOT NULL
    UNION SELECT source_id FROM url_state WHERE source_id IS NOT NULL
    UNION SELECT source_id FROM run_sources
),
attributed AS (
    SELECT DISTINCT article_id
    FROM attributions
    WHERE role IN ('agency', 'cited_agency', 'reporter', 'editor', 'staff_initials', 'translator')
),
art AS (
    SELECT a.source_id,
           count(*) AS articles,
           count(*) FILTER (WHERE a.first_seen_at >= now() - INTERVAL 7 DAY) / 7.0 AS articles_per_day_7d,
           max(a.last_fetched_at) AS last_article_fetched_at,
           avg(CASE WHEN a.published_at IS NULL THEN 1.0 ELSE 0.0 END) AS share_missing_date,
           avg(CASE WHEN t.article_id IS NULL THEN 1.0 ELSE 0.0 END) AS share_missing_attribution
    FROM articles a
    LEFT JOIN attributed t USING (article_id)
    GROUP BY a.source_id
),
ledger AS (
    SELECT source_id,
           max(last_attempt_at) FILTER (WHERE status = 'done') AS last_success_at,
           count(*) FILTER (WHERE status = 'pending') AS pending_urls,
           count(*) FILTER (WHERE status = 'failed') AS failed_urls
    FROM url_state
    GROUP BY source_id
),
run_outcomes AS (
    SELECT s.source_id,
           r.started_at,
           (coalesce(s.failed, 0) > 0 OR s.error IS NOT NULL)
           AND coalesce(s.new, 0) + coalesce(s.updated, 0) + coalesce(s.unchanged, 0)
               + coalesce(s.not_modified, 0) = 0 AS run_failed
    FROM run_sources s
    JOIN runs r USING (run_id)
    WHERE r.state <> 'running'
),
last_ok AS (
    SELECT source_id,
           max(started_at) AS last_run_at,
           max(started_at) FILTER (WHERE NOT run_failed) AS last_ok_run_at
    FROM run_outcomes
    GROUP BY source_id
),
streaks AS (
    SELECT o.source_id,
           count(*) FILTER (WHERE o.run_failed
                            AND (k.last_ok_run_at IS NULL OR o.started_at > k.last_ok_run_at))
               AS consecutive_failed_runs
    FROM run_outcomes o
    JOIN last_ok k USING (source_id)
    GROUP BY o.source_id
)
SELECT i.source_id,
       s.name,
       l.last_success_at,
       k.last_run_at,
       coalesce(st.consecutive_failed_runs, 0) AS consecutive_failed_runs,
       coalesce(a.articles, 0) AS articles,
       coalesce(a.articles_per_day_7d, 0.0) AS articles_per_day_7d,
       a.share_missing_date,
       a.share_missing_attribution,
       coalesce(l.pending_urls, 0) AS pending_urls,
       coalesce(l.failed_urls, 0) AS failed_urls,
       a.last_article_fetched_at
FROM ids i
LEFT JOIN sources s USING (source_id)
LEFT JOIN art a USING (source_id)
LEFT JOIN ledger l USING (source_id)
LEFT JOIN last_ok k USING (source_id)
LEFT JOIN streaks st USING (source_id);
