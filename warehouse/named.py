"""Named read queries: the ``warehouse/queries/*.sql`` files, for the CLI, reports and SQL users."""

from __future__ import annotations

from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent / "queries"


def query_names() -> list[str]:
    """Names (file stems) of the stored queries."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def read_query(name: str) -> str:
    """The SQL text of ``queries/<name>.sql``; unknown names raise ``KeyError``."""
    if name not in query_names():
        raise KeyError(f"no stored query {name!r}; known: {', '.join(query_names())}")
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


__all__ = ["QUERIES_DIR", "query_names", "read_query"]
