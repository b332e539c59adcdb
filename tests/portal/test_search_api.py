"""GET /api/search/: the contract (issue 15), bad input, literal matching."""

import pytest

from tickets.services import ticket_comment

URL = "/api/search/"


@pytest.fixture
def api(client, demo):
    client.force_login(demo["desk"])
    return client


def test_it_answers_the_contract_shape(api, file_ticket):
    ticket = file_ticket(title="打印机卡纸", description="按电源键后无反应")
    body = api.get(URL, {"q": "电源键"}).json()
    row = next(r for r in body["results"] if r["id"] == ticket.pk)
    assert row == {"kind": "ticket", "id": ticket.pk, "title": "打印机卡纸",
                   "number": ticket.number, "snippet": "按电源键后无反应",
                   "url": f"/tickets/{ticket.number}/"}


@pytest.mark.parametrize("q", ["x", " y ", "", "a" * 201])
def test_it_refuses_a_term_too_short_or_too_long(api, q):
    response = api.get(URL, {"q": q})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_it_refuses_an_unknown_kind(api):
    response = api.get(URL, {"q": "打印机", "kind": "spaceship"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_it_takes_two_hundred_characters(api):
    assert api.get(URL, {"q": "a" * 200}).status_code == 200


@pytest.mark.parametrize("q", ["100%", "a_b", "it's", 'say "hi"', "C:\\temp", "%%", "__"])
def test_it_matches_special_characters_literally(api, file_ticket, q):
    literal = file_ticket(title=f"报错 {q} 结束")
    decoy = file_ticket(title="报错 100X aXb its say hi C:temp 结束")
    ids = [r["id"] for r in api.get(URL, {"q": q, "kind": "ticket"}).json()["results"]]
    assert literal.pk in ids
    assert decoy.pk not in ids


def test_it_finds_a_ticket_by_full_and_partial_number(api, file_ticket):
    ticket = file_ticket(title="键盘失灵")
    for q in (ticket.number, ticket.number[:9], ticket.number[-6:], ticket.number[-5:]):
        ids = [r["id"] for r in api.get(URL, {"q": q}).json()["results"]]
        assert ticket.pk in ids, q


def test_it_finds_a_ticket_by_an_english_word_in_a_reply(api, demo, file_ticket):
    ticket = file_ticket(title="网络慢")
    ticket_comment(actor=demo["desk"], ticket=ticket, body="Replaced the faulty Ethernet cable")
    results = api.get(URL, {"q": "ethernet"}).json()["results"]
    row = next(r for r in results if r["id"] == ticket.pk)
    assert "Ethernet" in row["snippet"]


def test_it_finds_a_ticket_by_requester_name(api, demo, file_ticket):
    ticket = file_ticket(title="鼠标坏了")
    ids = [r["id"] for r in api.get(URL, {"q": demo["user"].name}).json()["results"]]
    assert ticket.pk in ids


def test_it_returns_only_the_kind_asked_for(api, file_ticket):
    file_ticket(title="打印机卡纸")
    results = api.get(URL, {"q": "打印", "kind": "ticket"}).json()["results"]
    assert results and {r["kind"] for r in results} == {"ticket"}


def test_it_finds_knowledge_articles(api):
    # The knowledge base (issue 18): the demo's published printer articles, linked to their page.
    results = api.get(URL, {"q": "打印", "kind": "article"}).json()["results"]
    assert "打印机卡纸的处理方法" in [r["title"] for r in results]
    assert all(r["kind"] == "article" and r["url"].startswith("/kb/") for r in results)


def test_it_answers_control_characters_with_a_4xx_not_a_5xx(api):
    assert api.get(URL, {"q": "ab\x00cd"}).status_code == 400


def test_it_ranks_a_title_match_above_a_description_match(api, file_ticket):
    in_title = file_ticket(title="Outlook 无法收取邮件", description="从早上开始")
    in_text = file_ticket(title="邮件问题", description="Outlook 提示密码错误")
    ids = [r["id"] for r in api.get(URL, {"q": "outlook", "kind": "ticket"}).json()["results"]]
    assert ids.index(in_title.pk) < ids.index(in_text.pk)
