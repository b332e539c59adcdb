"""GET /metrics: Prometheus text. Requests, responses and database calls are django-prometheus'
(its middleware and database wrappers, settings/ops.py); the portal's own figures are read at
scrape time from what every node shares, the database and the broker:

- itsm_sla_clocks_due: SLA clocks whose next check has come (the minute job's backlog);
- itsm_sla_escalations_fired_total: escalations fired by the minute job;
- itsm_outbox_backlog, itsm_outbox_oldest_age_seconds: notifications not yet delivered;
- itsm_celery_queue_depth{queue}: messages waiting in each Celery queue;
- itsm_job_*{task}: runs, failures, durations of the periodic jobs and reports (core/jobstats.py).

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR so every scrape adds up the
request figures of all of them (docs/operations/monitoring.md); the portal's figures come from
the database and need nothing of the kind.
"""

from __future__ import annotations

import hmac
import logging
import os

import prometheus_client
from celery import current_app
from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import ChannelError
from prometheus_client import multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from core.clock import now
from core.jobstats import job_stats
from notifications.models import Notification
from sla.models import Clock

logger = logging.getLogger("itsm.metrics")

MINUTE_JOB = "sla.tasks.evaluate"


@never_cache
@require_GET
def metrics(request):
    if settings.METRICS_TOKEN and not _authorised(request):
        response = HttpResponse("401 Unauthorized: a bearer token is required.\n", status=401,
                                content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = prometheus_client.generate_latest(_process_registry())
    body += prometheus_client.generate_latest(_PORTAL_REGISTRY)
    # The classic text format (0.0.4), which every Prometheus and agent reads; the names are
    # written in it (underscores only) by generate_latest either way.
    return HttpResponse(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)


def _authorised(request) -> bool:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode())


def _process_registry():
    """This process's registry, or with PROMETHEUS_MULTIPROC_DIR the files of every process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


class PortalCollector:
    """The portal's figures, computed at each scrape (a few indexed queries and one broker
    call). A source that is down is left out and counted in itsm_metrics_source_up."""

    def collect(self):
        up = GaugeMetricFamily("itsm_metrics_source_up",
                               "1 when the figures of this source could be read.",
                               labels=["source"])
        for source, collect in (("database", self._database), ("broker", self._broker)):
            try:
                families = list(collect())
            except Exception as exc:  # an outage must not fail the scrape of the rest
                logger.warning("Metrics of %s unavailable: %s", source, exc)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from families
        yield up

    def _database(self):
        moment = now()
        due = GaugeMetricFamily("itsm_sla_clocks_due",
                                "SLA clocks whose next check has come and is not done yet.")
        due.add_metric([], Clock.objects.filter(next_check_at__lte=moment).count())
        yield due

        outbox = Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING]).aggregate(
            count=Count("pk"), oldest=Min("created_at"))
        backlog = GaugeMetricFamily("itsm_outbox_backlog",
                                    "Notifications queued or being sent, not yet delivered.")
        backlog.add_metric([], outbox["count"])
        yield backlog
        age = GaugeMetricFamily("itsm_outbox_oldest_age_seconds",
                                "Age of the oldest notification not yet delivered (0: none).")
        age.add_metric([], (moment - outbox["oldest"]).total_seconds() if outbox["oldest"] else 0)
        yield age
        yield from _job_families(job_stats())

    def _broker(self):
        depth = GaugeMetricFamily("itsm_celery_queue_depth",
                                  "Messages waiting in a Celery queue.", labels=["queue"])
        with current_app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
            channel = connection.default_channel
            for queue in queue_names():
                try:
                    depth.add_metric([queue], channel.queue_declare(queue, passive=True)
                                     .message_count)
                except ChannelError:  # Redis drops an empty list: the queue has no message
                    depth.add_metric([queue], 0)
        yield depth


def queue_names() -> list[str]:
    """The default queue and any declared in CELERY_TASK_QUEUES (Queue objects or names)."""
    names = [settings.CELERY_TASK_DEFAULT_QUEUE]
    for queue in getattr(settings, "CELERY_TASK_QUEUES", None) or ():
        name = queue if isinstance(queue, str) else getattr(queue, "name", None)
        if name and name not in names:
            names.append(name)
    return names


def _job_families(stats: list[dict]):
    labels = ["task"]
    runs = CounterMetricFamily("itsm_job_runs", "Runs of a periodic job or report.", labels=labels)
    failures = CounterMetricFamily("itsm_job_failures", "Runs that raised.", labels=labels)
    seconds = CounterMetricFamily("itsm_job_duration_seconds",
                                  "Time spent in a job, all runs together.", labels=labels)
    last = GaugeMetricFamily("itsm_job_last_duration_seconds", "Duration of the latest run.",
                             labels=labels)
    escalations = CounterMetricFamily("itsm_sla_escalations_fired",
                                      "Escalations fired by the SLA minute job.")
    fired = 0
    for job in stats:
        task = [job["task"]]
        runs.add_metric(task, job.get("runs", 0))
        failures.add_metric(task, job.get("failures", 0))
        seconds.add_metric(task, job.get("seconds_total", 0.0))
        last.add_metric(task, job.get("last_seconds", 0.0))
        if job["task"] == MINUTE_JOB:
            fired = job.get("result_total", 0)
    escalations.add_metric([], fired)
    yield from (runs, failures, seconds, last, escalations)


_PORTAL_REGISTRY = prometheus_client.CollectorRegistry(auto_describe=False)
_PORTAL_REGISTRY.register(PortalCollector())
