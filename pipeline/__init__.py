"""The pipeline's machinery, independent of any orchestrator: settings, the discovery and batch
steps, the background fetch loop and the extraction worker pool.

Imports go one way: ``kabar`` (the CLI) → ``flows`` (Prefect) → ``pipeline`` → ``extractors``,
``fetchers``, ``warehouse``.  Nothing here imports Prefect or the CLI.
"""
