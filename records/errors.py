"""Kabar's error hierarchy: one small tree, each class marked transient or permanent.

    KabarError                      base; ``transient`` says whether a retry may help
    ├── FetchError                  anything that went wrong getting bytes
    │   ├── TransientFetchError     timeouts, connection errors, 429, 502/503/504 (retry)
    │   └── PermanentFetchError     404/410/451, non-HTML, too large, robots, private address
    ├── ExtractionError             trafilatura found no main text, or the worker died (permanent)
    ├── ParseError                  malformed input to a parser (permanent)
    └── WarehouseError              migration or load failure (permanent for the batch)

Every failure recorded in the warehouse carries ``error_class`` (one value of :data:`ErrorClass`,
the error's ``kind``) and a readable ``message``.  Flows retry only what is transient.
:data:`ERROR_CLASSES` says what each value means: it is the one place they are documented.
"""

from __future__ import annotations

from typing import Literal

ErrorClass = Literal[
    # fetch: the network and the server
    "timeout",
    "connect_error",
    "connection_reset",
    "incomplete_body",
    "protocol_error",
    "dns_error",
    "tls_error",
    "http_400",
    "http_401",
    "http_403",
    "http_404",
    "http_405",
    "http_406",
    "http_408",
    "http_409",
    "http_410",
    "http_415",
    "http_422",
    "http_429",
    "http_451",
    "http_4xx",
    "http_5xx",
    "http_other",
    # fetch: what we refuse to follow or keep
    "invalid_url",
    "bad_scheme",
    "private_address",
    "bad_redirect",
    "redirect_loop",
    "too_many_redirects",
    "robots_disallowed",
    "too_large",
    "not_html",
    "not_feed",
    "empty_body",
    "decode_error",
    "internal_error",
    "fetch_error",
    # discover
    "malformed_feed",
    # extract
    "no_main_text",
    "extract_crash",
    "extract_timeout",
    "worker_crashed",
    "worker_error",
    "out_of_memory",
    # parse and load
    "parser_crash",
    "naive_datetime",
    "sources_file",
    "warehouse_busy",
    "disk_full",
    # an error raised without a finer kind: the class's own
    "error",
    "fetch",
    "transient",
    "permanent",
    "extraction",
    "parse",
    "warehouse",
]

ERROR_CLASSES: dict[ErrorClass, str] = {
    "timeout": "no complete answer within the connect, read or whole-request deadline (retried)",
    "connect_error": "the host refused or dropped the connection attempt (retried)",
    "connection_reset": "the connection broke, or closed before any answer (retried)",
    "incomplete_body": "the body ended before its announced length (retried)",
    "protocol_error": "the server sent something that is not valid HTTP",
    "dns_error": "the host name does not resolve",
    "tls_error": "the server's TLS certificate was refused",
    "http_400": "the server answered 400 Bad Request",
    "http_401": "the server answered 401 Unauthorized (a login wall)",
    "http_403": "the server answered 403 Forbidden (often a bot wall)",
    "http_404": "the server answered 404 Not Found",
    "http_405": "the server answered 405 Method Not Allowed",
    "http_406": "the server answered 406 Not Acceptable",
    "http_408": "the server answered 408 Request Timeout (retried)",
    "http_409": "the server answered 409 Conflict",
    "http_410": "the server answered 410 Gone",
    "http_415": "the server answered 415 Unsupported Media Type",
    "http_422": "the server answered 422 Unprocessable Content",
    "http_429": "the server answered 429 Too Many Requests (retried after its Retry-After)",
    "http_451": "the server answered 451 Unavailable For Legal Reasons",
    "http_4xx": "the server answered another 4xx status (the message gives it)",
    "http_5xx": "the server answered a 5xx status (500/502/503/504 and 52x are retried)",
    "http_other": "the server answered a status that is neither success, redirect nor error",
    "invalid_url": "the URL is not a valid absolute http(s) URL",
    "bad_scheme": "the URL or a redirect uses a scheme other than http(s)",
    "private_address": "the host resolves to a loopback, private or reserved address (SSRF guard)",
    "bad_redirect": "a redirect without a usable Location",
    "redirect_loop": "redirects lead back to a URL already visited",
    "too_many_redirects": "more redirects than KABAR_MAX_REDIRECTS",
    "robots_disallowed": "the site's robots.txt disallows the URL for Kabar's user agent",
    "too_large": "the body exceeds KABAR_MAX_BYTES after decompression",
    "not_html": "a page that is not HTML (PDF, image, binary)",
    "not_feed": "a feed or sitemap URL answered with something that is neither",
    "empty_body": "the server sent an empty body (or 204 No Content)",
    "decode_error": "the body could not be decompressed or decoded",
    "internal_error": "a bug in the fetcher, recorded instead of crashing the run",
    "fetch_error": "a failed fetch that carried no finer class",
    "malformed_feed": "a feed or sitemap that does not parse (or declares entities)",
    "no_main_text": "trafilatura found no main text on the page",
    "extract_crash": "the HTML parser or trafilatura raised on the page",
    "extract_timeout": "one page's extraction took longer than KABAR_EXTRACT_TIMEOUT; its worker was replaced",
    "worker_crashed": "the extraction worker died on the page (twice, the second time alone)",
    "worker_error": "the extraction pool failed to run the page",
    "out_of_memory": "extraction ran out of the worker's memory",
    "parser_crash": "a bug in attribution or date parsing, recorded instead of losing the page",
    "naive_datetime": "a row carried a datetime without a zone and was not loaded",
    "sources_file": "the sources file cannot be read or has a bad row",
    "warehouse_busy": "another writer's commits kept conflicting with this one",
    "disk_full": "the disk holding the warehouse is full; nothing of the write was stored",
    "error": "a Kabar error raised without a finer class",
    "fetch": "a fetch error raised without a finer class",
    "transient": "a transient fetch error raised without a finer class",
    "permanent": "a permanent fetch error raised without a finer class",
    "extraction": "an extraction error raised without a finer class",
    "parse": "a parse error raised without a finer class",
    "warehouse": "a warehouse error raised without a finer class",
}

_NAMED_4XX: dict[int, ErrorClass] = {
    400: "http_400",
    401: "http_401",
    403: "http_403",
    404: "http_404",
    405: "http_405",
    406: "http_406",
    408: "http_408",
    409: "http_409",
    410: "http_410",
    415: "http_415",
    422: "http_422",
    429: "http_429",
    451: "http_451",
}


def http_error_class(status: int) -> ErrorClass:
    """The error class of an HTTP status that is not a success (the status itself stays in ``fetches``)."""
    if status >= 500:
        return "http_5xx"
    if 400 <= status < 500:
        return _NAMED_4XX.get(status, "http_4xx")
    return "http_other"


def as_error_class(value: str) -> ErrorClass:
    """A stored or received string as an :data:`ErrorClass` (an unknown one raises ``ValueError``)."""
    if value not in ERROR_CLASSES:
        raise ValueError(f"not a Kabar error class: {value!r}")
    return value


class KabarError(Exception):
    """Base of every error Kabar raises on purpose."""

    transient: bool = False
    kind: ErrorClass = "error"

    def __init__(self, message: str, *, kind: ErrorClass | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind

    @property
    def message(self) -> str:
        return str(self)


class FetchError(KabarError):
    kind: ErrorClass = "fetch"


class TransientFetchError(FetchError):
    transient = True
    kind: ErrorClass = "transient"


class PermanentFetchError(FetchError):
    kind: ErrorClass = "permanent"


class ExtractionError(KabarError):
    kind: ErrorClass = "extraction"


class ParseError(KabarError):
    kind: ErrorClass = "parse"


class WarehouseError(KabarError):
    kind: ErrorClass = "warehouse"


def is_transient(exc: BaseException) -> bool:
    """True when retrying might succeed (used as Prefect ``retry_condition_fn`` helper)."""
    return isinstance(exc, KabarError) and exc.transient


__all__ = [
    "ERROR_CLASSES",
    "ErrorClass",
    "as_error_class",
    "http_error_class",
    "KabarError",
    "FetchError",
    "TransientFetchError",
    "PermanentFetchError",
    "ExtractionError",
    "ParseError",
    "WarehouseError",
    "is_transient",
]
