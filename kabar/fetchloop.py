"""One ``Fetcher`` (one httpx client, one robots cache) kept alive for a whole run.

The fetcher lives on its own event loop in a daemon thread; Prefect tasks (which run in
worker threads) hand it batches with ``fetch_many`` and block for the results.  This keeps
connection pools, robots.txt caches and per-host politeness state across batches, and lets
the next batch download while the current one is being extracted.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from extractors.models import FetchResult
from fetchers import FetchConfig, Fetcher


class BackgroundFetcher:
    def __init__(self, config: FetchConfig) -> None:
        self._config = config
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kabar-fetch", daemon=True)
        self._fetcher: Fetcher | None = None

    def __enter__(self) -> BackgroundFetcher:
        self._thread.start()
        self._fetcher = self._call(self._open())
        return self

    async def _open(self) -> Fetcher:
        fetcher = Fetcher(self._config)
        return await fetcher.__aenter__()

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def fetch_many(
        self,
        urls: Sequence[str],
        *,
        kind: Literal["page", "feed"] = "page",
        conditional: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> list[FetchResult]:
        assert self._fetcher is not None, "use BackgroundFetcher as a context manager"
        return self._call(self._fetcher.fetch_many(list(urls), kind=kind, conditional=conditional))

    def __exit__(self, *exc: object) -> None:
        try:
            if self._fetcher is not None:
                self._call(self._fetcher.__aexit__(None, None, None))
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()
