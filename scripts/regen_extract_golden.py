"""Rebuild ``tests/fixtures/pages/`` (golden extraction pages) from the shared corpus index.

The expected values are **human ground truth** from trafilatura's ``tests/evaldata.json`` (as
carried in ``../shared/corpus/html/index.jsonl``), never our own output:

    with       snippets the extracted main text must contain
    without    snippets it must not contain
    title / date / author   expected metadata, where the eval entry gives a non-empty value

Usage (from the repo root)::

    .venv/bin/python scripts/regen_extract_golden.py            # rewrite *.expected.json (+ copy pages)
    .venv/bin/python scripts/regen_extract_golden.py --check    # only report what differs, write nothing
    .venv/bin/python scripts/regen_extract_golden.py --show     # also print extract_page output beside
    .venv/bin/python scripts/regen_extract_golden.py --show --all   # review every corpus page

The page list is ``PAGES`` below; change it here, never by hand-editing the JSON files.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "html"
FIXTURES = REPO / "tests" / "fixtures" / "pages"
SOURCE_REPO = "adbar/trafilatura"
SOURCE_COMMIT = "e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5"
META_FIELDS = ("title", "date", "author")

# Chosen for a language/encoding mix; each passes every with/without snippet in fast mode.
PAGES: tuple[str, ...] = (
    # English, news-like, with human title/date/author
    "nationalgeographic.co.uk.goats.html.gz",
    "nature.com.telescope.html.gz",
    "theguardian.com.academics.html.gz",
    # German
    "befifty.montauk.html.gz",  # blog with title/date/author
    "ndr.de.podcastcoronavirus140.html.gz",  # title/date
    "heise.de.lithium.html.gz",
    "sueddeutsche.de.flixtrain.html.gz",
    "cdu-fraktion-erfurt.de.waldorfschule.html.gz",  # iso-8859-1, not valid UTF-8
    "landwirt.com.sensortechnik.html.gz",  # iso-8859-1, not valid UTF-8; umlauts in the snippets
    # French
    "franceculture.fr.idees.html.gz",
    "sauvonsluniversite.com.spip.html.gz",
)


def load_index(corpus: Path) -> dict[str, dict[str, Any]]:
    """``index.jsonl`` keyed by gzip file name."""
    rows: dict[str, dict[str, Any]] = {}
    with (corpus / "index.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                rows[row["file"]] = row
    return rows


def page_url(row: dict[str, Any]) -> str:
    """The URL to extract with: the eval URL, else the page's canonical URL, else a placeholder."""
    return row.get("url") or row.get("canonical_url") or f"https://example.invalid/{row['original_file']}"


def expected_for(row: dict[str, Any]) -> dict[str, Any]:
    """The ``.expected.json`` document of one corpus row (ground truth + provenance)."""
    ev = row.get("eval") or {}
    if not ev.get("with"):
        raise ValueError(f"{row['file']}: no eval 'with' snippets; not usable as a golden page")
    doc: dict[str, Any] = {
        "url": page_url(row),
        "site": row["site"],
        "charset_declared": row.get("charset_declared"),
        "utf8_valid": row.get("utf8_valid"),
        "lang_declared": row.get("lang_declared"),
        "with": list(ev["with"]),
        "without": list(ev.get("without") or []),
    }
    for key in META_FIELDS:
        if ev.get(key):  # "" in the eval set means "not given", not "must be empty"
            doc[key] = ev[key]
    doc["origin"] = {
        "repository": f"https://github.com/{SOURCE_REPO}",
        "commit": SOURCE_COMMIT,
        "page": f"tests/cache/{row['original_file']}",
        "ground_truth": f"tests/evaldata.json[{row.get('eval_key')!r}]",
        "sha256_uncompressed": row["sha256"],
        "licence": "Apache-2.0 (repository); page content (c) its publisher",
    }
    return doc


def fixture_paths(row: dict[str, Any]) -> tuple[Path, Path]:
    stem = row["original_file"].removesuffix(".html")
    folder = FIXTURES / row["site"]
    return folder / f"{stem}.html.gz", folder / f"{stem}.expected.json"


def show(row: dict[str, Any], html: bytes) -> None:
    """Print extract_page's output beside the ground truth, for human review."""
    sys.path.insert(0, str(REPO))
    from extractors.extract import extract_page
    from records.errors import ExtractionError

    ev = row.get("eval") or {}
    print(f"== {row['file']}  ({row['site']}, lang={row.get('lang_detected')}, utf8={row.get('utf8_valid')})")
    try:
        got = extract_page(html, url=page_url(row))
    except ExtractionError as exc:
        print(f"   EXTRACTION ERROR: {exc}")
        return
    for s in ev.get("with") or []:
        print(f"   with    {'ok  ' if s in got.text else 'MISS'} {s!r}")
    for s in ev.get("without") or []:
        print(f"   without {'LEAK' if s in got.text else 'ok  '} {s!r}")
    actual = {"title": got.title, "date": got.date, "author": "; ".join(got.authors)}
    for key in META_FIELDS:
        print(f"   {key:<7} expected={ev.get(key)!r:<50} got={actual[key]!r}")
    print(f"   text    {len(got.text)} chars: {got.text[:160]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder with index.jsonl and *.html.gz")
    ap.add_argument("--check", action="store_true", help="report differences only; write nothing")
    ap.add_argument("--show", action="store_true", help="print our extraction beside the ground truth")
    ap.add_argument("--all", action="store_true", help="with --show: review every corpus page with eval data")
    args = ap.parse_args(argv)

    if not (args.corpus / "index.jsonl").is_file():
        print(f"corpus index not found under {args.corpus}", file=sys.stderr)
        return 2
    index = load_index(args.corpus)
    names = sorted(f for f, r in index.items() if (r.get("eval") or {}).get("with")) if args.all else PAGES
    stale = 0
    for name in names:
        row = index[name]
        raw = (args.corpus / name).read_bytes()
        html = gzip.decompress(raw)
        if hashlib.sha256(html).hexdigest() != row["sha256"]:
            print(f"{name}: sha256 mismatch with index.jsonl", file=sys.stderr)
            return 1
        if name in PAGES:
            page_path, json_path = fixture_paths(row)
            text = json.dumps(expected_for(row), ensure_ascii=False, indent=2) + "\n"
            same = json_path.is_file() and json_path.read_text(encoding="utf-8") == text
            same = same and page_path.is_file() and page_path.read_bytes() == raw
            if not same:
                stale += 1
                print(f"{'STALE' if args.check else 'wrote'} {json_path.relative_to(REPO)}")
                if not args.check:
                    page_path.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(args.corpus / name, page_path)
                    json_path.write_text(text, encoding="utf-8")
        if args.show:
            show(row, html)
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
