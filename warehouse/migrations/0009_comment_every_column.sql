-- 0009: the catalogue documents itself in full: every column of every table and every view carries a
-- comment (0006 commented the tables and the key columns). Comments already set are kept.
-- DuckDB refuses COMMENT ON COLUMN for a view's columns ("it is not a table"), so each view's comment
-- also says what its main columns mean. Read them with duckdb_tables(), duckdb_columns(), duckdb_views().

-- sources (replaced from the sources file by warehouse/seeds.py)
COMMENT ON COLUMN sources.source_id IS 'the source''s id (articles.source_id, url_state.source_id, run_sources.source_id)';
COMMENT ON COLUMN sources.name IS 'display name of the source';
COMMENT ON COLUMN sources.outlet IS 'how the outlet names itself (EGINDO.co, KOMPAS.com): articles.outlet of its articles when set';
COMMENT ON COLUMN sources.homepage IS 'the source''s home page URL (ad-hoc URLs on its host borrow its settings)';
COMMENT ON COLUMN sources.feeds IS 'RSS/Atom feed URLs discovery reads';
COMMENT ON COLUMN sources.sitemaps IS 'sitemap, sitemap index or news sitemap URLs discovery reads';
COMMENT ON COLUMN sources.language IS 'the source''s language (id, en): an article''s language when neither the page nor its feed declares one';
COMMENT ON COLUMN sources.country IS 'country code of the source (ID, SG)';
COMMENT ON COLUMN sources.timezone IS 'IANA zone of the source (Asia/Jakarta): dates written without an offset are read in it';
COMMENT ON COLUMN sources.loaded_at IS 'when the seeds loader last replaced the table (only when its content changed)';

-- agencies (replaced from seeds/agencies.csv by warehouse/seeds.py)
COMMENT ON COLUMN agencies.canonical IS 'the agency''s canonical name (attributions.canonical)';
COMMENT ON COLUMN agencies.aliases IS 'names and spellings that mean this agency';
COMMENT ON COLUMN agencies.country IS 'country code of the agency (ID, FR)';
COMMENT ON COLUMN agencies.kind IS 'agency, outlet, broadcaster or press_release_wire';
COMMENT ON COLUMN agencies.domains IS 'the agency''s web domains';
COMMENT ON COLUMN agencies.credit_slot_only IS 'the credit_slot_only cell of agencies.csv as a boolean; NULL when the file has no such column (the shipped one has none)';
COMMENT ON COLUMN agencies.slot_only_aliases IS 'aliases trusted only in a credit slot (dateline parenthetical, Sumber:/Source: trailer, staff-code bracket), never in running text';
COMMENT ON COLUMN agencies.loaded_at IS 'when the seeds loader last replaced the table (only when its content changed)';

-- articles (written only by warehouse/load.py)
COMMENT ON COLUMN articles.url IS 'the URL as discovered and requested';
COMMENT ON COLUMN articles.final_url IS 'the URL after redirects';
COMMENT ON COLUMN articles.source_id IS 'the source (sources.source_id), or adhoc:<host> for ad-hoc URLs, feeds and sitemaps';
COMMENT ON COLUMN articles.outlet IS 'the outlet: the source''s configured outlet, else the one the page credits, else the page''s site name';
COMMENT ON COLUMN articles.title IS 'the page''s title, else the title its feed gave';
COMMENT ON COLUMN articles.text IS 'the main text extracted from the page (trafilatura)';
COMMENT ON COLUMN articles.authors IS 'author names from the page''s metadata (attributions holds the parsed credits)';
COMMENT ON COLUMN articles.language IS 'the page''s <html lang>, else the language its feed declared, else the source''s, else guessed from the text';
COMMENT ON COLUMN articles.published_flags IS 'doubts and repairs of the chosen publication date (docs/dates.md): false_utc_suspected, naive_twin, after_fetch_time, ...';
COMMENT ON COLUMN articles.dateline_place IS 'the place the article''s dateline names';
COMMENT ON COLUMN articles.parse_hash IS 'md5 of everything the parsers produced (source, outlet, title, authors, language, publication date, dateline, attribution and date rows); with content_hash decides new/updated/unchanged';
COMMENT ON COLUMN articles.extra IS 'further key/value strings as a JSON object; NULL when there are none';
COMMENT ON COLUMN articles.last_fetched_at IS 'when the page was last fetched (an unchanged re-fetch moves only this)';
COMMENT ON COLUMN articles.run_id IS 'the run that last wrote the row (new or updated); an unchanged re-fetch keeps it';
COMMENT ON COLUMN articles.first_run_id IS 'the run that first loaded the article';

-- attributions (replaced per article whenever it is new or updated)
COMMENT ON COLUMN attributions.article_id IS 'the article (articles.article_id)';
COMMENT ON COLUMN attributions.position IS '0-based order of the row among the article''s credits (v_article_sources lists each role in this order)';
COMMENT ON COLUMN attributions.role IS 'the credit: agency, cited_agency, reporter, editor, staff_initials, translator, translated_from, outlet or dateline_place';
COMMENT ON COLUMN attributions.name IS 'the credited name: a person as written, an agency by its canonical name';
COMMENT ON COLUMN attributions.canonical IS 'canonical agency name (agencies.canonical) for agency, cited_agency and translated_from; NULL for people';
COMMENT ON COLUMN attributions.evidence IS 'the span of text the credit came from (NULL when not recorded)';
COMMENT ON COLUMN attributions.run_id IS 'the run that wrote the row (the article''s run_id)';

-- article_dates (replaced per article whenever it is new or updated)
COMMENT ON COLUMN article_dates.article_id IS 'the article (articles.article_id)';
COMMENT ON COLUMN article_dates.position IS '0-based order of the row among the article''s dates: published first, then published_candidate, then mention';
COMMENT ON COLUMN article_dates.kind IS 'published (the chosen publication date), published_candidate (another statement weighed) or mention (a date named in the text)';
COMMENT ON COLUMN article_dates.value IS 'the date as an instant (TIMESTAMPTZ), to be read at its granularity';
COMMENT ON COLUMN article_dates.granularity IS 'how precise the value is: second, minute, day, week, month or year';
COMMENT ON COLUMN article_dates.span IS 'the text it was read from: the raw statement (published, published_candidate) or the phrase in the text (mention)';
COMMENT ON COLUMN article_dates.flags IS 'published and published_candidate: source:<where> (candidates also agrees, other or rejected) and doubts; mention: kind:<kind> and updated, future_without_cue, weekday_mismatch, ...';
COMMENT ON COLUMN article_dates.run_id IS 'the run that wrote the row (the article''s run_id)';

-- fetches (every HTTP request; pruned after KABAR_FETCH_LOG_RETENTION_DAYS)
COMMENT ON COLUMN fetches.run_id IS 'the run that fetched it';
COMMENT ON COLUMN fetches.url IS 'the URL requested (a page, feed or sitemap; each redirect hop is its own row)';
COMMENT ON COLUMN fetches.final_url IS 'the URL the fetch ended at after redirects (the same on every row of one fetch)';
COMMENT ON COLUMN fetches.attempt IS 'attempt number: 1, then each retry of a transient failure';
COMMENT ON COLUMN fetches.status IS 'HTTP status; NULL when there was no response (refused before the network, timeout, connection error)';
COMMENT ON COLUMN fetches.bytes IS 'body bytes received';
COMMENT ON COLUMN fetches.duration_ms IS 'how long the request took, in milliseconds; NULL when only the fetch''s outcome was recorded';
COMMENT ON COLUMN fetches.error_class IS 'why the request failed (one of records/errors.py ERROR_CLASSES); NULL on success';
COMMENT ON COLUMN fetches.error IS 'the readable failure message; on success a charset note (invalid bytes replaced, declared charset wrong) or NULL';
COMMENT ON COLUMN fetches.fetched_at IS 'when the fetch of the URL started (the same on all its attempts)';

-- raw_pages (the latest fetched body per URL, for kabar reparse)
COMMENT ON COLUMN raw_pages.canonical_url IS 'the logical key: canonical form of the requested URL';
COMMENT ON COLUMN raw_pages.url IS 'the URL requested';
COMMENT ON COLUMN raw_pages.final_url IS 'the URL after redirects';
COMMENT ON COLUMN raw_pages.source_id IS 'the source of the page (sources.source_id, adhoc:<host>)';
COMMENT ON COLUMN raw_pages.status IS 'HTTP status of the response';
COMMENT ON COLUMN raw_pages.content_type IS 'the response''s Content-Type header';
COMMENT ON COLUMN raw_pages.charset IS 'the charset the body was decoded with (reparse decodes with it; UTF-8 when NULL)';
COMMENT ON COLUMN raw_pages.etag IS 'the response''s ETag header';
COMMENT ON COLUMN raw_pages.last_modified IS 'the response''s Last-Modified header';
COMMENT ON COLUMN raw_pages.compression IS 'how the body is compressed: zstd (zlib in BLOB rows of the first version)';
COMMENT ON COLUMN raw_pages.body_z IS 'the compressed body as a BLOB: rows written before migration 0003 and in-memory warehouses; NULL when body_file holds it';
COMMENT ON COLUMN raw_pages.bytes IS 'uncompressed body size in bytes';
COMMENT ON COLUMN raw_pages.fetched_at IS 'when the fetch of the page started';
COMMENT ON COLUMN raw_pages.run_id IS 'the run that fetched it';
COMMENT ON COLUMN raw_pages.body_file IS 'the pack file holding the body, relative to <warehouse>.raw/ (<YYYY-MM-DD>/<run-id>-<n>.html.zst); NULL for body_z rows';
COMMENT ON COLUMN raw_pages.body_offset IS 'byte offset of the body''s zstd frame in body_file';
COMMENT ON COLUMN raw_pages.body_length IS 'compressed length in bytes of the body''s zstd frame in body_file';

-- runs (one row per flow run: warehouse/state.py start_run, finish_run)
COMMENT ON COLUMN runs.run_id IS 'the Prefect flow run id, else a random UUID (the run_id of every other table)';
COMMENT ON COLUMN runs.flow_run_id IS 'the Prefect flow run id (Prefect UI); NULL outside Prefect';
COMMENT ON COLUMN runs.flow_name IS 'the flow: ingest or reparse';
COMMENT ON COLUMN runs.started_at IS 'when the run started';
COMMENT ON COLUMN runs.finished_at IS 'when the run finished; NULL while running and for crashed runs';
COMMENT ON COLUMN runs.state IS 'running, completed, failed, crashed or cancelled';
COMMENT ON COLUMN runs.parameters IS 'the run''s parameters as JSON: sources and duckdb_memory_limit (the cap DuckDB applied); for ingest also sources_file, refresh, max_urls, max_age_days';
COMMENT ON COLUMN runs.discovered IS 'article URLs its feeds, sitemaps and URL lists listed';
COMMENT ON COLUMN runs.fetched IS 'pages fetched with a body';
COMMENT ON COLUMN runs.new IS 'articles loaded for the first time';
COMMENT ON COLUMN runs.updated IS 'articles whose text or parsed fields changed';
COMMENT ON COLUMN runs.unchanged IS 'articles fetched again and found the same';
COMMENT ON COLUMN runs.failed IS 'URLs (pages, feeds, sitemaps) that failed, one per URL';
COMMENT ON COLUMN runs.not_modified IS 'feeds and sitemaps that answered 304 Not Modified';
COMMENT ON COLUMN runs.counts IS 'every counter as JSON, with new_urls, too_old, pages (reparse) and failure_kinds (failures per error class)';
COMMENT ON COLUMN runs.per_source IS 'JSON list of one object per source (source, its counters, failure_kinds); run_sources holds them as columns';

-- run_sources (per run and source, written by finish_run)
COMMENT ON COLUMN run_sources.run_id IS 'the run (runs.run_id)';
COMMENT ON COLUMN run_sources.source_id IS 'the source (sources.source_id, adhoc:<host>), or (ad hoc) for URLs without a source';
COMMENT ON COLUMN run_sources.discovered IS 'article URLs the source''s feeds, sitemaps and URL lists listed';
COMMENT ON COLUMN run_sources.fetched IS 'pages of the source fetched with a body';
COMMENT ON COLUMN run_sources.new IS 'articles loaded for the first time';
COMMENT ON COLUMN run_sources.updated IS 'articles whose text or parsed fields changed';
COMMENT ON COLUMN run_sources.unchanged IS 'articles fetched again and found the same';
COMMENT ON COLUMN run_sources.failed IS 'URLs (pages, feeds, sitemaps) that failed, one per URL';
COMMENT ON COLUMN run_sources.not_modified IS 'feeds and sitemaps that answered 304 Not Modified';
COMMENT ON COLUMN run_sources.error IS 'why the source could not be worked on at all, when known (v_source_health counts the run as failed for it)';
COMMENT ON COLUMN run_sources.too_old IS 'URLs listed with a date older than --max-age-days (KABAR_MAX_AGE_DAYS): not recorded, not fetched; NULL before migration 0005';

-- url_state (the crash-safety ledger: warehouse/state.py record_discovered, warehouse/load.py)
COMMENT ON COLUMN url_state.canonical_url IS 'the logical key: canonical form of url';
COMMENT ON COLUMN url_state.url IS 'the URL as first discovered (the one fetched)';
COMMENT ON COLUMN url_state.source_id IS 'the source whose feed, sitemap or URL list gave it (sources.source_id, adhoc:<host>)';
COMMENT ON COLUMN url_state.status IS 'pending (to fetch), done (its article is loaded) or failed';
COMMENT ON COLUMN url_state.first_discovered_at IS 'when a run first recorded the URL (for discovered_via load: its fetch time)';
COMMENT ON COLUMN url_state.last_attempt_at IS 'when it was last fetched or failed; NULL until then';
COMMENT ON COLUMN url_state.attempts IS 'how many times a run fetched it';
COMMENT ON COLUMN url_state.error_class IS 'the last failure''s class (records/errors.py ERROR_CLASSES); NULL once done';
COMMENT ON COLUMN url_state.error IS 'the last failure''s readable message; NULL once done';
COMMENT ON COLUMN url_state.discovered_via IS 'how it was found: feed, sitemap, news_sitemap, url (given directly) or load (loaded without a discovery row)';
COMMENT ON COLUMN url_state.discovered_from IS 'the feed or sitemap URL that listed it, cli for URLs given directly; NULL for discovered_via load';
COMMENT ON COLUMN url_state.feed_title IS 'the title its feed or sitemap gave (the article''s title when the page has none)';
COMMENT ON COLUMN url_state.feed_published IS 'the date its feed or sitemap gave (one publication-date statement the parser weighs)';
COMMENT ON COLUMN url_state.run_id IS 'the run that last wrote its status: the one that discovered it, then the one that loaded or failed it';
COMMENT ON COLUMN url_state.feed_language IS 'the language its feed or news sitemap declared (RSS <language>, Atom xml:lang, <news:language>): the article''s language when the page has no <html lang>';

-- failures (append-only history)
COMMENT ON COLUMN failures.run_id IS 'the run in which it failed';
COMMENT ON COLUMN failures.url IS 'the URL that failed: an article page, or a feed or sitemap document (stage discover)';
COMMENT ON COLUMN failures.canonical_url IS 'canonical form of url';
COMMENT ON COLUMN failures.source_id IS 'the source (sources.source_id, adhoc:<host>)';
COMMENT ON COLUMN failures.stage IS 'where it failed: discover, fetch, extract, parse or load';
COMMENT ON COLUMN failures.error_class IS 'the failure''s class (records/errors.py ERROR_CLASSES)';
COMMENT ON COLUMN failures.error IS 'the readable failure message';
COMMENT ON COLUMN failures.transient IS 'whether the failure is worth retrying on a later run';
COMMENT ON COLUMN failures.failed_at IS 'when it failed';

-- feed_state (conditional-GET state per feed or sitemap document: warehouse/state.py set_feed_state)
COMMENT ON COLUMN feed_state.document_url IS 'the feed or sitemap URL (configured, or listed by a sitemap index)';
COMMENT ON COLUMN feed_state.etag IS 'ETag validator sent as If-None-Match next time (a failure keeps the stored one)';
COMMENT ON COLUMN feed_state.last_modified IS 'Last-Modified validator sent as If-Modified-Since next time (a failure keeps the stored one)';
COMMENT ON COLUMN feed_state.last_status IS 'HTTP status of the last fetch (304: unchanged); NULL when there was no response';
COMMENT ON COLUMN feed_state.last_fetched_at IS 'when the last fetch was recorded';
COMMENT ON COLUMN feed_state.last_error IS 'why the last fetch or parse of the document failed; NULL when it succeeded';

-- search_docs (unused since the lake)
COMMENT ON COLUMN search_docs.article_id IS 'unused: the article of the pre-lake full-text side table (the index lives in <warehouse>.search.duckdb)';
COMMENT ON COLUMN search_docs.title IS 'unused: the article''s title, as indexed before the lake';
COMMENT ON COLUMN search_docs.lead IS 'unused: the start of the article''s text, as indexed before the lake';

-- schema_version (warehouse/migrate.py)
COMMENT ON COLUMN schema_version.version IS 'the migration''s number (NNNN of its file name)';
COMMENT ON COLUMN schema_version.name IS 'the migration''s file name (NNNN_verb_object.sql); a renamed file is refused';
COMMENT ON COLUMN schema_version.applied_at IS 'when the migration was applied';

-- views: DuckDB comments a view as a whole, so the comment names what its columns mean
COMMENT ON VIEW v_article_sources IS 'One row per article with its credits as lists in order of first appearance, de-duplicated: agencies, cited_agencies and translated_from (canonical agency names), reporters, editors, staff_initials, translators; dateline_place (the article''s, else its dateline_place credit), outlet, title, source_id, authors, language, first_seen_at, updated_at, and the publication date as in articles (published_at the instant, published_local as the page states it, published_date the day in the source''s zone, published_granularity, published_at_source)';
COMMENT ON VIEW v_source_health IS 'One row per source (configured, or seen in articles, url_state or run_sources): name, last_success_at (last article URL done), last_run_at (start of its last finished run), consecutive_failed_runs (finished runs since the last one in which it produced anything, counting only runs where it failed), articles, articles_per_day_7d (by first_seen_at), share_missing_date (no published_at), share_missing_attribution (no agency, cited agency, reporter, editor, initials or translator), pending_urls and failed_urls (url_state), last_article_fetched_at';
COMMENT ON VIEW article_versions IS 'Every stored version of each article, read from the lake''s snapshots (one row per change of content_hash or parse_hash, as far back as KABAR_SNAPSHOT_RETENTION_DAYS keeps snapshots; needs USE kabar): article_id, version (1, 2, ... in snapshot order), version_at (the snapshot''s time), snapshot_id, and canonical_url, source_id, title, text, published_at, content_hash, parse_hash, last_fetched_at, run_id as that version stored them';

-- two comments of 0006 said less than the code does
COMMENT ON COLUMN articles.content_hash IS 'hash of the stored page content: title, text, authors, language, publication date (instant, local form, provenance), outlet, dateline, attribution and date rows; with parse_hash decides new/updated/unchanged';
COMMENT ON TABLE runs IS 'One row per ingest or reparse run, with its state, counts and (when it did not complete) why';
