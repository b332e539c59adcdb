"""The Redis cache fails open: with Redis down, reads miss and writes are dropped, no error."""

import logging
import socket

import pytest
from django.core.cache import caches
from django.test import override_settings


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on exit: nothing listens there


@pytest.fixture
def dead_redis_cache():
    location = f"redis://127.0.0.1:{_dead_port()}/0"
    settings = {"default": {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": location,
                            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    with override_settings(CACHES=settings):
        cache = caches.create_connection("default")
        yield cache


def test_with_redis_down_reads_miss_and_writes_are_dropped(dead_redis_cache, caplog):
    cache = dead_redis_cache
    with caplog.at_level(logging.WARNING, logger="itsm.cache"):
        assert cache.get("k", "fallback") == "fallback"
        cache.set("k", 1, 30)
        assert cache.add("k", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("k") is False
        with pytest.raises(ValueError):
            cache.incr("k")
    assert "Cache unavailable" in caplog.text


def test_with_redis_up_it_is_an_ordinary_cache():
    settings = {"default": {"BACKEND": "core.cache.FailOpenRedisCache",
                            "LOCATION": "redis://127.0.0.1:6379/7"}}
    with override_settings(CACHES=settings):
        cache = caches.create_connection("default")
        cache.set("fail-open-probe", 41, 30)
        assert cache.incr("fail-open-probe") == 42
        cache.delete("fail-open-probe")
