"""robots.txt policy for one origin, parsed with protego.

Outcomes of fetching ``/robots.txt`` (RFC 9309 with one documented deviation):

* 2xx          → the rules apply (``Crawl-delay`` is read for our User-Agent).
* 4xx          → no rules: everything allowed (RFC 9309 §2.3.1.3).
* 5xx, timeout, connection or safety failure → everything allowed.  The RFC says "assume
  complete disallow" for 5xx; we allow instead because a broken robots.txt would otherwise
  silently stop a whole source, and every page fetch is still rate-limited per host.

The policy is cached per origin for ``robots_ttl`` seconds by the Fetcher.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB


@dataclass(frozen=True, slots=True)
class RobotsPolicy:
    origin: str
    rules: Protego | None  # None: allow everything
    reason: str  # how the policy was obtained, for logs

    def allows(self, url: str, user_agent: str) -> bool:
        return True if self.rules is None else bool(self.rules.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


def policy_from_response(origin: str, status: int, body: bytes) -> RobotsPolicy:
    """The policy for an HTTP answer to ``/robots.txt`` (after redirects)."""
    if 200 <= status < 300:
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
        try:
            rules = Protego.parse(text)
        except Exception as exc:  # protego is lenient; never let a bad file break fetching
            return RobotsPolicy(origin, None, f"robots.txt unparseable ({exc}); allowing all")
        return RobotsPolicy(origin, rules, f"robots.txt ({status}, {len(body)} bytes)")
    if 400 <= status < 500:
        return RobotsPolicy(origin, None, f"robots.txt answered {status}; allowing all")
    return RobotsPolicy(origin, None, f"robots.txt answered {status}; allowing all (documented deviation)")


def allow_all(origin: str, reason: str) -> RobotsPolicy:
    return RobotsPolicy(origin, None, reason)


__all__ = ["RobotsPolicy", "policy_from_response", "allow_all", "ROBOTS_MAX_BYTES"]
