"""The requester answers the satisfaction survey from the e-mailed link on a phone (V1)."""

import pytest

pytestmark = pytest.mark.e2e


def _resolve_printer_ticket():
    from accounts.models import User
    from surveys.models import TicketSurvey
    from tickets.models import Ticket
    from tickets.services import ticket_accept, ticket_dispatch, ticket_resolve

    desk, engineer = User.objects.get(username="desk"), User.objects.get(username="engineer")
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    ticket = ticket_accept(actor=desk, ticket=ticket)
    ticket = ticket_dispatch(actor=desk, ticket=ticket, assignee=engineer)
    ticket = ticket_resolve(actor=engineer, ticket=ticket, code="replaced", notes="更换了搓纸轮")
    return ticket, TicketSurvey.objects.get(ticket=ticket)


def test_the_requester_answers_on_a_phone_without_login(phone, demo_site, screenshot):
    from notifications.models import Notification

    ticket, survey = _resolve_printer_ticket()
    mail = Notification.objects.get(event="survey.sent", recipient=survey.requester)
    assert survey.token in mail.body

    # The e-mailed link, as written (no trailing slash), opened without logging in.
    phone.goto(f"{demo_site}/s/{survey.token}")
    assert ticket.number in phone.locator("[data-testid=survey-ticket]").inner_text()
    # A low score without a comment is refused, nothing saved.
    phone.click("[data-testid=fixed-yes]")
    for field, score in [("response_speed", 4), ("attitude", 5), ("ability", 5),
                         ("overall", 2)]:
        phone.click(f"[data-testid={field}-{score}]")
    phone.click("[data-testid=survey-submit]")
    phone.wait_for_selector("[data-testid=error-comment]")
    survey.refresh_from_db()
    assert survey.answered_at is None
    # The choices are kept; add the comment and send.
    assert phone.locator("#id_overall_2").is_checked()
    phone.fill("#id_comment", "等了两天才来")
    screenshot(phone, "survey-phone")
    phone.click("[data-testid=survey-submit]")
    phone.wait_for_selector("[data-testid=survey-answered]")
    screenshot(phone, "survey-phone-thanks")
    survey.refresh_from_db()
    assert survey.answered_at and survey.overall == 2 and survey.comment == "等了两天才来"

    # A second visit: already answered, nothing to fill in.
    phone.goto(f"{demo_site}/s/{survey.token}/")
    assert phone.locator("[data-testid=survey-answered]").is_visible()
    assert phone.locator("[data-testid=survey-form]").count() == 0
    # The low score opened a callback for the desk.
    from surveys.models import CallbackTask

    assert CallbackTask.objects.filter(survey=survey).exists()
