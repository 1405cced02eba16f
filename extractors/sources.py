"""Sources: ``seeds/sources.csv`` rows → ``SourceSpec`` records (pure CSV parsing).

Columns: ``source_id,name,outlet,homepage,feeds,sitemaps,language,country,timezone``; ``feeds`` and
``sitemaps`` hold ``|``-separated URLs.  Optional extra column ``urls`` (also ``|``-separated).
Blank lines and rows whose ``source_id`` starts with ``#`` are skipped.

The bundled demo site's source lives in ``seeds/demo_site/source.csv`` (same columns); its URLs
contain the placeholder ``{BASE}``, which ``with_base`` replaces by the demo server's address.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from records.errors import ParseError
from records.models import SourceSpec
from seeds import SEEDS_DIR

DEFAULT_SOURCES = SEEDS_DIR / "sources.csv"
DEMO_SOURCES = SEEDS_DIR / "demo_site" / "source.csv"
BASE_PLACEHOLDER = "{BASE}"

REQUIRED_COLUMNS = (
    "source_id",
    "name",
    "outlet",
    "homepage",
    "feeds",
    "sitemaps",
    "language",
    "country",
    "timezone",
)


def load_sources(path: Path | None = None) -> tuple[SourceSpec, ...]:
    """Read a sources CSV (default ``seeds/sources.csv``). Raises ``ParseError`` on a bad file."""
    csv_path = path or DEFAULT_SOURCES
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ParseError(f"cannot read sources file {csv_path}: {exc}", kind="sources_file") from exc
    return parse_sources(text, origin=str(csv_path))


def parse_sources(text: str, *, origin: str = "<sources>") -> tuple[SourceSpec, ...]:
    """Parse sources CSV text into ``SourceSpec`` records (see module docstring)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ParseError(f"{origin}: missing column(s) {', '.join(missing)}", kind="sources_file")
    specs: list[SourceSpec] = []
    seen: set[str] = set()
    for lineno, row in enumerate(reader, start=2):
        source_id = (row.get("source_id") or "").strip()
        if not source_id or source_id.startswith("#"):
            continue
        if source_id in seen:
            raise ParseError(f"{origin}:{lineno}: duplicate source_id {source_id!r}", kind="sources_file")
        seen.add(source_id)
        timezone = _cell(row, "timezone") or "UTC"
        if not _valid_zone(timezone):
            raise ParseError(f"{origin}:{lineno}: unknown timezone {timezone!r}", kind="sources_file")
        specs.append(
            SourceSpec(
                source_id=source_id,
                name=_cell(row, "name") or source_id,
                outlet=_cell(row, "outlet"),
                homepage=_cell(row, "homepage"),
                feeds=_split(row.get("feeds")),
                sitemaps=_split(row.get("sitemaps")),
                urls=_split(row.get("urls")),
                language=_cell(row, "language") or "en",
                country=_cell(row, "country"),
                timezone=timezone,
            )
        )
    return tuple(specs)


def with_base(spec: SourceSpec, base: str) -> SourceSpec:
    """``spec`` with every ``{BASE}`` placeholder replaced by ``base`` (e.g. ``http://127.0.0.1:8765``)."""
    root = base.rstrip("/")

    def sub(value: str) -> str:
        return value.replace(BASE_PLACEHOLDER, root)

    return replace(
        spec,
        homepage=sub(spec.homepage),
        feeds=tuple(sub(u) for u in spec.feeds),
        sitemaps=tuple(sub(u) for u in spec.sitemaps),
        urls=tuple(sub(u) for u in spec.urls),
    )


def _cell(row: dict[str, str | None], name: str) -> str:
    return (row.get(name) or "").strip()


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split("|") if part.strip())


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


__all__ = ["DEFAULT_SOURCES", "DEMO_SOURCES", "load_sources", "parse_sources", "with_base"]
