"""Publication-date accuracy on a labelled page set, against the libraries Kabar could use instead.

Runs ``kabar parse``'s own code path (``kabar.parsecmd.parse_record`` with the page's HTML, its URL
and the crawl time as the fetch time; no source configuration, as for an unseen outlet) on every
page of a dates set (default ``../shared/corpus/dates``: ``truth.jsonl`` + ``pages/*.html.gz``) and
scores, as that set's README says:

* instant: |published_at - truth| <= 60 s; for labels without an offset (a bare day), the stated day;
* local day: ``published_date`` equals the truth's day, on the labels with a non-zero offset
  (the day as the publisher's zone sees it);
* exact day: ``published_date`` equals the label's first ten characters (what a user grouping by
  day sees), on all pages.

The same pages go through ``trafilatura.extract(fast=True, with_metadata=True)``'s date and
htmldate's ``find_date`` (fast and extensive) as baselines, scored on the day they print.

    .venv/bin/python bench/dates_eval.py [--corpus ../shared/corpus/dates] [--misses] [--no-baselines] [--fallback]
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_SET = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dates"


@dataclass(frozen=True, slots=True)
class Label:
    file: str
    url: str
    published: datetime  # aware when the label has an offset
    has_offset: bool
    day: str
    crawled: datetime


@dataclass(frozen=True, slots=True)
class Score:
    instant: bool
    local_day: bool | None  # None when the label has no non-zero offset
    exact_day: bool


def _label(rec: dict[str, Any]) -> Label:
    pub = datetime.fromisoformat(rec["published"])
    crawled = datetime.fromisoformat(rec["crawl_date"])
    return Label(rec["file"], rec["url"], pub, pub.tzinfo is not None, rec["day"], crawled)


def _score(label: Label, out: dict[str, Any]) -> Score:
    at = out.get("published_at")
    day = out.get("published_date") or (at[:10] if at else None)
    exact = day == label.day
    if label.has_offset:
        instant = at is not None and abs(datetime.fromisoformat(at) - label.published) <= timedelta(
            seconds=60
        )
    else:
        instant = exact
    nonzero = label.has_offset and label.published.utcoffset() != timedelta(0)
    return Score(instant, exact if nonzero else None, exact)


def _kabar(label: Label, html: bytes) -> dict[str, Any]:
    from kabar.parsecmd import parse_record

    fetched = label.crawled.isoformat() + ("" if label.crawled.tzinfo else "+00:00")
    rec = {"id": label.file, "url": label.url, "html": html.decode("utf-8", "replace"), "fetched_at": fetched}
    return parse_record(rec)


def _fallbacks(label: Label, html: bytes) -> dict[str, str | None]:
    """The local day Kabar gives when a page has no meta or JSON-LD date (those candidates removed):
    htmldate + URL + main text, and the same plus the date line under the headline."""
    from extractors.dates import resolve_published
    from extractors.dates_visible import find_date_line
    from extractors.extract import extract_page, html_language, html_region
    from extractors.zones import default_timezone
    from records.errors import ExtractionError

    try:
        ext = extract_page(html, url=label.url)
    except ExtractionError:
        return {}
    tz = default_timezone(language=html_language(html), url=label.url, region=html_region(html))
    fetched = label.crawled if label.crawled.tzinfo else label.crawled.replace(tzinfo=UTC)
    out: dict[str, str | None] = {}
    for name, line in (("no meta: htmldate+url+text", None), ("no meta: + date line", find_date_line(html))):
        pub = resolve_published(
            (),
            tz=tz,
            fetched_at=fetched,
            url=label.url,
            extracted_date=ext.date,
            text=ext.text,
            date_line=line,
        )
        out[name] = pub.day.isoformat() if pub else None
    return out


def _baselines(html: bytes, url: str) -> dict[str, str | None]:
    import trafilatura
    from htmldate import find_date

    out: dict[str, str | None] = {}
    doc = trafilatura.bare_extraction(html, url=url, fast=True, with_metadata=True)
    out["trafilatura fast"] = getattr(doc, "date", None) if doc is not None else None
    out["htmldate fast"] = find_date(html, url=url, extensive_search=False)
    out["htmldate extensive"] = find_date(html, url=url, extensive_search=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_SET, help="a folder with truth.jsonl and pages/")
    ap.add_argument("--misses", action="store_true", help="print every page Kabar gets wrong")
    ap.add_argument("--no-baselines", action="store_true", help="skip trafilatura and htmldate")
    ap.add_argument(
        "--fallback",
        action="store_true",
        help="also score Kabar with each page's meta and JSON-LD dates removed (htmldate, URL, text, date line)",
    )
    args = ap.parse_args()
    truth = args.corpus / "truth.jsonl"
    if not truth.exists():
        print(f"no labelled set at {args.corpus}")
        return 1
    labels = [_label(json.loads(line)) for line in truth.read_text(encoding="utf-8").splitlines() if line]
    from pipeline.workers import warm_up

    warm_up()
    scores: list[Score] = []
    base: dict[str, list[bool]] = {}
    spent = 0.0
    for label in labels:
        html = gzip.decompress((args.corpus / label.file).read_bytes())
        t0 = time.perf_counter()
        out = _kabar(label, html)
        spent += time.perf_counter() - t0
        s = _score(label, out)
        scores.append(s)
        if args.misses and not (s.instant and s.local_day is not False):
            print(
                f"MISS {label.file}  truth {label.published.isoformat()}  got {out.get('published_at')}"
                f"  local {out.get('published_local')}  day {out.get('published_date')}"
                f"  via {out.get('published_at_source')}  {out.get('error', '')}"
            )
        if not args.no_baselines:
            for name, value in _baselines(html, label.url).items():
                base.setdefault(name, []).append(value == label.day)
        if args.fallback:
            for name, value in _fallbacks(label, html).items():
                base.setdefault(name, []).append(value == label.day)
    n = len(scores)
    local = [s.local_day for s in scores if s.local_day is not None]
    print(
        f"pages: {n}  (labels with a non-zero offset: {len(local)})  kabar parse: {1000 * spent / n:.1f} ms/page"
    )
    print(f"{'':24} {'instant ±60 s':>14} {'local day':>10} {'exact day':>10}")
    print(
        f"{'kabar':24} {sum(s.instant for s in scores) / n:14.3f} {sum(local) / max(len(local), 1):10.3f}"
        f" {sum(s.exact_day for s in scores) / n:10.3f}"
    )
    for name, hits in base.items():
        print(f"{name:24} {'':>14} {'':>10} {sum(hits) / n:10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
