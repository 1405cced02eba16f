"""What the running flow knows about itself (through Prefect's run context)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prefect import get_run_logger
from prefect.context import FlowRunContext

import warehouse
from records.counts import RunCounts
from records.errors import WarehouseError


def run_time_limit() -> float | None:
    """The current flow run's time limit in seconds (``timeout_seconds``), None outside a run or without one."""
    ctx = FlowRunContext.get()
    flow = ctx.flow if ctx is not None else None
    limit = getattr(flow, "timeout_seconds", None)
    return float(limit) if limit else None


def close_run(
    con: Any,
    *,
    run_id: str,
    state: str,
    totals: RunCounts,
    per_source: Mapping[str, RunCounts],
    error: str | None,
) -> None:
    """``warehouse.finish_run``; when the run is already failing, a failure here (the disk that filled
    up, the catalog that went away) is logged and the run's first error is the one reported.  The
    ``runs`` row then stays ``running`` until the next run finds its process gone and marks it
    ``crashed``."""
    try:
        warehouse.finish_run(
            con, run_id=run_id, state=state, totals=totals, per_source=per_source, error=error
        )
    except WarehouseError as exc:
        if error is None:
            raise
        get_run_logger().warning("the run's record in `runs` could not be closed: %s", exc)
