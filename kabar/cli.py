"""``kabar``: the command line.

    kabar demo                      serve the bundled demo site on 127.0.0.1 and ingest it
    kabar ingest [--feed URL ...]   ingest your sources (--sources FILE) or ad-hoc ones
    kabar sql "SELECT ..."          read-only SQL over the warehouse (--as-of TIMESTAMP: as it was then)
    kabar shell                     the DuckDB CLI on the warehouse, read-only, views ready
    kabar migrate OLD.duckdb        copy a single-file warehouse of an earlier Kabar into the lake
    kabar verify                    read every data file and raw-page pack; report damage
    kabar search "banjir jakarta"   full-text search over titles and leads (BM25)
    kabar parse [--html] < article  attribution + dates of one article (or --jsonl many)
    kabar reparse                   re-run extraction/parsers over stored raw pages (no network)
    kabar server start|status|stop  the managed local Prefect server (UI)
    kabar serve                     run the scheduled deployments (ingest every 15 min, daily maintenance)
    kabar runs | kabar status       recent runs / source health, from the warehouse

Prefect is imported only by the commands that run flows, after the server is settled.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from pipeline import interrupts

DEFAULT_WAREHOUSE = "kabar.ducklake"
LEGACY_DEFAULT = "kabar.duckdb"


def _warehouse_path(args: argparse.Namespace) -> str:
    """The warehouse as a location string: a catalog path made absolute, or a PostgreSQL conninfo."""
    from warehouse.location import parse_location

    given = getattr(args, "warehouse", None) or os.environ.get("KABAR_WAREHOUSE")
    if not given and not Path(DEFAULT_WAREHOUSE).exists() and Path(LEGACY_DEFAULT).exists():
        print(
            f"kabar: note: ./{LEGACY_DEFAULT} is a warehouse of an earlier Kabar; the warehouse is now "
            f"./{DEFAULT_WAREHOUSE}. Copy the old one over once with `kabar migrate {LEGACY_DEFAULT}`.",
            file=sys.stderr,
        )
    location = parse_location(given or DEFAULT_WAREHOUSE)  # WarehouseError for an old .duckdb file
    return location.catalog if location.kind == "sqlite" else f"postgres:{location.catalog}"


def _add_warehouse(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--warehouse",
        metavar="WAREHOUSE",
        help=f"the DuckLake warehouse: a catalog file path, or postgres:CONNINFO (default: $KABAR_WAREHOUSE "
        f"or ./{DEFAULT_WAREHOUSE})",
    )


def _add_sources(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sources",
        metavar="FILE",
        help="your sources file (CSV: source_id,name,outlet,homepage,feeds,sitemaps,language,country,"
        "timezone); default $KABAR_SOURCES, else sources.csv beside the warehouse, created from Kabar's "
        "packaged sources the first time a run needs it",
    )


def _sources_file(args: argparse.Namespace, warehouse: str, *, create: bool = True) -> Path:
    """The sources file a command reads (``--sources``, ``$KABAR_SOURCES``, else beside the warehouse).

    A named file that does not exist is a usage error (``ParseError``), reported before any run starts."""
    from pipeline.settings import load_settings
    from pipeline.sources_file import user_sources_file

    settings = load_settings(warehouse=warehouse, sources=getattr(args, "sources", None))
    return user_sources_file(settings, create=create).resolve()


def _add_run_options(p: argparse.ArgumentParser) -> None:
    _add_warehouse(p)
    _add_sources(p)
    p.add_argument(
        "--refresh",
        action="store_true",
        help="refetch articles already in the warehouse and ignore feed validators",
    )
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback/private-network URLs (off by default: SSRF guard)",
    )
    p.add_argument("--max-urls", type=int, metavar="N", help="fetch at most N pending URLs this run")
    p.add_argument(
        "--max-age-days",
        type=float,
        metavar="DAYS",
        help="skip URLs a feed or sitemap dates more than DAYS ago, and sitemaps unchanged since "
        "(undated URLs are kept; default $KABAR_MAX_AGE_DAYS or 0 = any age)",
    )
    p.add_argument(
        "--batch-size", type=int, metavar="N", help="URLs per fetch/extract/load batch (default 200)"
    )
    p.add_argument("--workers", type=int, metavar="N", help="extraction processes (default: number of cores)")
    p.add_argument(
        "--port",
        type=int,
        default=None,
        metavar="PORT",
        help="port of the managed local Prefect server (default 4200)",
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kabar")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kabar",
        description="Kabar: scheduled news ingestion (feeds/sitemaps -> clean text, attribution, dates -> a DuckLake warehouse).",
        epilog="Without PREFECT_API_URL, flow commands start (or reuse) a local Prefect server with its data beside "
        "the warehouse and leave it running for the UI; `kabar server stop` stops it.  "
        "Exit codes: 0 done; 1 the run or query failed (its error is printed and, for runs, stored in `runs`); "
        "2 usage error (also a missing or malformed sources file); 3 the warehouse cannot be opened or "
        "written (wrong path, old .duckdb file, catalog unreachable, disk full); 4 no Prefect server "
        "answers (PREFECT_API_URL down, or the local one cannot start; nothing was run or created; or it "
        "stopped answering during the run: the run's work is stored); "
        "130 / 143 interrupted by SIGINT / SIGTERM (the run is recorded as cancelled, with the reason). "
        "A failure prints one line; KABAR_DEBUG=1 also prints its traceback.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "demo",
        help="serve the bundled demo news site on 127.0.0.1 and ingest it (offline)",
        description="Serve seeds/demo_site on 127.0.0.1 and run the real ingest flow against it.",
    )
    _add_run_options(p)
    p.add_argument(
        "--site-port",
        type=int,
        default=None,
        metavar="PORT",
        help="port for the demo site (default 8765; fixed so re-runs see the same URLs)",
    )

    p = sub.add_parser(
        "ingest",
        help="ingest the configured sources, or ad-hoc feeds/sitemaps/URLs",
        description="Run the ingest flow. With no --feed/--sitemap/--url/--urls-file it ingests the "
        "sources of your sources file (--sources; optionally only --source ID ...).",
    )
    _add_run_options(p)
    p.add_argument("--source", action="append", metavar="ID", help="only this configured source (repeatable)")
    p.add_argument("--feed", action="append", metavar="URL", help="an RSS/Atom feed (repeatable)")
    p.add_argument(
        "--sitemap",
        action="append",
        metavar="URL",
        help="a sitemap, sitemap index or Google News sitemap (repeatable)",
    )
    p.add_argument("--url", action="append", metavar="URL", help="an article URL (repeatable)")
    p.add_argument("--urls-file", metavar="FILE", help="a file with one article URL per line")
    p.add_argument(
        "--allowed-host",
        action="append",
        metavar="HOST[:PORT]",
        help="exempt one host from the private-address guard (repeatable)",
    )

    p = sub.add_parser(
        "sql",
        help="run read-only SQL against the warehouse",
        description="Run one SQL statement on a read-only connection and print the result.",
    )
    _add_warehouse(p)
    p.add_argument("query", help='e.g. "SELECT title, outlet, published_at FROM articles"')
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument(
        "--tz",
        metavar="ZONE",
        help="session time zone for TIMESTAMPTZ values and ::DATE, e.g. Asia/Jakarta (default UTC)",
    )
    p.add_argument(
        "--as-of",
        metavar="TIMESTAMP",
        help="query the warehouse as it was at this instant (ISO 8601, e.g. 2026-12-01T08:00+07:00; "
        "naive = UTC), as far back as maintenance keeps snapshots",
    )
    p.add_argument(
        "--safe",
        action="store_true",
        help="no access to files outside the warehouse (read_text, read_csv, COPY ... TO fail) and no "
        "way for the query to turn that back on: for queries written by someone else",
    )

    p = sub.add_parser(
        "shell",
        help="open the DuckDB CLI on the warehouse, read-only, with the views ready",
        description="Start the duckdb command-line shell with the lake attached read-only as `kabar` "
        "(the current database). It never blocks a running ingest, nor does a running ingest block it.",
    )
    _add_warehouse(p)
    p.add_argument("--print-sql", action="store_true", help="print the SQL that attaches the lake and exit")

    p = sub.add_parser(
        "verify",
        help="read every data file and raw-page pack of the warehouse; report damage and what to do",
        description="Read the whole warehouse (every data and delete file the lake's catalog names, "
        "in full, and every raw-page pack) and compare it with what the catalog records. Only reads; "
        "safe while runs write. Exit 0 when all reads, 1 when something is damaged (listed per table, "
        "with the row ids it held and how to restore). The daily maintenance runs it on Sundays.",
    )
    _add_warehouse(p)
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser(
        "migrate",
        help="copy a single-file kabar.duckdb of an earlier Kabar into the lake warehouse",
        description="Copy every table of an old single-file warehouse (and its raw-page packs) into the "
        "DuckLake warehouse (--warehouse, default ./kabar.ducklake). The old file is only read. Refuses a "
        "target that already holds articles.",
    )
    p.add_argument("old", metavar="OLD.duckdb", help="the old warehouse file")
    _add_warehouse(p)

    p = sub.add_parser(
        "search",
        help="full-text search over article titles and leads (BM25)",
        description="Rank articles by BM25 over their title and first 1,500 characters (no stemming: "
        "Indonesian and English alike). Reads the index that ingest runs and the daily maintenance "
        "build; --rebuild rebuilds it first (about a minute per million articles).",
    )
    _add_warehouse(p)
    p.add_argument("query", help='words to look for, e.g. "banjir jakarta"')
    p.add_argument("--limit", type=int, default=10, metavar="N", help="rows to show (default 10)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the index first if articles changed")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = sub.add_parser(
        "parse",
        help="parse one article (stdin) or JSON lines: attribution and dates",
        description="Read one article text (or HTML with --html) on stdin and print one JSON object "
        "with the attribution label fields, the publication date (published_at: the instant in the "
        "source's zone; published_local: the time as the page states it, with its offset; "
        "published_date: the calendar day in the source's own zone; published_granularity: "
        "second, minute or day) and the dates named in the text. With --jsonl, read lines "
        '{"id","url","text"|"html","published"?,"fetched_at"?} and write one JSON line per input.',
    )
    p.add_argument("--html", action="store_true", help="stdin is HTML: extract the main text first")
    p.add_argument("--url", help="the article's URL (outlet, CNA-style decisions, URL dates)")
    p.add_argument("--published", metavar="ISO", help="publication time (reference for relative dates)")
    p.add_argument(
        "--fetched-at",
        metavar="ISO",
        help="when the page was fetched (default: now): later dates are rejected, '3 hours ago' counts from it",
    )
    p.add_argument("--outlet", help="publishing outlet, if known")
    p.add_argument("--language", help="language code (id, en, ...)")
    p.add_argument(
        "--tz",
        help="the source's IANA time zone (default: the URL's configured source, else its country "
        "domain or <html lang> region, else its language, else UTC)",
    )
    p.add_argument("--jsonl", action="store_true", help="JSON lines in, JSON lines out")

    p = sub.add_parser("reparse", help="re-run extraction and parsers over stored raw pages (no network)")
    _add_warehouse(p)
    _add_sources(p)
    p.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    p.add_argument("--workers", type=int, metavar="N")
    p.add_argument("--port", type=int, default=None, metavar="PORT")

    p = sub.add_parser("server", help="manage the local Prefect server (UI on 127.0.0.1:4200)")
    p.add_argument("action", choices=("start", "status", "stop"))
    _add_warehouse(p)
    p.add_argument("--port", type=int, default=None)

    p = sub.add_parser(
        "serve",
        help="run scheduled deployments: ingest every 15 min, daily maintenance",
        epilog="Daily maintenance (03:00 UTC) keeps raw HTML for KABAR_RAW_RETENTION_DAYS days (default 90) "
        "and the fetch-attempt log for KABAR_FETCH_LOG_RETENTION_DAYS days (default 180; 0 keeps everything), "
        "and rebuilds the search index of `kabar search` when articles changed.",
    )
    _add_warehouse(p)
    _add_sources(p)
    p.add_argument(
        "--interval", type=float, default=15.0, metavar="MINUTES", help="ingest interval (default 15)"
    )
    p.add_argument("--port", type=int, default=None)
    p.add_argument(
        "--demo",
        action="store_true",
        help="schedule the bundled demo site instead of your sources (offline; site on 127.0.0.1:8765)",
    )

    report_formats = ("table", "wide", "csv", "json")
    p = sub.add_parser("runs", help="recent runs from the warehouse")
    _add_warehouse(p)
    p.add_argument("--limit", type=int, default=20)
    p.add_argument(
        "--format",
        choices=report_formats,
        default="table",
        help="table (fits a terminal), wide (every column), csv, json",
    )

    p = sub.add_parser("status", help="source health from the warehouse")
    _add_warehouse(p)
    _add_sources(p)
    p.add_argument(
        "--format",
        choices=report_formats,
        default="table",
        help="table (fits a terminal), wide (every column), csv, json",
    )
    return parser


# ---------------------------------------------------------------------------------------------
class PrefectUnreachable(Exception):
    """No Prefect server answers: nothing was started, created or written (exit 4)."""


PREFECT_CHECK_SECONDS = 5.0


def _check_prefect_api(api_url: str) -> None:
    """Ask ``api_url``'s health endpoint once, before a run creates anything."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=PREFECT_CHECK_SECONDS) as reply:
            if reply.status == 200:
                return
            why = f"HTTP {reply.status}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        why = str(getattr(exc, "reason", exc)) or type(exc).__name__
    raise PrefectUnreachable(
        f"the Prefect server at {api_url} does not answer ({why}); nothing was run. Start it, fix "
        "PREFECT_API_URL, or unset PREFECT_API_URL to let Kabar start its own server beside the warehouse"
    )


def _settle_prefect(warehouse: str, port: int | None) -> None:
    """Point this process at a Prefect server: $PREFECT_API_URL (which must answer), or the managed
    local one (started if needed). Raises :class:`PrefectUnreachable` when neither can be had."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if os.environ.get("PREFECT_API_URL"):
        _check_prefect_api(os.environ["PREFECT_API_URL"])
        return
    from kabar.server import ensure_server, prefect_home_for, server_env

    home = prefect_home_for(warehouse)
    try:
        info = ensure_server(
            home,
            port or int(os.environ.get("KABAR_PREFECT_PORT", "4200")),
            echo=lambda m: print(m, file=sys.stderr),
        )
    except RuntimeError as exc:
        raise PrefectUnreachable(f"the local Prefect server could not be started: {exc}") from exc
    os.environ.update(server_env(home, _port_of(info.api_url)))
    verb = "started" if info.started else "reusing"
    print(f"Prefect server ({verb}): UI {info.ui_url}", file=sys.stderr)


def _port_of(api_url: str) -> int:
    return int(api_url.split(":")[-1].split("/")[0])


@contextmanager
def _bounded_prefect_wait(show: Callable[[dict[str, Any]], None]) -> Iterator[None]:
    """Around a flow call: once the run's work is stored, wait on the Prefect server at most
    ``KABAR_PREFECT_GRACE`` seconds more. If by then it does not answer, show the run's summary,
    say what happened in one sentence and exit 4 at once (Prefect's client would otherwise retry
    its calls and drain its queued logs and events for minutes). The flow run the dead server still
    shows as Running is marked Crashed by the next run."""
    import threading

    from flows import runtime
    from pipeline.settings import load_settings

    grace = load_settings().prefect_grace
    runtime.forget_stored()
    finished = threading.Event()

    def watch() -> None:
        while not finished.is_set() and not runtime.wait_stored(0.5):
            pass
        down_since: float | None = None
        while not finished.wait(1.0):
            if runtime.prefect_answers():
                down_since = None
                _quiet_prefect_client(False)
                continue
            if down_since is None:
                down_since = time.monotonic()
                _quiet_prefect_client(True)  # its retries would print a screenful per queued event
            if time.monotonic() - down_since >= grace:
                _abandon_prefect(show)

    watcher = threading.Thread(target=watch, name="kabar-prefect-grace", daemon=True)
    watcher.start()
    try:
        yield
    except Exception:
        if runtime.stored_summary() is not None and not runtime.prefect_answers():
            _abandon_prefect(show)
        raise
    finally:
        finished.set()
    if runtime.stored_summary() is not None and not runtime.prefect_answers():
        _abandon_prefect(show)  # not even a clean return: the exit would drain Prefect's queues for minutes


def _quiet_prefect_client(quiet: bool) -> None:
    """Silence (or restore) the Prefect client's own loggers while its server does not answer.
    (Disabled, not levelled: Prefect's internal loggers decide their level from a setting.)"""
    for name in (
        "prefect._internal.concurrency",
        "prefect.events.clients",
        "prefect.client",
        "EventsWorker",
        "APILogWorker",
    ):
        logging.getLogger(name).disabled = quiet


def _abandon_prefect(show: Callable[[dict[str, Any]], None]) -> None:
    """Show the stored run's summary, say that Prefect went away, and end the process with exit 4."""
    from flows import runtime

    summary = runtime.stored_summary() or {}
    _quiet_prefect_client(True)
    try:
        show(summary)
        print(
            f"kabar: the Prefect server at {runtime.prefect_api_url()} stopped answering during the run. "
            f"The run's work is stored in the warehouse (run {summary.get('run_id')}: "
            f"{summary.get('state')}, see `kabar runs`); the Prefect UI shows its flow run as Running "
            "until the next run, with the server back, marks it Crashed. Start the server again "
            "(`kabar server start`, or the one PREFECT_API_URL names).",
            file=sys.stderr,
        )
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(4)


def _print_summary(summary: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False)
    t = Table(title=f"ingest {summary['state']} in {summary['duration_s']} s")
    for col in ("source", "discovered", "fetched", "new", "updated", "unchanged", "failed", "failure_kinds"):
        t.add_column(col, justify="left" if col in ("source", "failure_kinds") else "right")
    for r in summary["per_source"]:
        t.add_row(
            *(
                str(r.get(c, ""))
                for c in (
                    "source",
                    "discovered",
                    "fetched",
                    "new",
                    "updated",
                    "unchanged",
                    "failed",
                    "failure_kinds",
                )
            )
        )
    console.print(t)
    api = os.environ.get("PREFECT_UI_URL") or os.environ.get("PREFECT_API_URL", "").removesuffix("/api")
    if summary.get("flow_run_id") and api:
        print(f"Flow run in the Prefect UI: {api}/runs/flow-run/{summary['flow_run_id']}")


class _NoTraceback(logging.Formatter):
    """Formats a record as ``inner`` does, without its traceback (the record keeps it for other handlers)."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def _console_without_tracebacks() -> None:
    """A failing run ends on the terminal with Prefect's one-line log and Kabar's one sentence, not a
    traceback: the run's logs in the Prefect UI keep it, and ``KABAR_DEBUG=1`` prints it here too."""
    if os.environ.get("KABAR_DEBUG", "").strip().lower() in ("1", "true", "yes"):
        return
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [
        logging.getLogger(),
        *(v for v in logging.root.manager.loggerDict.values() if isinstance(v, logging.Logger)),
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, PrefectConsoleHandler) and not isinstance(handler.formatter, _NoTraceback):
                handler.setFormatter(_NoTraceback(handler.formatter))


@contextmanager
def _terminal_progress(label: str) -> Iterator[None]:
    """A progress bar on the terminal (stderr) while a flow runs here; nothing when not a TTY."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.progress import subscribe

    bar = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[note]}"), console=Console(stderr=True), transient=True,
    )  # fmt: skip
    task = bar.add_task(label, total=None, note="")

    def show(p: Any) -> None:
        bar.update(task, completed=p.done, total=p.total or None, note=p.note)

    stop = subscribe(show)
    try:
        with bar:
            yield
    finally:
        stop()


def cmd_ingest(args: argparse.Namespace, *, demo: bool = False) -> int:
    warehouse = _warehouse_path(args)
    _sources_file(args, warehouse, create=False)  # a named file that is missing: exit 2 at once
    _settle_prefect(warehouse, args.port)
    sources_file = _sources_file(args, warehouse)  # only now, when the run can start, create the default
    from flows.ingest import ingest
    from records.errors import WarehouseError

    _console_without_tracebacks()

    kwargs: dict[str, Any] = dict(
        warehouse_path=str(warehouse),
        refresh=args.refresh,
        allow_private=args.allow_private,
        max_urls=args.max_urls,
        max_age_days=args.max_age_days,
        batch_size=args.batch_size,
        workers=args.workers,
        sources_file=str(sources_file),
    )
    try:
        with ExitStack() as stack:
            if demo:
                from kabar.demo import DEFAULT_DEMO_PORT, DemoSite

                site = stack.enter_context(DemoSite(args.site_port or DEFAULT_DEMO_PORT))
                print(f"Demo site: {site.base}/", file=sys.stderr)
                what = site.ingest_parameters()
            else:
                what = dict(
                    sources=args.source,
                    feeds=args.feed,
                    sitemaps=args.sitemap,
                    urls=args.url,
                    urls_file=args.urls_file,
                    allowed_hosts=args.allowed_host,
                )
            with _terminal_progress("ingest"), _bounded_prefect_wait(_print_summary):
                summary = ingest(**what, **kwargs)
    except WarehouseError as exc:
        print(f"kabar: {exc}", file=sys.stderr)
        return 3
    except KeyError as exc:
        print(f"kabar: {exc.args[0]}", file=sys.stderr)
        return 2
    _print_summary(summary)
    return 0 if summary["state"] == "completed" else 1


def cmd_sql(args: argparse.Namespace) -> int:
    from records.errors import WarehouseError
    from warehouse import query_readonly

    as_of = None
    if args.as_of:
        from datetime import UTC, datetime

        try:
            as_of = datetime.fromisoformat(args.as_of)
        except ValueError:
            print(f"kabar: --as-of {args.as_of!r} is not an ISO 8601 timestamp", file=sys.stderr)
            return 2
        if as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=UTC)
    try:
        columns, rows = query_readonly(
            _warehouse_path(args), args.query, timezone=args.tz, snapshot_time=as_of, safe=args.safe
        )
    except WarehouseError as exc:
        print(f"kabar: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # DuckDB errors: show them plainly
        print(f"kabar: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    _print_rows(columns, rows, args.format)
    return 0


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> None:
    if fmt == "json":
        for r in rows:
            print(json.dumps(dict(zip(columns, r, strict=False)), default=str, ensure_ascii=False))
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(columns)
        w.writerows(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        t = Table(*columns)
        for r in rows:
            t.add_row(*("" if v is None else str(v) for v in r))
        Console().print(t)
        print(f"{len(rows)} row(s)")


def cmd_search(args: argparse.Namespace) -> int:
    import warehouse as wh
    from records.errors import WarehouseError

    path = _warehouse_path(args)
    try:
        con = wh.connect(path, read_only=True)  # the index is built from a read-only view of the lake
        try:
            if args.rebuild:
                print("bringing the search index up to date...", file=sys.stderr)
                stale, _indexed = wh.refresh_search_index(con)
                if stale:
                    print(f"indexed {stale} new or changed article(s)", file=sys.stderr)
            columns, rows = wh.search_articles(con, args.query, args.limit)
            stale = 0 if args.rebuild else wh.stale_search_docs(con)
        finally:
            con.close()
    except WarehouseError as exc:
        print(f"kabar: {exc}", file=sys.stderr)
        return 3
    _print_rows(columns, rows, args.format)
    if stale:
        print(
            f"note: {stale} article(s) are new or changed since the index was built; "
            "`kabar search --rebuild` includes them",
            file=sys.stderr,
        )
    return 0


_RECORD_STRINGS = ("url", "text", "html", "published", "fetched_at", "language", "outlet")


def _parse_jsonl_line(
    raw: bytes, number: int, args: argparse.Namespace, parse_record: Callable[..., dict[str, Any]]
) -> dict[str, Any] | None:
    """The output object for one ``kabar parse --jsonl`` input line (None for a blank line)."""
    try:
        line = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        return {
            "id": None,
            "line": number,
            "error": f"line {number} is not UTF-8 ({exc.reason} at byte {exc.start})",
        }
    if not line:
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": f"line {number}: invalid JSON: {exc}"}
    if not isinstance(record, dict):
        kind = type(record).__name__
        return {"id": None, "line": number, "error": f"line {number}: a JSON object is needed, not a {kind}"}
    rid = record.get("id")
    wrong = [k for k in _RECORD_STRINGS if record.get(k) is not None and not isinstance(record[k], str)]
    if wrong:
        return {"id": rid, "line": number, "error": f"line {number}: {', '.join(wrong)} must be a string"}
    try:
        return parse_record(record, defaults=args)
    except Exception as exc:  # a parser bug must not end the stream: say which line and why
        return {"id": rid, "line": number, "error": f"line {number}: {type(exc).__name__}: {exc}"}


def cmd_parse(args: argparse.Namespace) -> int:
    from kabar.parsecmd import parse_record

    if args.jsonl:
        # one output line per input line, always: a bad line gets an error line with its number and
        # the stream goes on (bytes are read raw, so an undecodable line cannot stop the reader)
        for number, raw in enumerate(sys.stdin.buffer, start=1):
            out = _parse_jsonl_line(raw, number, args, parse_record)
            if out is not None:
                print(json.dumps(out, ensure_ascii=False, default=str), flush=True)
        return 0
    data = sys.stdin.buffer.read()
    rec: dict[str, Any] = {"url": args.url, "published": args.published}
    if args.html:
        rec["html"] = data
    else:
        rec["text"] = data.decode("utf-8", errors="replace")
    out = parse_record(rec, defaults=args)
    out.pop("id", None)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if "error" not in out else 1


def cmd_reparse(args: argparse.Namespace) -> int:
    warehouse = _warehouse_path(args)
    _sources_file(args, warehouse, create=False)
    _settle_prefect(warehouse, args.port)
    sources_file = _sources_file(args, warehouse)
    from flows.reparse import reparse

    _console_without_tracebacks()

    with _terminal_progress("reparse"), _bounded_prefect_wait(_print_json):
        summary = reparse(
            warehouse_path=str(warehouse),
            sources=args.source,
            workers=args.workers,
            sources_file=str(sources_file),
        )
    _print_json(summary)
    return 0


def _print_json(summary: dict[str, Any]) -> None:
    print(json.dumps(summary, default=str, indent=2))


def cmd_shell(args: argparse.Namespace) -> int:
    from kabar.shell import shell_command

    return shell_command(_warehouse_path(args), print_only=args.print_sql)


def cmd_verify(args: argparse.Namespace) -> int:
    import dataclasses

    import warehouse as wh
    from warehouse.verify import remedy

    con = wh.connect(_warehouse_path(args), read_only=True)
    try:
        report = wh.verify(con)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps({**dataclasses.asdict(report), "ok": report.ok, "remedy": remedy(report)}))
        return 0 if report.ok else 1
    print(
        f"read {report.tables} tables: {report.files} data files ({report.bytes_read / 1e6:.1f} MB, "
        f"{report.rows_read} rows) and {report.raw_packs} raw-page packs"
    )
    if report.ok:
        print("no damage found")
        return 0
    for d in report.damage:
        rows = f" (row ids {d.rows[0]}-{d.rows[1]})" if d.rows else ""
        print(f"DAMAGED {d.table}: {d.path}: {d.problem}{rows}")
    print("what to do:")
    for line in remedy(report):
        print(f"  {line}")
    return 1


def cmd_migrate(args: argparse.Namespace) -> int:
    from warehouse.legacy import migrate_legacy

    target = _warehouse_path(args)
    report = migrate_legacy(
        Path(args.old).expanduser().resolve(), target, echo=lambda m: print(m, file=sys.stderr)
    )
    print(json.dumps(report, default=str, indent=2))
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    from kabar.server import server_command

    port = args.port or int(os.environ.get("KABAR_PREFECT_PORT", "4200"))
    return server_command(args.action, _warehouse_path(args), port)


def cmd_serve(args: argparse.Namespace) -> int:
    warehouse = _warehouse_path(args)
    _sources_file(args, warehouse, create=False)
    _settle_prefect(warehouse, args.port)
    sources_file = _sources_file(args, warehouse)
    from kabar.serve import serve_command
    from pipeline.settings import load_settings

    settings = load_settings()  # KABAR_RAW_RETENTION_DAYS, KABAR_FETCH_LOG_RETENTION_DAYS -> maintenance

    def _serve(ingest_parameters: dict[str, Any] | None) -> int:
        return serve_command(
            warehouse,
            interval_minutes=args.interval,
            sources_csv=sources_file,
            ingest_parameters=ingest_parameters,
            raw_retention_days=settings.raw_retention_days,
            fetch_log_retention_days=settings.fetch_log_retention_days,
            snapshot_retention_days=settings.snapshot_retention_days,
        )

    if args.demo:
        from kabar.demo import DEFAULT_DEMO_PORT, DemoSite

        with DemoSite(DEFAULT_DEMO_PORT) as site:
            print(f"Demo site: {site.base}/", file=sys.stderr)
            return _serve(site.ingest_parameters())
    return _serve(None)


def cmd_report(args: argparse.Namespace, which: str) -> int:
    from kabar.reports import print_runs, print_status

    if which == "runs":
        return print_runs(_warehouse_path(args), limit=args.limit, fmt=args.format)
    warehouse = _warehouse_path(args)
    return print_status(warehouse, fmt=args.format, sources_file=_sources_file(args, warehouse, create=False))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    # SIGTERM (a service manager, `kill`) ends a run the way Ctrl-C does: the run is closed as
    # cancelled with the reason in runs.error, workers are stopped, and no traceback is printed.
    # Both signals are noted in pipeline.interrupts first: one that lands inside a DuckDB query
    # comes out as "RuntimeError: Query interrupted", and must still end as an interruption.
    previous: dict[signal.Signals, Any] = {}
    if args.command in _RUN_COMMANDS:
        interrupts.clear()
        for stop in (signal.SIGINT, signal.SIGTERM):
            previous[stop] = signal.signal(stop, interrupts.stop_handler)
    try:
        return _run_command(parser, args)
    except BaseException as exc:
        why = interrupts.received()
        if why is None and isinstance(exc, KeyboardInterrupt):
            why = str(exc.args[0]) if exc.args else "SIGINT"
        if why is None:
            raise
        print(
            f"kabar: interrupted ({why}); a run in progress is recorded as cancelled in `kabar runs`",
            file=sys.stderr,
        )
        return 143 if why == "SIGTERM" else 130
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


_RUN_COMMANDS = frozenset({"demo", "ingest", "reparse"})


def _run_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run the command; the errors a user can act on become one line and an exit code."""
    from records.errors import ParseError, WarehouseError

    try:
        return _dispatch(parser, args)
    except WarehouseError as exc:  # an old .duckdb path, a catalog that cannot be opened, ...
        print(f"kabar: {exc}", file=sys.stderr)
        return 3
    except ParseError as exc:  # bad configuration: a sources file that is missing or malformed
        print(f"kabar: {exc}", file=sys.stderr)
        return 2
    except PrefectUnreachable as exc:
        print(f"kabar: {exc}", file=sys.stderr)
        return 4
    except BrokenPipeError:  # `kabar sql ... | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout at exit
        return 0


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "demo":
        args.allow_private = False  # the demo allows only its own server (allowed_hosts)
        return cmd_ingest(args, demo=True)
    if args.command == "ingest":
        return cmd_ingest(args)
    if args.command == "sql":
        return cmd_sql(args)
    if args.command == "shell":
        return cmd_shell(args)
    if args.command == "migrate":
        return cmd_migrate(args)
    if args.command == "verify":
        return cmd_verify(args)
    if args.command == "search":
        return cmd_search(args)
    if args.command == "parse":
        return cmd_parse(args)
    if args.command == "reparse":
        return cmd_reparse(args)
    if args.command == "server":
        return cmd_server(args)
    if args.command == "serve":
        return cmd_serve(args)
    if args.command in ("runs", "status"):
        return cmd_report(args, args.command)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
