"""API rates per client address and per user (core/throttles.py, issue 14.8): 429 with
Retry-After past the rate, and no refusal when the cache (Redis) is down."""

import logging

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

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
