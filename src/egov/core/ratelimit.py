"""Fixed-window rate limits shared by every worker process (one row per client and window).

A limit is "N/S": at most N hits per S seconds. The client is identified by a keyed hash of
its address (REMOTE_ADDR, or X-Forwarded-For behind EGOV_TRUSTED_PROXIES), so no address is
stored in clear. The count is one statement
(INSERT ... ON CONFLICT DO UPDATE ... RETURNING), atomic on PostgreSQL and SQLite alike.
"""

import functools
import hashlib
import hmac
import ipaddress
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from egov.core.db.core_store import rate_counter_increment
from egov.core.models import RateCounter


@dataclass(frozen=True)
class Limit:
    name: str
    hits: int
    seconds: int

    @classmethod
    def parse(cls, name: str, text: str) -> "Limit":
        """'30/60' → 30 hits per 60 seconds; raises ValueError naming the setting."""
        try:
            hits, seconds = (int(part) for part in text.split("/"))
        except ValueError:
            raise ValueError(f"rate limit {name!r} must look like HITS/SECONDS, not {text!r}") from None
        if hits < 1 or seconds < 1:
            raise ValueError(f"rate limit {name!r} must be positive: {text!r}")
        return cls(name, hits, seconds)


class RateLimited(Exception):
    def __init__(self, limit: Limit, retry_after: int):
        super().__init__(f"rate limit {limit.name} exceeded")
        self.limit = limit
        self.retry_after = retry_after


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)
    except ValueError as exc:
        raise ImproperlyConfigured(f"EGOV_TRUSTED_PROXIES: {exc}") from None


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, unless that is one of EGOV_TRUSTED_PROXIES; then the
    nearest address in X-Forwarded-For that is not a trusted proxy. Entries left of it were
    written by the client and are ignored. Never log or store the result: use client_key."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    networks = _networks(tuple(settings.EGOV_TRUSTED_PROXIES))
    if networks and _trusted(address, networks):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for hop in reversed([hop for hop in hops if hop]):
            address = hop
            if not _trusted(hop, networks):
                break
    return address


def client_key(request) -> str:
    """A keyed hash of the client's address (see client_address), safe to store and log."""
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def hit(limit: Limit, client: str, *, now: float | None = None) -> int:
    """Count one hit of `client` against `limit`; raise RateLimited past the limit."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds) * limit.seconds
    key = f"{limit.name}:{client}"
    hits = rate_counter_increment(key=key, window=window)
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        RateCounter.objects.filter(window_start__lt=window - 86400).delete()
    if hits > limit.hits:
        raise RateLimited(limit, retry_after=max(1, int(window + limit.seconds - now)))
    return hits


def peek(limit: Limit, client: str, *, now: float | None = None) -> int:
    """Hits of `client` in the current window of `limit`, without counting one."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds) * limit.seconds
    row = RateCounter.objects.filter(key=f"{limit.name}:{client}", window_start=window).first()
    return row.hits if row else 0
