"""The ticket table's rows read as values() rows (tickets/selectors_table.py) show what the
tickets' models show: codes, labels in the active language, names, and nothing for an empty
relation; in three queries for any number of rows (the page's ids, then their rows and their
people by queries compiled once: issue 19)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from django.utils.translation import override

from accounts.models import Site
from tickets.models import Category, ServiceType, Ticket
from tickets.queue_columns import COLUMN_KEYS, columns_for
from tickets.selectors_table import TABLE_COLUMNS, _table_values, for_table, table_rows_by_id
from tickets.services import ticket_dispatch
from tickets.templatetags.queue_tags import TicketRows


def _tickets(demo, file_ticket, desktop):
    """Tickets with and without a category, a site, an assignee; a service type and a category
    named only in Chinese (English pages show the Chinese name); names that need escaping."""
    plain = file_ticket(title="<b>无分类</b> & 无地点")
    hardware = ServiceType.objects.get(code="hardware")
    chinese_only = ServiceType.objects.create(code="cn-only", name="仅中文类型", name_en="")
    category = Category.objects.create(service_type=hardware, name="打印机 <卡纸>",
                                       name_en="Printer <jam>")
    bare_category = Category.objects.create(service_type=chinese_only, name="仅中文分类",
                                            name_en="")
    site = Site.objects.create(organisation=desktop.client, name="一号楼 \"A\"")
    placed = file_ticket(title="有分类有地点", category=category, site=site, location="3 楼")
    bare = file_ticket(title="仅中文", service_type=chinese_only, category=bare_category)
    assigned = file_ticket(title="已派单", requester="user2", actor="desk")
    ticket_dispatch(actor=demo["desk"], ticket=assigned, assignee=demo["engineer"])
    return [plain, placed, bare, assigned]


def test_rows_show_what_the_models_show_in_either_language(demo, file_ticket, desktop):
    tickets = _tickets(demo, file_ticket, desktop)
    for language in ("zh-hans", "en"):
        with override(language):
            rows = {row["pk"]: row for row in for_table(
                Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("pk"))}
            renderer = TicketRows(columns_for(COLUMN_KEYS), selectable=True)
            for ticket in Ticket.objects.filter(pk__in=rows).select_related(
                    "contract", "service_type", "category", "site", "requester", "assignee"):
                row = rows[ticket.pk]
                assert row["contract_code"] == ticket.contract.code
                assert row["service_type_label"] == ticket.service_type.label
                assert row["category_label"] == (ticket.category.label if ticket.category
                                                 else None)
                assert row["site_name"] == (ticket.site.name if ticket.site else None)
                assert renderer._person(row, "requester") == ticket.requester.display_name
                assert renderer._person(row, "assignee") == (
                    ticket.assignee.display_name if ticket.assignee else "")
                html = "".join(renderer.render([row]))
                for shown in (ticket.number, ticket.title, ticket.service_type.label,
                              ticket.contract.code, ticket.requester.display_name):
                    assert escape(shown) in html
                if ticket.category:
                    assert f"{escape(ticket.service_type.label)} › " \
                           f"{escape(ticket.category.label)}" in html
                if ticket.site:
                    assert f" · {escape(ticket.site.name)}" in html
                if ticket.assignee:
                    assert escape(ticket.assignee.display_name) in html
                assert "<b>" not in html and "<卡纸>" not in html and "<jam>" not in html
            if language == "en":
                assert rows[tickets[2].pk]["service_type_label"] == "仅中文类型"
                assert rows[tickets[1].pk]["category_label"] == "Printer <jam>"
            else:
                assert rows[tickets[1].pk]["category_label"] == "打印机 <卡纸>"


def test_the_rows_are_three_queries_for_any_number_and_one_for_none(demo, file_ticket,
                                                                   desktop):
    """The page's ids by the list's queryset, then their rows and their people by prepared
    queries."""
    tickets = _tickets(demo, file_ticket, desktop)
    with CaptureQueriesContext(connection) as few:
        list(for_table(Ticket.objects.filter(pk=tickets[0].pk)))
    for _ in range(6):
        file_ticket(title="再来一张")
    with CaptureQueriesContext(connection) as many:
        rows = list(for_table(Ticket.objects.all()))
    assert len(rows) >= 10
    assert len(few) == len(many) == 3
    with CaptureQueriesContext(connection) as none:
        assert for_table(Ticket.objects.filter(pk=-1))[0:50] == []
    assert len(none) == 1


def test_the_rows_are_the_querysets_values_in_its_order_and_slices(demo, file_ticket, desktop):
    """Every value as values() gives it over the same queryset, in either language; the
    queryset's order (any sort) and slice decide which rows and in which order."""
    _tickets(demo, file_ticket, desktop)
    for _ in range(4):
        file_ticket(title="再来一张", requester="user2", actor="desk")
    for language in ("zh-hans", "en"):
        with override(language):
            for order in (("-created_at", "-pk"), ("priority", "pk"), ("title", "-pk")):
                tickets = Ticket.objects.order_by(*order)
                expected = list(_table_values(tickets, english=language == "en").values(
                    *TABLE_COLUMNS, "contract_code", "service_type_label", "category_label",
                    "site_name"))
                assert len(expected) >= 8
                assert list(for_table(tickets)) == expected
                assert for_table(tickets)[2:5] == expected[2:5]
                assert for_table(tickets)[0:3] == expected[0:3]


def test_a_ticket_gone_between_the_two_reads_is_left_out(demo, file_ticket, desktop):
    first, second, third = (file_ticket(title=f"票 {n}") for n in range(3))
    rows = table_rows_by_id([third.pk, 999_999_999, first.pk, second.pk])
    assert [row["pk"] for row in rows] == [third.pk, first.pk, second.pk]
    assert table_rows_by_id([]) == []
