"""Ingest throughput benchmark: bare trafilatura vs the whole Kabar pipeline (issues 2 and 6).

Run from the repo root (figures are printed; this is not a test)::

    .venv/bin/python bench/ingest_bench.py                   # 2,000 URLs, full run
    .venv/bin/python bench/ingest_bench.py --urls 500 --workers 2
    .venv/bin/python bench/ingest_bench.py --dry             # site + bare timing only (no kabar CLI)
    .venv/bin/python bench/ingest_bench.py --newspaper       # also newspaper4k, serially, on 300 URLs
    .venv/bin/python bench/ingest_bench.py --serve           # just serve the site (for manual runs)
    .venv/bin/python bench/ingest_bench.py --rss-scale 5000,20000   # memory vs number of URLs


Steps: serve the corpus pages on 127.0.0.1 under ``--urls`` distinct URLs (``bench/benchsite.py``);
time bare ``trafilatura.extract(page, fast=True, with_metadata=True)`` over the same bodies in this
one process; start a Prefect server for a fresh warehouse (timed, reported separately); run
``kabar ingest --sitemap … --allow-private`` cold as a subprocess while sampling the RSS of its
process tree every 0.2 s; read the run's flow time, article count and failures from the warehouse;
run it again (nothing new) and time that; estimate the Prefect bookkeeping share by timing
micro-flows of no-op tasks against the same server; print every figure beside its target.
``--rss-scale N1,N2,…`` instead runs one cold ingest per size (fresh warehouse each) and prints the
peak memory of the process tree (RSS sum, PSS sum, USS sum) for each size and the growth.
See ``bench/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
from benchsite import BenchSite, Page, load_pages  # noqa: E402
from table import Row, print_table  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PIPELINE_TARGET_ISSUE2 = 1.5  # pipeline pages/s >= 1.5 x bare single-process rate
PIPELINE_TARGET_ISSUE6 = 0.85  # pipeline pages/s >= 0.85 x cores x bare rate
DRIFT_WARN = 0.10  # a VM-speed change this large between the reference and the cold run is flagged
RERUN_TARGET_ISSUE2 = 0.10  # second run <= 10 % of the first
RERUN_TARGET_ISSUE6 = 0.05  # second run <= 5 % of the first
NEWSPAPER_TARGET = 3.0  # Kabar pages/s >= 3 x newspaper4k's (issue 6)
PREFECT_OVERHEAD_TARGET = 0.05  # Prefect flow + task bookkeeping <= 5 % of wall time (issue 6)
MEMORY_TARGET = 1 << 30  # peak memory of the ingest process tree <= 1 GiB (issue 6), judged on PSS
FLAT_TARGET = 1.25  # bench's reading of "flat": peak PSS at the largest size <= 1.25 x the smallest


# -- measurements ---------------------------------------------------------------------------------
@dataclass
class BareResult:
    pages: int
    seconds: float
    import_seconds: float
    empty: int  # pages trafilatura returned nothing for
    ok_by_page: dict[int, bool] = field(default_factory=dict)  # distinct page index -> got text

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


@dataclass
class MemPeak:
    """Peak memory of a process tree, bytes. Each figure is the maximum over samples of a sum."""

    rss: int = 0  # sum of RSS: pages shared by forked workers (copy-on-write) counted once per process
    pss: int = 0  # sum of PSS: each shared page split between the processes sharing it (honest total)
    uss: int = 0  # sum of USS: pages private to one process (lower bound)
    procs: int = 0  # most processes seen in the tree at once

    def update(self, rss: int, pss: int, uss: int, procs: int) -> None:
        self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
        self.uss, self.procs = max(self.uss, uss), max(self.procs, procs)


@dataclass
class RunResult:
    wall: float
    returncode: int
    peak_rss: int  # bytes, sum of RSS over the subprocess tree
    peak_server_rss: int  # bytes, the Prefect server tree (not a child of the CLI)
    stdout_tail: str
    mem: MemPeak = field(default_factory=MemPeak)  # the CLI tree: RSS / PSS / USS sums
    server_mem: MemPeak = field(default_factory=MemPeak)
    server_cpu: float | None = None  # CPU seconds the Prefect server used while the run lasted
    cpu: float | None = None  # CPU seconds of the CLI tree (it and its reaped workers)
    timeline: list[tuple[float, int, int]] = field(default_factory=list)  # (s, RSS sum, PSS sum)
    per_process: list[tuple[str, int]] = field(default_factory=list)  # (role, peak PSS)
    cpu_per_process: list[tuple[str, float]] = field(default_factory=list)  # (role, CPU-s, last sample)
    bench_cpu: float | None = None  # CPU-s of the bench process itself (site server + sampler)
    timed_out: bool = False
    flow_seconds: float | None = None
    run_row: dict[str, Any] = field(default_factory=dict)
    articles: int | None = None
    failures: list[tuple[str, str, int]] = field(default_factory=list)  # stage, error_class, n
    hits: Counter[str] = field(default_factory=Counter)
    load_before: str = ""
    load_after: str = ""


def loadavg() -> str:
    """The 1/5/15-minute load averages (other helpers share the machine)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _bare_share(site: BenchSite, n: int, k: int, procs: int, go: Any, done: Any) -> None:
    import trafilatura

    trafilatura.extract(site.body(0), fast=True, with_metadata=True)  # warm, not timed
    go.wait()
    for i in range(k, n, procs):
        trafilatura.extract(site.body(i), fast=True, with_metadata=True)
    done.put(k)


def time_bare_parallel(site: BenchSite, n: int, procs: int) -> float:
    """Bare trafilatura over the bodies of the first ``n`` URLs split over ``procs`` forked
    processes at once: pages/s by wall. Divided by ``procs`` x the 1-process rate it is how well
    the machine itself scales to all its cores (shared caches, memory bandwidth, a noisy
    neighbour): the ceiling of "pipeline / (cores x bare)" for a pipeline with no overhead at all."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    go, done = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_bare_share, args=(site, n, k, procs, go, done)) for k in range(procs)]
    for w in workers:
        w.start()
    time.sleep(2.0)  # let every process import and warm up
    t0 = time.perf_counter()
    go.set()
    for _ in workers:
        done.get(timeout=3600)
    wall = time.perf_counter() - t0
    for w in workers:
        w.join()
    return n / wall


def time_bare(site: BenchSite, n: int) -> BareResult:
    """Bare trafilatura over the bodies of the first ``n`` URLs, in this one process."""
    t0 = time.perf_counter()
    import trafilatura

    import_s = time.perf_counter() - t0
    trafilatura.extract(site.body(0), fast=True, with_metadata=True)  # warm lazy imports (not timed)
    empty = 0
    ok: dict[int, bool] = {}
    n_pages = len(site.pages)
    t0 = time.perf_counter()
    for i in range(n):
        out = trafilatura.extract(site.body(i), fast=True, with_metadata=True)
        got = bool(out and out.strip())
        empty += not got
        ok.setdefault(i % n_pages, got)
    return BareResult(n, time.perf_counter() - t0, import_s, empty, ok)


def vm_probe(site: BenchSite) -> float:
    """A VM-speed probe: pages/s of bare trafilatura over one cycle of the distinct pages (the
    first ``len(site.pages)`` bodies), in this process, a few seconds. Taken before and after the
    bare reference and before and after the cold pipeline run: on a shared VM the speed of a core
    can change by a third between the two phases, which moves "pipeline ÷ (cores × bare)" by as much."""
    return time_bare(site, len(site.pages)).rate


def _tree(pid: int) -> list[Any]:
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def tree_memory(
    pid: int,
    per_pid: dict[int, int] | None = None,
    cpu_pid: dict[int, float] | None = None,
    full: bool = True,
    procs: list[Any] | None = None,
) -> tuple[int, int, int, int]:
    """(RSS sum, PSS sum, USS sum, processes) over ``pid`` and its descendants.

    ``procs`` (psutil processes) stands in for the tree walk: listing descendants reads every
    ``/proc/<pid>/stat`` on the machine, so ``TreeSampler`` walks the tree once a second only.

    ``per_pid`` (if given) keeps each process's peak PSS; ``cpu_pid`` its latest CPU seconds.

    PSS/USS come from ``/proc/<pid>/smaps_rollup`` (psutil ``memory_full_info``); where that is
    not readable, or with ``full=False`` (RSS only: ``/proc/<pid>/statm``, cheap), the process's
    RSS stands in for both. Reading ``smaps_rollup`` makes the kernel walk the process's page
    tables: every 0.2 s over a 1 GB tree that cost the machine several per cent of a core (system
    time of this bench process, taken from the pipeline), so ``TreeSampler`` reads it once a second.
    """
    import psutil

    def sizes(p: Any) -> tuple[int, int, int] | None:
        """(RSS, PSS, USS) of one process; RSS for all three when PSS is not wanted or readable."""
        if full:
            try:
                info = p.memory_full_info()
                if per_pid is not None:
                    per_pid[p.pid] = max(per_pid.get(p.pid, 0), info.pss)
                return info.rss, info.pss, info.uss
            except psutil.AccessDenied:
                pass
            except psutil.Error:
                return None
        try:
            r = p.memory_info().rss
        except psutil.Error:
            return None
        return r, r, r

    rss = pss = uss = n = 0
    for p in _tree(pid) if procs is None else procs:
        got = sizes(p)
        if got is None:
            continue
        rss, pss, uss = rss + got[0], pss + got[1], uss + got[2]
        if cpu_pid is not None:
            try:
                t = p.cpu_times()
                cpu_pid[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        n += 1
    return rss, pss, uss, n


def tree_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds of ``pid`` and its live descendants (None if it is gone)."""
    import psutil

    if not pid:
        return None
    total = 0.0
    procs = _tree(pid)
    if not procs:
        return None
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


class TreeSampler:
    """Peak RSS/PSS/USS sums of a process tree (plus another tree), sampled every ``interval`` s."""

    def __init__(
        self, pid: int, other_pid: int | None = None, interval: float = 0.2, full_interval: float = 1.0
    ) -> None:
        self.pid, self.other_pid, self.interval, self.full_interval = pid, other_pid, interval, full_interval
        self.mem = MemPeak()
        self.other = MemPeak()
        self.timeline: list[tuple[float, int, int]] = []
        self.per_pid: dict[int, int] = {}  # peak PSS of each process of the main tree
        self.cpu_pid: dict[int, float] = {}  # CPU seconds of each process, as last sampled
        self.self_cpu: float | None = None  # this bench process (site server + sampler) during the run
        self.other_cpu: float | None = None
        self._cpu0: float | None = None
        self._t0 = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    @property
    def peak(self) -> int:  # the old name: RSS sum of the main tree
        return self.mem.rss

    @property
    def peak_other(self) -> int:
        return self.other.rss

    def _run(self) -> None:
        last_full = -1e9
        procs: list[Any] = []
        while not self._stop.is_set():
            now = time.perf_counter()
            if now - last_full >= self.full_interval:  # PSS/USS (smaps_rollup: not cheap)
                last_full = now
                procs = _tree(self.pid)  # the tree walk, once a second (see tree_memory)
                rss, pss, uss, n = tree_memory(self.pid, self.per_pid, self.cpu_pid, procs=procs)
                if n:
                    self.mem.update(rss, pss, uss, n)
                    self.timeline.append((now - self._t0, rss, pss))
                if self.other_pid:
                    self.other.update(*tree_memory(self.other_pid))
            else:  # RSS only: the peak RSS sum between two PSS samples
                rss, _, _, n = tree_memory(self.pid, cpu_pid=self.cpu_pid, full=False, procs=procs)
                if n:
                    self.mem.rss = max(self.mem.rss, rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._cpu0 = tree_cpu(self.other_pid)
        self._self0 = time.process_time()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.self_cpu = time.process_time() - self._self0
        cpu1 = tree_cpu(self.other_pid)
        if self._cpu0 is not None and cpu1 is not None:
            self.other_cpu = cpu1 - self._cpu0


def kabar_bin() -> Path:
    return VENV_BIN / "kabar"


def cli_ready() -> tuple[bool, str]:
    """Whether ``kabar ingest`` exists; with the reason when it does not."""
    exe = kabar_bin()
    if not exe.exists():
        return False, f"{exe} not found"
    proc = subprocess.run([str(exe), "ingest", "--help"], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        return False, (proc.stderr or proc.stdout).strip().splitlines()[-1:][0] if (
            proc.stderr or proc.stdout
        ) else "?"
    return True, proc.stdout


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    warehouse: Path, port: int, env: dict[str, str]
) -> tuple[float, str | None, int | None, str]:
    """``kabar server start``: (seconds, PREFECT_API_URL, server pid, output)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(kabar_bin()), "server", "start", "--warehouse", str(warehouse), "--port", str(port)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    secs = time.perf_counter() - t0
    out = proc.stdout + proc.stderr
    m = re.search(r"PREFECT_API_URL=(\S+)", out)
    pid_file = warehouse.parent / ".kabar-prefect" / "server.pid"
    pid = int(pid_file.read_text().strip()) if pid_file.is_file() else None
    if proc.returncode != 0:
        raise RuntimeError(f"kabar server start failed ({proc.returncode}):\n{out[-2000:]}")
    return secs, (m.group(1) if m else None), pid, out


def stop_server(warehouse: Path, port: int, env: dict[str, str]) -> None:
    subprocess.run(
        [str(kabar_bin()), "server", "stop", "--warehouse", str(warehouse), "--port", str(port)],
        capture_output=True,
        env=env,
        timeout=120,
    )


def read_warehouse(warehouse: Path, result: RunResult) -> None:
    """Flow time, counts, articles and failures of the latest run, from the warehouse itself."""
    import warehouse as wh

    con = wh.connect(warehouse, read_only=True)
    try:
        cur = con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
        cols = [d[0] for d in cur.description]
        row = cur.fetchone()
        if row is not None:
            result.run_row = dict(zip(cols, row, strict=True))
            started, finished = result.run_row.get("started_at"), result.run_row.get("finished_at")
            if started is not None and finished is not None:
                result.flow_seconds = (finished - started).total_seconds()
        result.articles = int(con.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]
        run_id = result.run_row.get("run_id")
        result.failures = [
            (str(s), str(c), int(n))
            for s, c, n in con.execute(
                "SELECT stage, error_class, count(*) FROM failures WHERE run_id = ? GROUP BY ALL ORDER BY 3 DESC",
                [run_id],
            ).fetchall()
        ]
    finally:
        con.close()


def run_ingest(
    cmd: list[str],
    env: dict[str, str],
    server_pid: int | None,
    warehouse: Path,
    timeout: float | None = None,
) -> RunResult:
    """Run ``cmd`` (a ``kabar ingest``), sampling its tree's memory; kill its group after ``timeout``."""
    load_before = loadavg()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=REPO, start_new_session=True
    )
    timed_out = False
    with TreeSampler(proc.pid, server_pid) as sampler:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its workers: its own session
            except ProcessLookupError:
                pass
            out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = out.decode("utf-8", "replace")
    result = RunResult(
        wall=wall,
        returncode=proc.returncode,
        peak_rss=sampler.mem.rss,
        peak_server_rss=sampler.other.rss,
        stdout_tail="\n".join(text.strip().splitlines()[-15:]),
        mem=sampler.mem,
        server_mem=sampler.other,
        server_cpu=sampler.other_cpu,
        # a killed CLI's workers are reaped by init, not by us: their CPU would be missing
        cpu=None if timed_out else (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime),
        timeline=sampler.timeline,
        per_process=[
            ("main" if pid == proc.pid else f"child {pid}", v) for pid, v in sorted(sampler.per_pid.items())
        ],
        cpu_per_process=[
            ("main" if pid == proc.pid else f"child {pid}", v) for pid, v in sorted(sampler.cpu_pid.items())
        ],
        bench_cpu=sampler.self_cpu,
        timed_out=timed_out,
        load_before=load_before,
        load_after=loadavg(),
    )
    try:
        read_warehouse(warehouse, result)
    except Exception as exc:  # report, don't hide: the warehouse may be missing or locked
        result.stdout_tail += f"\n[bench] could not read warehouse: {type(exc).__name__}: {exc}"
    return result


def time_newspaper(site: BenchSite, n: int) -> tuple[int, float, int]:
    """newspaper4k, serially, as its docs show: (pages, seconds, errors)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nltk missing, dateutil tz names: noise, not errors
        import newspaper

        errors = 0
        t0 = time.perf_counter()
        for i in range(n):
            try:
                art = newspaper.Article(site.url(i), fetch_images=False)
                art.download()
                art.parse()
            except Exception:  # e.g. lxml "All strings must be XML compatible" on one page
                errors += 1
        return n, time.perf_counter() - t0, errors


def self_check(site: BenchSite) -> str:
    """Fetch the index, urlsets and feed once; check the 304 path. Returns a one-line summary."""
    import xml.etree.ElementTree as ET

    def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
        req = urllib.request.Request(url, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, b"", dict(e.headers)

    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    status, body, headers = get(site.sitemap_index_url)
    children = [e.text or "" for e in ET.fromstring(body).iter(f"{ns}loc")]
    n_urls = 0
    for child in children:
        _, b, _ = get(child)
        n_urls += sum(1 for _ in ET.fromstring(b).iter(f"{ns}url"))
    again, _, _ = get(site.sitemap_index_url, {"If-None-Match": headers["ETag"]})
    _, feed, fh = get(site.feed_url)
    items = sum(1 for _ in ET.fromstring(feed).iter("item"))
    feed_again, _, _ = get(site.feed_url, {"If-None-Match": fh["ETag"]})
    site.reset_hits()
    if n_urls != site.n_urls or again != 304 or feed_again != 304:
        raise RuntimeError(f"bench site self-check failed: {n_urls} urls, 304s {again}/{feed_again}")
    return (
        f"sitemap index -> {len(children)} urlsets, {n_urls} URLs; feed {items} items; "
        f"If-None-Match -> {again}/{feed_again}"
    )


# -- Prefect bookkeeping --------------------------------------------------------------------------
@dataclass
class PrefectOverhead:
    """Client-side Prefect cost of one ingest run, estimated from micro-flows (see bench/README.md)."""

    task_counts: dict[str, int]  # task runs of the ingest flow run, by task name (from the API)
    task_run_time: float  # sum of the task runs' ``total_run_time`` (they overlap: not a cost)
    flow_run_time: float | None  # the flow run's ``total_run_time`` per the API
    cold_flow: float  # first flow with 0 tasks in this process (+ the 2 artifacts ingest writes)
    warm_flow: float  # median of later 0-task flows
    per_direct: float  # seconds per no-op task called directly (extract-batch, load-batch, discover)
    per_submit: float  # seconds per no-op task via .submit().result() (fetch-batch)
    k: int
    cpu_direct: float = 0.0  # CPU seconds of this process per direct task (background threads too)
    cpu_submit: float = 0.0
    cold_cpu: float = 0.0

    SUBMITTED = ("fetch-batch",)

    @property
    def n_tasks(self) -> int:
        return sum(self.task_counts.values())

    @property
    def n_submit(self) -> int:
        return sum(n for name, n in self.task_counts.items() if name in self.SUBMITTED)

    @property
    def estimate(self) -> float:
        """Flow start/finish (cold) + tasks × per-task cost; each the larger of wall and CPU time."""
        return (
            max(self.cold_flow, self.cold_cpu)
            + (self.n_tasks - self.n_submit) * max(self.per_direct, self.cpu_direct)
            + self.n_submit * max(self.per_submit, self.cpu_submit)
        )


def _quiet_prefect_console() -> None:
    """Hide Prefect's console lines during the micro-flows (the API log handler still ships them)."""
    import logging

    for handler in logging.getLogger().handlers:
        if type(handler).__name__ == "PrefectConsoleHandler":
            handler.setLevel(logging.WARNING)


def read_task_runs(flow_run_id: str, settle: float = 60.0) -> tuple[dict[str, int], float, float | None]:
    """Task runs of ``flow_run_id`` from the Prefect API: (count by name, sum of run time, flow run time).

    The server records task runs from events, after the fact: poll until the count holds still.
    """
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    flt = FlowRunFilter(id=FlowRunFilterId(any_=[UUID(flow_run_id)]))
    deadline = time.monotonic() + settle
    last = -1
    with get_client(sync_client=True) as client:
        while True:
            runs: list[Any] = []
            while True:
                page = client.read_task_runs(flow_run_filter=flt, limit=200, offset=len(runs))
                runs += page
                if len(page) < 200:
                    break
            if (len(runs) == last and runs) or time.monotonic() > deadline:
                break
            last = len(runs)
            time.sleep(3.0)
        flow_run = client.read_flow_run(UUID(flow_run_id))
    counts = Counter(str(r.name).rsplit("-", 1)[0] if r.name else "?" for r in runs)
    # task run names are "<task name>-<3 hex>"; task_key would do too but is longer
    run_time = sum(r.total_run_time.total_seconds() for r in runs if r.total_run_time)
    flow_time = flow_run.total_run_time.total_seconds() if flow_run.total_run_time else None
    return dict(counts), run_time, flow_time


def measure_prefect_overhead(
    flow_run_id: str | None, k: int = 50, repeats: int = 3, gap: float = 0.05
) -> PrefectOverhead:
    """Time micro-flows of ``k`` no-op tasks against the server in ``PREFECT_API_URL`` (this process).

    Each task call is timed on its own, ``gap`` s apart: ingest's tasks come a few seconds apart,
    so the server is never flooded; back-to-back no-op tasks would measure a saturated server.
    """
    from prefect import flow, task
    from prefect.artifacts import create_markdown_artifact, create_table_artifact
    from prefect.cache_policies import NO_CACHE
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect.utilities.annotations import quote

    @task(name="bench-noop", cache_policy=NO_CACHE)
    def noop(payload: list[int]) -> None:
        return None

    runner: Any = ThreadPoolTaskRunner(max_workers=3)  # as flows/ingest.py

    @flow(name="bench-prefect-overhead", task_runner=runner, log_prints=False)
    def micro(n_direct: int = 0, n_submit: int = 0) -> list[float]:
        payload: Any = quote(list(range(200)))  # like ingest: a quoted batch-sized argument
        calls: list[float] = []
        for i in range(n_direct + n_submit):
            t0 = time.perf_counter()
            if i < n_direct:
                noop(payload)
            else:
                noop.submit(payload).result()
            calls.append(time.perf_counter() - t0)
            time.sleep(gap)
        # the fixed per-run bookkeeping ingest also does: its two artifacts
        create_table_artifact(key="bench-overhead", table=[{"tasks": len(calls)}], description="bench")
        create_markdown_artifact(key="bench-overhead-md", markdown="# bench", description="bench")
        return calls

    def timed(n_direct: int, n_submit: int, settle: float = 1.0) -> tuple[float, float, float]:
        """(wall of the flow call, mean task call, CPU of this process over the call + ``settle`` s).

        Prefect ships task-run events and logs from background threads, partly after the call
        returns; the settle window lets their CPU show up (the bench's other threads are idle).
        """
        c0, t0 = time.process_time(), time.perf_counter()
        calls = micro(n_direct, n_submit)
        wall = time.perf_counter() - t0
        time.sleep(settle)
        return wall, (statistics.fmean(calls) if calls else 0.0), time.process_time() - c0

    def med(n_direct: int, n_submit: int) -> tuple[float, float, float]:
        got = [timed(n_direct, n_submit) for _ in range(repeats)]
        return (
            statistics.median(g[0] for g in got),
            statistics.median(g[1] for g in got),
            statistics.median(g[2] for g in got),
        )

    cold, _, cold_cpu = timed(0, 0)  # the first flow of a process, as `kabar ingest` runs exactly one
    _quiet_prefect_console()
    warm, _, warm_cpu = med(0, 0)
    _, per_direct, direct_cpu = med(k, 0)
    _, per_submit, submit_cpu = med(0, k)
    counts: dict[str, int] = {}
    run_time = 0.0
    flow_time: float | None = None
    if flow_run_id:
        counts, run_time, flow_time = read_task_runs(flow_run_id)
    return PrefectOverhead(
        task_counts=counts,
        task_run_time=run_time,
        flow_run_time=flow_time,
        cold_flow=cold,
        warm_flow=warm,
        per_direct=per_direct,
        per_submit=per_submit,
        k=k,
        cpu_direct=max(0.0, (direct_cpu - warm_cpu) / k),
        cpu_submit=max(0.0, (submit_cpu - warm_cpu) / k),
        cold_cpu=cold_cpu,
    )


def time_import(env: dict[str, str], module: str = "flows.ingest", repeats: int = 3) -> list[float]:
    """Wall seconds of ``python -c 'import <module>'`` (a fresh interpreter each time)."""
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], cwd=REPO, env=env, check=True, timeout=300)
        out.append(time.perf_counter() - t0)
    return out


# -- report ---------------------------------------------------------------------------------------
def mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n else "n/a"


def pss_by_quarter(r: RunResult) -> str:
    """Peak PSS sum in each quarter of the run's wall time: flat, or growing as URLs go by?"""
    if not r.timeline:
        return "n/a"
    peaks = [0, 0, 0, 0]
    for t, _rss, pss in r.timeline:
        q = min(3, int(4 * t / r.wall)) if r.wall else 0
        peaks[q] = max(peaks[q], pss)
    return " / ".join(f"{p / 1e6:.0f}" if p else "-" for p in peaks) + " MB"


def describe_run(label: str, r: RunResult, n_urls: int, cores: int = 1) -> None:
    flow = f"{r.flow_seconds:.1f} s" if r.flow_seconds is not None else "n/a"
    startup = f"{r.wall - r.flow_seconds:.1f} s" if r.flow_seconds is not None else "n/a"
    cpu = (
        f"{r.cpu:.0f} CPU-s ({r.cpu / (cores * r.wall):.0%} of {cores} cores)" if r.cpu and r.wall else "n/a"
    )
    srv_cpu = f"{r.server_cpu:.0f} CPU-s" if r.server_cpu is not None else "n/a"
    print(
        f"{label}: exit {r.returncode}{' (TIMED OUT, killed)' if r.timed_out else ''}; wall {r.wall:.1f} s = "
        f"flow {flow} + process start-up/teardown {startup}; {n_urls / r.wall:.1f} URLs/s by wall; "
        f"load avg {r.load_before} -> {r.load_after}"
    )
    print(
        f"   CLI tree: {cpu}; peak memory RSS sum {mb(r.mem.rss)}, PSS sum {mb(r.mem.pss)}, "
        f"USS sum {mb(r.mem.uss)} ({r.mem.procs} processes); PSS peak by quarter of the run {pss_by_quarter(r)}"
    )
    if r.per_process:
        main_pss = [v for role, v in r.per_process if role == "main"]
        kids = sorted((v for role, v in r.per_process if role != "main"), reverse=True)
        print(
            f"   peak PSS per process: main {mb(main_pss[0]) if main_pss else 'n/a'}; "
            f"{len(kids)} children (workers): " + ", ".join(mb(v) for v in kids[:6])
        )
    if r.cpu_per_process:
        main_cpu = [v for role, v in r.cpu_per_process if role == "main"]
        kid_cpu = sorted((v for role, v in r.cpu_per_process if role != "main"), reverse=True)
        per_url = (
            f"; per URL: main {1000 * main_cpu[0] / n_urls:.1f} ms, workers {1000 * sum(kid_cpu) / n_urls:.1f} ms"
            if main_cpu and n_urls
            else ""
        )
        bench_cpu = f"; bench process (site server + sampler) {r.bench_cpu:.0f} CPU-s" if r.bench_cpu else ""
        print(
            f"   CPU-s per process (last 0.2 s sample): main {main_cpu[0] if main_cpu else 0:.0f}; "
            f"workers " + ", ".join(f"{v:.0f}" for v in kid_cpu[:6]) + per_url + bench_cpu
        )
    print(
        f"   Prefect server (detached): RSS {mb(r.server_mem.rss)}, PSS {mb(r.server_mem.pss)}, "
        f"{srv_cpu} during the run"
    )
    counts = {
        k: r.run_row.get(k)
        for k in ("state", "discovered", "fetched", "new", "updated", "unchanged", "failed", "not_modified")
    }
    params = r.run_row.get("parameters")
    try:
        cap = json.loads(params).get("duckdb_memory_limit") if isinstance(params, str) else None
    except ValueError:
        cap = None
    print(f"   runs row: {counts}; DuckDB memory_limit (KABAR_LOAD_MEMORY_LIMIT): {cap or '?'}")
    print(f"   articles in warehouse: {r.articles}; site requests: {dict(r.hits)}")
    if r.failures:
        print("   failures: " + ", ".join(f"{s}/{c}: {n}" for s, c, n in r.failures[:10]))
    if r.returncode != 0:
        print("   output tail:\n" + "\n".join("      " + line for line in r.stdout_tail.splitlines()))


# -- orchestration --------------------------------------------------------------------------------
class BenchServer:
    """``kabar server start`` on a free port for a warehouse in ``tmp``; env for clients to use it."""

    def __init__(
        self, tmp: Path, load_memory_limit: str | None = None, search_after_ingest: bool = True
    ) -> None:
        tmp.mkdir(parents=True, exist_ok=True)
        self.warehouse = tmp / "b.ducklake"
        self.port = free_port()  # never attach to someone else's server on 4200
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "KABAR_"))}
        self.env["KABAR_PREFECT_PORT"] = str(self.port)
        if load_memory_limit is not None:  # else the runs use Kabar's default cap
            self.env["KABAR_LOAD_MEMORY_LIMIT"] = load_memory_limit
        if not search_after_ingest:
            self.env["KABAR_SEARCH_AFTER_INGEST"] = "false"
        self.pid: int | None = None
        self.start_seconds = 0.0
        self.api_url: str | None = None

    def __enter__(self) -> BenchServer:
        try:
            self.start_seconds, self.api_url, self.pid, _out = start_server(
                self.warehouse, self.port, self.env
            )
        except BaseException:
            stop_server(self.warehouse, self.port, self.env)  # a half-started one must not linger
            raise
        if self.api_url:
            # what `kabar ingest` itself sets when it finds the managed server (PREFECT_HOME beside
            # the warehouse, API URL, analytics off); with PREFECT_API_URL set it skips the probe
            from kabar.server import prefect_home_for, server_env

            self.env.update(server_env(prefect_home_for(self.warehouse), self.port))
            self.env["PREFECT_API_URL"] = self.api_url
        return self

    def __exit__(self, *exc: object) -> None:
        stop_server(self.warehouse, self.port, self.env)


def ingest_cmd(
    help_text: str, args: argparse.Namespace, site: BenchSite, warehouse: Path, port: int
) -> list[str]:
    discover = [f"--{args.via}", site.sitemap_index_url if args.via == "sitemap" else site.feed_url]
    cmd = [str(kabar_bin()), "ingest", *discover, "--warehouse", str(warehouse), "--allow-private"]
    if "--quiet" in help_text:  # ``ingest --help`` text: pass --quiet only once the CLI has it
        cmd.append("--quiet")
    if "--port" in help_text:
        cmd += ["--port", str(port)]
    if args.workers is not None:
        cmd += ["--workers", str(args.workers)]
    if args.batch_size is not None:
        cmd += ["--batch-size", str(args.batch_size)]
    return cmd


def expected_from(bare: BareResult, n_pages: int, n_urls: int) -> int:
    return sum(bare.ok_by_page.get(i % n_pages, True) for i in range(n_urls))


def rss_scale(
    args: argparse.Namespace, pages: list[Page], sizes: list[int], cores: int, help_text: str
) -> int:
    """One cold ingest per size into a fresh warehouse (one Prefect server); memory per size + growth."""
    tmp = Path(tempfile.mkdtemp(prefix="kabar-bench-rss-"))
    results: list[tuple[int, int, RunResult]] = []
    try:
        with BenchServer(tmp / "server", args.load_memory_limit, not args.no_search_after_ingest) as server:
            print(
                f"Prefect server start-up (not in any figure): {server.start_seconds:.1f} s; API {server.api_url}"
            )
            for n in sizes:
                with BenchSite(pages, n, per_sitemap=args.per_sitemap) as site:
                    print(f"\n== {n} URLs; site: {self_check(site)}", flush=True)
                    # which pages give text (for the expected article count): one cycle is enough
                    bare = time_bare(site, min(n, len(pages)))
                    expected = expected_from(bare, len(pages), n)
                    warehouse = tmp / f"n{n}" / "b.ducklake"
                    warehouse.parent.mkdir(parents=True)
                    cmd = ingest_cmd(help_text, args, site, warehouse, server.port)
                    print("$ " + " ".join(cmd), flush=True)
                    r = run_ingest(cmd, server.env, server.pid, warehouse, timeout=args.run_timeout)
                    r.hits = site.reset_hits()
                    describe_run(f"cold run, {n} URLs", r, n, cores)
                    results.append((n, expected, r))
                    shutil.rmtree(warehouse.parent, ignore_errors=True)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    rows: list[Row] = []
    for n, expected, r in results:
        complete = r.returncode == 0 and (r.articles or 0) >= 0.95 * expected
        note = "" if complete else " [run incomplete]"
        rows += [
            (
                f"{n} URLs: wall / URLs per s"
                + (" (articles loaded before the kill)" if r.timed_out else ""),
                f"{r.wall:.0f} s / {(r.articles or 0 if r.timed_out else n) / r.wall:.1f}",
                f"exit {r.returncode}{note}",
                None,
            ),
            (f"{n} URLs: articles", str(r.articles), f"= {expected}", r.articles == expected),
            (
                f"{n} URLs: peak RSS sum, CLI tree",
                mb(r.mem.rss),
                "(report: shared pages counted per process)",
                None,
            ),
            (
                f"{n} URLs: peak PSS sum, CLI tree",
                mb(r.mem.pss),
                f"<= {MEMORY_TARGET / 2**30:.0f} GiB (issue 6, judged on PSS){note}",
                r.mem.pss <= MEMORY_TARGET if r.mem.pss else None,
            ),
            (f"{n} URLs: peak USS sum, CLI tree", mb(r.mem.uss), "(report: private pages only)", None),
            (f"{n} URLs: PSS by quarter of run", pss_by_quarter(r), "(report: flat?)", None),
            (
                f"{n} URLs: Prefect server RSS / PSS",
                f"{mb(r.server_mem.rss)} / {mb(r.server_mem.pss)}",
                "(report)",
                None,
            ),
        ]
    if len(results) >= 2:
        (n0, _e0, r0), (n1, _e1, r1) = results[0], results[-1]
        if r0.mem.pss and r1.mem.pss:
            g = r1.mem.pss / r0.mem.pss
            ok = r0.returncode == r1.returncode == 0 and not r1.timed_out
            rows.append(
                (
                    f"peak PSS growth, {n1} ÷ {n0} URLs",
                    f"{g:.2f}x",
                    f"flat: <= {FLAT_TARGET}x (bench's reading; URLs x{n1 / n0:g})",
                    g <= FLAT_TARGET if ok else None,
                )
            )
        if r0.mem.rss and r1.mem.rss:
            rows.append(
                (
                    f"peak RSS-sum growth, {n1} ÷ {n0} URLs",
                    f"{r1.mem.rss / r0.mem.rss:.2f}x",
                    "(report)",
                    None,
                )
            )
    if rows:
        print_table(rows)
    return 0 if results and all(r.returncode == 0 for _n, _e, r in results) else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--urls", type=int, default=2000, help="distinct article URLs to serve (default 2000)")
    ap.add_argument("--workers", type=int, default=None, help="passed to kabar ingest --workers")
    ap.add_argument("--batch-size", type=int, default=None, help="passed to kabar ingest --batch-size")
    ap.add_argument(
        "--via", choices=("sitemap", "feed"), default="sitemap", help="how kabar discovers the URLs"
    )
    ap.add_argument("--per-sitemap", type=int, default=1000, help="URLs per urlset (<= 50,000)")
    ap.add_argument(
        "--bare-urls",
        type=int,
        default=None,
        help="bodies for the bare timing (default: all URLs up to 5,000, else 2,200 = 20 whole page cycles)",
    )
    ap.add_argument("--corpus", type=Path, default=None, help="pages folder (default: ../shared/corpus/html)")
    ap.add_argument("--dry", action="store_true", help="site self-check + bare timing only; no kabar CLI")
    ap.add_argument("--newspaper", action="store_true", help="also time newspaper4k serially")
    ap.add_argument(
        "--newspaper-urls", type=int, default=330, help="URLs for newspaper4k (default 330: 3 page cycles)"
    )
    ap.add_argument("--serve", action="store_true", help="serve the site until Ctrl-C and print its URLs")
    ap.add_argument("--keep", action="store_true", help="keep the temporary warehouse folder")
    ap.add_argument(
        "--no-search-after-ingest",
        action="store_true",
        help="KABAR_SEARCH_AFTER_INGEST=false for the runs (what the search-index rebuild costs)",
    )
    ap.add_argument(
        "--rss-scale",
        default=None,
        metavar="N1,N2,…",
        help="instead of the normal run: one cold ingest per size, fresh warehouse each; memory per size",
    )
    ap.add_argument("--run-timeout", type=float, default=1800.0, help="kill an ingest run after this (s)")
    ap.add_argument(
        "--load-memory-limit",
        default=None,
        help="KABAR_LOAD_MEMORY_LIMIT for the ingest runs (default: Kabar's default; 0 = no cap)",
    )
    ap.add_argument(
        "--overhead-tasks",
        type=int,
        default=50,
        help="no-op tasks per micro-flow for the Prefect overhead (0: skip)",
    )
    args = ap.parse_args(argv)
    if args.newspaper and importlib.util.find_spec("newspaper") is None:
        # checked first: the figure comes after several minutes of bare timing
        print("--newspaper needs newspaper4k: bash scripts/bootstrap.sh bench (installs Kabar[bench])")
        return 2

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    pages = load_pages(args.corpus)
    print(
        f"Kabar ingest bench: {len(pages)} distinct pages, "
        f"{args.rss_scale if args.rss_scale else args.urls} URLs, {cores} cores, "
        f"python {sys.version.split()[0]}; load avg {loadavg()}"
    )

    if args.rss_scale:
        sizes = [int(x) for x in args.rss_scale.split(",") if x.strip()]
        ready, why = cli_ready()
        if not ready:
            print(f"kabar CLI not ready ({why}); nothing measured")
            return 2
        return rss_scale(args, pages, sizes, cores, why)

    with BenchSite(pages, args.urls, per_sitemap=args.per_sitemap) as site:
        print("site: " + self_check(site))
        if args.serve:
            print(
                f"serving {site.base}\n  sitemap index: {site.sitemap_index_url}\n  feed: {site.feed_url}\nCtrl-C to stop"
            )
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0

        default_bare = args.urls if args.urls <= 5000 else 20 * len(pages)
        n_bare = min(args.bare_urls or default_bare, args.urls)
        print(
            f"bare trafilatura.extract(fast=True, with_metadata=True) over {n_bare} bodies (load avg {loadavg()}) …",
            flush=True,
        )
        probe_ref = [vm_probe(site)]
        bare = time_bare(site, n_bare)
        expected_articles = expected_from(bare, len(pages), args.urls)
        print(
            f"   {bare.rate:.1f} pages/s ({bare.seconds:.1f} s; import {bare.import_seconds:.2f} s; "
            f"{bare.empty} empty) -> expect about {expected_articles} articles of {args.urls} URLs; load avg {loadavg()}"
        )

        n_par = min(n_bare, 20 * len(pages))
        print(f"bare trafilatura in {cores} processes at once over {n_par} bodies …", flush=True)
        par_rate = time_bare_parallel(site, n_par, cores)
        scaling = par_rate / (cores * bare.rate)
        probe_ref.append(vm_probe(site))
        print(
            f"VM speed probe ({len(pages)} pages, 1 process) around the reference: "
            + " / ".join(f"{p:.1f}" for p in probe_ref)
            + " pages/s"
        )
        print(
            f"   {par_rate:.1f} pages/s = {scaling:.2f} x ({cores} x 1-process rate): the machine's own "
            f"scaling, the ceiling of pipeline ÷ (cores × bare); load avg {loadavg()}"
        )

        np_rate: float | None = None
        if args.newspaper:
            n_np = min(args.newspaper_urls, args.urls)
            print(f"newspaper4k download+parse, serial, {n_np} URLs …", flush=True)
            n, secs, errs = time_newspaper(site, n_np)
            np_rate = n / secs
            print(f"   {np_rate:.1f} pages/s ({secs:.1f} s, {errs} errors); load avg {loadavg()}")
            site.reset_hits()

        rows: list[Row] = [
            (
                "bare trafilatura, 1 process",
                f"{bare.rate:.1f} pages/s",
                f"(reference, {n_bare} bodies)",
                None,
            ),
        ]
        rows.append(
            (
                f"bare trafilatura, {cores} processes at once",
                f"{par_rate:.1f} pages/s",
                f"= {scaling:.2f} x cores x bare: the machine's ceiling for the ratio below",
                None,
            )
        )
        if np_rate is not None:
            rows.append(("newspaper4k serial", f"{np_rate:.1f} pages/s", "(reference)", None))

        if args.dry:
            print_table(rows)
            print("\n--dry: pipeline not run.")
            return 0
        ready, why = cli_ready()
        if not ready:
            print_table(rows)
            print(f"\nkabar CLI not ready ({why}); pipeline not run. Use --dry to silence this.")
            return 2

        tmp = Path(tempfile.mkdtemp(prefix="kabar-bench-"))
        overhead: PrefectOverhead | None = None
        overhead_error = ""
        try:
            with BenchServer(tmp, args.load_memory_limit, not args.no_search_after_ingest) as server:
                warehouse = server.warehouse
                print(
                    f"Prefect server start-up (not in the pipeline figures): {server.start_seconds:.1f} s; API {server.api_url}"
                )
                client_env = {k: v for k, v in server.env.items()}
                imports = time_import(client_env)
                print(
                    "`python -c 'import flows.ingest'`: "
                    + ", ".join(f"{t:.2f}" for t in imports)
                    + f" s (load avg {loadavg()})"
                )
                cmd = ingest_cmd(why, args, site, warehouse, server.port)
                print("$ " + " ".join(cmd), flush=True)

                probe_pipe = [vm_probe(site)]
                first = run_ingest(cmd, server.env, server.pid, warehouse, timeout=args.run_timeout)
                first.hits = site.reset_hits()
                probe_pipe.append(vm_probe(site))
                print(
                    "VM speed probe around the cold run: "
                    + " / ".join(f"{p:.1f}" for p in probe_pipe)
                    + " pages/s",
                    flush=True,
                )
                describe_run("first run (cold)", first, args.urls, cores)
                if first.returncode != 0 or first.articles is None:
                    print_table(rows)
                    print("\nthe first pipeline run failed; no pipeline figures.")
                    return 1
                second = run_ingest(cmd, server.env, server.pid, warehouse, timeout=args.run_timeout)
                second.hits = site.reset_hits()
                describe_run("second run (nothing new)", second, args.urls, cores)

                if args.overhead_tasks > 0:
                    print(
                        f"Prefect overhead: micro-flows of {args.overhead_tasks} no-op tasks in this process …",
                        flush=True,
                    )
                    os.environ.update({k: v for k, v in server.env.items() if k.startswith("PREFECT_")})
                    try:
                        overhead = measure_prefect_overhead(
                            str(first.run_row.get("flow_run_id") or "") or None, k=args.overhead_tasks
                        )
                    except Exception as exc:  # report it; the other figures stand
                        overhead_error = f"{type(exc).__name__}: {exc}"
                        print(f"   failed: {overhead_error}")
        finally:
            if args.keep:
                print(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)

        pipe_rate = args.urls / first.wall
        flow_rate = args.urls / first.flow_seconds if first.flow_seconds else None
        ratio = pipe_rate / bare.rate
        rerun = second.wall / first.wall
        rerun_flow = (
            second.flow_seconds / first.flow_seconds
            if first.flow_seconds and second.flow_seconds is not None
            else None
        )
        n_fail = sum(n for _, _, n in first.failures)
        drift = statistics.mean(probe_pipe) / statistics.mean(probe_ref)
        drifted = (
            f" [VM speed drifted {drift - 1:+.0%}: see the probe]" if abs(drift - 1) >= DRIFT_WARN else ""
        )
        # a run that lost its articles is fast for the wrong reason: no verdict on its speed
        valid = (first.articles or 0) >= 0.95 * expected_articles
        gate = "" if valid else " [n/a: run lost articles]"
        rows += [
            ("pipeline, cold (URLs / wall)", f"{pipe_rate:.1f} pages/s", f"{args.urls} URLs", None),
            (
                "pipeline, cold (URLs / flow time)",
                f"{flow_rate:.1f} pages/s" if flow_rate else "n/a",
                "",
                None,
            ),
            (
                "pipeline ÷ bare",
                f"{ratio:.2f}x",
                f">= {PIPELINE_TARGET_ISSUE2}x (issue 2){gate}",
                ratio >= PIPELINE_TARGET_ISSUE2 if valid else None,
            ),
            (
                "pipeline ÷ (cores × bare), by wall",
                f"{ratio / cores:.2f}",
                f">= {PIPELINE_TARGET_ISSUE6} (issue 6, {cores} cores){gate}{drifted}",
                ratio / cores >= PIPELINE_TARGET_ISSUE6 if valid else None,
            ),
            (
                "VM speed probe: reference / cold-run phase",
                f"{statistics.mean(probe_ref):.1f} / {statistics.mean(probe_pipe):.1f} pages/s "
                f"= drift {drift:.2f}",
                f"(report: mean of the probes before and after each phase; {DRIFT_WARN:.0%} or more "
                "makes the ratio above a reading of the VM as much as of Kabar)",
                None,
            ),
            (
                "pipeline ÷ (cores × bare), drift-corrected",
                f"{ratio / cores / drift:.2f}",
                "(report: bare rescaled by the probe's drift; the verdict stays on the raw ratio)",
                None,
            ),
            (
                "pipeline ÷ (cores × bare), by flow time",
                f"{flow_rate / bare.rate / cores:.2f}" if flow_rate else "n/a",
                "(report: start-up excluded)",
                None,
            ),
            (
                "CPU of the CLI tree, cold run",
                f"{first.cpu / (cores * first.wall):.0%}" if first.cpu else "n/a",
                f"(report: CPU-s ÷ ({cores} × wall))",
                None,
            ),
            ("first run wall / flow", f"{first.wall:.1f} / {first.flow_seconds or 0:.1f} s", "", None),
            ("second run wall / flow", f"{second.wall:.1f} / {second.flow_seconds or 0:.1f} s", "", None),
            (
                "second ÷ first, wall",
                f"{rerun:.1%}",
                f"<= {RERUN_TARGET_ISSUE2:.0%} (issue 2){gate}",
                rerun <= RERUN_TARGET_ISSUE2 if valid else None,
            ),
            (
                "second ÷ first, wall",
                f"{rerun:.1%}",
                f"<= {RERUN_TARGET_ISSUE6:.0%} (issue 6){gate}",
                rerun <= RERUN_TARGET_ISSUE6 if valid else None,
            ),
            (
                "second ÷ first, flow time",
                f"{rerun_flow:.1%}" if rerun_flow is not None else "n/a",
                f"<= {RERUN_TARGET_ISSUE6:.0%} (issue 6){gate}",
                rerun_flow <= RERUN_TARGET_ISSUE6 if valid and rerun_flow is not None else None,
            ),
            (
                "second run: pages fetched / 304s",
                f"{second.hits.get('page', 0)} / {second.hits.get('304', 0)}",
                "0 / >= 1 (nothing new)",
                second.hits.get("page", 0) == 0 and second.hits.get("304", 0) >= 1,
            ),
            (
                "articles in warehouse",
                str(first.articles),
                f"= {expected_articles} (URLs with text)",
                first.articles == expected_articles if first.articles is not None else None,
            ),
            (
                "failures recorded (first run)",
                str(n_fail),
                f"= {args.urls - expected_articles}",
                n_fail == args.urls - expected_articles,
            ),
            (
                "exit codes",
                f"{first.returncode}/{second.returncode}",
                "0/0",
                first.returncode == second.returncode == 0,
            ),
            (
                "peak PSS sum, CLI process tree",
                mb(first.mem.pss),
                f"<= {MEMORY_TARGET / 2**30:.0f} GiB (issue 6; judged on PSS)",
                first.mem.pss <= MEMORY_TARGET if first.mem.pss else None,
            ),
            (
                "peak RSS sum, CLI process tree",
                mb(first.mem.rss),
                "(report: shared copy-on-write pages counted per process)",
                None,
            ),
            ("peak USS sum, CLI process tree", mb(first.mem.uss), "(report: private pages only)", None),
            (
                "peak RSS / PSS, Prefect server",
                f"{mb(first.server_mem.rss)} / {mb(first.server_mem.pss)}",
                "(report: detached, not in the tree)",
                None,
            ),
        ]
        if overhead is not None:
            est = overhead.estimate
            share = est / first.wall
            by_name = ", ".join(f"{k} {v}" for k, v in sorted(overhead.task_counts.items()))
            rows += [
                (
                    "Prefect task runs, cold run",
                    str(overhead.n_tasks),
                    f"(report: {by_name or 'API gave none'})",
                    None,
                ),
                (
                    "Prefect per-task cost, direct / submit",
                    f"{overhead.per_direct * 1000:.0f} / {overhead.per_submit * 1000:.0f} ms wall, "
                    f"{overhead.cpu_direct * 1000:.0f} / {overhead.cpu_submit * 1000:.0f} ms CPU",
                    f"(mean call in micro-flows of {overhead.k} no-op tasks, 50 ms apart; CPU per task)",
                    None,
                ),
                (
                    "Prefect flow start+finish, cold / warm",
                    f"{overhead.cold_flow:.2f} / {overhead.warm_flow:.2f} s wall, {overhead.cold_cpu:.2f} s CPU cold",
                    "(0-task flow + 2 artifacts; cold one counted)",
                    None,
                ),
                (
                    "Prefect bookkeeping ÷ cold wall",
                    f"{share:.1%} ({est:.1f} s)",
                    f"<= {PREFECT_OVERHEAD_TARGET:.0%} (issue 6; client-side estimate)",
                    share <= PREFECT_OVERHEAD_TARGET,
                ),
            ]
        elif overhead_error:
            rows.append(("Prefect bookkeeping ÷ cold wall", "n/a", f"(failed: {overhead_error[:60]})", None))
        if first.server_cpu is not None:
            rows.append(
                (
                    "Prefect server CPU during cold run",
                    f"{first.server_cpu:.1f} CPU-s = {first.server_cpu / (cores * first.wall):.1%}",
                    f"(report: of {cores} cores × wall; taken from the workers)",
                    None,
                )
            )
        rows += [
            (
                "start-up: python -c 'import flows.ingest'",
                f"{statistics.median(imports):.2f} s",
                "(report: median of 3; no server involved)",
                None,
            ),
            (
                "start-up+teardown (wall − flow), cold / second",
                f"{first.wall - (first.flow_seconds or 0):.1f} / {second.wall - (second.flow_seconds or 0):.1f} s",
                "(report)",
                None,
            ),
        ]
        if np_rate is not None:
            k_np = pipe_rate / np_rate
            rows.append(
                (
                    "Kabar ÷ newspaper4k",
                    f"{k_np:.1f}x",
                    f">= {NEWSPAPER_TARGET:g}x (issue 6){gate}",
                    k_np >= NEWSPAPER_TARGET if valid else None,
                )
            )
        print(f"\nload avg at the end: {loadavg()}")
        print_table(rows)
        return 0 if first.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
