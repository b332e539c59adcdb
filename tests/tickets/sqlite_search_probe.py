"""Run in a child process on a fresh SQLite database by test_search_sqlite.py: migrate, file a
few tickets through the services, and report as JSON what ticket_search finds and which SQL it
ran, so the test (running on PostgreSQL) can check the FTS5 path of the embedded default.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.tickets.sqlite_search_probe OUT.json
"""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
django.setup()

from django.conf import settings  # noqa: E402

# The demo's ten logins hashed with PBKDF2 take seconds; this database is thrown away.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# After setup: the models need the app registry.
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from accounts.models import User  # noqa: E402
from sla.models import Clock, Contract  # noqa: E402
from tickets.models import SavedView, ServiceType, Ticket  # noqa: E402
from tickets.page import ticket_page_get  # noqa: E402
from tickets.search_fts import ensure_fts  # noqa: E402
from tickets.selectors import ticket_search, tickets_visible_to  # noqa: E402
from tickets.selectors_saved_views import saved_views_list, saved_views_visible_to  # noqa: E402
from tickets.selectors_table import TABLE_COLUMNS, _table_values, for_table  # noqa: E402
from tickets.services import ticket_comment, ticket_create  # noqa: E402


def found(user, term: str) -> tuple[list[str], str]:
    """Titles ticket_search finds for the user, and the SQL of its queries."""
    with CaptureQueriesContext(connection) as queries:
        titles = sorted(ticket_search(tickets_visible_to(user), term, user=user)
                        .values_list("title", flat=True))
    return titles, "\n".join(q["sql"] for q in queries.captured_queries)


def kpi_on_sqlite(contract) -> dict:
    """The KPI dashboard's queries compiled once (kpi.prepared, fieldservice.figures): on
    SQLite too, the same figures as the querysets, and the whole dashboard of a year built."""
    from datetime import timedelta

    from django.db.models import Sum
    from django.http import QueryDict

    from core.periods import month_bounds, today
    from kpi import dashboard, figures
    from kpi.models import BacklogSnapshot
    from kpi.services.rollup import refresh

    end = today()
    start = end - timedelta(days=60)
    refresh(start, end)  # the rollup and the backlog snapshots
    scope = figures.Scope((contract.pk,))
    sums = figures.PeriodSums(scope, start, end, monthly=False)
    # Whole months by month: from MonthlyRollup, which refresh() rebuilt.
    months_start, months_end = start.replace(day=1), month_bounds(end.year, end.month)[1]
    months = figures.PeriodSums(scope, months_start, months_end, monthly=True)
    trend = list(BacklogSnapshot.objects.filter(scope.q(), day__gte=start, day__lte=end)
                 .values("day").annotate(open=Sum("open"), over_7d=Sum("over_7d"))
                 .order_by("day"))
    days = [start, start + timedelta(days=30), end]
    on_days = list(BacklogSnapshot.objects.filter(scope.q(), day__in=days).values("day")
                   .annotate(open=Sum("open"), over_7d=Sum("over_7d")).order_by("day"))
    gm = User.objects.get(username="gm")
    board = dashboard.build(dashboard.resolve_params(
        gm, QueryDict(f"contract={contract.code}&period=year&year={end.year}")))
    return {"totals_same": sums.totals() == figures.totals(scope, start, end),
            "trend_same": sums.trend() == figures.trend(scope, start, end, monthly=False),
            "months_same": (months.totals() == figures.totals(scope, months_start, months_end)
                            and months.trend() == figures.trend(scope, months_start,
                                                                months_end, monthly=True)),
            "opened": sums.totals()["opened"],
            "backlog_trend_same": figures.backlog_trend(scope, start, end) == trend,
            "backlog_days": len(trend),
            "backlog_on_days_same": figures.backlog_on_days(scope, days) == on_days != [],
            "cards": sorted(card["key"] for card in board["cards"])}


def main() -> None:
    assert connection.vendor == "sqlite", connection.vendor
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    user, desk = User.objects.get(username="user"), User.objects.get(username="desk")
    contract = Contract.objects.get(code="DEMO-DESKTOP")
    hardware = ServiceType.objects.get(code="hardware")

    def file(title, description=""):
        return ticket_create(actor=user, contract=contract, service_type=hardware, title=title,
                             description=description)

    report = {"sqlite": connection.Database.sqlite_version}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'tickets_%_fts%'")
        report["objects"] = sorted(row[0] for row in cursor.fetchall())
    power = file("会议室投影仪无信号", "按下电源按钮后指示灯不亮")
    file("Outlook cannot connect", "Mail stays offline since this morning")
    noted = file("系统很慢")
    ticket_comment(actor=desk, ticket=noted, body="怀疑是内存泄漏", internal=True)
    ticket_comment(actor=user, ticket=noted, body="重启以后仍然很慢，硬盘灯常亮", internal=False)
    report["title"] = found(user, "投影仪")
    report["description"] = found(user, "指示灯不")
    report["english_case"] = found(user, "OUTLOOK")
    report["two_chars"] = found(user, "电源")
    report["reply"] = found(user, "硬盘灯")
    report["internal_user"] = found(user, "内存泄漏")[0]
    report["internal_desk"] = found(desk, "内存泄漏")[0]
    report["literal"] = found(user, '"电源" OR 投影')[0]
    # Kept in step: an edit replaces the old text, a deletion removes the row.
    Ticket.objects.filter(pk=power.pk).update(description="风扇噪音很大")
    report["after_edit_old"] = found(user, "指示灯不")[0]
    report["after_edit_new"] = found(user, "风扇噪音")[0]
    # A later migration that rebuilds tickets_ticket drops its triggers: ensure_fts (run after
    # every migrate) puts them back and rebuilds the index.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER tickets_ticket_fts_ai")
    report["rebuilt"] = ensure_fts(connection)
    file("扫描仪卡住", "")
    report["after_rebuild"] = found(user, "扫描仪")[0]
    # The ticket table's rows (the ids as one JSON parameter here, core.lookups.InIdList) are
    # what values() gives over the same queryset, in its order, in either language.
    report["table_rows_same"] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            tickets = Ticket.objects.order_by("-created_at", "-pk")
            expected = list(_table_values(tickets, english=language == "en").values(
                *TABLE_COLUMNS, "contract_code", "service_type_label", "category_label",
                "site_name")[1:4])
            with CaptureQueriesContext(connection) as queries:
                rows = for_table(tickets)[1:4]
            report["table_rows_same"][language] = len(rows) == 3 and rows == expected
            report["table_sql"] = queries.captured_queries[-1]["sql"]
    # The ticket page's clocks (core.prepared.PreparedPrefetch): the ids as JSON here too.
    page_ticket = ticket_page_get(user=desk, number=noted.number)
    report["page_clocks"] = [[clock.kind for clock in page_ticket.clocks.all()],
                             [clock.kind for clock in Clock.objects.filter(ticket=noted)
                              .order_by("pk")]]
    # The queue's saved views: the contracts as one JSON parameter here too.
    SavedView.objects.create(owner=desk, name="共享", query="view=open", shared=True,
                             contract=contract, created_at=power.created_at)
    SavedView.objects.create(owner=user, name="别人的", query="view=open",
                             created_at=power.created_at)
    report["saved_views"] = [[view.name for view in saved_views_list(person)]
                             == [view.name for view in saved_views_visible_to(person)]
                             for person in (desk, user)] + [
        [view.name for view in saved_views_list(desk)]]
    report["kpi"] = kpi_on_sqlite(contract)
    Ticket.objects.filter(pk=power.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket_fts WHERE tickets_ticket_fts "
                       "MATCH '\"风扇噪音\"'")
        report["deleted_in_index"] = cursor.fetchone()[0]
    with open(sys.argv[1], "w", encoding="utf-8") as out:  # stdout has load_demo's messages
        json.dump(report, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
