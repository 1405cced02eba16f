"""What the running flow knows about itself (through Prefect's run context)."""

from __future__ import annotations

import threading
import urllib.request
import uuid
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


# ---------------------------------------------------------------------------------------------------
# The Prefect server going away mid-run
#
# Kabar's data never depends on the Prefect server: batches load into the warehouse whether or not
# the server answers. But Prefect's client retries every call to a dead server (five times, with
# back-off) and drains its queued logs and events at exit, which took minutes. So a run notes when
# its work is stored (``note_stored``); from then on the CLI waits on Prefect only for a bounded
# time (``KABAR_PREFECT_GRACE``) before it reports and exits; and Kabar's own calls to the API
# (artifacts) are skipped when the server does not answer. The flow run the dead server still shows
# as Running is marked Crashed by the next run (``reconcile_flow_runs``).

_stored = threading.Event()
_stored_summary: dict[str, Any] | None = None


def note_stored(summary: dict[str, Any]) -> None:
    """The run's work is in the warehouse and its ``runs`` row closed; ``summary`` is its result."""
    global _stored_summary
    _stored_summary = summary
    _stored.set()


def stored_summary() -> dict[str, Any] | None:
    """The summary of the run whose work is stored, if one is (see :func:`note_stored`)."""
    return _stored_summary if _stored.is_set() else None


def wait_stored(timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for a run to note its work stored."""
    return _stored.wait(timeout)


def forget_stored() -> None:
    """Start afresh (a new command in the same process)."""
    global _stored_summary
    _stored_summary = None
    _stored.clear()


def prefect_api_url() -> str | None:
    """The API URL this process reports to, or None (an ephemeral in-process server)."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def prefect_answers(timeout: float = 2.0) -> bool:
    """Whether the Prefect server answers its health check within ``timeout`` seconds (always True
    without an API URL: an ephemeral server lives and dies with this process)."""
    url = prefect_api_url()
    if url is None:
        return True
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url.rstrip("/") + "/health", timeout=timeout) as reply:
            return bool(reply.status == 200)
    except (OSError, ValueError):  # refused, reset, timed out, HTTP error, a malformed URL
        return False


#: Prefect flow-run states that mean "still going": a run Kabar has closed should not be in one.
_OPEN_STATE_TYPES = ("RUNNING", "PENDING", "SCHEDULED", "PAUSED")


def reconcile_flow_runs(con: Any, *, run_id: str) -> int:
    """Mark Crashed the Prefect flow runs that Kabar's ``runs`` has closed (or found crashed) but
    the Prefect server still shows as running: their process lost the server before it could report
    the end, or was killed. Returns how many were marked. Never fails the run."""
    logger = get_run_logger()
    closed = warehouse.closed_flow_runs(con, exclude_run_id=run_id)
    if not closed:
        return 0
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import (
            FlowRunFilter,
            FlowRunFilterId,
            FlowRunFilterState,
            FlowRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType
        from prefect.states import Crashed

        wanted = {uuid.UUID(flow_run_id): state for flow_run_id, state in closed.items()}
        marked = 0
        with get_client(sync_client=True) as client:
            stale = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    id=FlowRunFilterId(any_=list(wanted)),
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType(t) for t in _OPEN_STATE_TYPES])
                    ),
                ),
                limit=len(wanted),
            )
            for fr in stale:
                ended = wanted[fr.id]
                client.set_flow_run_state(
                    fr.id,
                    Crashed(
                        message=f"Kabar's record of this run says {ended!r}: its process lost the "
                        "Prefect server (or was killed) before it could report the end. Marked by a "
                        "later run; see `kabar runs` for what it stored."
                    ),
                    force=True,
                )
                marked += 1
        if marked:
            logger.warning(
                "marked %d earlier flow run(s) Crashed: Kabar had closed them but Prefect still showed "
                "them running (their process lost the Prefect server or was killed)",
                marked,
            )
        return marked
    except Exception as exc:  # bookkeeping in the UI must never fail a run
        logger.warning("could not reconcile earlier flow runs with the Prefect server: %s", exc)
        return 0
