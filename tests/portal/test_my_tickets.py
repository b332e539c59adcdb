"""My tickets: a search box and status tabs (issue 15)."""

from tickets.models import Ticket
from tickets.services import ticket_act


def _numbers(client, **params):
    html = client.get("/tickets/mine/", params).content.decode()
    return {t.number for t in Ticket.objects.all() if f">{t.number}<" in html}


def test_it_searches_only_my_tickets(client, demo, file_ticket):
    mine = file_ticket(requester="user", title="投影仪没有信号")
    theirs = file_ticket(requester="user2", title="投影仪没有信号")
    client.force_login(demo["user"])
    found = _numbers(client, q="投影仪")
    assert mine.number in found and theirs.number not in found


def test_it_filters_by_status_tab(client, demo, file_ticket):
    waiting = file_ticket(requester="user", title="等待用户")
    ticket_act("accept", actor=demo["desk"], ticket=waiting)
    waiting.refresh_from_db()
    ticket_act("pend", actor=demo["desk"], ticket=waiting, reason="user",
               note="请提供资产编号")
    fresh = file_ticket(requester="user", title="刚提交")
    client.force_login(demo["user"])
    assert waiting.number in _numbers(client, tab="waiting")
    assert fresh.number not in _numbers(client, tab="waiting")
    assert {waiting.number, fresh.number} <= _numbers(client, tab="open")
    assert fresh.number not in _numbers(client, tab="closed")


def test_an_unknown_tab_shows_every_ticket(client, demo, file_ticket):
    fresh = file_ticket(requester="user", title="刚提交")
    client.force_login(demo["user"])
    assert fresh.number in _numbers(client, tab="nonsense")
