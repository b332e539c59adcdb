"""Search at volume (issue 15): the bigram index serves two-character terms, the ticket branches
are searched within the caller's scope, and whichever plan answers, the tickets found are the
ones that contain the term and the caller may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import selectors
from tickets.models import Entry, Ticket
from tickets.selectors import ticket_search, tickets_visible_to
from tickets.services import ticket_comment

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="PostgreSQL indexes (SQLite: test_search_sqlite.py)")


def _found(user, term):
    return set(ticket_search(tickets_visible_to(user), term, user=user)
               .values_list("pk", flat=True))


def _reference(user, term):
    """What the search must find, computed in Python over every ticket the user may see: the
    meaning of the search, independent of any index or plan."""
    low = term.lower()
    found = set()
    for ticket in tickets_visible_to(user).select_related("requester", "asset"):
        own = [ticket.title.lower(), ticket.description.lower()]
        if (any(low in text for text in own) or term in ticket.contact_phone
                or (selectors.NUMBER_PART.fullmatch(term) and term in ticket.number)
                or low in ticket.requester.name.lower() or term in ticket.requester.phone
                or (ticket.asset and (low in ticket.asset.tag.lower()
                                      or low in ticket.asset.serial.lower()))):
            found.add(ticket.pk)
        elif len(term) >= selectors.SEARCH_TIMELINE_MIN:
            entries = Entry.objects.filter(ticket=ticket)
            if user.is_client_side:
                entries = entries.filter(internal=False)
            if any(low in body.lower() for body in entries.values_list("body", flat=True)):
                found.add(ticket.pk)
    return found


def test_the_bigram_function_lists_every_two_character_piece_upper_cased(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT itsm_ticket_bigrams(%s, %s, %s)", ["打印机 卡纸", "ab", "138"])
        pieces = cursor.fetchone()[0]
    # No piece spans the whitespace between words or the joins between the columns.
    assert sorted(pieces) == sorted(["打印", "印机", "卡纸", "AB", "13", "38"])


def test_a_two_character_term_is_looked_up_in_the_bigram_index(demo, file_ticket):
    power = file_ticket(title="会议室投影仪无信号", description="按下电源按钮后指示灯不亮")
    file_ticket(title="显示器不亮", description="换了线也不行")
    with CaptureQueriesContext(connection) as queries:
        found = _found(demo["desk"], "电源")
    assert found == {power.pk}
    assert any("itsm_ticket_bigrams" in q["sql"] for q in queries.captured_queries)
    with connection.cursor() as cursor:  # the expression is the index's: PostgreSQL can use it
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM tickets_ticket WHERE itsm_ticket_bigrams("
                       "title, description, contact_phone) @> ARRAY[UPPER(%s)]::text[]", ["电源"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_bigrams" in plan


@pytest.mark.parametrize("term", ["电源", "pc", "PC", "Pc"])
def test_a_two_character_term_matches_as_contains_does(demo, file_ticket, term):
    lower = file_ticket(title="财务部pc无法开机")
    upper = file_ticket(title="显示器不亮", description="PC 电源灯不亮")
    other = file_ticket(title="打印机卡纸", description="换了硒鼓")
    found = _found(demo["desk"], term)
    assert other.pk not in found
    assert found == _reference(demo["desk"], term)
    if term == "电源":
        assert found == {upper.pk}
    else:
        assert {lower.pk, upper.pk} <= found


def test_the_bigram_index_follows_edits(demo, file_ticket):
    ticket = file_ticket(title="网络故障", description="交换机掉电")
    assert ticket.pk in _found(demo["desk"], "掉电")
    Ticket.objects.filter(pk=ticket.pk).update(description="风扇异响")
    assert ticket.pk not in _found(demo["desk"], "掉电")
    assert ticket.pk in _found(demo["desk"], "异响")


def test_wildcards_in_a_two_character_term_are_literal(demo, file_ticket):
    file_ticket(title="打印机卡纸")
    percent = file_ticket(title="CPU 占用100%")
    assert _found(demo["desk"], "0%") == {percent.pk}
    assert _found(demo["desk"], "_%") == set()


@pytest.fixture
def shared_department(demo, desktop):
    """The desktop contract shares tickets within a department: `user` sees the tickets of
    my-wangjing (same department, 财务部), not those of user2 (市场部)."""
    desktop.department_visibility = True
    desktop.save(update_fields=["department_visibility"])
    assert demo["user"].department_id == demo["my-wangjing"].department_id
    assert demo["user"].department_id != demo["user2"].department_id
    return desktop


@pytest.fixture
def mixed_tickets(demo, file_ticket, shared_department):
    """Tickets of three requesters with terms in every searched place."""
    tickets = {
        "mine": file_ticket(title="打印机卡纸", description="电源指示灯闪烁"),
        "colleague": file_ticket(requester="my-wangjing", actor="desk", title="打印机卡纸",
                                 description="Outlook 打不开"),
        "stranger": file_ticket(requester="user2", title="打印机卡纸",
                                description="电源 Outlook"),
        "replied": file_ticket(title="系统很慢"),
    }
    ticket_comment(actor=demo["user"], ticket=tickets["replied"], body="打印机驱动报错",
                   internal=False)
    ticket_comment(actor=demo["desk"], ticket=tickets["colleague"], body="Outlook 配置文件损坏",
                   internal=True)
    return tickets


@pytest.mark.parametrize("term", ["卡纸", "电源", "打印机", "Outlook", "outlook", "配置文件",
                                  "驱动", "鲸鱼"])
@pytest.mark.parametrize("who", ["user", "user2", "desk", "engineer", "gm"])
def test_every_plan_finds_what_the_user_may_see_and_contains_the_term(
        demo, mixed_tickets, monkeypatch, who, term):
    user = demo[who]
    expected = _reference(user, term)
    # The index plan (few matches: an id list), then the row-by-row plan a common word takes.
    assert _found(user, term) == expected
    monkeypatch.setattr(selectors, "SEARCH_COMMON", 1)
    assert _found(user, term) == expected


def test_an_end_user_sees_a_colleagues_ticket_on_a_shared_contract_only(demo, mixed_tickets):
    found = _found(demo["user"], "卡纸")
    assert mixed_tickets["mine"].pk in found and mixed_tickets["colleague"].pk in found
    assert mixed_tickets["stranger"].pk not in found
    assert mixed_tickets["colleague"].pk not in _found(demo["user"], "配置文件")  # internal note
    assert mixed_tickets["colleague"].pk in _found(demo["desk"], "配置文件")


def test_the_ticket_branches_are_searched_within_the_scope(demo, mixed_tickets):
    with CaptureQueriesContext(connection) as queries:
        _found(demo["user"], "打印机")
    lookup = next(q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"])
    title_branch = lookup.split("UNION ALL")[0]
    assert "requester_id" in title_branch and "contract_id" in title_branch


def test_an_end_user_without_shared_contracts_sees_only_their_own(demo, mixed_tickets, desktop):
    desktop.department_visibility = False
    desktop.save(update_fields=["department_visibility"])
    found = _found(demo["user"], "卡纸")
    assert mixed_tickets["mine"].pk in found
    assert mixed_tickets["colleague"].pk not in found


@pytest.mark.parametrize("term", ["电源", "打印机"])
def test_an_empty_scope_finds_nothing(demo, mixed_tickets, term):
    assert list(ticket_search(Ticket.objects.none(), term)) == []
    assert list(ticket_search(Ticket.objects.filter(pk__in=[]), term)) == []


@pytest.mark.parametrize("expected_rows,plan", [(10**6, "walk"), (0, "lookup")])
def test_the_bigram_estimate_picks_the_plan_and_not_the_result(
        demo, mixed_tickets, monkeypatch, expected_rows, plan):
    """A two-character term the statistics call common skips the index lookup (the walk finds
    a page at once); a rare one is looked up. Either way the same tickets."""
    monkeypatch.setattr(selectors, "_expected_rows", lambda tickets: expected_rows)
    user = demo["desk"]
    with CaptureQueriesContext(connection) as queries:
        found = _found(user, "电源")
    assert found == _reference(user, "电源")
    looked_up = any("itsm_ticket_bigrams" in q["sql"] for q in queries.captured_queries)
    assert looked_up == (plan == "lookup")


@pytest.mark.parametrize("expected_rows,plan", [(10**6, "walk"), (0, "lookup")])
def test_the_trigram_estimate_picks_the_plan_and_not_the_result(
        demo, mixed_tickets, monkeypatch, expected_rows, plan):
    """The same for three characters or more (打印机 in 50,000 tickets at a million): the
    trigram statistics decide whether the ids are looked up first (issue 19)."""
    monkeypatch.setattr(selectors, "_expected_rows", lambda tickets: expected_rows)
    user = demo["desk"]
    with CaptureQueriesContext(connection) as queries:
        found = _found(user, "打印机")
    assert found == _reference(user, "打印机")
    looked_up = any("UNION ALL" in q["sql"] for q in queries.captured_queries)
    assert looked_up == (plan == "lookup")
