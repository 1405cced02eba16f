"""Kabar's error hierarchy: one small tree, each class marked transient or permanent.

    KabarError                      base; ``transient`` says whether a retry may help
    ├── FetchError                  anything that went wrong getting bytes
    │   ├── TransientFetchError     timeouts, connection errors, 429, 502/503/504 (retry)
    │   └── PermanentFetchError     404/410/451, non-HTML, too large, robots, private address
    ├── ExtractionError             trafilatura found no main text, or the worker died (permanent)
    ├── ParseError                  malformed input to a parser (permanent)
    └── WarehouseError              migration or load failure (permanent for the batch)

Every failure recorded in the warehouse carries ``error_class`` (the class name, or a
finer ``kind`` string) and a readable ``message``.  Flows retry only what is transient.
"""

from __future__ import annotations


class KabarError(Exception):
    """Base of every error Kabar raises on purpose."""

    transient: bool = False
    kind: str = "error"

    def __init__(self, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind

    @property
    def message(self) -> str:
        return str(self)


class FetchError(KabarError):
    kind = "fetch"


class TransientFetchError(FetchError):
    transient = True
    kind = "transient"


class PermanentFetchError(FetchError):
    kind = "permanent"


class ExtractionError(KabarError):
    kind = "extraction"


class ParseError(KabarError):
    kind = "parse"


class WarehouseError(KabarError):
    kind = "warehouse"


def is_transient(exc: BaseException) -> bool:
    """True when retrying might succeed (used as Prefect ``retry_condition_fn`` helper)."""
    return isinstance(exc, KabarError) and exc.transient


__all__ = [
    "KabarError",
    "FetchError",
    "TransientFetchError",
    "PermanentFetchError",
    "ExtractionError",
    "ParseError",
    "WarehouseError",
    "is_transient",
]
