"""Discovery: fetch every feed and sitemap of the run's sources (conditionally) and list the article
URLs they name, streamed.

A sitemap index may list millions of URLs. Discovery never holds them all: documents are fetched a
few at a time (``DOCUMENT_GROUP``), their bodies are dropped once parsed, and the URLs they list go
to the ``record`` callback in chunks of ``REF_CHUNK`` (the flow stores each chunk in the URL ledger,
which skips URLs it already has). What stays in memory per source is 8 bytes per distinct URL (a
hash, to count the source's distinct URLs exactly), whatever the sitemaps list.

Without ``record`` (tests, callers that want the list) the refs are collected in
``DiscoverOutcome.refs`` instead.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from extractors.discover import parse_document
from extractors.urls import canonicalize_url
from pipeline.steps import source_key
from records.counts import RunCounts, add_to
from records.models import ArticleRef, FailureRow, FetchResult, SourceSpec

MAX_SITEMAP_DOCUMENTS = 200  # per source per run: a guard against sitemap-index loops and fan-out
DOCUMENT_GROUP = 8  # feeds/sitemaps fetched (and held in memory) at a time
REF_CHUNK = 5000  # article URLs handed to ``record`` at a time

#: Stores a chunk of refs (the URL ledger) and returns how many of them were new to it.
RecordRefs = Callable[[Sequence[ArticleRef]], int]


class FetchesMany(Protocol):
    def fetch_many(
        self,
        urls: Sequence[str],
        *,
        kind: Literal["page", "feed"] = ...,
        conditional: Mapping[str, tuple[str | None, str | None]] | None = ...,
    ) -> list[FetchResult]: ...


@dataclass(frozen=True, slots=True)
class FeedStateUpdate:
    document_url: str
    etag: str | None
    last_modified: str | None
    status: int | None
    error: str | None


@dataclass
class DiscoverOutcome:
    refs: list[ArticleRef] = field(default_factory=list)  # only without ``record``
    feed_updates: list[FeedStateUpdate] = field(default_factory=list)
    failures: list[FailureRow] = field(default_factory=list)
    fetches: list[FetchResult] = field(default_factory=list)  # for the fetch log: bodies dropped
    documents: int = 0
    not_modified: int = 0
    # per source: article URLs listed (discovered), documents answering 304 (not_modified), URLs dated
    # before ``since`` (too_old), documents that failed (failed and their error classes)
    per_source: dict[str, RunCounts] = field(default_factory=dict)
    old_sitemaps: int = 0  # child sitemaps not fetched: their <lastmod> is before ``since``
    listed: int = 0  # distinct article URLs listed, all sources (refs handed on)
    new_urls: int = 0  # of those, new to the ledger (what ``record`` returned)


class _SourceRefs:
    """One source's listed URLs on their way to ``record``: de-duplicated by canonical URL within a
    chunk (keeping the richest ref: one with a date), filtered by ``since``, counted exactly."""

    def __init__(
        self,
        spec: SourceSpec,
        out: DiscoverOutcome,
        *,
        since: datetime | None,
        record: RecordRefs | None,
        chunk: int,
        now: datetime,
    ) -> None:
        self.spec, self.out, self.since, self.record, self.chunk, self.now = (
            spec,
            out,
            since,
            record,
            chunk,
            now,
        )
        self.pending: dict[str, ArticleRef] = {}
        self.seen: array[int] = array("q")  # hash of every canonical URL listed
        self.old: array[int] = array("q")  # hash of those dated before ``since``

    def add(self, refs: Iterable[ArticleRef]) -> None:
        for r in refs:
            try:
                c = canonicalize_url(r.url)
            except ValueError:
                self.out.failures.append(
                    FailureRow(
                        r.url,
                        self.spec.source_id,
                        "discover",
                        "invalid_url",
                        f"not a valid http(s) URL: {r.url!r}",
                        False,
                        self.now,
                    )
                )
                continue
            prev = self.pending.get(c)
            if prev is None or (prev.published is None and r.published is not None):
                self.pending[c] = r
                if len(self.pending) >= self.chunk:
                    self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        keep: list[ArticleRef] = []
        for c, r in self.pending.items():
            h = hash(c)
            self.seen.append(h)
            if self.since is not None and r.published is not None and r.published < self.since:
                self.old.append(h)
            else:
                keep.append(r)
        self.pending = {}
        if self.record is None:
            self.out.refs.extend(keep)
        elif keep:
            self.out.new_urls += self.record(keep)

    def close(self) -> None:
        self.flush()
        listed, old = _distinct(self.seen), _distinct(self.old)
        key = source_key(self.spec.source_id)
        if self.since is not None:
            add_to(self.out.per_source, key, RunCounts(too_old=old))
        add_to(self.out.per_source, key, RunCounts(discovered=listed - old))
        self.out.listed += listed - old


def _distinct(hashes: array[int]) -> int:
    if not hashes:
        return 0
    values = pa.Array.from_buffers(pa.int64(), len(hashes), [None, pa.py_buffer(hashes)])
    return int(pc.count_distinct(values).as_py())


def discover_documents(
    fetcher: FetchesMany,
    specs: Sequence[SourceSpec],
    feed_state: dict[str, tuple[str | None, str | None]],
    *,
    since: datetime | None = None,
    record: RecordRefs | None = None,
    chunk: int = REF_CHUNK,
) -> DiscoverOutcome:
    """Fetch every feed/sitemap of ``specs`` (conditionally) and parse them into article refs.

    With ``since``, a sitemap index's children whose ``<lastmod>`` is older are not fetched (nothing
    in them changed since), and refs the document dates before it are dropped; undated ones stay.
    With ``record``, refs are handed to it in chunks of ``chunk`` instead of collected.
    """
    out = DiscoverOutcome()
    now = datetime.now(UTC)
    for spec in specs:
        key = source_key(spec.source_id)
        refs = _SourceRefs(spec, out, since=since, record=record, chunk=chunk, now=now)
        refs.add(
            ArticleRef(url=u, discovered_via="url", discovered_from="cli", source_id=spec.source_id)
            for u in spec.urls
        )
        seen: set[str] = set()
        frontier = [u for u in (*spec.feeds, *spec.sitemaps)]
        while frontier and len(seen) < MAX_SITEMAP_DOCUMENTS:
            todo = [u for u in dict.fromkeys(frontier) if u not in seen][: MAX_SITEMAP_DOCUMENTS - len(seen)]
            if not todo:
                break
            group, frontier = todo[:DOCUMENT_GROUP], todo[DOCUMENT_GROUP:]
            seen.update(group)
            fetched = fetcher.fetch_many(
                group, kind="feed", conditional={u: feed_state.get(u, (None, None)) for u in group}
            )
            fetched.reverse()
            while fetched:  # popped, so each body is freed once it is parsed
                frontier.extend(
                    _take_document(fetched.pop(), spec, key, refs, out, since=since, now=now, seen=seen)
                )
        refs.close()
    for f in out.failures:
        add_to(
            out.per_source,
            source_key(f.source_id),
            RunCounts(failed=1) + RunCounts.of_failures([f.error_class]),
        )
    return out


def _take_document(
    res: FetchResult,
    spec: SourceSpec,
    key: str,
    refs: _SourceRefs,
    out: DiscoverOutcome,
    *,
    since: datetime | None,
    now: datetime,
    seen: set[str],
) -> list[str]:
    """Account for one fetched feed/sitemap and hand on the URLs it lists; returns its child sitemaps."""
    out.documents += 1
    out.fetches.append(replace(res, body=b"", text=None) if res.body or res.text else res)
    if res.not_modified:
        out.not_modified += 1
        add_to(out.per_source, key, RunCounts(not_modified=1))
        out.feed_updates.append(FeedStateUpdate(res.url, res.etag, res.last_modified, res.status, None))
        return []
    if not res.ok:
        out.failures.append(
            FailureRow(
                res.url,
                spec.source_id,
                "discover",
                res.error_class or "fetch_error",
                res.error or "feed could not be fetched",
                res.transient,
                now,
            )
        )
        out.feed_updates.append(FeedStateUpdate(res.url, None, None, res.status, res.error))
        return []
    doc = parse_document(
        res.body,
        document_url=res.final_url or res.url,
        source_id=spec.source_id,
        default_timezone=spec.timezone or None,  # dates without an offset: the source's zone
    )
    if doc.error:
        out.failures.append(
            FailureRow(res.url, spec.source_id, "discover", "malformed_feed", doc.error, False, now)
        )
        # forget the validators so a fixed document is fetched in full next time
        out.feed_updates.append(FeedStateUpdate(res.url, None, None, res.status, doc.error))
        return []
    out.feed_updates.append(FeedStateUpdate(res.url, res.etag, res.last_modified, res.status, None))
    refs.add(doc.refs)
    if doc.skipped_links:
        add_to(out.per_source, key, RunCounts(skipped_links=doc.skipped_links))
    children = [c for c in doc.child_sitemaps if c not in seen]
    if since is not None and doc.child_lastmod:
        old = {url for url, lastmod in doc.child_lastmod if lastmod < since}
        out.old_sitemaps += sum(1 for c in children if c in old)
        children = [c for c in children if c not in old]
    return children


__all__ = [
    "DOCUMENT_GROUP",
    "MAX_SITEMAP_DOCUMENTS",
    "REF_CHUNK",
    "DiscoverOutcome",
    "FeedStateUpdate",
    "RecordRefs",
    "discover_documents",
]
