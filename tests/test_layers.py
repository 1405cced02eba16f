"""Imports go one way between the top-level packages (the layering README.md describes)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# each package and the packages it may import (below it)
ALLOWED: dict[str, set[str]] = {
    "kabar": {"flows", "pipeline", "extractors", "fetchers", "warehouse", "seeds", "records"},
    "flows": {"pipeline", "extractors", "fetchers", "warehouse", "seeds", "records"},
    "pipeline": {"extractors", "fetchers", "warehouse", "seeds", "records"},
    "warehouse": {"extractors", "seeds", "records"},
    "fetchers": {"extractors", "seeds", "records"},
    "extractors": {"seeds", "records"},
    "seeds": set(),
    "records": set(),  # shared record and error types: imports nothing of Kabar's
}


def _imports(pkg: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in (ROOT / pkg).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in ALLOWED and top != pkg:
                    found.add((top, str(path.relative_to(ROOT))))
    return found


def test_imports_go_one_way_between_top_level_packages() -> None:
    wrong = sorted(
        f"{where} imports {top}" for pkg in ALLOWED for top, where in _imports(pkg) if top not in ALLOWED[pkg]
    )
    assert not wrong, wrong


def test_the_allowed_graph_has_no_cycle() -> None:
    seen: set[str] = set()

    def visit(pkg: str, path: tuple[str, ...]) -> None:
        assert pkg not in path, " -> ".join((*path, pkg))
        if pkg in seen:
            return
        for nxt in ALLOWED[pkg]:
            visit(nxt, (*path, pkg))
        seen.add(pkg)

    for pkg in ALLOWED:
        visit(pkg, ())
