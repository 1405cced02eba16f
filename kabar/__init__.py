"""Kabar's command line (``kabar``), the demo site and the managed Prefect server.

Imports go one way: ``kabar`` → ``flows`` → ``pipeline`` → ``extractors``/``fetchers``/``warehouse``.
Importing ``kabar`` imports the ``flows`` package first (not its flows), so Prefect's logging is
set up with Kabar's loggers in any process that starts here.
"""

import flows  # noqa: F401
