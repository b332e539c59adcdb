"""The API's request rates (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]).

DRF's throttles count in the cache. When the cache (Redis) cannot be reached they let the request
through and log a warning: a rate limit is a guard against abuse, not worth refusing every API
call while Redis restarts. Rates are read from the settings on each request
(API_THROTTLE_ANON, API_THROTTLE_USER), so they follow the environment and test overrides.
"""

from __future__ import annotations

import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, OSError)


class FailOpenMixin:
    setting: str

    def get_rate(self):
        return getattr(settings, self.setting)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            logger.warning("API throttle %s not applied, the cache is unreachable: %s",
                           self.scope, exc)
            return True


class AnonRateThrottle(FailOpenMixin, throttling.AnonRateThrottle):
    setting = "API_THROTTLE_ANON"


class UserRateThrottle(FailOpenMixin, throttling.UserRateThrottle):
    setting = "API_THROTTLE_USER"
