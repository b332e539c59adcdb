"""Retention jobs: each deletes what is past its date, keeps service records five years, and
deletes nothing the second time."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from accounts.models import Organisation
from core.clock import now
from itsm import housekeeping
from itsm.tasks import history_purge, notifications_purge, sessions_clear
from notifications.models import InAppNotification, Notification
from sla.models import Contract
from tests.factories import ContractFactory, OrganisationFactory, UserFactory


def _notification(status, **fields):
    return Notification.objects.create(address="a@example.com", subject="s", body="b",
                                       event="test", status=status, **fields)


def test_it_purges_notifications_delivered_or_read_past_the_retention(db, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 90
    old, recent = now() - timedelta(days=91), now() - timedelta(days=89)
    sent_old = _notification(Notification.Status.SENT, sent_at=old)
    failed_old = _notification(Notification.Status.FAILED, attempted_at=old)
    kept = {_notification(Notification.Status.SENT, sent_at=recent).pk,
            _notification(Notification.Status.PENDING, created_at=old).pk,
            _notification(Notification.Status.SENDING, created_at=old).pk}
    person = UserFactory()
    read_old = InAppNotification.objects.create(recipient=person, event="e", title="t",
                                                read_at=old)
    unread = InAppNotification.objects.create(recipient=person, event="e", title="t",
                                              created_at=old)

    assert notifications_purge() == 3
    assert set(Notification.objects.values_list("pk", flat=True)) == kept
    assert not Notification.objects.filter(pk__in=[sent_old.pk, failed_old.pk]).exists()
    assert list(InAppNotification.objects.values_list("pk", flat=True)) == [unread.pk]
    assert read_old.pk != unread.pk
    assert notifications_purge() == 0


def _age_history(model, instance, days):
    model.history.filter(**{model._meta.pk.attname: instance.pk}).update(
        history_date=now() - timedelta(days=days))


def test_it_keeps_the_history_of_service_records_five_years(db, settings):
    settings.HISTORY_RETENTION_DAYS = 730
    settings.SERVICE_RECORD_RETENTION_YEARS = 5
    organisation = OrganisationFactory()  # accounts: general history
    young_contract, old_contract = ContractFactory(), ContractFactory()  # sla: service records
    _age_history(Organisation, organisation, 731)
    _age_history(Contract, young_contract, 4 * 365)
    _age_history(Contract, old_contract, 5 * 366)
    fresh = Organisation.history.filter(history_date__gt=now() - timedelta(days=1)).count()

    deleted = housekeeping.history_purge()

    assert deleted == {"accounts.HistoricalOrganisation": 1, "sla.HistoricalContract": 1}
    assert not Organisation.history.filter(id=organisation.pk).exists()
    assert Contract.history.filter(id=young_contract.pk).exists()
    assert not Contract.history.filter(id=old_contract.pk).exists()
    assert Organisation.history.count() == fresh  # the contracts' parties, made today
    assert history_purge() == 0


def test_it_keeps_service_records_longer_when_general_history_is_kept_longer(db, settings):
    settings.HISTORY_RETENTION_DAYS = 8 * 365
    settings.SERVICE_RECORD_RETENTION_YEARS = 5
    contract = ContractFactory()
    _age_history(Contract, contract, 6 * 365)
    assert housekeeping.history_purge() == {}


def test_it_treats_tickets_reports_and_surveys_as_service_records():
    cutoffs = housekeeping.history_cutoffs(now=now())
    labels = {model.instance_type._meta.label_lower: housekeeping.is_service_record(
        model.instance_type) for model in cutoffs}
    for label in ("tickets.ticket", "kpi.servicereport", "surveys.surveypolicy",
                  "surveys.complaint", "knowledge.change", "sla.contract"):
        assert labels[label] is True, label
    for label in ("accounts.user", "assets.asset", "knowledge.article"):
        assert labels[label] is False, label


def test_it_clears_expired_sessions(db):
    expired, live = SessionStore(), SessionStore()
    expired.set_expiry(-60)
    expired.create()
    live.create()
    sessions_clear()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    sessions_clear()
    assert Session.objects.count() == 1


def test_it_runs_the_retention_jobs_nightly(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"itsm.tasks.sessions_clear", "itsm.tasks.notifications_purge",
            "itsm.tasks.history_purge"} <= tasks
