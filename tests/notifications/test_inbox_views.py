"""The bell's pages: the polled count, the drop-down, the list, mark read, deep links,
preferences. Each person sees and changes only their own notifications."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications.inbox import in_app_add
from notifications.models import InAppNotification, NotificationPreference
from tests.factories import UserFactory


@pytest.fixture
def me(db):
    return UserFactory(email="me@example.com")


@pytest.fixture
def other(db):
    return UserFactory(email="other@example.com")


def add(person, title="工单 2026-000123 已派给您", url="/tickets/2026-000123/", **kwargs):
    return in_app_add(recipient=person, event="ticket.assigned", title=title, url=url, **kwargs)


def test_it_counts_unread_with_one_count_query(client, me, other, django_assert_num_queries):
    for _ in range(3):
        add(me)
    add(other)
    in_app = add(me)
    in_app.read_at = in_app.created_at
    in_app.save()
    client.force_login(me)
    # The session and the user (2, as every page) and the one COUNT.
    with django_assert_num_queries(3) as captured:
        response = client.get(reverse("notifications:bell"))
    assert [q["sql"] for q in captured.captured_queries][-1].startswith("SELECT COUNT(*)")
    assert response.status_code == 200
    assert b'data-testid="bell-count">3<' in response.content


def test_it_shows_no_badge_when_all_is_read(client, me):
    client.force_login(me)
    assert b"bell-count" not in client.get(reverse("notifications:bell")).content


def test_it_answers_an_expired_session_with_204(client):
    assert client.get(reverse("notifications:bell")).status_code == 204


def test_every_page_has_the_bell_polling_without_a_query_of_its_own(client, me, settings):
    settings.LIVE_POLL_SECONDS = 7
    client.force_login(me)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'hx-get="/notifications/bell/"' in page
    assert 'hx-trigger="load, every 7s"' in page


def test_the_drop_down_lists_the_latest_escaped(client, me, django_assert_max_num_queries):
    for n in range(12):
        add(me, title=f"<b>t{n}</b>")
    client.force_login(me)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("notifications:latest"))
    html = response.content.decode()
    assert html.count('data-testid="bell-item"') == 8
    assert "&lt;b&gt;t11&lt;/b&gt;" in html and "<b>t11" not in html


def test_the_list_shows_mine_only_with_a_fixed_number_of_queries(
        client, me, other, django_assert_num_queries):
    for n in range(5):
        add(me, title=f"mine {n}")
    add(other, title="theirs")
    client.force_login(me)
    with django_assert_num_queries(3):
        html = client.get(reverse("notifications:list")).content.decode()
    assert "mine 4" in html and "theirs" not in html


def test_following_a_link_marks_it_read_and_opens_the_ticket(client, me):
    in_app = add(me)
    client.force_login(me)
    response = client.get(reverse("notifications:follow", args=[in_app.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/tickets/2026-000123/"
    in_app.refresh_from_db()
    assert in_app.read_at is not None


def test_following_another_persons_notification_is_404_and_changes_nothing(client, me, other):
    theirs = add(other)
    client.force_login(me)
    assert client.get(reverse("notifications:follow", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_a_csrf_token(me):
    in_app = add(me)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(me)
    assert strict.post(reverse("notifications:read"), {"id": in_app.pk}).status_code == 403
    in_app.refresh_from_db()
    assert in_app.read_at is None


def test_mark_one_and_all_read(client, me, other):
    first, second = add(me), add(me)
    theirs = add(other)
    client.force_login(me)
    response = client.post(reverse("notifications:read"), {"id": [first.pk, theirs.pk]})
    assert response.status_code == 302
    assert InAppNotification.objects.filter(read_at__isnull=True).count() == 2
    client.post(reverse("notifications:read"), {"all": "1"})
    assert list(InAppNotification.objects.filter(read_at__isnull=True)) == [theirs]
    assert second.pk


def test_mark_read_never_redirects_off_site(client, me):
    client.force_login(me)
    response = client.post(reverse("notifications:read"),
                           {"all": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")


def test_preferences_page_saves_choices_but_not_for_mandatory_escalations(client, me):
    client.force_login(me)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="email:sla.breach"' in page and "disabled" in page
    client.post(reverse("notifications:preferences"),
                {"app:ticket.assigned": "on", "email:sla.breach": ""})
    choice = NotificationPreference.objects.get(person=me, event="ticket.assigned")
    assert (choice.email, choice.in_app) == (False, True)
    assert not NotificationPreference.objects.filter(event="sla.breach").exists()
