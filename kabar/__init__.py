"""Kabar's command line, settings, worker pool and Prefect server management.

Importing ``kabar`` (the CLI, the flows and the workers all do, before Prefect configures its
logging) makes Prefect attach its run-log handler to Kabar's own module loggers, so their warnings
(memory cap lifted, seed file missing, DNS pinning unavailable, ...) appear in the run's logs in
the Prefect UI and not only on a terminal.  ``PREFECT_LOGGING_EXTRA_LOGGERS`` set by the user wins.
"""

from __future__ import annotations

import os

KABAR_LOGGERS = ("extractors", "fetchers", "warehouse", "kabar", "flows")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", ",".join(KABAR_LOGGERS))
# outside a flow run (kabar sql, status, library use) those loggers only print: no API-handler warning
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
