"""Plain-Python stage glue the Prefect flow calls (no Prefect here, so it is testable alone).

jobs_for_batch     : FetchResults -> PageJobs for the workers, FailureRows for failed fetches
resolve_specs      : CLI/flow parameters -> the SourceSpecs of this run
"""

from __future__ import annotations

import signal
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from extractors.discover import parse_url_list
from extractors.normalise import PageJob
from extractors.sources import DEMO_SOURCES, load_sources, with_base
from extractors.urls import canonicalize_url, url_host
from pipeline import interrupts
from records.models import FailureRow, FetchResult, SourceSpec


class Listed(Protocol):
    """What discovery recorded about a pending URL (``warehouse.PendingUrl`` fits)."""

    @property
    def source_id(self) -> str | None: ...
    @property
    def feed_published(self) -> datetime | None: ...
    @property
    def feed_title(self) -> str | None: ...
    @property
    def feed_language(self) -> str | None: ...


def source_key(source_id: str | None) -> str:
    return source_id or "(ad hoc)"


ADHOC_PREFIX = "adhoc:"


def adhoc_spec(
    host: str, *, feeds: Sequence[str] = (), sitemaps: Sequence[str] = (), urls: Sequence[str] = ()
) -> SourceSpec:
    """The source of ad-hoc documents on a host no configured source claims (``adhoc:<host>``)."""
    return SourceSpec(
        source_id=f"{ADHOC_PREFIX}{host}",
        name=host,
        homepage=f"http://{host}/",
        feeds=tuple(feeds),
        sitemaps=tuple(sitemaps),
        urls=tuple(urls),
        language="",  # unknown: the page, the feed or the text says (extractors.normalise.build_article)
        country="",
        timezone="",  # unknown: by the page's country domain or language (extractors.zones)
        outlet="",
    )


def spec_for_source_id(source_id: str | None, specs: dict[str | None, SourceSpec]) -> SourceSpec | None:
    """The settings a stored row's source had: a configured source, else the ad-hoc defaults."""
    spec = specs.get(source_id)
    if spec is None and source_id and source_id.startswith(ADHOC_PREFIX):
        spec = adhoc_spec(source_id.removeprefix(ADHOC_PREFIX))
    return spec


def resolve_specs(
    *,
    sources: Sequence[str] | None,
    feeds: Sequence[str] | None,
    sitemaps: Sequence[str] | None,
    urls: Sequence[str] | None,
    urls_file: str | None,
    base_url: str | None = None,
    sources_csv: Path | None = None,
) -> list[SourceSpec]:
    """The sources of a run: ad-hoc ones when any are given, else the configured ones."""
    configured = list(load_sources(sources_csv))
    if base_url:  # the bundled demo site: its source row is known only with the server's address
        configured = [with_base(s, base_url) for s in (*configured, *load_sources(DEMO_SOURCES))]
    by_id = {s.source_id: s for s in configured}
    adhoc_urls = list(urls or [])
    if urls_file:
        adhoc_urls += [r.url for r in parse_url_list(Path(urls_file).read_text(encoding="utf-8"))]
    if feeds or sitemaps or adhoc_urls:
        # group ad-hoc documents by host; a host that belongs to a configured source borrows its settings
        by_host = {url_host(s.homepage): s for s in configured if s.homepage and "{BASE}" not in s.homepage}
        groups: dict[str, dict[str, list[str]]] = {}
        for kind, values in (("feeds", feeds or []), ("sitemaps", sitemaps or []), ("urls", adhoc_urls)):
            for v in values:
                groups.setdefault(url_host(v), {"feeds": [], "sitemaps": [], "urls": []})[kind].append(v)
        specs = []
        for host, g in groups.items():
            known = by_host.get(host) or by_host.get(host.removeprefix("www."))
            feeds, sitemaps, urls = tuple(g["feeds"]), tuple(g["sitemaps"]), tuple(g["urls"])
            specs.append(
                adhoc_spec(host, feeds=feeds, sitemaps=sitemaps, urls=urls)
                if known is None
                else replace(known, feeds=feeds, sitemaps=sitemaps, urls=urls)
            )
        return specs
    if sources:
        missing = [s for s in sources if s not in by_id]
        if missing:
            raise KeyError(f"unknown source id(s): {', '.join(missing)} (see seeds/sources.csv)")
        return [by_id[s] for s in sources]
    return [s for s in configured if s.source_id != "demo"]


def jobs_for_batch(
    results: Sequence[FetchResult],
    specs_by_id: dict[str | None, SourceSpec],
    listed: Mapping[str, Listed],
) -> tuple[list[PageJob], list[FailureRow]]:
    """Split fetch results into extraction jobs and recorded fetch failures.

    ``listed`` maps the requested URL to what discovery recorded about it.
    """
    jobs: list[PageJob] = []
    failures: list[FailureRow] = []
    for res in results:
        known = listed.get(res.url)
        source_id = known.source_id if known else None
        if not res.ok or res.not_modified:
            failures.append(
                FailureRow(
                    res.url,
                    source_id,
                    "fetch",
                    res.error_class or "fetch_error",
                    res.error or f"HTTP {res.status}",
                    res.transient,
                    res.fetched_at,
                )
            )
            continue
        jobs.append(
            page_job(
                url=res.url,
                canonical_url=canonicalize_url(res.url),
                final_url=res.final_url or res.url,
                source_id=source_id,
                spec=specs_by_id.get(source_id),
                listed=known,
                body=res.body,  # bytes + charset: decoded in the worker (a str copy is up to 4x larger)
                charset=res.charset if res.text is not None else None,
                fetched_at=res.fetched_at,
            )
        )
    return jobs, failures


def page_job(
    *,
    url: str,
    canonical_url: str,
    final_url: str,
    source_id: str | None,
    spec: SourceSpec | None,
    listed: Listed | None,
    body: bytes,
    charset: str | None,
    fetched_at: datetime,
) -> PageJob:
    """One page's extraction job: ingest and reparse build it alike, so the same inputs give the same row.

    Unknown source fields stay empty (the page, the feed or the text decide; ``build_article``).
    """
    return PageJob(
        url=url,
        canonical_url=canonical_url,
        final_url=final_url,
        source_id=source_id,
        outlet=(spec.outlet or None) if spec else None,
        timezone=spec.timezone if spec else "",
        language=(spec.language or None) if spec else None,
        body=body,
        text=None,
        charset=charset,
        fetched_at=fetched_at,
        feed_published=listed.feed_published if listed else None,
        feed_title=listed.feed_title if listed else None,
        feed_language=listed.feed_language if listed else None,
    )


__all__ = [
    "jobs_for_batch",
    "page_job",
    "resolve_specs",
    "source_key",
]


def ended_state(exc: BaseException) -> str:
    """``runs.state`` for a run that ended with ``exc``: ``cancelled`` when someone stopped it (SIGINT,
    SIGTERM), else ``failed``. A signal noted by :mod:`pipeline.interrupts` wins over whatever
    exception it turned into (DuckDB turns it into ``RuntimeError: Query interrupted``)."""
    if (
        interrupts.received()
        or isinstance(exc, KeyboardInterrupt)
        or type(exc).__name__ == "TerminationSignal"
    ):
        return "cancelled"
    return "failed"


def failure_reason(exc: BaseException, *, elapsed: float | None = None, limit: float | None = None) -> str:
    """``runs.error`` for a run that ended with ``exc``: what a person reading ``kabar runs`` needs.

    A run stopped at its time limit sees the orchestrator's cancellation (``CancelledError``) rather
    than a timeout: ``elapsed`` and ``limit`` (the run's seconds so far and its limit) tell them apart."""
    if limit and elapsed is not None and elapsed >= limit * 0.98 and type(exc).__name__ == "CancelledError":
        return f"timed out: the run's time limit of {limit:g} s was reached"
    if (why := interrupts.received()) is not None:
        return f"interrupted ({why})"
    if isinstance(exc, KeyboardInterrupt):
        return f"interrupted ({exc.args[0] if exc.args else 'SIGINT'})"
    name = type(exc).__name__
    if name == "TerminationSignal":  # Prefect's own SIGTERM handler inside a flow run
        number = getattr(exc, "signal", None)
        return f"interrupted ({signal.Signals(number).name if number else 'SIGTERM'})"
    if "Timeout" in name or "TimedOut" in name:
        return f"timed out ({name}: {exc})" if str(exc) else f"timed out ({name})"
    return f"{name}: {exc}" if str(exc) else name
