-- 0005: how many URLs each source's feeds and sitemaps listed with a date older than --max-age-days
-- (KABAR_MAX_AGE_DAYS) in the run. They were already in runs.per_source; as a column they can be
-- queried next to the other per-source counts. Rows of earlier runs have NULL.
ALTER TABLE run_sources ADD COLUMN too_old BIGINT;
