"""Slowing down password guessing, per client address, in the database (every process sees
the same counts; nothing is kept in memory).

Each wrong password is counted twice: for the client address and the username it tried (past
EGOV_LOGIN_MAX_FAILURES that address must wait before trying that username again), and for the
address across all usernames (past EGOV_LOGIN_CLIENT_MAX_FAILURES it must wait before trying
any). The first wait is EGOV_LOGIN_DELAY_SECONDS, doubled after each further failure, up to
EGOV_LOGIN_LOCK_MINUTES. Only the guessing address waits: the account holder logs in from
anywhere else as usual, so nobody can shut an official out by guessing.

Keys are keyed hashes of the address and of the username as typed, made the same way whether
or not the username exists: a wait tells nothing about which usernames do.

A check and the count after it are separate statements, so a burst of simultaneous requests
may each get one guess in before the first failure is counted; the growing waits make that
burst the last one.
"""

import datetime as dt
import hashlib
import hmac
import logging
import math
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from egov.accounts.models import LoginThrottle
from egov.core.audit import audit_record

log = logging.getLogger("egov.accounts")

# A count is forgotten this long after its last failure (longer than the longest wait, so a
# patient guesser still waits the longest wait between guesses).
FORGET_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class Keys:
    """The two counts a password attempt touches."""

    pair: str
    client: str


def keys_for(*, client: str, username: str) -> Keys:
    """`client` is core.ratelimit.client_key(request), already a keyed hash of the address."""
    pair = hmac.new(
        settings.SECRET_KEY.encode(), f"login\n{client}\n{username.casefold()}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return Keys(pair=f"pw:{pair}", client=f"pw-client:{client}")


def delay_seconds(failures: int, limit: int) -> int:
    """The wait after `failures` wrong passwords against a count whose limit is `limit`."""
    if failures < limit:
        return 0
    cap = settings.EGOV_LOGIN_LOCK_MINUTES * 60
    return min(cap, settings.EGOV_LOGIN_DELAY_SECONDS * 2 ** min(failures - limit, 32))


def wait_seconds(keys: Keys, *, now: dt.datetime) -> int:
    """Seconds before this address may try this username again; 0 when it may now."""
    until = LoginThrottle.objects.filter(key__in=[keys.pair, keys.client], blocked_until__gt=now).aggregate(
        until=Max("blocked_until")
    )["until"]
    return 0 if until is None else max(1, math.ceil((until - now).total_seconds()))


def failure_record(keys: Keys, *, now: dt.datetime) -> int:
    """Count one wrong password; return the seconds the address must now wait (0 for none).

    Call inside the login service's transaction. Rows are locked pair first, then client, in
    every request, so two requests never wait on each other in a cycle."""
    waits = [
        _count(keys.pair, settings.EGOV_LOGIN_MAX_FAILURES, now),
        _count(keys.client, settings.EGOV_LOGIN_CLIENT_MAX_FAILURES, now),
    ]
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        LoginThrottle.objects.filter(last_failure_at__lt=now - FORGET_AFTER).delete()
    return max(waits)


def pair_forget(keys: Keys) -> None:
    """The right password from this address for this username: its guessing count ends. The
    address's own count stays, or a guesser could clear it by logging in to her own account."""
    LoginThrottle.objects.filter(key=keys.pair).delete()


def _count(key: str, limit: int, now: dt.datetime) -> int:
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            key=key, defaults={"last_failure_at": now}
        )
        if now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = delay_seconds(row.failures, limit)
        row.blocked_until = now + dt.timedelta(seconds=wait) if wait else None
        row.save(update_fields=["failures", "last_failure_at", "blocked_until"])
        if wait:
            audit_record(
                actor=None,
                action="login.throttled",
                obj=row,
                after={"failures": row.failures, "wait_seconds": wait},
            )
            log.warning("login throttled", extra={"throttle": key, "failures": row.failures, "wait": wait})
    return wait
