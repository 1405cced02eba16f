"""FetchConfig: every knob of the fetcher as one frozen value, built once and passed down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Politeness, safety and resource limits for one :class:`~fetchers.Fetcher`.

    Timeouts are seconds.  ``total_timeout`` is the deadline of one HTTP request (headers and whole
    body), so a server that dribbles bytes forever is still cut.  ``max_bytes`` caps the body AFTER
    content-decoding.  ``retries`` is the number of *extra* attempts for transient failures.
    ``allowed_hosts`` holds ``"host"`` or ``"host:port"`` strings exempt from the private-address guard.
    """

    user_agent: str
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 10
    max_connections: int = 32
    per_host_connections: int = 4
    per_host_delay: float = 0.0
    retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    allow_private: bool = False
    allowed_hosts: frozenset[str] = frozenset()
    respect_robots: bool = True
    robots_ttl: float = 3600.0

    def __post_init__(self) -> None:
        if not self.user_agent.strip():
            raise ValueError("FetchConfig.user_agent must be a real User-Agent string")
        if self.max_connections < 1 or self.per_host_connections < 1:
            raise ValueError("max_connections and per_host_connections must be >= 1")
        if self.max_bytes < 1 or self.max_redirects < 0 or self.retries < 0:
            raise ValueError("max_bytes must be >= 1, max_redirects and retries >= 0")
        # normalise allowed_hosts (accept any iterable of strings, compare lower-case)
        object.__setattr__(self, "allowed_hosts", frozenset(h.strip().lower() for h in self.allowed_hosts))

    @classmethod
    def from_settings(cls, s: Any) -> FetchConfig:
        """Build from ``pipeline.settings.Settings`` (duck-typed: missing fields keep their defaults)."""
        kwargs: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if hasattr(s, name):
                kwargs[name] = getattr(s, name)
        if "allowed_hosts" in kwargs:
            kwargs["allowed_hosts"] = frozenset(kwargs["allowed_hosts"] or ())
        return cls(**kwargs)


__all__ = ["FetchConfig"]
