-- 0001: core tables of the Kabar warehouse.
-- No PRIMARY KEY / UNIQUE / INDEX on the wide tables (DuckDB 1.5.5 checkpoint cost, see
-- docs/duckdb.md §2.3): keys are logical and enforced by warehouse/load.py inside one transaction.
-- All *_at columns are TIMESTAMPTZ instants (UTC in the loader session).

-- reference data, replaced from seeds/*.csv on every open_warehouse()
CREATE TABLE sources (
    source_id VARCHAR NOT NULL,
    name VARCHAR,
    outlet VARCHAR,
    homepage VARCHAR,
    feeds VARCHAR[],
    sitemaps VARCHAR[],
    language VARCHAR,
    country VARCHAR,
    timezone VARCHAR,
    loaded_at TIMESTAMPTZ
);

CREATE TABLE agencies (
    canonical VARCHAR NOT NULL,
    aliases VARCHAR[],
    country VARCHAR,
    kind VARCHAR,
    domains VARCHAR[],
    credit_slot_only BOOLEAN,
    slot_only_aliases VARCHAR[],
    loaded_at TIMESTAMPTZ
);

-- one row per canonical_url (logical key); article_id = md5(canonical_url)
CREATE TABLE articles (
    article_id VARCHAR NOT NULL,
    canonical_url VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    final_url VARCHAR,
    source_id VARCHAR,
    outlet VARCHAR,
    title VARCHAR,
    text VARCHAR,
    authors VARCHAR[],
    language VARCHAR,
    published_at TIMESTAMPTZ,
    published_at_source VARCHAR,
    published_flags VARCHAR[],
    dateline_place VARCHAR,
    content_hash VARCHAR,
    parse_hash VARCHAR,
    extra JSON,
    first_seen_at TIMESTAMPTZ,
    last_fetched_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    run_id VARCHAR,
    first_run_id VARCHAR
);

-- child rows, replaced per article whenever the article is new or updated
CREATE TABLE attributions (
    article_id VARCHAR NOT NULL,
    position INTEGER,
    role VARCHAR NOT NULL,
    name VARCHAR,
    canonical VARCHAR,
    evidence VARCHAR,
    run_id VARCHAR
);

CREATE TABLE article_dates (
    article_id VARCHAR NOT NULL,
    position INTEGER,
    kind VARCHAR NOT NULL,
    value TIMESTAMPTZ,
    granularity VARCHAR,
    span VARCHAR,
    flags VARCHAR[],
    run_id VARCHAR
);

-- every HTTP attempt
CREATE TABLE fetches (
    run_id VARCHAR,
    url VARCHAR NOT NULL,
    final_url VARCHAR,
    attempt INTEGER,
    status INTEGER,
    bytes BIGINT,
    duration_ms DOUBLE,
    error_class VARCHAR,
    error VARCHAR,
    fetched_at TIMESTAMPTZ
);

-- latest raw body per canonical_url (of the requested URL), zlib-compressed
CREATE TABLE raw_pages (
    canonical_url VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    final_url VARCHAR,
    source_id VARCHAR,
    status INTEGER,
    content_type VARCHAR,
    charset VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    compression VARCHAR,
    body_z BLOB,
    bytes BIGINT,
    fetched_at TIMESTAMPTZ,
    run_id VARCHAR
);

-- one row per flow run
CREATE TABLE runs (
    run_id VARCHAR NOT NULL,
    flow_run_id VARCHAR,
    flow_name VARCHAR,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    state VARCHAR,
    parameters JSON,
    discovered BIGINT,
    fetched BIGINT,
    new BIGINT,
    updated BIGINT,
    unchanged BIGINT,
    failed BIGINT,
    not_modified BIGINT,
    counts JSON,
    per_source JSON
);

-- per run and source: the same counts, normalised for v_source_health
CREATE TABLE run_sources (
    run_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    discovered BIGINT,
    fetched BIGINT,
    new BIGINT,
    updated BIGINT,
    unchanged BIGINT,
    failed BIGINT,
    not_modified BIGINT,
    error VARCHAR
);

-- crash-safety ledger: every discovered URL, pending until a committed batch flips it
CREATE TABLE url_state (
    canonical_url VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    source_id VARCHAR,
    status VARCHAR NOT NULL,
    first_discovered_at TIMESTAMPTZ,
    last_attempt_at TIMESTAMPTZ,
    attempts INTEGER,
    error_class VARCHAR,
    error VARCHAR,
    transient BOOLEAN,
    discovered_via VARCHAR,
    discovered_from VARCHAR,
    feed_title VARCHAR,
    feed_published TIMESTAMPTZ,
    run_id VARCHAR
);

-- failure history (append-only)
CREATE TABLE failures (
    run_id VARCHAR,
    url VARCHAR NOT NULL,
    canonical_url VARCHAR,
    source_id VARCHAR,
    stage VARCHAR,
    error_class VARCHAR,
    error VARCHAR,
    transient BOOLEAN,
    failed_at TIMESTAMPTZ
);

-- conditional-GET state per feed/sitemap document
CREATE TABLE feed_state (
    document_url VARCHAR NOT NULL,
    etag VARCHAR,
    last_modified VARCHAR,
    last_status INTEGER,
    last_fetched_at TIMESTAMPTZ,
    last_error VARCHAR
);

-- side table for full-text search (title + lead), rebuilt by warehouse.search
CREATE TABLE search_docs (
    article_id VARCHAR NOT NULL,
    title VARCHAR,
    lead VARCHAR
);
