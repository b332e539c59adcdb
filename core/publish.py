"""Hand a task to a worker without ever blocking a request on a dead broker.

Callers use this only for work that has a fallback (the outbox sweep, a daily schedule): the
row that matters is committed first, the message is a shortcut.

Services name the task by its registered name ("notifications.tasks.deliver") rather than
importing it: a tasks module imports its services to run them, so a service importing its tasks
would make an import cycle. Each app's AppConfig.ready() imports its tasks module, so the name is
registered in every process (eager mode included).
"""

import logging

from celery import current_app

logger = logging.getLogger(__name__)


def publish_quietly(task, args: tuple, *, fallback: str) -> bool:
    """Queue `task(*args)` — `task` is a Celery task or its registered name; on any broker or
    transport error log a warning naming the `fallback` (what will do the work instead), and
    return False."""
    name = task if isinstance(task, str) else task.name
    try:
        if isinstance(task, str):
            # A name this process has not registered still goes to the broker: the worker knows it.
            task = current_app.tasks.get(task)
        app = task.app if task is not None else current_app
        with app.producer_or_acquire() as producer:
            # One connection attempt. kombu's own loop retries for 2 s, then 4 s… and so
            # overshoots broker_connection_timeout; a web request must not wait for it.
            producer.connection.ensure_connection(max_retries=0)
            if task is None:
                app.send_task(name, args, retry=False, producer=producer)
            else:
                task.apply_async(args, retry=False, producer=producer)
        return True
    except Exception as exc:  # any broker or transport error: the fallback delivers
        logger.warning("Could not queue %s%r, %s: %s", name, args, fallback, exc)
        return False
