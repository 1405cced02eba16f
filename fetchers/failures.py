"""Fetch failures: the error tree of ``records.errors`` with the details a FetchResult records.

    FetchError
    ├── TransientFetchError ── TransientFailure   (retried within a fetch, ``transient=True``)
    └── PermanentFetchError ── PermanentFailure   (never retried)

``kind`` is the ``error_class`` string written to ``FetchResult``/``FetchAttempt`` (``timeout``,
``http_404``, ``private_address`` ...).  Both carry the URL they concern, the HTTP status when there
was one, the server's ``Retry-After`` in seconds when given, and whether the failure is already
recorded as a :class:`~records.models.FetchAttempt` (``logged``).
"""

from __future__ import annotations

from records.errors import ErrorClass, FetchError, PermanentFetchError, TransientFetchError


class _Details(FetchError):
    """The shared constructor: a kind, a readable message, and what the fetch recorded."""

    url: str
    status: int | None
    retry_after: float | None
    logged: bool

    def __init__(
        self,
        kind: ErrorClass,
        message: str,
        *,
        url: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, kind=kind)
        self.url = url
        self.status = status
        self.retry_after = retry_after
        self.logged = False


class TransientFailure(_Details, TransientFetchError):
    """Worth retrying: timeouts, connection errors, 429, 500/502/503/504."""


class PermanentFailure(_Details, PermanentFetchError):
    """Not worth retrying: 404/410/451, not HTML, too large, robots, private address, bad URL."""


Failure = TransientFailure | PermanentFailure
__all__ = ["FetchError", "TransientFailure", "PermanentFailure", "Failure"]
