-- 0003: raw bodies move out of the database into pack files beside it (warehouse/rawstore.py).
-- New rows name their body's place; body_z stays for rows written before (and in-memory DBs).
ALTER TABLE raw_pages ADD COLUMN body_file VARCHAR;
ALTER TABLE raw_pages ADD COLUMN body_offset BIGINT;
ALTER TABLE raw_pages ADD COLUMN body_length BIGINT;
