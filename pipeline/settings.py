"""Settings: read once (env vars with the ``KABAR_`` prefix, or CLI flags) and passed down as values."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_USER_AGENT = "Kabar/0.1 (+https://github.com/kabar-news/kabar; news research ingestion)"


class Settings(BaseSettings):
    """All knobs of a Kabar run. Every field can be set as ``KABAR_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="KABAR_", extra="ignore")

    # the DuckLake warehouse: a SQLite catalog file path, or postgres:CONNINFO (warehouse/location.py)
    warehouse: str = Field("kabar.ducklake", description="DuckLake warehouse (catalog path or postgres:...)")
    # (the data folder of a new PostgreSQL-catalog lake is KABAR_LAKE_DATA_PATH, read where the
    # warehouse string is parsed: warehouse.location.parse_location)
    # the user's sources file (pipeline/sources_file.py): "" = sources.csv beside the warehouse, created
    # from the packaged seeds/sources.csv on first use; --sources wins
    sources: str = ""
    snapshot_retention_days: int = 30  # days of lake snapshots kept (article_versions, sql --as-of)
    # rebuild the `kabar search` index after an ingest that changed articles (about a minute per million
    # articles in the warehouse); off: only the daily maintenance and `kabar search --rebuild` build it
    search_after_ingest: bool = True
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0  # per attempt, whole body
    max_bytes: int = 5 * 1024 * 1024  # body cap after decompression
    max_redirects: int = 10
    max_connections: int = 32  # total concurrent requests
    per_host_connections: int = 4
    per_host_delay: float = 0.0  # minimum seconds between request starts to one host
    retries: int = 2  # extra attempts for transient failures within a run
    backoff_base: float = 0.5
    allow_private: bool = False  # allow loopback/private addresses (demo and tests allow their own server)
    allowed_hosts: tuple[str, ...] = ()  # host[:port] exceptions to the private-address guard
    robots_ttl: float = 3600.0
    batch_size: int = 200  # URLs per fetch/extract/load batch
    workers: int = 0  # extraction processes; 0 = number of cores
    extract_timeout: float = 60.0  # seconds for one page's extraction before the worker is killed
    # whole-run limits: a hung run ends as TimedOut instead of blocking (with CANCEL_NEW) every later
    # scheduled run of its deployment
    ingest_timeout: float = 3 * 3600.0
    reparse_timeout: float = 12 * 3600.0
    maintenance_timeout: float = 2 * 3600.0
    max_urls_per_source: int = 0  # pending URLs fetched per source and run (0 = no cap)
    max_age_days: float = (
        0  # skip URLs a feed/sitemap dates older than this, and older sitemaps (0 = any age)
    )
    raw_retention_days: int = 90  # days of raw HTML kept for `kabar reparse` (0 = keep all)
    fetch_log_retention_days: int = 180  # days of fetch-attempt log rows (`fetches`) kept (0 = keep all)
    prefect_port: int = 4200
    # once a run's work is stored, seconds to wait on a Prefect server that stopped answering before
    # `kabar ingest`/`reparse` report it and exit 4 (Prefect's client would retry for minutes)
    prefect_grace: float = 15.0
    # DuckDB memory cap while ingest/reparse load ("" or "0" = DuckDB's default, 80 % of RAM): above
    # it DuckDB spills not yet checkpointed data to <warehouse>.tmp/, so a long run's memory stays flat
    load_memory_limit: str = "96MB"

    @field_validator("load_memory_limit")
    @classmethod
    def _check_memory_limit(cls, value: str) -> str:
        from warehouse.connection import parse_memory_limit

        return parse_memory_limit(value) or ""


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit (non-None) overrides on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
