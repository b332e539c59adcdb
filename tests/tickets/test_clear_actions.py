"""Issue 15.10: actions say what they do, vanish when they no longer apply, and report what
happened; the desk files "on behalf of" a caller; the timeline does not repeat the actor."""

from tickets.models import Status
from tickets.services import ticket_claim, ticket_dispatch
from tickets.workflow import allowed_actions


def test_it_offers_an_engineer_one_way_to_take_a_new_ticket(demo, file_ticket):
    actions = allowed_actions(demo["engineer"], file_ticket())
    assert "claim" in actions and "accept" not in actions


def test_it_explains_accept_and_take_to_the_desk(demo, login, file_ticket):
    ticket = file_ticket()
    assert {"accept", "claim"} <= set(allowed_actions(demo["desk"], ticket))
    page = login(demo["desk"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="help-accept"' in page and 'data-testid="help-claim"' in page
    assert "响应计时" in page


def test_it_hides_accept_once_the_ticket_is_claimed(demo, file_ticket):
    ticket = ticket_claim(actor=demo["engineer"], ticket=file_ticket())
    assert ticket.status == Status.ACCEPTED
    actions = allowed_actions(demo["engineer"], ticket)
    assert "accept" not in actions and "claim" not in actions
    assert "check_in" in actions and "resolve" in actions


def test_it_still_lets_the_assignee_accept_a_dispatched_ticket(demo, login, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(), assignee=demo["engineer"])
    assert "accept" in allowed_actions(demo["engineer"], ticket)
    page = login(demo["engineer"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert "接手此工单" in page


def test_it_says_what_happened_after_claiming(demo, login, file_ticket):
    ticket = file_ticket()
    response = login(demo["engineer"]).post(f"/tickets/{ticket.number}/claim/", follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["已接单，响应计时已停止。"]


def test_it_names_the_engineer_after_a_dispatch(demo, login, file_ticket):
    ticket = file_ticket()
    response = login(demo["desk"]).post(f"/tickets/{ticket.number}/dispatch/",
                                        {"assignee": demo["engineer"].pk}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"已派工给 {demo['engineer'].display_name}，已通知对方。"]


def test_it_never_says_done_without_saying_what(demo, login, file_ticket):
    ticket = file_ticket()
    response = login(demo["desk"]).post(f"/tickets/{ticket.number}/accept/", follow=True)
    message = str(next(iter(response.context["messages"])))
    assert "已完成" not in message and "已受理" in message and "响应计时已停止" in message


def test_the_timeline_does_not_repeat_who_claimed(demo, login, file_ticket):
    ticket = ticket_claim(actor=demo["engineer"], ticket=file_ticket())
    entry = ticket.entries.get(action="claim")
    assert demo["engineer"].display_name not in entry.event_text
    assert entry.event_text == "接手了工单"


def test_the_desk_files_on_behalf_of_the_caller(demo, login, file_ticket):
    ticket = file_ticket(requester="user", actor="desk")
    created = ticket.entries.get(action="create")
    assert created.event_text == f"代 {demo['user'].display_name} 提交了工单"
    page = login(demo["desk"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert f"代 {demo['user'].display_name}" in page
