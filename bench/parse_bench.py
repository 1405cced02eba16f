"""Parse cost vs extraction cost per article (issue 3: parsing must cost <= 10 % of extraction).

For every page of ../shared/corpus/html/ it times, in one warm process:
  extract  = extractors.extract.extract_page (trafilatura fast + metadata)
  parse    = attribution + publication date + dates named in the text (extractors.normalise.parse_text)
and for ../shared/corpus/id-articles.jsonl (Indonesian texts) the parse step alone.
Prints medians, totals and the parse/extract ratio.

    .venv/bin/python bench/parse_bench.py [--corpus ../shared/corpus] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from extractors.dates import find_date_candidates
from extractors.extract import extract_page
from extractors.normalise import parse_text
from pipeline.workers import warm_up
from records.errors import ExtractionError

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    html_dir = args.corpus / "html"
    if not html_dir.is_dir():
        print(f"corpus not found at {html_dir}")
        return 1
    warm_up()
    now = datetime.now(UTC)
    pages = [(p.name, gzip.decompress(p.read_bytes())) for p in sorted(html_dir.glob("*.html.gz"))]
    ex_times: list[float] = []
    pa_times: list[float] = []
    for _ in range(args.repeat):
        for name, body in pages:
            t0 = time.perf_counter()
            try:
                ext = extract_page(body, url=f"http://bench.local/{name}")
            except ExtractionError:
                continue
            t1 = time.perf_counter()
            parse_text(
                ext.text,
                url=f"http://bench.local/{name}",
                outlet=ext.sitename,
                language=ext.language,
                tz="UTC",
                fetched_at=now,
                date_candidates=find_date_candidates(body),
                extracted_date=ext.date,
            )
            t2 = time.perf_counter()
            ex_times.append(t1 - t0)
            pa_times.append(t2 - t1)
    id_times: list[float] = []
    id_path = args.corpus / "id-articles.jsonl"
    if id_path.exists():
        recs = [json.loads(line) for line in id_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for _ in range(args.repeat):
            for r in recs:
                t0 = time.perf_counter()
                parse_text(r["text"], url=None, outlet=None, language="id", tz="Asia/Jakarta", fetched_at=now)
                id_times.append(time.perf_counter() - t0)
    ms = lambda xs: 1000 * statistics.median(xs)  # noqa: E731
    print(f"pages: {len(pages)} x {args.repeat} repeats ({len(ex_times)} timed extractions)")
    print(f"extract  median {ms(ex_times):7.2f} ms/page   total {sum(ex_times):6.2f} s")
    print(
        f"parse    median {ms(pa_times):7.2f} ms/page   total {sum(pa_times):6.2f} s  (incl. HTML date candidates)"
    )
    ratio = sum(pa_times) / sum(ex_times)
    print(f"parse / extract (totals) = {ratio:.3f}   target <= 0.10   {'OK' if ratio <= 0.10 else 'MISSED'}")
    if id_times:
        print(f"id-articles parse median {ms(id_times):.2f} ms/article over {len(id_times)} parses")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
