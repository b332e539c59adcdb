"""Throttling of failed logins, shared by the login page and the API token endpoint.

Failures are counted per (username, client address) and per client address alone, in the cache
(Redis in production via CACHE_URL). After LOGIN_FAILURE_LIMIT failures the pair is refused for
LOGIN_LOCKOUT_SECONDS, even with the right password, so guessing gains nothing. A success clears
the pair's count.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

# One address may try this many times more often than one username (shared NAT offices).
ADDRESS_FACTOR = 4


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"login-fail:{digest}"


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    limit = settings.LOGIN_FAILURE_LIMIT
    return [
        (_key("user", (username or "").strip().lower(), address), limit),
        (_key("addr", address), limit * ADDRESS_FACTOR),
    ]


def seconds_blocked(username: str, address: str) -> int:
    """How long this login stays refused; 0 when it may be tried."""
    now = time.time()
    waits = [0]
    for key, limit in _keys(username, address):
        state = cache.get(key)
        if state and state["failures"] >= limit and state["until"] > now:
            waits.append(int(state["until"] - now) + 1)
    return max(waits)


def record_failure(username: str, address: str) -> None:
    now = time.time()
    lockout = settings.LOGIN_LOCKOUT_SECONDS
    for key, _limit in _keys(username, address):
        state = cache.get(key)
        if not state or state["until"] <= now:
            state = {"failures": 0}
        state["failures"] += 1
        state["until"] = now + lockout  # the window restarts with every failure
        cache.set(key, state, timeout=lockout)


def record_success(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0][0])
