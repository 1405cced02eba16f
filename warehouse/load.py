"""Batch writes: articles (+ child rows), fetch attempts, raw pages, failures and url_state flips.

:func:`load_batch` is the only writer of ``articles``.  Everything happens in ONE transaction:

1. the batch is de-duplicated by ``canonical_url`` (the last row wins);
2. existing rows for those keys are read with one set-based query and each batch row is classified
   *new*, *updated* (``content_hash`` or ``parse_hash`` – the parsed fields and child rows – changed)
   or *unchanged* (only ``last_fetched_at`` moves; ``first_seen_at``, ``run_id`` … stay);
3. new and updated rows replace their key (``DELETE`` + ``INSERT`` from Arrow, no index needed) and
   their ``attributions`` / ``article_dates`` are replaced;
4. fetch attempts, raw pages (zlib, latest per URL), failures are written and ``url_state`` rows are
   flipped to done/failed, so a crash leaves each URL either pending or finished, never half-loaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa

from extractors.urls import canonicalize_url as _canonicalize_url
from records.counts import RunCounts, total
from records.models import ArticleRow, FailureRow, FetchResult
from warehouse import arrow as A
from warehouse.conflicts import atomic
from warehouse.connection import without_memory_cap_on_failure
from warehouse.rawstore import RAW_COMPRESSION, compress_body, raw_dir, write_pack

log = logging.getLogger(__name__)

AD_HOC_SOURCE = "(ad hoc)"  # per-source key for rows without a source_id (matches pipeline.steps)
# canonicalize_url is pure; a batch asks for the same URL several times
canonicalize_url = lru_cache(maxsize=65536)(_canonicalize_url)


@dataclass(frozen=True, slots=True)
class BatchStats:
    """What one ``load_batch`` did.  ``per_source`` maps source_id (or ``"(ad hoc)"``) to its counts
    (articles new/updated/unchanged, URLs failed and their error classes)."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    not_modified: int = 0
    fetches: int = 0
    raw_pages: int = 0
    per_source: dict[str, RunCounts] = field(default_factory=dict)

    @property
    def articles(self) -> int:
        return self.new + self.updated + self.unchanged


def article_id(canonical_url: str) -> str:
    """The stable article id: md5 hex of the canonical URL."""
    return hashlib.md5(canonical_url.encode("utf-8")).hexdigest()


def parse_hash(row: ArticleRow) -> str:
    """Fingerprint of everything the parsers produced (not the text: that is ``content_hash``).

    Stored in ``articles.parse_hash``: the payload's shape and ``repr`` must not change, or every
    stored row reads as *updated* once (migration 0007 added ``published_local``/``granularity``:
    that once is the ``kabar reparse`` that fills them).  (List comprehensions, not generators: this runs per row.)"""
    published = row.published_at
    payload = (
        row.source_id,
        row.outlet,
        row.title,
        tuple(row.authors),
        row.language,
        None if published is None else published.timestamp(),
        row.published_at_source,
        tuple(row.published_flags),
        row.published_local,
        row.published_granularity,
        row.dateline_place,
        tuple([(a.role, a.name, a.canonical, a.evidence) for a in row.attributions]),
        tuple(
            [
                (
                    d.kind,
                    None if d.value is None else d.value.timestamp(),
                    d.granularity,
                    d.span,
                    tuple(d.flags),
                )
                for d in row.dates
            ]
        ),
    )
    return hashlib.md5(repr(payload).encode("utf-8")).hexdigest()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> Iterator[None]:
    """Expose Arrow tables as views on ``con`` for the duration of the block."""
    for name, tbl in tables.items():
        con.register(name, tbl)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)


# ---------------------------------------------------------------------------------------------------
# building the Arrow tables


def _dedupe_articles(articles: Sequence[ArticleRow]) -> dict[str, ArticleRow]:
    """Last row per canonical_url, in order of last appearance."""
    out: dict[str, ArticleRow] = {}
    for row in articles:
        key = row.canonical_url or canonicalize_url(row.url)
        out.pop(key, None)
        out[key] = row
    return out


def _articles_table(
    rows: Sequence[tuple[str, ArticleRow, str]],
    ids: Sequence[str],
    previous: dict[str, tuple[int | None, str | None]],
    run_id: str,
    now: datetime,
) -> pa.Table:
    """Rows to write; ``rows`` are (canonical_url, row, parse_hash), ``ids`` their article ids;
    ``previous`` keeps first_seen (epoch µs: Arrow takes it as is) and first run of stored rows.
    Built column by column (one comprehension each)."""
    keys = [key for key, _, _ in rows]
    arts = [r for _, r, _ in rows]
    fetched = [A.utc(r.fetched_at, "fetched_at", r.url) for r in arts]
    firsts: list[tuple[datetime | int | None, str | None]]
    firsts = [previous.get(key, (at, run_id)) for key, at in zip(keys, fetched, strict=True)]
    n = len(arts)
    cols: dict[str, Sequence[object]] = {
        "article_id": ids,
        "canonical_url": keys,
        "url": [r.url for r in arts],
        "final_url": [r.final_url for r in arts],
        "source_id": [r.source_id for r in arts],
        "outlet": [r.outlet for r in arts],
        "title": [r.title for r in arts],
        "text": [r.text for r in arts],
        "authors": [r.authors for r in arts],
        "language": [r.language for r in arts],
        "published_at": [A.utc(r.published_at, "published_at", r.url) for r in arts],
        "published_at_source": [r.published_at_source for r in arts],
        "published_flags": [r.published_flags for r in arts],
        "published_local": [r.published_local for r in arts],
        "published_date": [r.published_date for r in arts],
        "published_granularity": [r.published_granularity for r in arts],
        "dateline_place": [r.dateline_place for r in arts],
        "content_hash": [r.content_hash for r in arts],
        "parse_hash": [phash for _, _, phash in rows],
        "extra": [json.dumps(r.extra, ensure_ascii=False, sort_keys=True) if r.extra else None for r in arts],
        "first_seen_at": [first for first, _ in firsts],
        "last_fetched_at": fetched,
        "updated_at": [now] * n,
        "run_id": [run_id] * n,
        "first_run_id": [run for _, run in firsts],
    }
    return A.table(A.ARTICLES, cols)


def _children_tables(
    rows: Sequence[tuple[str, ArticleRow, str]], ids: Sequence[str], run_id: str
) -> tuple[pa.Table, pa.Table]:
    """``attributions`` and ``article_dates`` rows of ``rows`` (article ids in ``ids``), column-wise."""
    atts = [
        (aid, pos, a)
        for aid, (_, r, _) in zip(ids, rows, strict=True)
        for pos, a in enumerate(r.attributions)
    ]
    dats = [
        (aid, pos, d, r.url)
        for aid, (_, r, _) in zip(ids, rows, strict=True)
        for pos, d in enumerate(r.dates)
    ]
    att: dict[str, Sequence[object]] = {
        "article_id": [aid for aid, _, _ in atts],
        "position": [pos for _, pos, _ in atts],
        "role": [a.role for _, _, a in atts],
        "name": [a.name for _, _, a in atts],
        "canonical": [a.canonical for _, _, a in atts],
        "evidence": [a.evidence for _, _, a in atts],
        "run_id": [run_id] * len(atts),
    }
    dat: dict[str, Sequence[object]] = {
        "article_id": [aid for aid, _, _, _ in dats],
        "position": [pos for _, pos, _, _ in dats],
        "kind": [d.kind for _, _, d, _ in dats],
        "value": [A.utc(d.value, "a date", url) for _, _, d, url in dats],
        "granularity": [d.granularity for _, _, d, _ in dats],
        "span": [d.span for _, _, d, _ in dats],
        "flags": [d.flags for _, _, d, _ in dats],
        "run_id": [run_id] * len(dats),
    }
    return A.table(A.ATTRIBUTIONS, att), A.table(A.ARTICLE_DATES, dat)


def _fetches_table(fetches: Sequence[FetchResult], run_id: str) -> pa.Table:
    cols: dict[str, list[object]] = {name: [] for name in A.FETCHES.names}
    for r in fetches:
        at = A.utc(r.fetched_at, "fetched_at", r.url)
        attempts = r.attempts or ()
        if not attempts:
            cols["run_id"].append(run_id)
            cols["url"].append(r.url)
            cols["final_url"].append(r.final_url)
            cols["attempt"].append(1)
            cols["status"].append(r.status)
            cols["bytes"].append(len(r.body))
            cols["duration_ms"].append(None)
            cols["error_class"].append(r.error_class)
            cols["error"].append(r.error)
            cols["fetched_at"].append(at)
            continue
        for a in attempts:
            cols["run_id"].append(run_id)
            cols["url"].append(a.url)
            cols["final_url"].append(r.final_url)
            cols["attempt"].append(a.attempt)
            cols["status"].append(a.status)
            cols["bytes"].append(a.bytes)
            cols["duration_ms"].append(a.duration_ms)
            cols["error_class"].append(a.error_class)
            cols["error"].append(a.error)
            cols["fetched_at"].append(at)
    return A.table(A.FETCHES, cols)


def _raw_table(
    fetches: Sequence[FetchResult], sources: dict[str, str | None], run_id: str, folder: Path | None
) -> pa.Table:
    """Rows for ``raw_pages``, latest fetch per URL; with a ``folder`` the bodies go to one new pack
    file there (written and fsynced now, before the transaction), else into ``body_z``."""
    latest: dict[str, FetchResult] = {}
    for r in fetches:
        if not r.ok or r.not_modified or not (r.body or r.text):
            continue
        key = canonicalize_url(r.url)
        latest.pop(key, None)
        latest[key] = r
    cols: dict[str, list[object]] = {name: [] for name in A.RAW_PAGES.names}
    bodies: list[bytes] = []
    for key, r in latest.items():
        body = r.body
        charset = r.charset
        if not body and r.text is not None:
            body, charset = r.text.encode("utf-8"), "utf-8"
        bodies.append(body)
        cols["canonical_url"].append(key)
        cols["url"].append(r.url)
        cols["final_url"].append(r.final_url)
        cols["source_id"].append(sources.get(key))
        cols["status"].append(r.status)
        cols["content_type"].append(r.content_type)
        cols["charset"].append(charset)
        cols["etag"].append(r.etag)
        cols["last_modified"].append(r.last_modified)
        cols["compression"].append(RAW_COMPRESSION)
        cols["bytes"].append(len(body))
        cols["fetched_at"].append(A.utc(r.fetched_at, "fetched_at", r.url))
        cols["run_id"].append(run_id)
    n = len(bodies)
    if folder is not None and bodies:
        packed = write_pack(folder, run_id, bodies)
        cols["body_z"] = [None] * n
        cols["body_file"] = [packed.file] * n
        cols["body_offset"] = list(packed.offsets)
        cols["body_length"] = list(packed.lengths)
    else:
        cols["body_z"] = [compress_body(b) for b in bodies]
        cols["body_file"] = cols["body_offset"] = cols["body_length"] = [None] * n
    return A.table(A.RAW_PAGES, cols)


def _failures_table(failures: Sequence[FailureRow], run_id: str) -> pa.Table:
    cols: dict[str, list[object]] = {name: [] for name in A.FAILURES.names}
    for f in failures:
        cols["run_id"].append(run_id)
        cols["url"].append(f.url)
        cols["canonical_url"].append(canonicalize_url(f.url))
        cols["source_id"].append(f.source_id)
        cols["stage"].append(f.stage)
        cols["error_class"].append(f.error_class)
        cols["error"].append(f.error)
        cols["transient"].append(bool(f.transient))
        cols["failed_at"].append(A.utc(f.at, "failure time", f.url))
    return A.table(A.FAILURES, cols)


@dataclass(slots=True)
class _Flip:
    url: str
    source_id: str | None
    status: str
    at: datetime | None
    error_class: str | None
    error: str | None
    transient: bool
    insert_missing: bool


def _state_flips(
    articles: dict[str, ArticleRow],
    failures: Sequence[FailureRow],
    fetches: Sequence[FetchResult],
) -> dict[str, _Flip]:
    """url_state changes keyed by canonical URL: an article beats a 304, which beats a failure."""
    flips: dict[str, _Flip] = {}
    for f in failures:
        if f.stage == "discover":  # feed/sitemap documents are not article URLs
            continue
        flips[canonicalize_url(f.url)] = _Flip(
            f.url,
            f.source_id,
            "failed",
            A.utc(f.at, "failure time", f.url),
            f.error_class,
            f.error,
            bool(f.transient),
            False,
        )
    for r in fetches:
        if r.not_modified:
            key = canonicalize_url(r.url)
            flips[key] = _Flip(r.url, None, "done", A.utc(r.fetched_at, r.url), None, None, False, False)
    for key, a in articles.items():
        at = A.utc(a.fetched_at, "fetched_at", a.url)
        requested = canonicalize_url(a.url)
        flips[requested] = _Flip(a.url, a.source_id, "done", at, None, None, False, True)
        if key != requested:  # the page declared another canonical URL: finish that one too if queued
            flips[key] = _Flip(a.url, a.source_id, "done", at, None, None, False, False)
    return flips


def _flips_table(flips: dict[str, _Flip], fetched_keys: set[str]) -> pa.Table:
    cols: dict[str, list[object]] = {name: [] for name in A.STATE_FLIPS.names}
    for key, f in flips.items():
        cols["canonical_url"].append(key)
        cols["url"].append(f.url)
        cols["source_id"].append(f.source_id)
        cols["status"].append(f.status)
        cols["attempt_at"].append(f.at)
        cols["error_class"].append(f.error_class)
        cols["error"].append(f.error)
        cols["transient"].append(f.transient)
        cols["attempted"].append(1 if key in fetched_keys else 0)
        cols["insert_missing"].append(f.insert_missing)
    return A.table(A.STATE_FLIPS, cols)


# ---------------------------------------------------------------------------------------------------
# SQL (identifiers are fixed; every value arrives through a registered Arrow table or a parameter)

_EXISTING_SQL = """
SELECT a.canonical_url, a.content_hash, a.parse_hash, epoch_us(a.first_seen_at), a.first_run_id
FROM articles a
WHERE a.canonical_url IN (SELECT canonical_url FROM _kb_keys)
QUALIFY row_number() OVER (PARTITION BY a.canonical_url ORDER BY a.first_seen_at NULLS LAST) = 1
"""

_ARTICLE_COLUMNS = A.column_list(A.ARTICLES)
_ARTICLE_SELECT = _ARTICLE_COLUMNS.replace("extra", "extra::JSON")

# rows of updated articles (and their child rows) go first; new keys have nothing to delete
_DELETE_UPDATED_SQL = (
    "DELETE FROM articles WHERE canonical_url IN (SELECT canonical_url FROM _kb_updated);\n"
    "DELETE FROM attributions WHERE article_id IN (SELECT article_id FROM _kb_updated);\n"
    "DELETE FROM article_dates WHERE article_id IN (SELECT article_id FROM _kb_updated);"
)

_WRITE_ARTICLES_SQL = (
    f"INSERT INTO articles ({_ARTICLE_COLUMNS}) SELECT {_ARTICLE_SELECT} FROM _kb_articles;\n"
    f"INSERT INTO attributions ({A.column_list(A.ATTRIBUTIONS)}) "
    f"SELECT {A.column_list(A.ATTRIBUTIONS)} FROM _kb_attributions;\n"
    f"INSERT INTO article_dates ({A.column_list(A.ARTICLE_DATES)}) "
    f"SELECT {A.column_list(A.ARTICLE_DATES)} FROM _kb_dates;"
)

_TOUCH_UNCHANGED_SQL = """
UPDATE articles SET last_fetched_at = u.fetched_at
FROM _kb_unchanged u
WHERE articles.canonical_url = u.canonical_url
  AND (articles.last_fetched_at IS NULL OR u.fetched_at > articles.last_fetched_at)
"""

_INSERT_FETCHES_SQL = (
    f"INSERT INTO fetches ({A.column_list(A.FETCHES)}) SELECT {A.column_list(A.FETCHES)} FROM _kb_fetches"
)

_RAW_COLUMNS = A.column_list(A.RAW_PAGES)
# a lake DELETE costs a scan and its conflict bookkeeping even when nothing matches (17 ms a batch,
# measured): first ask whether any of the batch's URLs has a stored page (most are fetched the first time)
_RAW_STORED_SQL = "SELECT count(*) FROM raw_pages WHERE canonical_url IN (SELECT canonical_url FROM _kb_raw)"
_DELETE_RAW_SQL = "DELETE FROM raw_pages WHERE canonical_url IN (SELECT canonical_url FROM _kb_raw)"
_WRITE_RAW_SQL = (
    f"INSERT INTO raw_pages ({_RAW_COLUMNS}) SELECT "
    + _RAW_COLUMNS.replace(
        "source_id",
        "coalesce(r.source_id, (SELECT first(s.source_id) FROM url_state s"
        " WHERE s.canonical_url = r.canonical_url))",
    )
    + " FROM _kb_raw r;"
)
# the same when every row knows its source (the usual case): no lookup in the ledger
_WRITE_RAW_KNOWN_SQL = f"INSERT INTO raw_pages ({_RAW_COLUMNS}) SELECT {_RAW_COLUMNS} FROM _kb_raw"

_INSERT_FAILURES_SQL = (
    f"INSERT INTO failures ({A.column_list(A.FAILURES)}) SELECT {A.column_list(A.FAILURES)} FROM _kb_failures"
)

# one MERGE: flip existing ledger rows; add a "done" row for an article nobody recorded as discovered.
# A failure never demotes a URL whose article is already loaded (e.g. a refresh that hit a 503).
_FLIP_STATE_SQL = """
MERGE INTO url_state USING _kb_flips f ON url_state.canonical_url = f.canonical_url
WHEN MATCHED THEN UPDATE SET
    status = CASE WHEN f.status = 'failed' AND url_state.status = 'done' THEN 'done' ELSE f.status END,
    source_id = coalesce(url_state.source_id, f.source_id),
    last_attempt_at = f.attempt_at,
    attempts = coalesce(url_state.attempts, 0) + f.attempted,
    error_class = f.error_class,
    error = f.error,
    transient = f.transient,
    run_id = $run_id
WHEN NOT MATCHED AND f.insert_missing THEN INSERT
    (canonical_url, url, source_id, status, first_discovered_at, last_attempt_at, attempts,
     error_class, error, transient, discovered_via, discovered_from, run_id)
    VALUES (f.canonical_url, f.url, f.source_id, f.status, f.attempt_at, f.attempt_at, f.attempted,
            NULL, NULL, false, 'load', NULL, $run_id)
"""


def _is_naive(value: datetime | None) -> bool:
    return value is not None and (value.tzinfo is None or value.tzinfo.utcoffset(value) is None)


def _naive_field(row: ArticleRow) -> str | None:
    """Name of the first naive datetime in ``row`` (None when all are timezone-aware)."""
    if _is_naive(row.fetched_at):
        return "fetched_at"
    if _is_naive(row.published_at):
        return "published_at"
    for i, d in enumerate(row.dates):
        if _is_naive(d.value):
            return f"dates[{i}].value"
    return None


def _reject_naive(articles: Sequence[ArticleRow], now: datetime) -> tuple[list[ArticleRow], list[FailureRow]]:
    kept: list[ArticleRow] = []
    rejected: list[FailureRow] = []
    for row in articles:
        name = _naive_field(row)
        if name is None:
            kept.append(row)
            continue
        log.error("not loading %s: %s is a naive datetime (a parser bug)", row.url, name)
        rejected.append(
            FailureRow(
                url=row.url,
                source_id=row.source_id,
                stage="load",
                error_class="naive_datetime",
                error=f"{name} has no time zone; refusing to guess one",
                transient=False,
                at=now,
            )
        )
    return kept, rejected


def _source_key(source_id: str | None) -> str:
    return source_id or AD_HOC_SOURCE


def _write_articles(
    con: duckdb.DuckDBPyConnection,
    batch: dict[str, ArticleRow],
    hashed: Sequence[tuple[str, ArticleRow, str]],
    run_id: str,
    now: datetime,
) -> dict[str, str]:
    """Inside the batch's transaction: classify each article against the stored row (new, updated,
    unchanged), replace new and updated ones with their child rows, touch unchanged ones; return
    the status by canonical URL. ``hashed`` is (canonical_url, row, parse_hash) per article."""
    new_hashes = {key: phash for key, _, phash in hashed}
    status: dict[str, str] = {}
    # first_seen_at as epoch µs: DuckDB builds no Python datetime per row (~5 µs each)
    previous: dict[str, tuple[int | None, str | None]] = {}
    keys_table = A.table(
        A.KEYS,
        {
            "canonical_url": [key for key, _, _ in hashed],
            "fetched_at": [A.utc(row.fetched_at, "fetched_at", row.url) for _, row, _ in hashed],
        },
    )
    with registered(con, {"_kb_keys": keys_table}):
        for key, chash, phash, first_seen, first_run in con.execute(_EXISTING_SQL).fetchall():
            same = chash == batch[key].content_hash and phash == new_hashes[key]
            status[key] = "unchanged" if same else "updated"
            previous[key] = (first_seen, first_run)
    for key, _, _ in hashed:
        status.setdefault(key, "new")
    to_write = [h for h in hashed if status[h[0]] != "unchanged"]
    unchanged = [h for h in hashed if status[h[0]] == "unchanged"]
    if to_write:
        ids = [article_id(key) for key, _, _ in to_write]
        art = _articles_table(to_write, ids, previous, run_id, now)
        att, dat = _children_tables(to_write, ids, run_id)
        updated = [
            (key, aid) for (key, _, _), aid in zip(to_write, ids, strict=True) if status[key] == "updated"
        ]
        with registered(con, {"_kb_articles": art, "_kb_attributions": att, "_kb_dates": dat}):
            if updated:
                upd = A.table(
                    A.UPDATED_KEYS,
                    {"canonical_url": [key for key, _ in updated], "article_id": [aid for _, aid in updated]},
                )
                with registered(con, {"_kb_updated": upd}):
                    con.execute(_DELETE_UPDATED_SQL)
            con.execute(_WRITE_ARTICLES_SQL)
    if unchanged:
        touch = A.table(
            A.KEYS,
            {
                "canonical_url": [k for k, _, _ in unchanged],
                "fetched_at": [A.utc(r.fetched_at, r.url) for _, r, _ in unchanged],
            },
        )
        with registered(con, {"_kb_unchanged": touch}):
            con.execute(_TOUCH_UNCHANGED_SQL)
    return status


def _replace_raw_pages(con: duckdb.DuckDBPyConnection, raw_table: pa.Table) -> None:
    """Inside the batch's transaction: the latest page per URL replaces the stored one."""
    known_sources = raw_table.column("source_id").null_count == 0
    with registered(con, {"_kb_raw": raw_table}):
        stored = con.execute(_RAW_STORED_SQL).fetchone()
        if stored and stored[0]:
            con.execute(_DELETE_RAW_SQL)
        con.execute(_WRITE_RAW_KNOWN_SQL if known_sources else _WRITE_RAW_SQL)


def load_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    articles: Sequence[ArticleRow],
    failures: Sequence[FailureRow],
    fetches: Sequence[FetchResult],
    keep_raw: bool = True,
) -> BatchStats:
    """Load one batch in one transaction (see the module docstring); return what happened.

    An article carrying a naive datetime is not loaded: it becomes a ``load``-stage failure
    (``error_class='naive_datetime'``), so one bad row cannot block its batch on every run.
    """
    now = datetime.now(UTC)
    articles, rejected = _reject_naive(articles, now)
    failures = [*failures, *rejected]
    batch = _dedupe_articles(articles)
    hashed = [(key, row, parse_hash(row)) for key, row in batch.items()]
    flips = _state_flips(batch, failures, fetches)
    fetched_keys = {canonicalize_url(r.url) for r in fetches}
    row_sources: dict[str, str | None] = {canonicalize_url(f.url): f.source_id for f in failures}
    row_sources.update({canonicalize_url(row.url): row.source_id for row in batch.values()})
    row_sources.update({key: row.source_id for key, row in batch.items()})
    fetches_table = _fetches_table(fetches, run_id)
    # (no fetches, nothing to keep: skip asking DuckDB where the raw-page folder is)
    raw_table = _raw_table(fetches, row_sources, run_id, raw_dir(con)) if keep_raw and fetches else None
    failures_table = _failures_table(failures, run_id)
    flips_table = _flips_table(flips, fetched_keys)

    def body() -> dict[str, str]:
        # classified inside the transaction: after a lost commit race the retry sees the winner's rows
        status = _write_articles(con, batch, hashed, run_id, now) if hashed else {}
        for name, tbl, sql, params in (
            ("_kb_fetches", fetches_table, _INSERT_FETCHES_SQL, None),
            ("_kb_failures", failures_table, _INSERT_FAILURES_SQL, None),
            ("_kb_flips", flips_table, _FLIP_STATE_SQL, {"run_id": run_id}),
        ):
            if tbl.num_rows:
                with registered(con, {name: tbl}):
                    con.execute(sql, params)
        if raw_table is not None and raw_table.num_rows:
            _replace_raw_pages(con, raw_table)
        return status

    def write() -> dict[str, str]:
        return atomic(con, "load_batch", body)

    # a batch of very long texts can outgrow the DuckDB cap at COMMIT: then it goes in without the cap
    status = without_memory_cap_on_failure(con, "load_batch", write)
    return _stats(batch, status, failures, fetches, raw_table)


def _stats(
    batch: dict[str, ArticleRow],
    status: dict[str, str],
    failures: Sequence[FailureRow],
    fetches: Sequence[FetchResult],
    raw_table: pa.Table | None,
) -> BatchStats:
    """The batch's counts in all and per source: each URL once (an article, else its last failure)."""
    articles: dict[str, Counter[str]] = {}
    for key, row in batch.items():
        articles.setdefault(_source_key(row.source_id), Counter())[status[key]] += 1
    article_keys = set(batch) | {canonicalize_url(row.url) for row in batch.values()}
    failed: dict[str, FailureRow] = {}
    for f in failures:
        key = canonicalize_url(f.url)
        if key not in article_keys:
            failed[key] = f
    failed_by_source: dict[str, list[FailureRow]] = {}
    for f in failed.values():
        failed_by_source.setdefault(_source_key(f.source_id), []).append(f)
    per_source: dict[str, RunCounts] = {}
    for src in {*articles, *failed_by_source}:
        done, lost = articles.get(src, Counter()), failed_by_source.get(src, [])
        per_source[src] = RunCounts(
            new=done["new"], updated=done["updated"], unchanged=done["unchanged"], failed=len(lost)
        ) + RunCounts.of_failures(f.error_class for f in lost)
    in_all = total(per_source)
    not_modified = {canonicalize_url(r.url) for r in fetches if r.not_modified} - article_keys
    return BatchStats(
        new=in_all.new,
        updated=in_all.updated,
        unchanged=in_all.unchanged,
        failed=in_all.failed,
        not_modified=len(not_modified),
        fetches=len(fetches),
        raw_pages=raw_table.num_rows if raw_table is not None else 0,
        per_source=per_source,
    )


__all__ = [
    "AD_HOC_SOURCE",
    "BatchStats",
    "article_id",
    "load_batch",
    "parse_hash",
]
