"""The API's request rates (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]).

Each client (user, or client address without a login) has one counter per window of the rate's
period, kept in the cache: on Redis one pipelined round trip (SET … NX EX, then INCR) that is
atomic per key, elsewhere (the local-memory cache of development) add + incr. Windows are fixed
but start at an offset per client, so the desk's integrations do not all roll over in the same
second. Past the rate the answer is 429 with Retry-After: the seconds until the window ends.

DRF's own throttles keep a list of every request's time in the window and rewrite it on each
request: two workers rewriting it at once lose each other's requests (so under load the limit
barely held), and a busy client's list (1,200 floats at the default 1,200/min) is read,
unpickled, repickled and written back on every call. Why not django-ratelimit, which counts
the same way: see docs/adr/0007-api-rate-counter.md.

When the cache (Redis) cannot be reached the request is let through and a warning logged: a rate
limit is a guard against abuse, not worth refusing every API call while Redis restarts. Rates are
read from the settings on each request (API_THROTTLE_ANON, API_THROTTLE_USER), so they follow
the environment and test overrides.
"""

from __future__ import annotations

import logging
import time
import zlib

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)


def _clock() -> float:
    return time.time()  # a function of its own, so tests can hold a window still


def count_request(client_key: str, period: int, now: float | None = None) -> tuple[int, int]:
    """Count one request of `client_key` in its current window of `period` seconds.

    Returns (requests in this window including this one, seconds until the window ends).
    Raises RedisError/OSError when the cache cannot be reached.
    """
    now = _clock() if now is None else now
    # The offset spreads window ends over the period, the same for a client every time.
    shifted = int(now) + zlib.crc32(client_key.encode()) % period
    window, into = divmod(shifted, period)
    key = f"rate:{client_key}:{period}:{window}"
    # The key outlives its window by a second so a late INCR never finds it gone.
    count = _increment(caches["default"], key, period - into + 1)
    return count, period - into


def _increment(cache, key: str, timeout: int) -> int:
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        # Django's RedisCache.incr checks EXISTS first (a second round trip, and a key that
        # expires in between is recreated without a timeout); one pipeline does both safely.
        # Integers are stored as plain Redis integers by Django's serializer, so INCR applies.
        client = cache._cache.get_client(full_key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incr(full_key)
        return int(pipe.execute()[1])
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts the window
        cache.add(key, 1, timeout)
        return 1


class CountingThrottle(throttling.SimpleRateThrottle):
    setting: str

    def get_rate(self):
        return getattr(settings, self.setting)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        client_key = self.get_cache_key(request, view)
        if client_key is None:
            return True
        try:
            count, self.seconds_left = count_request(client_key, self.duration)
        except CACHE_ERRORS as exc:
            logger.warning("API throttle %s not applied, the cache is unreachable: %s",
                           self.scope, exc)
            return True
        return count <= self.num_requests

    def wait(self):
        return self.seconds_left


class AnonRateThrottle(CountingThrottle, throttling.AnonRateThrottle):
    setting = "API_THROTTLE_ANON"


class UserRateThrottle(CountingThrottle, throttling.UserRateThrottle):
    setting = "API_THROTTLE_USER"
