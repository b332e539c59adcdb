"""celery-redbeat's scheduler, made to outlive a Redis restart.

redbeat keeps beat's lock in Redis and extends it at every tick. When Redis restarts without
the key (no persistence, a failover, or an outage longer than BEAT_LOCK_SECONDS), the next
extension raises LockNotOwnedError and beat exits: the schedule stops until someone restarts
it (the fault test tests/faults: Redis down, then back). Here the beat that lost its lock waits
for the lock like a standby beat does at start-up, writes the schedule's entries again (they were
in the same Redis) and goes on, so at most one beat schedules at any time; while Redis is
unreachable it retries every few seconds instead of exiting.
"""

import logging

from redbeat import RedBeatScheduler
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockNotOwnedError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Seconds between attempts while Redis does not answer.
RETRY_SECONDS = 5


REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class ResilientRedBeatScheduler(RedBeatScheduler):
    def tick(self, min=min, **kwargs):  # noqa: A002 - the name Celery's Scheduler.tick uses
        try:
            return super().tick(min=min, **kwargs)
        except LockNotOwnedError:
            logger.warning("beat: the lock in Redis is gone (Redis restarted?); waiting to "
                           "hold it again before scheduling")
            try:
                self.lock.acquire()  # blocks while another beat holds it, as at start-up
            except REDIS_DOWN as exc:
                return self._retry_later(exc)
            # A Redis that lost the lock lost the schedule's entries with it: write them again
            # (entries still there keep their last run).
            self.setup_schedule()
            logger.info("beat: holds the lock again, schedule restored")
            return 0
        except REDIS_DOWN as exc:
            return self._retry_later(exc)

    def _retry_later(self, exc: Exception) -> int:
        logger.warning("beat: Redis unreachable (%s); trying again in %s s", exc, RETRY_SECONDS)
        return RETRY_SECONDS
