"""URL canonicalisation: one spelling per article URL, so duplicates collapse.

    canonicalize_url("HTTPS://Example.COM:443/a/./b/../c?utm_source=x&b=2&a=1#top")
        == "https://example.com/a/c?a=1&b=2"

What changes: scheme and host are lower-cased; the host is IDNA-encoded (``bücher.de`` →
``xn--bcher-kva.de``) and loses a trailing dot; default ports (80/443) are dropped; ``.`` and
``..`` path segments are resolved; an empty path becomes ``/``; percent-escapes are upper-cased
and escaped unreserved characters (``%7E`` → ``~``) decoded; raw non-ASCII and spaces are
percent-encoded as UTF-8; the fragment is dropped; tracking parameters (``utm_*``, ``fbclid``,
``gclid`` …, see ``TRACKING_PARAMS``) are removed and the remaining query pairs are sorted.

What stays: path case, ``+`` vs ``%20`` in the query, pairs without ``=`` (``?amp``), user info,
non-default ports.  Non-http(s) URLs are returned stripped but otherwise unchanged.
``canonicalize_url`` is idempotent.  Pure: no network, no DNS.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

HTTP_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_")
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "__hssc",
        "__hstc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "vero_id",
        "vero_conv",
        "oly_enc_id",
        "oly_anon_id",
        "ref_src",
        "ref_url",
        "s_cid",
        "cmpid",
        "ncid",
        "rss_source",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "__twitter_impression",
        "spm",
        "wt_mc",
        "wt.mc_id",
    }
)

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
# characters left alone when re-quoting a path / a query (already-valid URL characters and '%')
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/?%:@!$&'()*+,;=-._~"
# A URL the slow path would return unchanged (bar an empty path becoming "/"): lower-case http(s)
# scheme, a lower-case ASCII host name without port, user info or trailing dot, a path of characters
# ``quote`` keeps as they are, no ``%`` escape, no ``/.`` segment, no query, no fragment.
_ALREADY_CANONICAL = re.compile(
    r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?:/[A-Za-z0-9/:@!$&'()*+,;=\-_.~]*)?"
)


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)


def url_host(url: str) -> str:
    """The lower-cased, IDNA-encoded host of ``url`` without port or trailing dot ("" when none)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return _idna_host(host)


def is_tracking_param(name: str) -> bool:
    """True when a query parameter name is a known click/campaign tracker."""
    key = unquote(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str) -> str:
    """The canonical spelling of ``url`` (see module docstring); idempotent."""
    raw = url.strip()
    if _ALREADY_CANONICAL.fullmatch(raw) and "/." not in raw:  # most article links: nothing to change
        return raw if raw.count("/") > 2 else raw + "/"
    return _canonicalize_split(raw)


def _canonicalize_split(raw: str) -> str:
    """The general path of :func:`canonicalize_url` (``raw`` already stripped)."""
    try:
        parts = urlsplit(raw)
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in HTTP_SCHEMES or not parts.netloc:
        return raw
    netloc = _canonical_netloc(parts, scheme)
    path = _remove_dot_segments(_normalise_escapes(quote(parts.path, safe=_PATH_SAFE))) or "/"
    query = _canonical_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _idna_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host or host.isascii():
        return host
    labels = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def _canonical_netloc(parts: SplitResult, scheme: str) -> str:
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:  # non-numeric / out-of-range port: keep the host:port text as written
        return (userinfo + "@" if userinfo else "") + hostport.lower()
    host = _idna_host(host)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    return (userinfo + "@" if userinfo else "") + netloc


def _normalise_escapes(text: str) -> str:
    """Upper-case percent-escapes and decode the ones that encode unreserved characters."""

    def fix(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else "%" + m.group(1).upper()

    return _PCT.sub(fix, text)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, on an absolute path."""
    if "/." not in path and not path.startswith("."):  # no "." or ".." segment (".html" is not one)
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(seg)
    result = "/".join(out)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _canonical_query(query: str) -> str:
    if not query:
        return ""
    kept: list[tuple[str, str]] = []
    for pair in query.split("&"):
        if not pair:
            continue
        pair = _normalise_escapes(quote(pair, safe=_QUERY_SAFE))
        name = pair.split("=", 1)[0]
        if is_tracking_param(name):
            continue
        kept.append((unquote(name), pair))
    kept.sort()
    return "&".join(pair for _, pair in kept)


__all__ = [
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "canonicalize_url",
    "is_http_url",
    "is_tracking_param",
    "url_host",
]
