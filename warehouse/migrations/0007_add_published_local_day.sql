-- 0007: the publication date as the source states it, beside the instant.
-- published_at stays the instant (TIMESTAMPTZ). Rows loaded before this migration have NULL in the
-- new columns until `kabar reparse` re-parses their stored pages (no refetch).

ALTER TABLE articles ADD COLUMN published_local VARCHAR;
ALTER TABLE articles ADD COLUMN published_date DATE;
ALTER TABLE articles ADD COLUMN published_granularity VARCHAR;

COMMENT ON COLUMN articles.published_local IS 'publication time as the page states it: ISO wall time with its offset (2023-11-08T20:28-05:00), or the bare day when only a day is known';
COMMENT ON COLUMN articles.published_date IS 'publication day in the source''s own zone (the stated offset, else the source''s zone): group by this, not by the UTC day of published_at';
COMMENT ON COLUMN articles.published_granularity IS 'how precise the publication date is: second, minute or day (a day-only value has no time)';
COMMENT ON COLUMN articles.published_at_source IS 'where the publication date came from: meta, json_ld, url, feed, text (article_dates kind published_candidate: the others weighed)';
COMMENT ON TABLE article_dates IS 'Dates of each article: kind published (the chosen publication date), published_candidate (every other statement weighed; flags say source and agrees/other/rejected), mention (dates named in the text)';

DROP VIEW v_article_sources;

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
       a.published_local,
       a.published_date,
       a.published_granularity,
       a.published_at_source,
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
