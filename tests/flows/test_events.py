"""Prefect events for Automations: a broken source and a degraded run are announced on the event bus."""

from __future__ import annotations

import time
from pathlib import Path

from kabar.server import ServerInfo
from tests.support.localsite import LocalSite


def test_broken_source_and_degraded_run_emit_events(prefect_server: ServerInfo, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter

    from flows.ingest import ingest

    with LocalSite() as site:
        site.routes["/feed.xml"] = (500, {"Content-Type": "text/plain"}, b"down for maintenance")
        summary = ingest.with_options(retries=0)(
            warehouse_path=str(tmp_path / "kabar.ducklake"),
            feeds=[site.url("/feed.xml")],
            allowed_hosts=[f"127.0.0.1:{site.port}"],
        )
    assert summary["failed"] >= 1 and summary["new"] == 0
    wanted = {"kabar.source.broken", "kabar.run.degraded"}
    seen: dict[str, dict] = {}
    with get_client(sync_client=True) as client:
        for _ in range(30):  # events are shipped in the background
            page = client.read_events(filter=EventFilter(event=EventNameFilter(prefix=["kabar."])), limit=50)
            for e in page.events:
                if (
                    e.payload.get("run_id") == summary["run_id"]
                    or e.resource.id == f"kabar.run.{summary['run_id']}"
                ):
                    seen[e.event] = e.payload
            if wanted <= set(seen):
                break
            time.sleep(1)
    assert wanted <= set(seen), seen
    assert "broken" in seen["kabar.source.broken"]["message"]
    assert seen["kabar.run.degraded"]["warnings"]
