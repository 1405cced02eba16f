"""The Prefect UI shows a real ``ingest`` flow run and its artifacts (headless Chromium).

Drives Debian's ``/usr/bin/chromium`` over the DevTools protocol (``websockets``, already a Prefect
dependency): open the flow-run page of a completed run, check the run name is shown, click the
Artifacts tab, check the artifact is listed, keep a screenshot in ``tests/output/``. ``--dump-dom``
is not enough here: the page ignores ``?tab=Artifacts`` (the tab is hidden until the run has loaded,
so it falls back to Logs), so the tab has to be clicked.

Skips cleanly when chromium is not installed.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kabar.server import ServerInfo

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
OUTPUT_DIR = Path(__file__).resolve().parents[1] / "output"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1400,900",
    "--run-all-compositor-stages-before-draw",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


class DevTools:
    """A minimal synchronous DevTools-protocol client attached to one page target."""

    def __init__(self, ws_url: str) -> None:
        from websockets.sync.client import connect

        self._ws = connect(ws_url, max_size=64 * 1024 * 1024, open_timeout=20)
        self._ids = itertools.count(1)
        self.session: str | None = None

    def call(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        msg_id = next(self._ids)
        msg: dict[str, Any] = {"id": msg_id, "method": method, "params": params}
        if self.session is not None:
            msg["sessionId"] = self.session
        self._ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"DevTools {method} got no answer in {timeout} s")
            reply = json.loads(self._ws.recv(timeout=remaining))
            if reply.get("id") == msg_id:  # events and other replies are skipped
                if "error" in reply:
                    raise RuntimeError(f"DevTools {method} failed: {reply['error']}")
                return dict(reply.get("result", {}))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for_text(self, needles: list[str], timeout: float) -> str:
        """Poll ``document.body.innerText`` until it contains every needle; return the last text."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.evaluate("document.body ? document.body.innerText : ''") or ""
            if all(n in text for n in needles):
                return text
            time.sleep(0.5)
        return text

    def close(self) -> None:
        self._ws.close()


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[DevTools]:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    log = open(tmp_path / "chromium.log", "wb")
    proc = subprocess.Popen(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    devtools: DevTools | None = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (tmp_path / "chromium.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"chromium did not open its DevTools port:\n{tail}")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        devtools = DevTools(f"ws://127.0.0.1:{port}{path}")
        target = devtools.call("Target.createTarget", url="about:blank")["targetId"]
        devtools.session = devtools.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        devtools.call("Page.enable")
        devtools.call("Runtime.enable")
        yield devtools
    finally:
        if devtools is not None:
            devtools.close()
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(timeout=10)
        log.close()


def _run_ingest_on_demo_site(tmp_path: Path) -> tuple[str, str]:
    """Run the real ``ingest`` flow on the bundled demo site; return (flow-run id, flow-run name)."""
    from prefect.client.orchestration import get_client

    from flows.ingest import ingest
    from kabar.demo import DemoSite

    with DemoSite(port=0) as site:
        summary = ingest(
            warehouse_path=str(tmp_path / "ui.ducklake"),
            sources=["demo"],
            base_url=site.base,
            allowed_hosts=[site.host_port],
        )
    assert summary["state"] == "completed" and summary["new"] > 0
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(summary["flow_run_id"])
    return str(run.id), run.name


def test_flow_run_page_shows_run_and_table_artifact(
    prefect_server: ServerInfo, browser: DevTools, tmp_path: Path
) -> None:
    key = "ingest-per-source"
    run_id, run_name = _run_ingest_on_demo_site(tmp_path)

    began = time.monotonic()
    browser.call("Page.navigate", url=f"{prefect_server.ui_url}/runs/flow-run/{run_id}")
    text = browser.wait_for_text([run_name, "Completed", "Artifacts"], timeout=60)
    assert run_name in text, f"run name {run_name!r} not shown; page text:\n{text[:2000]}"
    assert "Completed" in text
    assert key not in text  # the Logs tab is open: the artifact card is not on the page yet

    clicked = browser.evaluate(
        "(() => { const t = document.getElementById('artifacts'); if (!t) return false; t.click(); return true; })()"
    )
    assert clicked, "no Artifacts tab on the flow-run page"
    text = browser.wait_for_text([key, "ingest-summary"], timeout=30)
    elapsed = time.monotonic() - began
    time.sleep(1.0)  # let the fade-in finish before the screenshot
    shot = browser.call("Page.captureScreenshot", format="png")["data"]
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    png = OUTPUT_DIR / "prefect-ui-flow-run-artifacts.png"
    png.write_bytes(base64.b64decode(shot))
    print(f"UI page + Artifacts tab rendered in {elapsed:.1f} s; screenshot {png}")

    assert key in text, f"artifact {key!r} not listed on the Artifacts tab; page text:\n{text[:2000]}"
    assert "ingest-summary" in text  # the markdown summary artifact's card
    assert run_name in text
    assert png.stat().st_size > 10_000
