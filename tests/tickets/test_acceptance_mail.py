"""The requester hears once that the ticket was taken in hand, whichever way it was: accepted at
the desk, claimed by an engineer, dispatched by the desk (and then acknowledged by the
engineer), logged by phone and dispatched at once, or handed straight to second line."""

import pytest

from notifications.models import Notification
from tickets.models import ServiceType
from tickets.services import (
    ticket_accept,
    ticket_claim,
    ticket_dispatch,
    ticket_escalate,
    ticket_log_call,
    ticket_reopen,
    ticket_resolve,
)


def acceptance_mails(user, ticket):
    return Notification.objects.filter(recipient=user, event="ticket.accepted",
                                       subject__contains=ticket.number)


def test_it_mails_once_when_the_desk_accepts(demo, file_ticket):
    ticket = ticket_accept(actor=demo["desk"], ticket=file_ticket())
    ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])
    assert acceptance_mails(demo["user"], ticket).count() == 1


def test_it_mails_once_when_an_engineer_accepts(demo, file_ticket):
    ticket = ticket_accept(actor=demo["engineer"], ticket=file_ticket())
    assert ticket.assignee == demo["engineer"]
    assert acceptance_mails(demo["user"], ticket).count() == 1


def test_it_mails_once_when_an_engineer_claims(demo, file_ticket):
    ticket = ticket_claim(actor=demo["engineer"], ticket=file_ticket())
    assert acceptance_mails(demo["user"], ticket).count() == 1


def test_it_mails_once_when_the_desk_dispatches_and_the_engineer_then_accepts(demo,
                                                                              file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(),
                             assignee=demo["engineer"])
    assert acceptance_mails(demo["user"], ticket).count() == 1
    ticket = ticket_accept(actor=demo["engineer"], ticket=ticket)  # 接单: not news to the user
    assert acceptance_mails(demo["user"], ticket).count() == 1
    ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer2"])
    assert acceptance_mails(demo["user"], ticket).count() == 1


def test_it_mails_once_when_the_desk_logs_a_call_and_dispatches_it(demo, desktop):
    ticket = ticket_log_call(actor=demo["desk"], requester=demo["user"], contract=desktop,
                             service_type=ServiceType.objects.get(code="hardware"),
                             title="电话报修：打印机卡纸", channel="phone",
                             dispatch_to=demo["engineer"])
    assert acceptance_mails(demo["user"], ticket).count() == 1


def test_it_mails_once_when_a_new_ticket_goes_straight_to_second_line(demo, file_ticket):
    ticket = ticket_escalate(actor=demo["desk"], ticket=file_ticket(), target="second_line",
                             note="需要二线处理", to=demo["engineer2"])
    assert acceptance_mails(demo["user"], ticket).count() == 1


def test_a_reopened_ticket_claimed_again_is_not_accepted_twice(demo, file_ticket):
    ticket = ticket_accept(actor=demo["desk"], ticket=file_ticket())
    ticket = ticket_resolve(actor=demo["desk"], ticket=ticket, code="fixed", notes="已处理")
    ticket = ticket_reopen(actor=demo["user"], ticket=ticket, reason="还是不行")
    ticket_claim(actor=demo["engineer"], ticket=ticket)
    assert acceptance_mails(demo["user"], ticket).count() == 1


@pytest.mark.parametrize("path", ["accept", "claim", "dispatch"])
def test_exactly_one_outbox_row_reaches_the_requester(demo, file_ticket, path, mailoutbox):
    from notifications.services import notifications_sweep

    ticket = file_ticket()
    if path == "accept":
        ticket = ticket_accept(actor=demo["desk"], ticket=ticket)
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])
    elif path == "claim":
        ticket = ticket_claim(actor=demo["engineer"], ticket=ticket)
    else:
        ticket = ticket_dispatch(actor=demo["desk"], ticket=ticket, assignee=demo["engineer"])
        ticket_accept(actor=demo["engineer"], ticket=ticket)
    notifications_sweep()
    to_user = Notification.objects.filter(recipient=demo["user"], subject__contains=ticket.number)
    assert to_user.count() == 1 and to_user.get().event == "ticket.accepted"
    assert sum(demo["user"].email in m.to and ticket.number in m.subject
               for m in mailoutbox) == 1
