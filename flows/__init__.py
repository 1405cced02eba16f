"""Prefect flows: ingest, reparse, maintenance (thin orchestration over ``pipeline`` and ``warehouse``).

Importing ``flows`` (before Prefect configures its logging) names Kabar's module loggers in
``PREFECT_LOGGING_EXTRA_LOGGERS``, so their warnings (memory cap lifted, seed file missing, DNS
pinning unavailable, ...) reach the run's logs in the Prefect UI, and tells Prefect not to warn
when they log outside a run.  Values the user set win.
"""

import os

KABAR_LOGGERS = ("extractors", "fetchers", "warehouse", "pipeline", "kabar", "flows")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", ",".join(KABAR_LOGGERS))
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
