"""GET /metrics: Prometheus text with the request figures and the portal's own."""

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.clock import now
from core.jobstats import job_run_record
from notifications.models import Notification
from sla.models import Clock


def _samples(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples}


def _queue(name, age_hours):
    return Notification.objects.create(address="a@example.com", subject="s", body="b",
                                       event="test", created_at=now() - timedelta(hours=age_hours))


def test_it_reports_the_outbox_backlog_and_its_oldest_age(client, db):
    _queue("old", age_hours=2)
    _queue("new", age_hours=0)
    Notification.objects.create(address="a@example.com", subject="s", body="b", event="test",
                                status=Notification.Status.SENT, sent_at=now(),
                                created_at=now() - timedelta(days=3))
    samples = _samples(client.get("/metrics"))
    assert samples[("itsm_outbox_backlog", ())] == 2
    assert 7200 <= samples[("itsm_outbox_oldest_age_seconds", ())] < 7200 + 120
    assert samples[("itsm_metrics_source_up", (("source", "database"),))] == 1


def test_it_reports_the_clocks_due(client, demo):
    clocks = list(Clock.objects.order_by("pk")[:3])
    Clock.objects.update(next_check_at=now() + timedelta(hours=1))
    Clock.objects.filter(pk__in=[c.pk for c in clocks[:2]]).update(
        next_check_at=now() - timedelta(minutes=5))
    assert _samples(client.get("/metrics"))[("itsm_sla_clocks_due", ())] == 2


def test_it_reports_job_runs_durations_and_escalations(client, db):
    job_run_record(task_name="sla.tasks.evaluate", seconds=0.5, succeeded=True, result=3)
    job_run_record(task_name="sla.tasks.evaluate", seconds=1.5, succeeded=True, result=2)
    job_run_record(task_name="kpi.tasks.major_incident_report", seconds=4.0, succeeded=False)
    samples = _samples(client.get("/metrics"))
    minute_job = (("task", "sla.tasks.evaluate"),)
    assert samples[("itsm_job_runs_total", minute_job)] == 2
    assert samples[("itsm_job_duration_seconds_total", minute_job)] == 2.0
    assert samples[("itsm_job_last_duration_seconds", minute_job)] == 1.5
    assert samples[("itsm_sla_escalations_fired_total", ())] == 5
    report = (("task", "kpi.tasks.major_incident_report"),)
    assert samples[("itsm_job_failures_total", report)] == 1


def test_it_reports_the_celery_queue_depth(client, db, settings):
    samples = _samples(client.get("/metrics"))
    depth = ("itsm_celery_queue_depth", (("queue", settings.CELERY_TASK_DEFAULT_QUEUE),))
    assert depth in samples and samples[depth] >= 0
    assert samples[("itsm_metrics_source_up", (("source", "broker"),))] == 1


def test_it_still_answers_with_the_broker_down(client, db, dead_broker):
    samples = _samples(client.get("/metrics"))
    assert samples[("itsm_metrics_source_up", (("source", "broker"),))] == 0
    assert ("itsm_outbox_backlog", ()) in samples


def test_it_includes_django_prometheus_request_metrics(client, db):
    client.get("/healthz/live")
    names = {name for name, _labels in _samples(client.get("/metrics"))}
    assert "django_http_requests_total_by_method_total" in names
    assert any(name.startswith("django_db_execute") for name in names)


def test_it_reads_the_portal_figures_in_a_few_queries(client, db, django_assert_num_queries):
    job_run_record(task_name="sla.tasks.evaluate", seconds=0.5, succeeded=True, result=1)
    with django_assert_num_queries(3):  # clocks due, outbox, job rows
        client.get("/metrics")


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Basic c2VjcmV0", "secret"])
def test_it_refuses_a_scrape_without_the_token(client, db, settings, authorization):
    settings.METRICS_TOKEN = "secret"
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"itsm_" not in response.content


def test_it_answers_a_scrape_with_the_token(client, db, settings):
    settings.METRICS_TOKEN = "secret"
    response = client.get("/metrics", headers={"Authorization": "Bearer secret"})
    assert ("itsm_outbox_backlog", ()) in _samples(response)


def test_it_adds_up_the_processes_with_a_multiprocess_dir(client, db, monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    samples = _samples(client.get("/metrics"))
    # The files of the directory (empty here) stand for the processes; the portal's figures
    # come from the database either way.
    assert ("itsm_outbox_backlog", ()) in samples
