"""One id per request, on every log line it causes: in the web process and in the Celery tasks
the request published.

The proxy's X-Request-ID is kept when it is a sane token (so the proxy's access log and ours
share the id), otherwise one is made; the response carries it back. A context variable holds it
(one per thread and per asyncio task), a logging filter copies it onto each record, and two
Celery signals carry it across the broker: the publisher writes it into the message headers,
the worker reads it back before the task runs and forgets it after.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from celery import current_task
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
# The name in the Celery message headers (task.request.<name> in the worker).
TASK_HEADER = "itsm_request_id"
# A proxy's id is taken as is only when it cannot smuggle anything into a log line.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_current: ContextVar[str | None] = ContextVar("itsm_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """The proxy's id when it is a plain token, a new one otherwise."""
    if value and _ACCEPTED.fullmatch(value):
        return value
    return new_request_id()


class RequestIdMiddleware:
    """Sets the request's id for the time of the request and returns it in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        # Kept until the response is closed (request_finished below), so Django's own line
        # about the response ("Not Found: /x", logged after every middleware) carries it too.
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-") on every record, for both log formats, and in a
    worker the task's name and id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get() or "-"
        task = current_task
        if task and task.request.id and not hasattr(record, "task_id"):
            record.task_id = task.request.id
            record.task_name = task.name
        return True


@receiver(request_finished, dispatch_uid="itsm.request_id.finished")
def _forget_request_id_after_response(**kwargs) -> None:
    _current.set(None)


@before_task_publish.connect(dispatch_uid="itsm.request_id.publish")
def _add_request_id_to_message(sender=None, headers=None, **kwargs) -> None:
    request_id = _current.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect(dispatch_uid="itsm.request_id.prerun")
def _take_request_id_from_message(sender=None, task=None, **kwargs) -> None:
    # A task run by beat or by a command has no request: its lines carry "-".
    _current.set(getattr(task.request, TASK_HEADER, None) if task is not None else None)


@task_postrun.connect(dispatch_uid="itsm.request_id.postrun")
def _forget_request_id(**kwargs) -> None:
    _current.set(None)
