"""Run accounting: what one run did, for one source or summed over all of them.

One frozen record, :class:`RunCounts`, travels from the load step (``BatchStats.per_source``) through
the flow (summed batch by batch with ``+``) to the run's artifacts, its warnings and events, and
``finish_run`` (the ``runs`` and ``run_sources`` rows).  Failures are counted per
:data:`~records.errors.ErrorClass`, never as strings such as ``"failed:http_404"``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from records.errors import ErrorClass

# the counters of RunCounts, in the order tables and summaries show them
COUNT_FIELDS = (
    "discovered",
    "new_urls",
    "too_old",
    "fetched",
    "new",
    "updated",
    "unchanged",
    "failed",
    "not_modified",
    "skipped_links",
    "pages",
)


@dataclass(frozen=True, slots=True)
class RunCounts:
    """What a run did (for one source, or in all).  Every field starts at 0; ``+`` adds two."""

    discovered: int = 0  # article URLs its feeds, sitemaps and URL lists listed
    new_urls: int = 0  # of those, URLs the warehouse had never seen (run totals only)
    too_old: int = 0  # listed with a date older than the run's max age: left alone
    fetched: int = 0  # pages fetched with a body
    new: int = 0  # articles loaded for the first time
    updated: int = 0  # articles whose text or parsed fields changed
    unchanged: int = 0  # articles fetched again and found the same
    failed: int = 0  # URLs (pages, feeds, sitemaps) that failed, one per URL
    not_modified: int = 0  # feeds and sitemaps that answered 304 Not Modified
    skipped_links: int = 0  # links in feeds and sitemaps that are not http(s) URLs (javascript:, data:, ftp:)
    pages: int = 0  # stored pages parsed again (reparse)
    failure_kinds: tuple[tuple[ErrorClass, int], ...] = ()  # failures per error class, sorted
    error: str | None = None  # why this source could not be worked on at all, when known

    def __add__(self, other: RunCounts) -> RunCounts:
        kinds: Counter[ErrorClass] = Counter(dict(self.failure_kinds))
        kinds.update(dict(other.failure_kinds))
        summed = {name: getattr(self, name) + getattr(other, name) for name in COUNT_FIELDS}
        return RunCounts(**summed, failure_kinds=_sorted(kinds), error=self.error or other.error)

    @classmethod
    def of_failures(cls, kinds: Iterable[ErrorClass]) -> RunCounts:
        """The error classes of some failures, counted (``failed`` itself is counted per URL elsewhere)."""
        return cls(failure_kinds=_sorted(Counter(kinds)))

    @property
    def loaded(self) -> int:
        """Articles this run stored or confirmed."""
        return self.new + self.updated + self.unchanged

    def kinds_text(self) -> str:
        """``http_404=2, timeout=1``: the failures per class, as tables show them."""
        return ", ".join(f"{kind}={n}" for kind, n in self.failure_kinds)

    def as_dict(self) -> dict[str, Any]:
        """The counters (and the failure classes as text) for JSON and table rows."""
        out: dict[str, Any] = {name: getattr(self, name) for name in COUNT_FIELDS}
        out["failure_kinds"] = self.kinds_text()
        if self.error is not None:
            out["error"] = self.error
        return out


def _sorted(kinds: Mapping[ErrorClass, int]) -> tuple[tuple[ErrorClass, int], ...]:
    return tuple(sorted((k, n) for k, n in kinds.items() if n))


def add_to(per_source: dict[str, RunCounts], source: str, counts: RunCounts) -> None:
    """``per_source[source] += counts`` (the flow's running tally)."""
    per_source[source] = per_source.get(source, RunCounts()) + counts


def total(per_source: Mapping[str, RunCounts]) -> RunCounts:
    """All sources summed."""
    out = RunCounts()
    for counts in per_source.values():
        out = out + counts
    return out


__all__ = ["COUNT_FIELDS", "RunCounts", "add_to", "total"]
