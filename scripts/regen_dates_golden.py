"""Write ``published.actual.jsonl`` beside ``tests/fixtures/dates/published.jsonl`` for review.

The expectations in ``published.jsonl`` are human labels and are never written here: this prints
each page's current output next to them, so a reviewer sees what a change to the date rules moved.

    .venv/bin/python scripts/regen_dates_golden.py          # write the actuals, print differences
    .venv/bin/python scripts/regen_dates_golden.py --clean  # remove them
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kabar.parsecmd import parse_record  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "dates"
FIELDS = ("published_at", "published_local", "published_date", "published_granularity", "published_at_source")


def main(argv: list[str]) -> int:
    actual = FIXTURES / "published.actual.jsonl"
    if "--clean" in argv:
        actual.unlink(missing_ok=True)
        return 0
    lines = []
    differing = 0
    for line in (FIXTURES / "published.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        html = gzip.decompress((FIXTURES / case["file"]).read_bytes()).decode("utf-8", "replace")
        out = parse_record({"url": case["url"], "html": html, "fetched_at": case["fetched_at"]})
        got = {k: out.get(k) for k in FIELDS}
        lines.append(json.dumps({"file": case["file"], "got": got}, ensure_ascii=False))
        changed = [k for k, v in case["expect"].items() if k != "published_at" and got.get(k) != v]
        if changed:
            differing += 1
            want = case["expect"]
            notes = ", ".join(f"{k} {got.get(k)!r} (label {want[k]!r})" for k in changed)
            print(f"{case['file']}: {notes}")
    actual.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{len(lines)} pages, {differing} differ from the labels (published_at: compare instants); wrote {actual}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
