"""API rates per client address and per user (core/throttles.py, issue 14.8): 429 with
Retry-After past the rate, and no refusal when the cache (Redis) is down. The counter is one
atomic integer per client and window (issue 19: DRF's list of request times was rewritten on
every call and lost requests counted at once)."""

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from rest_framework.test import APIClient

from core import throttles
from core.throttles import UserRateThrottle, count_request


@pytest.fixture(autouse=True)
def _the_window_stands_still(monkeypatch):
    """Windows are fixed: one that ended between a test's requests would start the count again
    (the first CI run of this file met one). The counter's clock stands still in each test."""
    moment = time.time()
    monkeypatch.setattr(throttles, "_clock", lambda: moment)


DEAD_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0"}}


@override_settings(API_THROTTLE_ANON="60/min")
def test_the_61st_anonymous_request_gets_429_with_retry_after(db):
    client = APIClient()
    statuses = [client.post("/api/surveys/no-such-token/answer/", {}, format="json").status_code
                for _ in range(61)]
    assert statuses[:60] == [404] * 60
    assert statuses[60] == 429
    response = client.post("/api/surveys/no-such-token/answer/", {}, format="json")
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


@override_settings(API_THROTTLE_USER="3/min")
def test_a_user_past_the_rate_gets_429(demo):
    client = APIClient()
    client.force_authenticate(demo["desk"])
    statuses = [client.get("/api/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = APIClient()
    other.force_authenticate(demo["engineer"])
    assert other.get("/api/me/").status_code == 200  # per user, not shared


def test_the_default_rates_come_from_the_settings(settings):
    assert settings.API_THROTTLE_ANON == "60/min"
    assert settings.API_THROTTLE_USER == "1200/min"


@pytest.mark.parametrize("anonymous", [True, False])
def test_it_fails_open_with_a_warning_when_the_cache_is_down(demo, caplog, anonymous):
    client = APIClient()
    if not anonymous:
        client.force_authenticate(demo["desk"])
    with override_settings(CACHES=DEAD_REDIS, API_THROTTLE_ANON="1/min",
                           API_THROTTLE_USER="1/min"), \
            caplog.at_level(logging.WARNING, logger="core.throttles"):
        if anonymous:
            statuses = {client.post("/api/surveys/x/answer/", {}, format="json").status_code
                        for _ in range(3)}
            assert statuses == {404}
        else:
            statuses = {client.get("/api/me/").status_code for _ in range(3)}
            assert statuses == {200}
    assert "cache is unreachable" in caplog.text


# --- The counter behind the rates (core.throttles.count_request) ------------------------------

LIVE_REDIS = {"default": {"BACKEND": "core.cache.FailOpenRedisCache",
                          "LOCATION": "redis://127.0.0.1:6379/7"}}
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(params=["redis", "locmem"])
def counting_cache(request):
    """Each test counts under its own key prefix, so reruns and parallel runs never meet."""
    config = LIVE_REDIS if request.param == "redis" else LOCAL_MEMORY
    config = {"default": {**config["default"], "KEY_PREFIX": f"t{uuid.uuid4().hex}"}}
    with override_settings(CACHES=config):
        yield caches["default"]


def test_a_window_counts_up_and_the_next_one_starts_again(counting_cache):
    start = 1_800_000_000.0
    period = 60
    first, left = count_request("throttle_user_7", period, now=start)
    assert first == 1 and 1 <= left <= period
    assert count_request("throttle_user_7", period, now=start)[0] == 2
    assert count_request("throttle_user_8", period, now=start)[0] == 1  # per client
    # The same client, one second after its window ends: a new window, counted from 1.
    assert count_request("throttle_user_7", period, now=start + left)[0] == 1
    # Seconds left fall as time passes within a window.
    assert count_request("throttle_user_7", period, now=start + left + 5)[1] == period - 5


def test_window_ends_are_spread_over_the_period(counting_cache):
    start = 1_800_000_000.0
    lefts = {count_request(f"throttle_user_{pk}", 60, now=start)[1] for pk in range(40)}
    assert len(lefts) > 10  # not every client's window ends in the same second


def test_on_redis_it_stores_one_integer_that_expires_with_its_window():
    prefix = f"t{uuid.uuid4().hex}"
    with override_settings(CACHES={"default": {**LIVE_REDIS["default"], "KEY_PREFIX": prefix}}):
        for _ in range(3):
            count, left = count_request("throttle_user_9", 60)
        client = caches["default"]._cache.get_client(None)
        keys = client.keys(f"{prefix}:*")
        assert len(keys) == 1
        assert client.get(keys[0]) == b"3"
        assert left <= client.ttl(keys[0]) <= 61
        client.delete(*keys)


@override_settings(API_THROTTLE_USER="100/min")
def test_requests_at_once_are_all_counted(counting_cache, demo):
    """DRF's throttles read a list of times and write it back: two workers at once lose one of
    the requests. The counter increments atomically, so exactly the rate gets through."""
    if not isinstance(counting_cache, RedisCache):
        pytest.skip("local memory is one process's cache; concurrency matters on Redis")
    desk = demo["desk"]
    request = type("Request", (), {"user": desk})()

    def allowed(_):
        return UserRateThrottle().allow_request(request, None)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(allowed, range(160)))
    assert answers.count(True) == 100


@override_settings(API_THROTTLE_USER="2/min")
def test_retry_after_is_the_time_left_in_the_window(counting_cache, demo):
    client = APIClient()
    client.force_authenticate(demo["desk"])
    assert [client.get("/api/me/").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/me/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
