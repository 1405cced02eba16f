-- 0006: the warehouse as a DuckLake: which process a run is (several may write at once), each
-- article's versions from the lake's snapshots, and a catalogue that documents itself.

-- a run left 'running' is crashed only when its process on its host is gone (warehouse/state.py)
ALTER TABLE runs ADD COLUMN host VARCHAR;
ALTER TABLE runs ADD COLUMN pid BIGINT;

-- Every stored version of every article: each content or parse change replaces the row, and the lake
-- keeps the replaced rows in older snapshots until maintenance expires them (KABAR_SNAPSHOT_RETENTION_DAYS).
-- One row per change of text, title or parsed fields (a re-fetch that changed nothing is not a version).
-- Needs the lake as the current database (`USE kabar`; kabar sql and kabar shell do it).
CREATE VIEW article_versions AS
WITH inserted AS (
    SELECT i.snapshot_id, i.article_id, i.canonical_url, i.source_id, i.title, i.text, i.published_at,
           i.content_hash, i.parse_hash, i.last_fetched_at, i.run_id
    FROM ducklake_table_insertions(current_database(), 'main', 'articles', TIMESTAMPTZ '1970-01-01', now()) i
),
changes AS (
    SELECT *,
           lag(content_hash) OVER w IS DISTINCT FROM content_hash
           OR lag(parse_hash) OVER w IS DISTINCT FROM parse_hash AS changed
    FROM inserted
    WINDOW w AS (PARTITION BY article_id ORDER BY snapshot_id)
)
SELECT c.article_id,
       row_number() OVER (PARTITION BY c.article_id ORDER BY c.snapshot_id) AS version,
       s.snapshot_time AS version_at,
       c.snapshot_id,
       c.canonical_url, c.source_id, c.title, c.text, c.published_at, c.content_hash, c.parse_hash,
       c.last_fetched_at, c.run_id
FROM changes c
JOIN ducklake_snapshots(current_database()) s USING (snapshot_id)
WHERE c.changed;

COMMENT ON TABLE articles IS 'One row per canonical URL: the latest extracted text and parsed metadata (article_versions: earlier ones)';
COMMENT ON COLUMN articles.article_id IS 'md5 of canonical_url: stable across runs';
COMMENT ON COLUMN articles.canonical_url IS 'the logical key: URL without tracking parameters and fragment';
COMMENT ON COLUMN articles.published_at IS 'publication instant (TIMESTAMPTZ); published_at_source says where it came from';
COMMENT ON COLUMN articles.content_hash IS 'hash of the text; with parse_hash decides new/updated/unchanged';
COMMENT ON COLUMN articles.first_seen_at IS 'when Kabar first fetched the article';
COMMENT ON COLUMN articles.updated_at IS 'when the text or parsed fields last changed';
COMMENT ON TABLE attributions IS 'Who produced each article: agency, cited_agency, reporter, editor, staff_initials, translator, outlet, dateline_place';
COMMENT ON TABLE article_dates IS 'Dates found in each article: the publication date and dates mentioned in the text';
COMMENT ON TABLE url_state IS 'Every discovered URL (canonical): pending until the batch that loads it flips it to done or failed';
COMMENT ON COLUMN url_state.transient IS 'a failed URL that the next run retries';
COMMENT ON TABLE fetches IS 'Every HTTP attempt (pruned after KABAR_FETCH_LOG_RETENTION_DAYS)';
COMMENT ON TABLE raw_pages IS 'The latest fetched body per URL: where it is in the pack files beside the lake (for kabar reparse)';
COMMENT ON TABLE failures IS 'Failure history: one row per failed URL and stage, with a readable error';
COMMENT ON TABLE runs IS 'One row per flow run (ingest, reparse, maintenance) with its counts';
COMMENT ON COLUMN runs.host IS 'host of the process that ran it';
COMMENT ON COLUMN runs.pid IS 'process id that ran it (a running run whose process is gone is crashed)';
COMMENT ON TABLE run_sources IS 'Per run and source: discovered, fetched, new, updated, unchanged, failed, not_modified';
COMMENT ON TABLE feed_state IS 'Conditional-GET validators per feed or sitemap document';
COMMENT ON TABLE sources IS 'Configured sources (seeds/sources.csv)';
COMMENT ON TABLE agencies IS 'News agencies and their aliases (seeds/agencies.csv)';
COMMENT ON TABLE search_docs IS 'Unused since the lake: the full-text index lives in <warehouse>.search.duckdb';
COMMENT ON TABLE schema_version IS 'Applied migrations';
