"""Warnings of Kabar's own modules reach the flow run's logs in Prefect (not only a terminal)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from uuid import UUID

from kabar.server import ServerInfo

SCRIPT = """
import logging
import flows  # what every Kabar process imports before running a flow
from prefect import flow

@flow(name="kabar-log-probe")
def probe():
    logging.getLogger("warehouse.seeds").warning("seed file probe.csv not found; sources left unchanged")
    from prefect.runtime import flow_run
    return flow_run.id

print(probe())
"""


def test_module_warnings_are_in_the_run_logs(prefect_server: ServerInfo) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    env = {
        k: v for k, v in os.environ.items() if k != "PREFECT_LOGGING_EXTRA_LOGGERS"
    }  # as a fresh shell has it
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=180, env=env)
    assert out.returncode == 0, out.stderr
    run_id = out.stdout.strip().splitlines()[-1]
    messages: list[str] = []
    with get_client(sync_client=True) as client:
        for _ in range(30):  # logs are shipped in the background
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[UUID(run_id)])))
            messages = [log.message for log in logs]
            if any("probe.csv" in m for m in messages):
                break
            time.sleep(1)
    assert any("seed file probe.csv not found" in m for m in messages), messages
