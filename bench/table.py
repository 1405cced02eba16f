"""The benches' closing table: one row per figure with its value, its target and a verdict."""

from __future__ import annotations

Row = tuple[str, str, str, bool | None]  # figure, value, target, verdict (None: report only)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def print_table(rows: list[Row], *, align_values: str = ">") -> None:
    """Print ``rows`` as aligned columns; ``align_values`` is ``>`` (right) or ``<`` (left)."""
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    print(f"\n{'figure':<{w0}}  {'value':{align_values}{w1}}  {'target':<{w2}}  verdict")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * w2}  -------")
    for name, value, target, ok in rows:
        print(f"{name:<{w0}}  {value:{align_values}{w1}}  {target:<{w2}}  {verdict(ok)}")
