"""Hand a task to a worker without ever blocking a request on a dead broker.

Callers use this only for work that has a fallback (the outbox sweep, a daily schedule): the
row that matters is committed first, the message is a shortcut.
"""

import logging

logger = logging.getLogger(__name__)


def publish_quietly(task, args: tuple, *, fallback: str) -> bool:
    """Queue `task(*args)`; on any broker or transport error log a warning naming the
    `fallback` (what will do the work instead), and return False."""
    try:
        with task.app.producer_or_acquire() as producer:
            # One connection attempt. kombu's own loop retries for 2 s, then 4 s… and so
            # overshoots broker_connection_timeout; a web request must not wait for it.
            producer.connection.ensure_connection(max_retries=0)
            task.apply_async(args, retry=False, producer=producer)
        return True
    except Exception as exc:  # any broker or transport error: the fallback delivers
        logger.warning("Could not queue %s%r, %s: %s", task.name, args, fallback, exc)
        return False
