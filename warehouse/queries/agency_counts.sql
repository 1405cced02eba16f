-- How often each news agency is credited (credit slot) or cited inline, over all articles.
WITH credited AS (
    SELECT agency, 'agency' AS how FROM v_article_sources, unnest(agencies) AS t(agency)
    UNION ALL
    SELECT agency, 'cited' AS how FROM v_article_sources, unnest(cited_agencies) AS t(agency)
)
SELECT agency,
       count(*) FILTER (WHERE how = 'agency') AS credited,
       count(*) FILTER (WHERE how = 'cited') AS cited
FROM credited
GROUP BY agency
ORDER BY credited DESC, cited DESC, agency;
