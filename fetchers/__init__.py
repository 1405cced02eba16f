"""fetchers: polite, safe async HTTP fetching of pages and feeds (httpx only; no parsing, no DB).

    from fetchers import FetchConfig, Fetcher, fetch_all

    async with Fetcher(FetchConfig(user_agent=settings.user_agent)) as f:
        results = await f.fetch_many(urls)          # list[FetchResult], input order

Modules: ``config`` (FetchConfig), ``client`` (Fetcher, retries, politeness, redirects),
``guard`` (URL + private-address checks), ``body`` (bounded decompression), ``content``
(content type, sniffing, charset), ``robots`` (robots.txt policy), ``failures`` (error kinds).
"""

from fetchers.client import MAX_CRAWL_DELAY, Fetcher, Kind, fetch_all, parse_retry_after
from fetchers.config import FetchConfig
from fetchers.content import decode_text
from fetchers.failures import PermanentFailure, TransientFailure
from fetchers.guard import blocked_reason, parse_url

__all__ = [
    "FetchConfig",
    "Fetcher",
    "fetch_all",
    "Kind",
    "MAX_CRAWL_DELAY",
    "parse_retry_after",
    "decode_text",
    "parse_url",
    "blocked_reason",
    "TransientFailure",
    "PermanentFailure",
]
