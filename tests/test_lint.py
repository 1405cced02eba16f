"""Style gates from pyproject.toml: ruff (lint + format) and mypy over the packages and the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint_and_format():
    lint = _run(str(BIN / "ruff"), "check", ".")
    assert lint.returncode == 0, lint.stdout[-4000:]
    fmt = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout[-4000:]


@pytest.mark.slow
def test_mypy_packages():
    out = _run(
        str(BIN / "mypy"),
        "extractors",
        "fetchers",
        "warehouse",
        "pipeline",
        "kabar",
        "flows",
        "records",
        "tests",
    )
    assert out.returncode == 0, out.stdout[-4000:]
