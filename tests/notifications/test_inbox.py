"""In-app notifications beside the outbox's e-mails, and preferences per kind of event."""

import pytest
from django.db import IntegrityError

from notifications.events import is_mandatory
from notifications.inbox import in_app_mark_read, link_in, local_path, preferences_save
from notifications.models import InAppNotification, Notification, NotificationPreference
from notifications.services import notification_enqueue, notifications_enqueue_many
from tests.factories import UserFactory

BODY = "请处理工单 2026-000123。\n{site}/tickets/2026-000123/\n"


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://itsm.example.com"
    return settings.SITE_URL


def enqueue(person, site, **overrides):
    fields = {"event": "ticket.assigned", "subject": "工单 2026-000123 已派给您",
              "body": BODY.format(site=site)}
    return notification_enqueue(recipient=person, **(fields | overrides))


def test_it_lands_every_email_to_a_person_in_the_app_with_its_deep_link(person, site):
    enqueue(person, site)
    email = Notification.objects.get()
    bell = InAppNotification.objects.get()
    assert (bell.recipient, bell.event, bell.title) == (person, email.event, email.subject)
    assert bell.url == "/tickets/2026-000123/"
    assert bell.read_at is None


def test_it_lands_in_the_app_for_a_person_without_an_email_address(db, site):
    person = UserFactory(email="")
    assert enqueue(person, site) is None
    assert not Notification.objects.exists()
    assert InAppNotification.objects.filter(recipient=person).count() == 1


def test_it_lands_nothing_for_an_inactive_person(db, site):
    person = UserFactory(email="a@example.com", is_active=False)
    enqueue(person, site)
    assert not InAppNotification.objects.exists()


def test_it_lands_a_deduplicated_notification_once(person, site):
    enqueue(person, site, dedupe_key="ticket.accepted:1")
    enqueue(person, site, dedupe_key="ticket.accepted:1")
    assert InAppNotification.objects.count() == 1
    assert Notification.objects.count() == 1


def test_it_keeps_only_links_into_the_portal(site):
    assert local_path(f"{site}/tickets/1/") == "/tickets/1/"
    assert local_path("https://evil.example/x") == ""
    assert local_path("//evil.example/x") == ""
    assert local_path("/\\evil.example") == ""
    assert link_in("see https://evil.example/x") == ""
    assert link_in(f"见 {site}/complaints/5/）") == "/complaints/5/"


def test_the_database_refuses_a_link_to_another_site(person):
    with pytest.raises(IntegrityError):
        InAppNotification.objects.create(recipient=person, event="x", title="x",
                                         url="https://evil.example/")


def test_a_person_who_turned_email_off_gets_the_bell_only(person, site):
    preferences_save(person=person, choices={"ticket.assigned": (False, True)})
    assert enqueue(person, site) is None
    assert not Notification.objects.exists()
    assert InAppNotification.objects.count() == 1


def test_a_person_who_turned_the_app_off_gets_the_email_only(person, site):
    preferences_save(person=person, choices={"ticket.reply": (True, False)})
    enqueue(person, site, event="ticket.reply")
    assert Notification.objects.count() == 1
    assert not InAppNotification.objects.exists()


def test_preferences_cannot_silence_a_contract_escalation(person, site):
    # Not stored at all, and a row written by hand is ignored for mandatory events.
    preferences_save(person=person, choices={"ticket.escalated": (False, False)})
    assert not NotificationPreference.objects.exists()
    NotificationPreference.objects.create(person=person, event="ticket.escalated",
                                          email=False, in_app=False)
    enqueue(person, site, event="ticket.escalated")
    assert Notification.objects.count() == 1
    assert InAppNotification.objects.count() == 1


def test_every_sla_event_is_mandatory_and_an_ordinary_one_is_not():
    assert is_mandatory("sla.breach") and is_mandatory("sla.warning")
    assert is_mandatory("sla.some_future_rung")
    assert is_mandatory("complaint.overdue") and is_mandatory("ticket.urgent")
    assert not is_mandatory("ticket.assigned") and not is_mandatory("survey.sent")


def test_the_sla_jobs_batch_lands_in_the_app_whatever_the_preferences(person, site):
    NotificationPreference.objects.create(person=person, event="sla.breach", email=False,
                                          in_app=False)
    rows = [{"channel": Notification.Channel.EMAIL, "event": "sla.breach", "recipient": person,
             "address": person.email, "subject": "[SLA breach] 2026-000123",
             "body": BODY.format(site=site), "dedupe_key": f"escalation:1:{person.pk}"}]
    notifications_enqueue_many(rows)
    notifications_enqueue_many(rows)  # a second run changes nothing
    assert Notification.objects.count() == 1
    bell = InAppNotification.objects.get()
    assert (bell.event, bell.url) == ("sla.breach", "/tickets/2026-000123/")


def test_a_batch_respects_the_preferences_of_ordinary_events(person, site):
    preferences_save(person=person, choices={"store.restock": (False, True)})
    notifications_enqueue_many([{
        "channel": Notification.Channel.EMAIL, "event": "store.restock", "recipient": person,
        "address": person.email, "subject": "补货", "body": "x", "dedupe_key": "r:1"}])
    assert not Notification.objects.exists()
    assert InAppNotification.objects.count() == 1


def test_mark_read_ignores_other_peoples_ids(person, site):
    other = UserFactory(email="li@example.com")
    enqueue(person, site)
    enqueue(other, site)
    theirs = InAppNotification.objects.get(recipient=other)
    mine = InAppNotification.objects.get(recipient=person)
    assert in_app_mark_read(person=person, ids=[theirs.pk, mine.pk, 999999]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert in_app_mark_read(person=other, everything=True) == 1
