"""Request ids: taken from the proxy or made, returned, and carried into Celery tasks."""

import io
import json
import logging
import time

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.http import HttpResponse
from django.test import RequestFactory

from core.logs import JsonFormatter
from core.requestid import HEADER, RequestIdFilter, RequestIdMiddleware, current_request_id
from itsm.celery import app as project_app


def _answer(view, **headers):
    return RequestIdMiddleware(view)(RequestFactory().get("/", headers=headers))


def test_it_keeps_the_proxy_request_id_and_returns_it(db):  # closing: request_finished
    seen = []
    response = _answer(lambda request: seen.append(current_request_id()) or HttpResponse(),
                       **{HEADER: "edge-42.a:b"})
    assert seen == ["edge-42.a:b"]
    assert response[HEADER] == "edge-42.a:b"
    response.close()  # the server closes it once sent: nothing is left for the next request
    assert current_request_id() is None


def test_it_puts_the_id_on_djangos_own_line_about_the_response(client, db, caplog):
    client.get("/no-such-page/", headers={HEADER: "lost-1"})
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert RequestIdFilter().filter(record) and record.request_id == "lost-1"


def test_it_makes_an_id_when_the_proxy_sent_none():
    response = _answer(lambda request: HttpResponse())
    assert len(response[HEADER]) == 32 and response[HEADER] != _answer(
        lambda request: HttpResponse())[HEADER]


@pytest.mark.parametrize("sent", ["two words", "x" * 129, "a\nb", "<script>"])
def test_it_replaces_an_id_that_could_garble_a_log_line(sent):
    assert _answer(lambda request: HttpResponse(), **{HEADER: sent})[HEADER] != sent


def test_it_puts_the_id_on_log_lines_of_the_request(db):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.requestid.web")
    logger.addHandler(handler)
    try:
        _answer(lambda request: logger.warning("in the view") or HttpResponse(),
                **{HEADER: "web-1"}).close()
        logger.warning("after the request")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("in the view", "web-1"), ("after the request", "-")]


def test_it_carries_the_id_into_a_task_the_request_published():
    """A worker (in a thread, on an in-memory broker) runs the task the request published;
    the task's log line carries the request's id."""
    probe_app = Celery("probe", broker="memory://", set_as_current=False)
    probe_app.conf.worker_hijack_root_logger = False
    logger = logging.getLogger("tests.requestid.task")
    ran = []

    @probe_app.task(name="tests.requestid.probe")
    def probe():
        logger.warning("the task ran")
        ran.append(True)

    records = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        def view(request):
            probe.delay()
            return HttpResponse()

        response = _answer(view, **{HEADER: "published-7"})
        assert response[HEADER] == "published-7"
        with start_worker(probe_app, pool="solo", perform_ping_check=False,
                          shutdown_timeout=10):
            deadline = time.monotonic() + 30
            while not ran and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        logger.removeHandler(handler)
        project_app.set_current()
        project_app.set_default()
    assert ran, "the worker did not run the task"
    assert [(r.getMessage(), r.request_id, r.task_name) for r in records] == [
        ("the task ran", "published-7", "tests.requestid.probe")]
