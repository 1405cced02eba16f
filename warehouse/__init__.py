"""The warehouse, a DuckLake: migrations, seeds, transactional batch loads, run state and reads.

    parse_location(text)        a warehouse string -> Location (SQLite-catalog lake file, or PostgreSQL)
    connect(location)           a DuckDB connection with the lake attached as ``kabar`` (read-only for readers)
    open_warehouse(location)    connect rw + migrate + load seeds (+ memory_limit); close on exit
    atomic / retry_conflicts    one transaction, retried whole when another writer's commit conflicts
    start_run / finish_run      one ``runs`` row per flow run
    record_discovered           discovered URLs -> ``url_state`` pending (before any fetch)
    pending_urls                what to fetch next (pending, retryable, or all with refresh)
    load_batch                  one transaction: articles + children, fetches, raw pages, failures, flips
    iter_raw_pages              stored bodies for ``kabar reparse`` (pack files in ``<warehouse>.raw/``)
    count_raw_pages             how many of them (reparse progress)
    prune_raw_pages             retention; ``remove_unreferenced_packs`` drops packs no row points to
    prune_fetches               retention of the fetch-attempt log
    query_readonly              ``kabar sql``

Table catalogue: ``warehouse/README.md``.  Schema history: ``warehouse/MIGRATIONS.md``.
"""

from warehouse.conflicts import DiskFullError, WarehouseBusyError, atomic, retry_conflicts
from warehouse.connection import (
    close,
    connect,
    current_memory_limit,
    default_seeds_dir,
    open_warehouse,
    parse_memory_limit,
    query_readonly,
    set_memory_limit,
)
from warehouse.load import BatchStats, article_id, load_batch, parse_hash
from warehouse.location import Location, parse_location, raw_dir_for
from warehouse.migrate import migrate, schema_version
from warehouse.named import query_names, read_query
from warehouse.rawstore import remove_unreferenced as remove_unreferenced_packs
from warehouse.search import (
    load_fts,
    rebuild_search_index,
    refresh_search_index,
    search_articles,
    search_file,
    search_index_exists,
    stale_search_docs,
)
from warehouse.seeds import load_seeds
from warehouse.state import (
    DiscoverStats,
    FeedState,
    PendingUrl,
    RawPage,
    closed_flow_runs,
    count_raw_pages,
    finish_run,
    get_feed_state,
    iter_raw_pages,
    known_canonical_urls,
    pending_urls,
    prune_fetches,
    prune_raw_pages,
    record_discovered,
    set_feed_state,
    start_run,
)
from warehouse.verify import Damage, VerifyReport, verify

__all__ = [
    "BatchStats",
    "DiscoverStats",
    "FeedState",
    "PendingUrl",
    "RawPage",
    "Location",
    "Damage",
    "DiskFullError",
    "VerifyReport",
    "WarehouseBusyError",
    "atomic",
    "parse_location",
    "retry_conflicts",
    "article_id",
    "close",
    "connect",
    "current_memory_limit",
    "default_seeds_dir",
    "closed_flow_runs",
    "finish_run",
    "get_feed_state",
    "count_raw_pages",
    "iter_raw_pages",
    "known_canonical_urls",
    "load_batch",
    "load_fts",
    "load_seeds",
    "migrate",
    "open_warehouse",
    "parse_hash",
    "parse_memory_limit",
    "pending_urls",
    "prune_fetches",
    "prune_raw_pages",
    "query_names",
    "query_readonly",
    "set_memory_limit",
    "raw_dir_for",
    "read_query",
    "rebuild_search_index",
    "refresh_search_index",
    "search_articles",
    "search_file",
    "search_index_exists",
    "stale_search_docs",
    "record_discovered",
    "remove_unreferenced_packs",
    "schema_version",
    "set_feed_state",
    "start_run",
    "verify",
]
