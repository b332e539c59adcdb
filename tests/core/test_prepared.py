"""core.prepared: a query compiled once gives the models its queryset gives, in one query,
with each call's values, and refuses a shape it cannot run as prepared."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from accounts.models import SecurityEvent, Site
from core.lookups import InIdList
from core.prepared import PreparedQuery
from sla.models import Target
from tests.tickets import conftest as ticket_fixtures
from tickets.models import Category, Ticket
from tickets.page import PAGE_RELATED, _page_tickets
from tickets.services import ticket_dispatch

NUMBER = "\x00test-number"
# The tickets' fixtures, for tickets filed as the tests of tickets/ file them.
desktop, file_ticket = ticket_fixtures.desktop, ticket_fixtures.file_ticket


def _state(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _assert_same(prepared: Ticket, expected: Ticket) -> None:
    assert type(prepared) is Ticket and _state(prepared) == _state(expected)
    assert prepared._state.adding is False and prepared._state.db == "default"
    for path in PAGE_RELATED:
        left, right = prepared, expected
        for name in path.split("__"):
            if right is None:
                break
            left, right = getattr(left, name), getattr(right, name)
        assert (left is None) == (right is None), path
        if right is not None:
            assert type(left) is type(right) and _state(left) == _state(right), path


def test_it_gives_the_models_the_queryset_gives_in_one_query(demo, file_ticket):
    """The ticket page's query: eight relations (some empty), flags as annotations, the
    markers' places taken by each call's value."""
    page = PreparedQuery(lambda number: _page_tickets(Ticket.objects.all(), number),
                         number=NUMBER)
    plain = file_ticket()  # no assignee, category, asset or site
    subcategory = Category.objects.filter(service_type__code="hardware").exclude(
        parent=None).first()
    with_more = ticket_dispatch(
        actor=demo["desk"], assignee=demo["engineer"],
        ticket=file_ticket(requester="user2", actor="desk", category=subcategory,
                           site=Site.objects.filter(organisation=demo["user2"].organisation)
                           .first()))
    assert with_more.category.parent and with_more.site and with_more.assignee
    for ticket in (plain, with_more):
        expected = _page_tickets(Ticket.objects.all(), ticket.number).get()
        with CaptureQueriesContext(connection) as queries:
            found = page.models(number=ticket.number)
        assert len(queries) == 1
        assert len(found) == 1
        _assert_same(found[0], expected)
        flags = [name for name in vars(expected) if name.startswith("panel_has_")]
        assert flags and all(getattr(found[0], name) == getattr(expected, name)
                             for name in flags + ["has_resolution_template"])
        # Nothing more is read for what was joined.
        with CaptureQueriesContext(connection) as queries:
            _ = (found[0].contract.code, found[0].requester.display_name,
                 found[0].service_type.name, getattr(found[0].category, "parent", None))
        assert len(queries) == 0
    assert page.models(number="no-such-ticket") == []


def test_the_sql_is_compiled_once_and_run_with_each_calls_values(demo, file_ticket):
    built = []

    def build(number):
        built.append(number)
        return Ticket.objects.filter(number=number)

    query = PreparedQuery(build, number=NUMBER)
    first, second = file_ticket(), file_ticket(title="打印机卡纸")
    assert [t.pk for t in query.models(number=first.number)] == [first.pk]
    assert [t.pk for t in query.models(number=second.number)] == [second.pk]
    assert built == [NUMBER]


def test_values_pass_through_converters_and_annotations(demo):
    """Columns Django converts on the way out (JSON, an IP address, a date and time) and
    computed ones arrive as the queryset gives them, the joined actor too (or None)."""
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.EXPORT, actor=demo["desk"],
                                 ip_address="10.1.2.3", details={"rows": 3, "名": ["甲"]})
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.EXPORT, actor=None)

    def build(kind):
        return (SecurityEvent.objects.filter(kind=kind).select_related("actor")
                .annotate(actor_tickets=Count("actor__requested_tickets"),
                          shown_target=F("target"))
                .order_by("pk"))

    def seen(events):
        return [(_state(e), e.actor_tickets, e.shown_target, e.actor and _state(e.actor))
                for e in events]

    query = PreparedQuery(build, kind="\x00kind")
    for kind in (SecurityEvent.Kind.EXPORT, SecurityEvent.Kind.PASSWORD_CHANGED):
        expected = list(build(kind))
        assert expected and seen(query.models(kind=kind)) == seen(expected)
    exported = query.models(kind=SecurityEvent.Kind.EXPORT)
    assert exported[0].details == {"rows": 3, "名": ["甲"]} and exported[1].actor is None


@pytest.mark.django_db
def test_a_marker_that_does_not_reach_the_parameters_once_is_refused():
    twice = PreparedQuery(lambda number: Ticket.objects.filter(number=number, title=number),
                          number=NUMBER)
    with pytest.raises(ImproperlyConfigured, match="2 times"):
        twice.models(number="x")
    changed = PreparedQuery(lambda number: Ticket.objects.filter(title__icontains=number),
                            number=NUMBER)  # the lookup wraps it in % … %
    with pytest.raises(ImproperlyConfigured, match="0 times"):
        changed.models(number="x")


@pytest.mark.django_db
def test_prefetching_inside_and_wrong_values_are_refused():
    prefetching = PreparedQuery(
        lambda number: Ticket.objects.filter(number=number).prefetch_related("clocks"),
        number=NUMBER)
    with pytest.raises(ImproperlyConfigured, match="prefetch"):
        prefetching.models(number="x")
    query = PreparedQuery(lambda number: Ticket.objects.filter(number=number), number=NUMBER)
    with pytest.raises(TypeError):
        query.models(title="x")
    with pytest.raises(TypeError):
        query.models()


@pytest.mark.django_db
def test_none_is_refused_and_a_small_integer_keeps_its_type():
    """None would be IS NULL in the queryset's SQL, not "= NULL". PostgreSQL's backend sends
    a small integer field's value typed (psycopg's Int2); a call's value is sent the same."""
    query = PreparedQuery(lambda priority: Target.objects.filter(priority=priority),
                          priority=32_001)
    with pytest.raises(ValueError):
        query.models(priority=None)
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(params)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        query.models(priority=3)
    expected = Target.objects.filter(priority=3).query.sql_with_params()[1]
    assert [type(p) for p in sent[0]] == [type(p) for p in expected] and sent[0] == list(expected)


def test_the_sla_target_read_is_the_querysets(demo):
    """sla.clocks.target_for through its prepared query: the target with both calendars, for
    every target of the demo, and none for a combination without one."""
    from types import SimpleNamespace

    from sla.clocks import target_for

    for target in Target.objects.select_related("calendar", "contract__calendar"):
        ticket = SimpleNamespace(contract_id=target.contract_id,
                                 service_type_id=target.service_type_id,
                                 priority=target.priority)
        found = target_for(ticket)
        assert _state(found) == _state(target)
        assert _state(found.contract) == _state(target.contract)
        assert _state(found.contract.calendar) == _state(target.contract.calendar)
        assert (found.calendar and _state(found.calendar)) == (
            target.calendar and _state(target.calendar))
    assert target_for(SimpleNamespace(contract_id=target.contract_id, service_type_id=None,
                                      priority=1)) is None
    assert target_for(SimpleNamespace(contract_id=-5, service_type_id=target.service_type_id,
                                      priority=1)) is None


def test_a_values_list_query_gives_its_tuples_and_other_kinds_are_refused(demo):
    query = PreparedQuery(lambda kind: SecurityEvent.objects.filter(kind=kind)
                          .order_by("pk").values_list("pk", "details", "at"), kind="\x00kind")
    kind = SecurityEvent.Kind.PASSWORD_CHANGED
    expected = list(SecurityEvent.objects.filter(kind=kind).order_by("pk")
                    .values_list("pk", "details", "at"))
    assert expected and query.rows(kind=kind) == expected
    with pytest.raises(TypeError):
        query.models(kind=kind)
    models = PreparedQuery(lambda kind: SecurityEvent.objects.filter(kind=kind), kind="\x00k")
    with pytest.raises(TypeError):
        models.rows(kind=kind)
    for build in (lambda kind: SecurityEvent.objects.filter(kind=kind).values("pk"),
                  lambda kind: SecurityEvent.objects.filter(kind=kind).values_list("pk",
                                                                                   flat=True)):
        with pytest.raises(ImproperlyConfigured, match="values_list"):
            PreparedQuery(build, kind="\x00k").rows(kind=kind)


def test_a_list_of_ids_is_one_value_and_rows_can_be_read_as_dicts(demo, file_ticket):
    """core.lookups.InIdList: the SQL is the same for any number of ids (compiled once); each
    dict holds what values() gives, annotations under their names."""
    built = []

    def build(ids):
        built.append(ids)
        return (Ticket.objects.filter(InIdList(F("pk"), ids)).order_by("pk")
                .annotate(code=F("contract__code")).values_list("pk", "title", "code"))

    query = PreparedQuery(build, ids=[-1])
    tickets = [file_ticket(title=f"票 {n}") for n in range(4)]
    for ids in ([tickets[2].pk], [t.pk for t in tickets], [tickets[3].pk, 999_999_999]):
        expected = list(Ticket.objects.filter(pk__in=ids).order_by("pk").annotate(
            code=F("contract__code")).values("pk", "title", "code"))
        with CaptureQueriesContext(connection) as queries:
            assert query.dicts(ids=ids) == expected
        assert len(queries) == 1
    assert built == [[-1]]
    assert query.dicts(ids=[]) == []
    with pytest.raises(ValueError):
        query.dicts(ids=["1; DROP TABLE tickets_ticket"])
    with pytest.raises(TypeError):
        PreparedQuery(lambda number: Ticket.objects.filter(number=number),
                      number=NUMBER).dicts(number="x")


def test_a_prepared_prefetch_leaves_what_djangos_prefetch_leaves(demo, file_ticket):
    """core.prepared.PreparedPrefetch: each instance's related manager answers with the rows
    Django's prefetch gives, in their order, without a query; each row knows its parent; a
    further filter on the manager still reads the database."""
    from django.db.models import prefetch_related_objects

    from core.prepared import PreparedPrefetch
    from sla.models import Clock

    clocks = PreparedPrefetch("clocks", lambda: Clock.objects.select_related("calendar")
                              .order_by("-kind"))
    tickets = [file_ticket(), file_ticket(title="打印机卡纸")]
    bare = file_ticket(title="无时钟")
    Clock.objects.filter(ticket=bare).delete()
    mine = list(Ticket.objects.filter(pk__in=[t.pk for t in [*tickets, bare]]).order_by("pk"))
    theirs = list(Ticket.objects.filter(pk__in=[t.pk for t in [*tickets, bare]]).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        clocks(mine)
    assert len(queries) == 1
    prefetch_related_objects(theirs, clocks.as_prefetch())
    with CaptureQueriesContext(connection) as queries:
        for left, right in zip(mine, theirs, strict=True):
            assert [_state(c) for c in left.clocks.all()] == [_state(c) for c in
                                                             right.clocks.all()]
            for clock in left.clocks.all():
                assert clock.ticket is left and clock.calendar.pk == clock.calendar_id
    assert len(queries) == 0
    assert mine[0].clocks.all() and not mine[2].clocks.all()
    kind = mine[0].clocks.all()[0].kind
    assert [c.kind for c in mine[0].clocks.filter(kind=kind)] == [kind]
    clocks([])  # nothing to do


def test_dicts_name_an_annotation_given_first_and_one_row_is_aggregate(demo, file_ticket):
    """An annotation named before a field in values_list() comes first in the SQL too: dicts()
    names each value by Django's own order. one_row() answers as aggregate() does, one row
    also when nothing matches."""
    from django.db.models import Count, Max
    from django.db.models.functions import Upper

    from core.prepared import one_row

    tickets = [file_ticket(title=f"票 {n}") for n in range(3)]
    grouped = PreparedQuery(
        lambda ids: (Ticket.objects.filter(InIdList(F("pk"), ids))
                     .annotate(big=Upper("title")).values_list("big", "status")
                     .annotate(n=Count("pk")).order_by("big")), ids=[-1])
    ids = [t.pk for t in tickets]
    expected = list(Ticket.objects.filter(pk__in=ids).annotate(big=Upper("title"))
                    .values("big", "status").annotate(n=Count("pk")).order_by("big"))
    assert grouped.dicts(ids=ids) == expected
    assert list(grouped.dicts(ids=ids)[0]) == ["big", "status", "n"]

    totals = PreparedQuery(
        lambda ids: one_row(Ticket.objects.filter(InIdList(F("pk"), ids)),
                            n=Count("pk"), newest=Max("created_at")), ids=[-1])
    for chosen in (ids, [], [999_999_999]):
        assert totals.dicts(ids=chosen) == [Ticket.objects.filter(pk__in=chosen).aggregate(
            n=Count("pk"), newest=Max("created_at"))]
