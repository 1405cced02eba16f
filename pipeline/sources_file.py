"""The user's sources file: which one a run reads, and its first copy from the packaged defaults.

``--sources PATH`` (or ``KABAR_SOURCES``) names it; otherwise it is ``sources.csv`` beside the
warehouse (``./sources.csv`` for the default ``./kabar.ducklake``; beside the data folder for a
PostgreSQL catalog).  The first run that needs the default one copies the packaged
``seeds/sources.csv`` there, so a user edits their own file and a Kabar upgrade never overwrites it.
A file named explicitly must exist: a typo is an error, not a new empty configuration.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from extractors.sources import DEFAULT_SOURCES
from pipeline.settings import Settings
from records.errors import ParseError
from warehouse.location import parse_location

log = logging.getLogger(__name__)

FILE_NAME = "sources.csv"


def sources_path(settings: Settings) -> Path:
    """The sources file the settings name (``KABAR_SOURCES``), else ``sources.csv`` beside the warehouse."""
    if settings.sources:
        return Path(settings.sources).expanduser()
    return parse_location(settings.warehouse).local_dir / FILE_NAME


def user_sources_file(settings: Settings, *, create: bool = True) -> Path:
    """The sources file a run reads; the default one is copied from the packaged file on first use.

    With ``create=False`` (read-only commands) a missing default file means the packaged one."""
    path = sources_path(settings)
    if path.is_file():
        return path
    if settings.sources:
        raise ParseError(
            f"sources file {path} not found (named by --sources or KABAR_SOURCES); "
            "check the path, or leave it unset to use sources.csv beside the warehouse",
            kind="sources_file",
        )
    if not create:
        return DEFAULT_SOURCES
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        shutil.copyfile(DEFAULT_SOURCES, partial)
        os.replace(partial, path)  # whole or not at all, even with two runs starting together
    except OSError as exc:
        raise ParseError(f"cannot create the sources file {path}: {exc}", kind="sources_file") from exc
    log.info("created %s from Kabar's packaged sources: edit it to add or remove sources", path)
    return path


__all__ = ["FILE_NAME", "sources_path", "user_sources_file"]
