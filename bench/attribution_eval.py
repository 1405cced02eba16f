"""Attribution accuracy on real pages labelled by hand (bench/labels/attribution_unseen.jsonl).

The labels cover the 78 pages of ``../shared/corpus/dates`` whose ``<html lang>`` is English (72 in
English, 6 whose text is isiZulu, isiXhosa or Swahili), plus 23 English-declared pages of
``../shared/corpus/html`` (blogs, features, news; all ``dev``); they were written by people reading
each page (byline, dateline, credits, trailers) by the rules of ``docs/attribution.md`` and never
copied from Kabar's output (``bench/labels/README.md``).  Every 8th dates page by name is ``dev``
(its misses may be read while changing the parser); the other 68 are ``test``: report them, never
tune on them (``--misses`` prints dev pages only).

Runs ``kabar parse``'s code path (page HTML + URL, no source configuration) and prints, per split:
micro precision / recall / F1 of agencies, cited agencies, reporters and editors; dateline and
outlet accuracy; and exact match over (dateline, agencies, reporters, editors).

    .venv/bin/python bench/attribution_eval.py [--corpus ../shared/corpus/dates] [--misses]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = (
    ROOT / "bench" / "labels" / "attribution_unseen.jsonl",
    ROOT / "bench" / "labels" / "attribution_dev_html.jsonl",
)
LISTS = ("agencies", "cited_agencies", "reporters", "editors")
EXACT = ("dateline_place", "agencies", "reporters", "editors")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", s).strip().casefold()


def _org(name: str) -> str:
    """An organisation name as compared: the agency table's canonical name, else folded without "the"."""
    from extractors.attribution_table import load_agency_table

    hit = load_agency_table().resolve(name)
    if hit:
        return hit[0].casefold()
    return re.sub(r"^the ", "", _fold(name))


def _outlet(name: str | None) -> str:
    s = re.sub(r"^the |\.(com|co\.uk|co\.za|com\.au|co)(\.\w\w)?$|[^a-z0-9]", "", _fold(name or ""))
    return s


def _norm(fld: str, values: list[str]) -> set[str]:
    return {(_org if fld in ("agencies", "cited_agencies") else _fold)(v) for v in values if v}


@dataclass
class Tally:
    pages: int = 0
    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LISTS, 0))
    fp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LISTS, 0))
    fn: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LISTS, 0))
    dateline: int = 0
    outlet: int = 0
    exact: int = 0

    def add(self, label: dict[str, Any], got: dict[str, Any]) -> list[str]:
        self.pages += 1
        wrong: list[str] = []
        for fld in LISTS:
            want, have = _norm(fld, label[fld]), _norm(fld, got.get(fld) or [])
            self.tp[fld] += len(want & have)
            self.fp[fld] += len(have - want)
            self.fn[fld] += len(want - have)
            if want != have:
                wrong.append(f"{fld}: want {sorted(want)} got {sorted(have)}")
        dl = _fold(label["dateline_place"] or "") == _fold(got.get("dateline_place") or "")
        self.dateline += dl
        if not dl:
            wrong.append(f"dateline: want {label['dateline_place']!r} got {got.get('dateline_place')!r}")
        out_ok = bool(_outlet(label["outlet"])) and (
            _outlet(label["outlet"]) == _outlet(got.get("outlet"))
            or _outlet(got.get("outlet")).startswith(_outlet(label["outlet"]))
            or _outlet(label["outlet"]).startswith(_outlet(got.get("outlet")) or "-")
        )
        self.outlet += out_ok
        if not out_ok:
            wrong.append(f"outlet: want {label['outlet']!r} got {got.get('outlet')!r}")
        self.exact += not any(
            w.split(":")[0] in ("agencies", "reporters", "editors", "dateline") for w in wrong
        )
        return wrong

    def prf(self, fld: str) -> tuple[float, float, float]:
        tp, fp, fn = self.tp[fld], self.fp[fld], self.fn[fld]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _prf_cell(p: float, r: float, f1: float) -> str:
    return f"{p:.2f}/{r:.2f}/{f1:.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="the shared corpus (dates/pages/, html/)"
    )
    ap.add_argument(
        "--misses", action="store_true", help="print the dev pages' differences (never the test pages')"
    )
    args = ap.parse_args()
    if not (args.corpus / "dates" / "pages").is_dir():
        print(f"no pages at {args.corpus}")
        return 1
    from kabar.parsecmd import parse_record

    labels = [
        json.loads(line)
        for path in LABELS
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    tallies: dict[str, Tally] = {}
    for label in labels:
        folder = args.corpus / ("html" if label.get("corpus") == "html" else "dates/pages")
        html = gzip.decompress((folder / f"{label['name']}.html.gz").read_bytes())
        got = parse_record(
            {"id": label["name"], "url": label["url"], "html": html.decode("utf-8", "replace")}
        )
        groups = [label["split"], f"{label['split']} ({label['text_language']} text)"]
        wrong: list[str] = []
        for g in groups:
            wrong = tallies.setdefault(g, Tally()).add(label, got)
        if args.misses and label["split"] == "dev" and wrong:
            print(f"DEV {label['name']}: " + " | ".join(wrong))
    head = f"{'split':22} {'pages':>5} " + " ".join(f"{f[:12]:>16}" for f in LISTS)
    print(head + f" {'dateline':>8} {'outlet':>6} {'exact':>6}")
    print(f"{'':28} " + " ".join(f"{'P / R / F1':>16}" for _ in LISTS))
    for name in sorted(tallies):
        t = tallies[name]
        cells = " ".join(f"{_prf_cell(*t.prf(f)):>16}" for f in LISTS)
        print(
            f"{name:22} {t.pages:5} {cells} {t.dateline / t.pages:8.2f} {t.outlet / t.pages:6.2f}"
            f" {t.exact / t.pages:6.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
