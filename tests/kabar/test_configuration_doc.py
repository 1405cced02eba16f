"""docs/configuration.md documents every setting (a new one fails here until it is described)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_with_its_default() -> None:
    documented = dict(re.findall(r"^\| `(KABAR_[A-Z_]+)` \| ([^|]+) \|", DOC, flags=re.M))
    for name, field in Settings.model_fields.items():
        var = f"KABAR_{name.upper()}"
        assert var in documented, f"{var} is not in docs/configuration.md"
        default = field.default
        shown = documented[var].strip().strip("`")
        if isinstance(default, bool):
            assert shown == str(default).lower(), (var, shown)
        elif isinstance(default, int | float | str) and default not in ("", 0):
            assert shown == str(default), (var, shown, default)


def test_every_variable_the_code_reads_is_documented() -> None:
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for pkg in ("kabar", "warehouse", "flows", "pipeline", "fetchers", "extractors", "records")
        for p in (ROOT / pkg).rglob("*.py")
    )
    read = set(re.findall(r"[\"'](KABAR_[A-Z][A-Z_]+)[\"']", code))
    missing = sorted(v for v in read if f"`{v}`" not in DOC)
    assert not missing, missing
