"""A Redis cache that fails open: with Redis down the portal runs uncached instead of failing.

Everything the portal keeps in the cache can be recomputed (short-lived list counts, API throttle
counters); nothing that must hold is stored there (login lockouts and reset limits are counted in
the database). So a refused connection is logged once a minute and read as a miss, and writes
are dropped. django-redis has this as IGNORE_EXCEPTIONS; Django's own backend does not, and one
subclass is lighter than a second Redis client library.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("itsm.cache")

_WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning
    moment = time.monotonic()
    if moment - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = moment
        logger.warning("Cache unavailable (%s: %s); running uncached.", operation, exc)


class FailOpenRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _warn("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _warn("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            _warn("has_key", exc)
            return False

    def set(self, key, value, timeout=None, version=None):  # noqa: A003 - Django's API
        try:
            return super().set(key, value, timeout, version)
        except RedisError as exc:
            _warn("set", exc)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            _warn("set_many", exc)
            return list(data)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            _warn("add", exc)
            return False

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            _warn("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            _warn("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as exc:
            _warn("delete_many", exc)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            _warn("incr", exc)
            raise ValueError(f"Key {key!r} not found (cache unavailable).") from exc

    def clear(self):
        try:
            return super().clear()
        except RedisError as exc:
            _warn("clear", exc)
            return False
