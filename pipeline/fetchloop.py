"""One ``Fetcher`` (one httpx client, one robots cache) kept alive for a whole run.

The fetcher lives on its own event loop in a daemon thread; Prefect tasks (which run in
worker threads) hand it batches with ``fetch_many`` and block for the results.  This keeps
connection pools, robots.txt caches and per-host politeness state across batches, and lets
the next batch download while the current one is being extracted.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from fetchers import FetchConfig, Fetcher
from records.models import FetchResult


class BackgroundFetcher:
    def __init__(self, config: FetchConfig) -> None:
        self._config = config
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kabar-fetch", daemon=True)
        self._fetcher: Fetcher | None = None
        self._closing = threading.Event()

    def __enter__(self) -> BackgroundFetcher:
        self._thread.start()
        self._fetcher = self._call(self._open())
        return self

    async def _open(self) -> Fetcher:
        fetcher = Fetcher(self._config)
        return await fetcher.__aenter__()

    def _call(self, coro: Any) -> Any:
        """Run ``coro`` on the fetch loop and wait for it; never wait on a loop that is gone."""
        fut = asyncio.run_coroutine_threadsafe(coro, self._loop)
        while True:
            try:
                return fut.result(timeout=0.5)
            except concurrent.futures.TimeoutError:
                if self._closing.is_set() and not self._thread.is_alive():
                    fut.cancel()
                    raise RuntimeError("the fetcher was closed while this batch was in flight") from None

    def fetch_many(
        self,
        urls: Sequence[str],
        *,
        kind: Literal["page", "feed"] = "page",
        conditional: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> list[FetchResult]:
        assert self._fetcher is not None, "use BackgroundFetcher as a context manager"
        return self._call(self._fetcher.fetch_many(list(urls), kind=kind, conditional=conditional))

    async def _shutdown(self) -> None:
        """Cancel fetches still in flight (a run stopping mid-batch: SIGTERM, an error), then close
        the client; the threads waiting on them get ``CancelledError`` instead of waiting forever."""
        me = asyncio.current_task()
        others = [t for t in asyncio.all_tasks() if t is not me]
        for t in others:
            t.cancel()
        if others:
            await asyncio.wait(others, timeout=10)
        if self._fetcher is not None:
            await self._fetcher.__aexit__(None, None, None)

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        try:
            if self._thread.is_alive():
                self._call(self._shutdown())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()
