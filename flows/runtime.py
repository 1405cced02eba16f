"""What the running flow knows about itself (through Prefect's run context)."""

from __future__ import annotations

from prefect.context import FlowRunContext


def run_time_limit() -> float | None:
    """The current flow run's time limit in seconds (``timeout_seconds``), None outside a run or without one."""
    ctx = FlowRunContext.get()
    flow = ctx.flow if ctx is not None else None
    limit = getattr(flow, "timeout_seconds", None)
    return float(limit) if limit else None
