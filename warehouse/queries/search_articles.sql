-- BM25 search over titles and leads.  Runs with the index file as the current database (`USE
-- kabar_search`: the fts macros name their tables without a catalog) and the lake attached as `kabar`;
-- warehouse.search.search_articles does both.  Parameter 1: query; 2: how many rows.
SELECT a.article_id, a.source_id, a.published_at, a.title, a.canonical_url, d.score
FROM (
    SELECT article_id, fts_main_search_docs.match_bm25(article_id, ?) AS score
    FROM search_docs
) d
JOIN kabar.articles a USING (article_id)
WHERE d.score IS NOT NULL
ORDER BY d.score DESC
LIMIT ?;
