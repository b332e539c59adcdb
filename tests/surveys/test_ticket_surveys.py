"""Per-ticket surveys (V1): sent on resolution, answered once, and what a bad answer sets off."""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from notifications.models import Notification
from sla.models import Contract
from surveys.models import CallbackTask, SurveyPolicy, TicketSurvey
from surveys.selectors.ticket_surveys import callback_due, survey_prompt
from surveys.services.ticket_surveys import (
    SurveyAnswered,
    SurveyExpired,
    SurveyInvalid,
    survey_answer,
    survey_sampled,
)
from tickets.models import ServiceType, Status
from tickets.services import (
    ticket_accept,
    ticket_confirm,
    ticket_create,
    ticket_dispatch,
    ticket_reopen,
    ticket_resolve,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
GOOD = {"fixed": True, "response_speed": 5, "attitude": 5, "ability": 4, "overall": 5,
        "comment": ""}


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


@pytest.fixture
def resolved(demo, desktop):
    """A ticket of `user` (or another requester) dispatched to `engineer` and resolved."""

    def _resolve(requester="user", title="显示器不亮", ticket=None):
        if ticket is None:
            actor = demo[requester] if demo[requester].is_client_side else demo["desk"]
            fields = {"requester": demo[requester]} if actor != demo[requester] else {}
            ticket = ticket_create(actor=actor, contract=desktop, title=title,
                                   service_type=ServiceType.objects.get(code="hardware"),
                                   **fields)
            ticket = ticket_accept(actor=demo["desk"], ticket=ticket)
            ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket,
                                     assignee=demo["engineer"])
        return ticket_resolve(actor=demo["engineer"], ticket=ticket, code="replaced",
                              notes="更换了电源线")

    return _resolve


def _survey(ticket):
    return TicketSurvey.objects.get(ticket=ticket)


# --- sending ---------------------------------------------------------------------------------


def test_resolution_creates_the_survey_and_emails_its_link(demo, resolved, settings):
    ticket = resolved()
    survey = _survey(ticket)
    assert survey.requester == demo["user"] and survey.engineer == demo["engineer"]
    assert len(survey.token) >= 43  # 32 random bytes, url-safe: 256 bits
    assert survey.expires_at - survey.sent_at == timedelta(days=settings.SURVEY_VALID_DAYS)
    mail = Notification.objects.get(recipient=demo["user"], event="survey.sent")
    assert f"{settings.SITE_URL}/s/{survey.token}/" in mail.body
    assert ticket.number in mail.subject


def test_the_email_speaks_the_requesters_language(demo, resolved):
    demo["user"].language = "en"
    demo["user"].save(update_fields=["language"])
    resolved()
    mail = Notification.objects.get(recipient=demo["user"], event="survey.sent")
    assert mail.subject.startswith("How did we do?")


def test_provider_staff_requesters_get_no_survey(demo, resolved, desktop):
    # Inspection findings are filed for provider staff (ticket_file_finding): no survey.
    from tickets.models import Ticket

    ticket = ticket_create(actor=demo["user"], contract=desktop, title="巡检发现",
                           service_type=ServiceType.objects.get(code="hardware"))
    Ticket.objects.filter(pk=ticket.pk).update(requester=demo["engineer"],
                                               assignee=demo["engineer"], status="on_site")
    ticket = resolved(ticket=Ticket.objects.get(pk=ticket.pk))
    assert not TicketSurvey.objects.filter(ticket=ticket).exists()


def test_sampling_is_deterministic_by_ticket_number(demo, resolved, desktop):
    SurveyPolicy.objects.filter(contract=desktop).update(sample_percent=50)
    tickets = [resolved(title=f"故障 {n}") for n in range(12)]
    for ticket in tickets:
        bucket = int(hashlib.sha256(ticket.number.encode()).hexdigest(), 16) % 100
        assert TicketSurvey.objects.filter(ticket=ticket).exists() == (bucket < 50)


def test_sample_percent_0_sends_none_and_100_sends_all(demo, resolved, desktop):
    SurveyPolicy.objects.filter(contract=desktop).update(sample_percent=0)
    assert not TicketSurvey.objects.filter(ticket=resolved()).exists()
    SurveyPolicy.objects.filter(contract=desktop).update(sample_percent=100)
    assert TicketSurvey.objects.filter(ticket=resolved()).exists()


def test_sampled_helper_edges(resolved):
    ticket = resolved()
    assert survey_sampled(ticket=ticket, percent=100)
    assert not survey_sampled(ticket=ticket, percent=0)


def test_quiet_days_skip_a_recently_surveyed_requester(demo, resolved, desktop):
    SurveyPolicy.objects.filter(contract=desktop).update(quiet_days=30)
    first = resolved(title="第一次")
    second = resolved(title="第二次")
    assert TicketSurvey.objects.filter(ticket=first).exists()
    assert not TicketSurvey.objects.filter(ticket=second).exists()
    # Another requester is not affected; the same one is again after the quiet days.
    assert TicketSurvey.objects.filter(ticket=resolved(requester="user2")).exists()
    with time_machine.travel(datetime.now(SHANGHAI) + timedelta(days=31)):
        assert TicketSurvey.objects.filter(ticket=resolved(title="第三次")).exists()


def test_a_ticket_resolved_again_is_surveyed_once(demo, resolved):
    ticket = resolved()
    token = _survey(ticket).token
    ticket = ticket_reopen(actor=demo["user"], ticket=ticket, reason="还是不亮")
    ticket = resolved(ticket=ticket)
    assert TicketSurvey.objects.filter(ticket=ticket).count() == 1
    assert _survey(ticket).token == token
    assert Notification.objects.filter(event="survey.sent", recipient=demo["user"]).count() == 1


def test_no_email_address_still_creates_the_survey(demo, resolved):
    demo["user"].email = ""
    demo["user"].save(update_fields=["email"])
    ticket = resolved()
    assert _survey(ticket)
    assert not Notification.objects.filter(event="survey.sent", recipient=demo["user"]).exists()


# --- answering -------------------------------------------------------------------------------


def test_a_good_answer_is_recorded_once(demo, resolved):
    survey = _survey(resolved())
    outcome = survey_answer(survey=survey, **GOOD)
    survey.refresh_from_db()
    assert survey.answered_at and survey.overall == 5 and survey.fixed is True
    assert not outcome.reopened and outcome.callback is None
    with pytest.raises(SurveyAnswered):
        survey_answer(survey=survey, **{**GOOD, "overall": 1, "comment": "x"})
    survey.refresh_from_db()
    assert survey.overall == 5


@pytest.mark.parametrize("bad", [0, 6, None, "x"])
def test_scores_outside_1_to_5_are_refused(resolved, bad):
    survey = _survey(resolved())
    with pytest.raises(SurveyInvalid) as error:
        survey_answer(survey=survey, **{**GOOD, "attitude": bad})
    assert "attitude" in error.value.errors
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_score_of_2_needs_a_comment(resolved):
    survey = _survey(resolved())
    with pytest.raises(SurveyInvalid) as error:
        survey_answer(survey=survey, **{**GOOD, "ability": 2})
    assert set(error.value.errors) == {"comment"}
    assert not CallbackTask.objects.exists()


def test_an_expired_survey_refuses_answers(resolved, settings):
    survey = _survey(resolved())
    with time_machine.travel(survey.expires_at + timedelta(seconds=1)), \
            pytest.raises(SurveyExpired):
        survey_answer(survey=survey, **GOOD)
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_not_fixed_reopens_the_ticket_to_its_engineer(demo, resolved):
    ticket = resolved()
    outcome = survey_answer(survey=_survey(ticket), **{**GOOD, "fixed": False,
                                                       "comment": "还是不亮"})
    ticket.refresh_from_db()
    assert outcome.reopened
    assert ticket.status == Status.REOPENED and ticket.assignee == demo["engineer"]
    assert ticket.entries.filter(action="reopen", author=demo["user"]).exists()
    assert Notification.objects.filter(recipient=demo["engineer"], event="ticket.reopened")


def test_not_fixed_on_a_closed_ticket_opens_a_callback_instead(demo, resolved):
    ticket = resolved()
    ticket_confirm(actor=demo["user"], ticket=ticket)
    outcome = survey_answer(survey=_survey(ticket), **{**GOOD, "fixed": False})
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and not outcome.reopened
    assert outcome.callback is not None


@pytest.mark.demo_at(datetime(2026, 4, 3, 9, 0, tzinfo=SHANGHAI))
def test_a_low_score_opens_one_callback_due_after_the_holiday(demo, resolved):
    # Friday 2026-04-03; Sat–Mon 04-04..06 is the Qingming holiday: due Tuesday 18:00.
    with time_machine.travel(datetime(2026, 4, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        survey = _survey(resolved())
        survey_answer(survey=survey, **{**GOOD, "overall": 1, "comment": "太慢了"})
    task = CallbackTask.objects.get()
    assert task.survey == survey and task.contract.code == "DEMO-DESKTOP"
    assert task.due_at == datetime(2026, 4, 7, 18, 0, tzinfo=SHANGHAI)
    # The desk agents of the contract hear about it.
    assert Notification.objects.filter(recipient=demo["desk"], event="survey.callback").exists()


@pytest.mark.parametrize(("answered", "due"), [
    (datetime(2026, 9, 30, 9), datetime(2026, 10, 8, 18)),   # National Day 10-01..07
    (datetime(2026, 10, 9, 9), datetime(2026, 10, 10, 18)),  # make-up Saturday
    (datetime(2026, 11, 25, 23, 30), datetime(2026, 11, 26, 18)),
])
def test_callback_due_counts_official_working_days(demo, desktop, answered, due):
    moment = answered.replace(tzinfo=SHANGHAI)
    assert callback_due(contract=desktop, moment=moment) == due.replace(tzinfo=SHANGHAI)


def test_wants_complaint_registers_a_complaint(demo, resolved):
    from surveys.models import Complaint

    survey = _survey(resolved())
    survey_answer(survey=survey, **{**GOOD, "comment": "工程师态度差", "wants_complaint": True})
    complaint = Complaint.objects.get(survey=survey)
    assert complaint.channel == "survey" and complaint.ticket == survey.ticket
    assert complaint.complainant == demo["user"]
    assert complaint.number.startswith("TS-")


# --- ticket prompt and API -------------------------------------------------------------------


def test_survey_url_only_for_the_requester_while_open(demo, resolved, settings):
    ticket = resolved()
    survey = _survey(ticket)
    url = f"{settings.SITE_URL}/s/{survey.token}/"
    for username, expected in [("user", url), ("desk", None), ("engineer", None),
                               ("client", None)]:
        client = APIClient()
        client.force_authenticate(demo[username])
        body = client.get(f"/api/tickets/{ticket.pk}/").json()
        assert body["survey_url"] == expected, username
    assert survey_prompt(user=demo["user"], ticket=ticket, absolute=False) == f"/s/{survey.token}/"
    with time_machine.travel(survey.expires_at + timedelta(seconds=1)):
        assert survey_prompt(user=demo["user"], ticket=ticket) is None
    survey_answer(survey=survey, **GOOD)
    assert survey_prompt(user=demo["user"], ticket=ticket) is None


def _post(token, data, user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.post(f"/api/surveys/{token}/answer/", data, format="json")


def test_api_answers_without_login_once(demo, resolved):
    survey = _survey(resolved())
    response = _post(survey.token, GOOD)
    assert response.status_code == 200, response.json()
    assert response.json()["reopened"] is False
    again = _post(survey.token, GOOD)
    assert again.status_code == 409 and again.json()["detail"]


def test_api_refuses_bad_values_with_field_errors(demo, resolved):
    survey = _survey(resolved())
    response = _post(survey.token, {**GOOD, "overall": 6, "attitude": 0})
    assert response.status_code == 400
    assert {"overall", "attitude"} <= set(response.json()["errors"])
    response = _post(survey.token, {**GOOD, "overall": 2})
    assert response.status_code == 400 and "comment" in response.json()["errors"]
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_api_expired_410_unknown_404_other_user_404(demo, resolved):
    survey = _survey(resolved())
    assert _post("x" * 43, GOOD).status_code == 404
    assert _post(survey.token, GOOD, user=demo["user2"]).status_code == 404
    assert _post(survey.token, GOOD, user=demo["desk"]).status_code == 404
    with time_machine.travel(survey.expires_at + timedelta(minutes=1)):
        assert _post(survey.token, GOOD).status_code == 410
    assert _post(survey.token, GOOD, user=demo["user"]).status_code == 200


def test_api_not_fixed_reopens(demo, resolved):
    ticket = resolved()
    response = _post(_survey(ticket).token, {**GOOD, "fixed": False, "overall": 1,
                                             "comment": "没修好"})
    assert response.status_code == 200
    assert response.json() == {**response.json(), "reopened": True, "callback": True}
    ticket.refresh_from_db()
    assert ticket.status == Status.REOPENED


def test_another_tickets_token_does_not_answer_this_ticket(demo, resolved):
    first, second = resolved(title="一"), resolved(requester="user2", title="二")
    assert _post(_survey(second).token, GOOD).status_code == 200
    assert _survey(first).answered_at is None and _survey(second).answered_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_answers_once(demo, resolved):
    """Real concurrency: two threads, two connections, one survey; the row lock decides."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers differently)")
    survey = _survey(resolved())
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(overall):
        from django.db import connections

        try:
            barrier.wait()
            survey_answer(survey=TicketSurvey.objects.get(pk=survey.pk),
                          **{**GOOD, "overall": overall, "comment": "慢"})
            outcomes.append("ok")
        except SurveyAnswered:
            outcomes.append("answered")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(n,)) for n in (1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["answered", "ok"]
    assert CallbackTask.objects.filter(survey=survey).count() <= 1
