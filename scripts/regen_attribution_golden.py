"""Write ``*.actual.json`` beside each attribution golden ``*.expected.json`` for review diffs.

The ``.expected.json`` files are human labels and are never written here.  Usage::

    .venv/bin/python scripts/regen_attribution_golden.py          # write actuals, print a diff summary
    .venv/bin/python scripts/regen_attribution_golden.py --clean  # remove the actuals
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.attribution import parse_attribution, to_label_dict  # noqa: E402

GOLDEN = ROOT / "tests" / "fixtures" / "attribution" / "golden"


def golden_text(fixture_dir: Path, file: str) -> str:
    path = fixture_dir / file
    if file.endswith(".html.gz"):
        import trafilatura

        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        return trafilatura.extract(html, fast=True) or ""
    return path.read_text(encoding="utf-8")


def main(argv: list[str]) -> int:
    differing = 0
    for exp_path in sorted(GOLDEN.glob("*.expected.json")):
        act_path = exp_path.with_name(exp_path.name.replace(".expected.json", ".actual.json"))
        if "--clean" in argv:
            act_path.unlink(missing_ok=True)
            continue
        spec = json.loads(exp_path.read_text(encoding="utf-8"))
        inp = spec["input"]
        text = golden_text(GOLDEN.parent, inp["file"])
        a = parse_attribution(
            text, url=inp.get("url"), outlet=inp.get("outlet"), language=inp.get("language")
        )
        actual = {**to_label_dict(a), "flags": list(a.flags), "evidence": [list(e) for e in a.evidence]}
        act_path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        diff = {k: (actual[k], v) for k, v in spec["expected"].items() if actual[k] != v}
        if diff:
            differing += 1
            print(f"{exp_path.name}: {diff}")
    if "--clean" not in argv:
        print(f"{differing} golden file(s) differ from their labels")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
