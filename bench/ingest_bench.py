"""Ingest throughput benchmark: bare trafilatura vs the whole Kabar pipeline (issues 2 and 6).

Run from the repo root (figures are printed; this is not a test)::

    .venv/bin/python bench/ingest_bench.py                   # 2,000 URLs, full run
    .venv/bin/python bench/ingest_bench.py --urls 500 --workers 2
    .venv/bin/python bench/ingest_bench.py --dry             # site + bare timing only (no kabar CLI)
    .venv/bin/python bench/ingest_bench.py --newspaper       # also newspaper4k, serially, on 300 URLs
    .venv/bin/python bench/ingest_bench.py --serve           # just serve the site (for manual runs)

Steps: serve the corpus pages on 127.0.0.1 under ``--urls`` distinct URLs (``bench/benchsite.py``);
time bare ``trafilatura.extract(page, fast=True, with_metadata=True)`` over the same bodies in this
one process; start a Prefect server for a fresh warehouse (timed, reported separately); run
``kabar ingest --sitemap … --allow-private`` cold as a subprocess while sampling the RSS of its
process tree every 0.2 s; read the run's flow time, article count and failures from the warehouse;
run it again (nothing new) and time that; print every figure beside its target.
See ``bench/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
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
from benchsite import BenchSite, load_pages  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PIPELINE_TARGET_ISSUE2 = 1.5  # pipeline pages/s >= 1.5 x bare single-process rate
PIPELINE_TARGET_ISSUE6 = 0.85  # pipeline pages/s >= 0.85 x cores x bare rate
RERUN_TARGET_ISSUE2 = 0.10  # second run <= 10 % of the first
RERUN_TARGET_ISSUE6 = 0.05  # second run <= 5 % of the first


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
class RunResult:
    wall: float
    returncode: int
    peak_rss: int  # bytes, sum over the subprocess tree
    peak_server_rss: int  # bytes, the Prefect server tree (not a child of the CLI)
    stdout_tail: str
    flow_seconds: float | None = None
    run_row: dict[str, Any] = field(default_factory=dict)
    articles: int | None = None
    failures: list[tuple[str, str, int]] = field(default_factory=list)  # stage, error_class, n
    hits: Counter[str] = field(default_factory=Counter)


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


class TreeSampler:
    """Peak summed RSS of a process and its descendants (plus another tree), sampled every 0.2 s."""

    def __init__(self, pid: int, other_pid: int | None = None, interval: float = 0.2) -> None:
        self.pid, self.other_pid, self.interval = pid, other_pid, interval
        self.peak = 0
        self.peak_other = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    @staticmethod
    def _tree_rss(pid: int) -> int:
        import psutil

        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._tree_rss(self.pid))
            if self.other_pid:
                self.peak_other = max(self.peak_other, self._tree_rss(self.other_pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


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
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
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


def run_ingest(cmd: list[str], env: dict[str, str], server_pid: int | None, warehouse: Path) -> RunResult:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    with TreeSampler(proc.pid, server_pid) as sampler:
        out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    text = out.decode("utf-8", "replace")
    result = RunResult(
        wall=wall,
        returncode=proc.returncode,
        peak_rss=sampler.peak,
        peak_server_rss=sampler.peak_other,
        stdout_tail="\n".join(text.strip().splitlines()[-15:]),
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


# -- report ---------------------------------------------------------------------------------------
def mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n else "n/a"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def print_table(rows: list[tuple[str, str, str, bool | None]]) -> None:
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    print(f"\n{'figure':<{w0}}  {'value':>{w1}}  {'target':<{w2}}  verdict")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * w2}  -------")
    for name, value, target, ok in rows:
        print(f"{name:<{w0}}  {value:>{w1}}  {target:<{w2}}  {verdict(ok)}")


def describe_run(label: str, r: RunResult, n_urls: int) -> None:
    flow = f"{r.flow_seconds:.1f} s" if r.flow_seconds is not None else "n/a"
    startup = f"{r.wall - r.flow_seconds:.1f} s" if r.flow_seconds is not None else "n/a"
    print(
        f"{label}: exit {r.returncode}; wall {r.wall:.1f} s = flow {flow} + process start-up/teardown {startup}; "
        f"{n_urls / r.wall:.1f} URLs/s by wall; peak RSS tree {mb(r.peak_rss)} (Prefect server {mb(r.peak_server_rss)})"
    )
    counts = {
        k: r.run_row.get(k)
        for k in ("state", "discovered", "fetched", "new", "updated", "unchanged", "failed", "not_modified")
    }
    print(f"   runs row: {counts}")
    print(f"   articles in warehouse: {r.articles}; site requests: {dict(r.hits)}")
    if r.failures:
        print("   failures: " + ", ".join(f"{s}/{c}: {n}" for s, c, n in r.failures[:10]))
    if r.returncode != 0:
        print("   output tail:\n" + "\n".join("      " + line for line in r.stdout_tail.splitlines()))


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
        "--bare-urls", type=int, default=None, help="bodies for the bare timing (default: all URLs)"
    )
    ap.add_argument("--corpus", type=Path, default=None, help="pages folder (default: ../shared/corpus/html)")
    ap.add_argument("--dry", action="store_true", help="site self-check + bare timing only; no kabar CLI")
    ap.add_argument("--newspaper", action="store_true", help="also time newspaper4k serially")
    ap.add_argument("--newspaper-urls", type=int, default=300)
    ap.add_argument("--serve", action="store_true", help="serve the site until Ctrl-C and print its URLs")
    ap.add_argument("--keep", action="store_true", help="keep the temporary warehouse folder")
    args = ap.parse_args(argv)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    pages = load_pages(args.corpus)
    print(
        f"Kabar ingest bench: {len(pages)} distinct pages, {args.urls} URLs, {cores} cores, python {sys.version.split()[0]}"
    )

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

        n_bare = min(args.bare_urls or args.urls, args.urls)
        print(f"bare trafilatura.extract(fast=True, with_metadata=True) over {n_bare} bodies …", flush=True)
        bare = time_bare(site, n_bare)
        expected_articles = sum(bare.ok_by_page.get(i % len(pages), True) for i in range(args.urls))
        print(
            f"   {bare.rate:.1f} pages/s ({bare.seconds:.1f} s; import {bare.import_seconds:.2f} s; "
            f"{bare.empty} empty) -> expect about {expected_articles} articles of {args.urls} URLs"
        )

        np_rate: float | None = None
        if args.newspaper:
            n_np = min(args.newspaper_urls, args.urls)
            print(f"newspaper4k download+parse, serial, {n_np} URLs …", flush=True)
            n, secs, errs = time_newspaper(site, n_np)
            np_rate = n / secs
            print(f"   {np_rate:.1f} pages/s ({secs:.1f} s, {errs} errors)")
            site.reset_hits()

        rows: list[tuple[str, str, str, bool | None]] = [
            ("bare trafilatura, 1 process", f"{bare.rate:.1f} pages/s", "(reference)", None),
        ]
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
        warehouse = tmp / "b.duckdb"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "KABAR_"))}
        port = free_port()  # never attach to someone else's server on 4200
        env["KABAR_PREFECT_PORT"] = str(port)
        try:
            secs, api_url, server_pid, _out = start_server(warehouse, port, env)
            print(f"Prefect server start-up (not in the pipeline figures): {secs:.1f} s; API {api_url}")
            if api_url:
                env["PREFECT_API_URL"] = api_url
            discover = [f"--{args.via}", site.sitemap_index_url if args.via == "sitemap" else site.feed_url]
            cmd = [
                str(kabar_bin()),
                "ingest",
                *discover,
                "--warehouse",
                str(warehouse),
                "--allow-private",
            ]
            if "--quiet" in why:  # ``ingest --help`` text: pass --quiet only once the CLI has it
                cmd.append("--quiet")
            if "--port" in why:
                cmd += ["--port", str(port)]
            if args.workers is not None:
                cmd += ["--workers", str(args.workers)]
            if args.batch_size is not None:
                cmd += ["--batch-size", str(args.batch_size)]
            print("$ " + " ".join(cmd), flush=True)

            first = run_ingest(cmd, env, server_pid, warehouse)
            first.hits = site.reset_hits()
            describe_run("first run (cold)", first, args.urls)
            if first.returncode != 0 or first.articles is None:
                print_table(rows)
                print("\nthe first pipeline run failed; no pipeline figures.")
                return 1
            second = run_ingest(cmd, env, server_pid, warehouse)
            second.hits = site.reset_hits()
            describe_run("second run (nothing new)", second, args.urls)
        finally:
            stop_server(warehouse, port, env)
            if args.keep:
                print(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)

        pipe_rate = args.urls / first.wall
        flow_rate = args.urls / first.flow_seconds if first.flow_seconds else None
        ratio = pipe_rate / bare.rate
        rerun = second.wall / first.wall
        n_fail = sum(n for _, _, n in first.failures)
        # a run that lost its articles is fast for the wrong reason: no verdict on its speed
        valid = (first.articles or 0) >= 0.95 * expected_articles
        gate = "" if valid else " [n/a: run lost articles]"
        rows += [
            ("pipeline, cold (URLs / wall)", f"{pipe_rate:.1f} pages/s", "", None),
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
                "pipeline ÷ (cores × bare)",
                f"{ratio / cores:.2f}",
                f">= {PIPELINE_TARGET_ISSUE6} (issue 6, {cores} cores){gate}",
                ratio / cores >= PIPELINE_TARGET_ISSUE6 if valid else None,
            ),
            ("first run wall", f"{first.wall:.1f} s", "", None),
            ("second run wall", f"{second.wall:.1f} s", "", None),
            (
                "second ÷ first",
                f"{rerun:.1%}",
                f"<= {RERUN_TARGET_ISSUE2:.0%} (issue 2){gate}",
                rerun <= RERUN_TARGET_ISSUE2 if valid else None,
            ),
            (
                "second ÷ first",
                f"{rerun:.1%}",
                f"<= {RERUN_TARGET_ISSUE6:.0%} (issue 6){gate}",
                rerun <= RERUN_TARGET_ISSUE6 if valid else None,
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
                "peak RSS, CLI process tree",
                mb(first.peak_rss),
                "(report; sum of RSS, shared pages counted twice)",
                None,
            ),
            ("peak RSS, Prefect server", mb(first.peak_server_rss), "(report)", None),
        ]
        if np_rate is not None:
            rows.append(("Kabar ÷ newspaper4k", f"{pipe_rate / np_rate:.1f}x", "(report)" + gate, None))
        print_table(rows)
        return 0 if first.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
