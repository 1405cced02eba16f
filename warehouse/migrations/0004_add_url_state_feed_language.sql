-- 0004: the language a feed or news sitemap declared for a URL (RSS <language>, Atom xml:lang,
-- <news:language>). The worker prefers it to the source's configured language when the page itself
-- does not say (no <html lang>), so ad-hoc feeds of Indonesian sites are not stored as English.
ALTER TABLE url_state ADD COLUMN feed_language VARCHAR;
