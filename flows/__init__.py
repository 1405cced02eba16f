"""Prefect flows: ingest, reparse, maintenance (thin orchestration over kabar.pipeline and warehouse).

``import kabar`` first: it names Kabar's module loggers in ``PREFECT_LOGGING_EXTRA_LOGGERS`` before
Prefect configures its logging, so their warnings reach the run logs in the UI.
"""

import kabar  # noqa: F401
