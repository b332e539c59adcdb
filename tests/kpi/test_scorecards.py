"""Engineer scorecards (K2): scores from known rollup data, re-normalisation, ratings and the
composite, the pass-mark flag e-mailing the PM once, the scheme's validation, access and query
counts of the pages, the API and the quarterly job."""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from core.periods import Quarter
from kpi.models import Scorecard, ScorecardRating, ScorecardScheme
from kpi.models.rollup import MEASURES
from kpi.models.scorecards import RATING_ITEMS
from kpi.selectors import scorecards as selectors
from kpi.services import rollup
from kpi.services import scorecards as services
from notifications.models import Notification
from sla.models import Clock, ClockKind, Contract, ContractMember, ServiceCalendar
from surveys.models import Complaint, TicketSurvey
from tickets.models import ResolutionCode, ServiceType, Status, Ticket

SH = ZoneInfo("Asia/Shanghai")
Q1 = Quarter(2026, 1)
ITEMS = [code for _d, _l, items in RATING_ITEMS for code, _lbl in items]
_numbers = itertools.count(1)
EVENT = "kpi.scorecard_below_standard"
# The story is 2026-Q1: a demo loaded in mid-May 2026 has both contracts in force then, and
# pages that list "the last quarters" are read in May 2026 too.
MAY_2026 = datetime(2026, 5, 15, 10, tzinfo=SH)
pytestmark = pytest.mark.demo_at(MAY_2026)


def _ticket(contract, engineer, requester, at, *, reopened=False):
    n = next(_numbers)
    return Ticket.objects.create(
        number=f"T-SC-{n:06d}", contract=contract,
        service_type=ServiceType.objects.order_by("pk").first(), title=f"t{n}",
        requester=requester, logged_by=requester, assignee=engineer, status=Status.CLOSED,
        resolution_code=ResolutionCode.FIXED, created_at=at - timedelta(hours=2),
        updated_at=at, resolved_at=at, reopen_count=1 if reopened else 0)


def _clock(ticket, kind, met, at):
    Clock.objects.create(ticket=ticket, kind=kind, calendar=ServiceCalendar.objects.first(),
                         target_seconds=3600, started_at=at - timedelta(hours=2), stopped_at=at,
                         met=met, breached_at=None if met else at - timedelta(minutes=30))


def _survey(ticket, engineer, at, overall):
    return TicketSurvey.objects.create(
        ticket=ticket, contract=ticket.contract, requester=ticket.requester, engineer=engineer,
        token=f"tok-sc-{ticket.number}", sent_at=at, expires_at=at + timedelta(days=7),
        answered_at=at + timedelta(hours=1), fixed=True, response_speed=overall,
        attitude=overall, ability=overall, overall=overall)


def _complaint(contract, engineer, registrar, at):
    n = next(_numbers)
    return Complaint.objects.create(
        number=f"TS-SC-{n:05d}", contract=contract, channel=Complaint.Channel.PHONE,
        complainant_name="张三", engineer=engineer, description="态度差", received_at=at,
        answer_due=at + timedelta(days=1), resolution_due=(at + timedelta(days=7)).date(),
        registered_by=registrar, created_at=at)


@pytest.fixture
def desktop(demo):
    return Contract.objects.select_related("project_manager").get(code="DEMO-DESKTOP")


@pytest.fixture
def q1_data(demo, desktop):
    """Q1 2026 for `engineer` on DEMO-DESKTOP: 10 resolved (1 reopened), clocks 8 met and 2
    breached, 4 survey answers (3 satisfied), 1 complaint; plus rows that must not count (another
    engineer, another contract, April)."""
    engineer, user = demo["engineer"], demo["user"]
    ScorecardScheme.objects.create(contract=desktop, volume_target=20)
    at = datetime(2026, 2, 2, 10, tzinfo=SH)
    tickets = [_ticket(desktop, engineer, user, at + timedelta(days=i), reopened=(i == 0))
               for i in range(10)]
    verdicts = [True] * 8 + [False] * 2
    kinds = [ClockKind.RESPONSE, ClockKind.ARRIVAL, ClockKind.RESOLUTION]
    for i, met in enumerate(verdicts):
        _clock(tickets[i % 10], kinds[i % 3] if i < 9 else ClockKind.ARRIVAL, met,
               at + timedelta(days=i % 10))
    for ticket, overall in zip(tickets[:4], [5, 4, 5, 2], strict=True):
        _survey(ticket, engineer, ticket.resolved_at, overall)
    _complaint(desktop, engineer, demo["desk"], at + timedelta(days=20))
    # Not counted: another engineer, another contract, the next quarter.
    other = _ticket(desktop, demo["majun"] if "majun" in demo else demo["engineer2"], user, at)
    _clock(other, ClockKind.RESPONSE, False, at)
    server = Contract.objects.get(code="DEMO-SERVER")
    _ticket(server, engineer, user, at)
    _ticket(desktop, engineer, user, datetime(2026, 4, 1, 0, 30, tzinfo=SH))
    rollup.refresh(date(2026, 1, 1), date(2026, 4, 2))
    return desktop


def _rate(card, actor, score_of=lambda code: 90):
    return services.scorecard_rate(actor=actor, card=card, scores={c: score_of(c) for c in ITEMS})


def _card(demo, contract, who="engineer", q=Q1):
    cards = services.quarter_open(contract, q)
    return next(c for c in cards if c.engineer_id == demo[who].pk)


# --- scoring ------------------------------------------------------------------------------------
def test_objective_scores_by_hand(demo, q1_data):
    card = _card(demo, q1_data)
    f = card.figures
    assert f["tickets_resolved"] == 10 and f["complaints"] == 1
    assert f["on_time_rate"] == 0.8 and f["satisfaction_rate"] == 0.75
    assert f["reopen_rate"] == 0.1
    assert f["sub_scores"] == {"volume": 50.0, "on_time": 80.0, "satisfaction": 75.0,
                               "reopen": 50.0, "complaints": 80.0}
    assert f["left_out"] == [] and not f["renormalised"]
    # (20×50 + 30×80 + 30×75 + 10×50 + 10×80) / 100
    assert card.objective_score == Decimal("69.50")
    assert card.rating_score is None and card.composite is None and not card.below_standard
    # The grouped team query gives exactly figures.totals per engineer.
    assert selectors.team_totals(q1_data, [demo["engineer"].pk], Q1)[demo["engineer"].pk] == \
        selectors.engineer_totals(q1_data, demo["engineer"].pk, Q1)


def test_ratings_composite_and_flag_mailed_once(demo, q1_data):
    card = _card(demo, q1_data)
    pm = demo["pm"]
    # 11 of 12 rated: no rating score, no composite.
    services.scorecard_rate(actor=pm, card=card, scores={c: 90 for c in ITEMS[:-1]})
    card.refresh_from_db()
    assert card.rating_score is None and card.composite is None
    _rate(card, pm)
    card.refresh_from_db()
    assert card.rating_score == Decimal("90.00")
    assert card.composite == Decimal("79.75")  # 50 % × 69.50 + 50 % × 90
    assert card.below_standard and card.flag_notified_at is not None
    mails = Notification.objects.filter(event=EVENT)
    assert list(mails.values_list("recipient__username", flat=True)) == ["pm"]
    body = mails.get().body
    assert "79.75" in body and f"/kpi/scorecards/{card.pk}/" in body and "2026-Q1" in body
    rating = card.ratings.get(item=ITEMS[0])
    assert rating.rated_by == pm and rating.rated_at is not None
    # Recomputing and re-rating (still below) do not mail again.
    services.quarter_open(q1_data, Q1)
    services.scorecard_rate(actor=demo["delivery"], card=card, scores={ITEMS[0]: 60})
    card.refresh_from_db()
    assert card.composite < 80 and mails.count() == 1
    # Better ratings lift the flag; the e-mail stays one.
    _rate(card, pm, lambda code: 100)
    card.refresh_from_db()
    assert card.composite == Decimal("84.75") and not card.below_standard
    assert mails.count() == 1
    assert card.history.count() >= 3 and rating.history.count() >= 2


def test_pass_mark_boundary():
    scheme = ScorecardScheme(objective_weight=100, w_volume=100, w_on_time=0, w_satisfaction=0,
                             w_reopen=0, w_complaints=0, volume_target=10000)
    ratings = [ScorecardRating(item=code, score=50) for code in ITEMS]
    totals = dict.fromkeys(MEASURES, 0)
    card = Scorecard(year=2026, quarter=1)
    services._apply(card, {**totals, "resolved": 7999}, scheme, ratings)
    assert card.composite == Decimal("79.99") and card.below_standard
    services._apply(card, {**totals, "resolved": 8000}, scheme, ratings)
    assert card.composite == Decimal("80.00") and not card.below_standard
    assert selectors.composite_of(Decimal("69.50"), Decimal("90.48"), scheme) == Decimal("69.50")
    scheme.objective_weight = 50
    assert selectors.composite_of(Decimal("69.50"), Decimal("90.48"), scheme) == Decimal("79.99")
    assert selectors.composite_of(Decimal("69.50"), None, scheme) is None


def test_composite_at_pass_mark_not_flagged(demo, q1_data):
    card = _card(demo, q1_data)
    # Twelve scores summing to 1086: rating 90.50, composite exactly 80.00.
    scores = iter([91] * 6 + [90] * 6)
    _rate(card, demo["pm"], lambda code: next(scores))
    card.refresh_from_db()
    assert card.rating_score == Decimal("90.50") and card.composite == Decimal("80.00")
    assert not card.below_standard and card.flag_notified_at is None
    assert not Notification.objects.filter(event=EVENT).exists()


def test_renormalised_when_nothing_measured(demo, desktop):
    """Only a resolved ticket, no clock, no survey: on-time and satisfaction are left out."""
    at = datetime(2026, 2, 2, 10, tzinfo=SH)
    for _n in range(3):
        _ticket(desktop, demo["engineer"], demo["user"], at)
    rollup.refresh(date(2026, 2, 1), date(2026, 2, 28))
    card = _card(demo, desktop)
    f = card.figures
    assert f["left_out"] == ["on_time", "satisfaction"] and f["renormalised"]
    # volume 3/150 → 2, reopen 100, complaints 100, weights 20/10/10 → 50/25/25 %.
    assert f["sub_scores"]["volume"] == 2.0
    assert f["weights"] == {"volume": 50.0, "reopen": 25.0, "complaints": 25.0}
    assert card.objective_score == Decimal("51.00")
    # An engineer with nothing at all: volume 0, complaints 100; reopen left out too.
    idle = _card(demo, desktop, "engineer2")
    assert idle.figures["left_out"] == ["on_time", "satisfaction", "reopen"]
    assert idle.objective_score == Decimal("33.33")  # (20×0 + 10×100) / 30


def test_bad_score_refused(demo, q1_data):
    card = _card(demo, q1_data)
    with pytest.raises(services.ScorecardError):
        services.scorecard_rate(actor=demo["pm"], card=card, scores={ITEMS[0]: 101})
    with pytest.raises(services.ScorecardError):
        services.scorecard_rate(actor=demo["gm"], card=card, scores={ITEMS[0]: 50})
    assert not card.ratings.exists()


def test_quarterly_job_is_idempotent(demo, q1_data):
    from kpi.tasks import scorecards_quarterly

    with time_machine.travel(datetime(2026, 4, 1, 3, tzinfo=SH), tick=False):
        result = scorecards_quarterly()
        assert result["quarter"] == "2026-Q1"
        count = Scorecard.objects.filter(year=2026, quarter=1).count()
        team = selectors.scored_people(q1_data).count()
        assert result["scorecards"]["DEMO-DESKTOP"] == team
        history = Scorecard.history.count()
        scorecards_quarterly()
    assert Scorecard.objects.filter(year=2026, quarter=1).count() == count
    assert Scorecard.history.count() == history  # nothing changed, nothing saved
    card = Scorecard.objects.get(engineer=demo["engineer"], contract=q1_data, year=2026,
                                 quarter=1)
    assert card.objective_score == Decimal("69.50")
    # The delivery manager on the team is not scored.
    assert not Scorecard.objects.filter(engineer=demo["delivery"]).exists()


def test_quarterly_job_catches_up_when_the_first_was_missed(demo, q1_data, settings):
    from kpi.tasks import scorecards_quarterly

    # Beat runs it on the first ten days of a quarter, not only on the 1st...
    schedule = settings.CELERY_BEAT_SCHEDULE["kpi-scorecards-quarterly"]["schedule"]
    assert schedule.day_of_month == set(range(1, 11))
    assert schedule.month_of_year == {1, 4, 7, 10}
    # ...and a run on the 6th makes the quarter before's scorecards.
    with time_machine.travel(datetime(2026, 4, 6, 3, tzinfo=SH), tick=False):
        assert scorecards_quarterly()["quarter"] == "2026-Q1"
    assert Scorecard.objects.filter(engineer=demo["engineer"], contract=q1_data, year=2026,
                                    quarter=1).exists()


# --- scheme -------------------------------------------------------------------------------------
SCHEME = {"objective_weight": 60, "w_volume": 20, "w_on_time": 30, "w_satisfaction": 30,
          "w_reopen": 10, "w_complaints": 10, "volume_target": 100, "reopen_penalty": 5,
          "complaint_penalty": 20, "w_attitude": 25, "w_timeliness": 25, "w_ability": 25,
          "w_etiquette": 25, "pass_mark": 80}


def test_scheme_page_validates_and_saves(demo, desktop):
    client = Client()
    client.force_login(demo["pm"])
    url = "/kpi/scorecards/scheme/DEMO-DESKTOP/"
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="scheme-form"' in page.content.decode()
    bad = client.post(url, {**SCHEME, "w_volume": 25})
    assert bad.status_code == 200
    assert "105" in bad.content.decode() and bad.context["form"].errors["w_volume"]
    assert client.post(url, {**SCHEME, "w_attitude": 30}).context["form"].errors["w_attitude"]
    over = client.post(url, {**SCHEME, "objective_weight": 120, "pass_mark": 101})
    assert set(over.context["form"].errors) == {"objective_weight", "pass_mark"}
    assert not ScorecardScheme.objects.filter(contract=desktop).exists()
    assert client.post(url, SCHEME).status_code == 302
    scheme = ScorecardScheme.objects.get(contract=desktop)
    assert scheme.objective_weight == 60 and scheme.volume_target == 100
    assert scheme.history.count() == 1
    assert services.scheme_for(desktop) == scheme
    assert services.scheme_for(Contract.objects.get(code="DEMO-SERVER")).contract is None
    # The general manager reads the scheme and may not change it.
    client.force_login(demo["gm"])
    assert client.get(url).status_code == 200
    assert client.post(url, {**SCHEME, "pass_mark": 70}).status_code == 403
    client.force_login(demo["engineer"])
    assert client.get(url).status_code == 403


# --- pages and access ---------------------------------------------------------------------------
@time_machine.travel(MAY_2026, tick=False)
def test_list_page_and_access(demo, q1_data):
    client = Client()
    client.force_login(demo["pm"])
    page = client.get("/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-engineer="engineer"' in html and "69.50" in html
    assert 'data-engineer="delivery"' not in html
    card = Scorecard.objects.get(engineer=demo["engineer"], contract=q1_data, year=2026,
                                 quarter=1)
    assert f"/kpi/scorecards/{card.pk}/" in html
    _rate(card, demo["pm"])
    html = client.get("/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1").content.decode()
    assert 'data-engineer="engineer" data-below="1" class="table-danger"' in html
    assert 'data-below="1">79.75' in html
    assert client.get("/kpi/scorecards/?quarter=2026-Q9").status_code == 404
    assert client.get("/kpi/scorecards/?contract=NOPE").status_code == 404
    # Engineers see their own on the list page, never another's; the client and the desk: 403.
    client.force_login(demo["engineer2"])
    own = client.get("/kpi/scorecards/")
    assert own.status_code == 200 and f"/kpi/scorecards/{card.pk}/" not in own.content.decode()
    assert client.get(f"/kpi/scorecards/{card.pk}/").status_code == 404
    for who in ("client", "desk", "user"):
        client.force_login(demo[who])
        assert client.get("/kpi/scorecards/").status_code == 403
        assert client.get(f"/kpi/scorecards/{card.pk}/").status_code == 404
    client.force_login(demo["engineer"])
    mine = client.get("/kpi/scorecards/mine/")
    assert mine.status_code == 200 and f"/kpi/scorecards/{card.pk}/" in mine.content.decode()
    detail = client.get(f"/kpi/scorecards/{card.pk}/")
    assert detail.status_code == 200 and 'data-testid="rating-form"' not in detail.content.decode()
    assert client.post(f"/kpi/scorecards/{card.pk}/", {"score_" + ITEMS[0]: 1}).status_code \
        == 403


def test_detail_rating_form(demo, q1_data):
    card = _card(demo, q1_data)
    client = Client()
    client.force_login(demo["pm"])
    url = f"/kpi/scorecards/{card.pk}/"
    page = client.get(url)
    html = page.content.decode()
    assert 'data-testid="rating-form"' in html and 'data-testid="history"' in html
    assert 'name="score_attitude_response"' in html
    bad = client.post(url, {"score_attitude_response": 150})
    assert bad.status_code == 200 and bad.context["form"].errors["score_attitude_response"]
    assert not card.ratings.exists()
    data = {f"score_{c}": 90 for c in ITEMS}
    data["note_attitude_response"] = "<b>快</b>"
    data["comment"] = "继续保持"
    assert client.post(url, data).status_code == 302
    card.refresh_from_db()
    assert card.composite == Decimal("79.75") and card.manager_comment == "继续保持"
    # The gm reads without a form; the engineer sees the note escaped.
    client.force_login(demo["engineer"])
    html = client.get(url).content.decode()
    assert "&lt;b&gt;快&lt;/b&gt;" in html and "79.75" in html
    assert 'data-testid="below-standard"' in html
    client.force_login(demo["gm"])
    html = client.get(url).content.decode()
    assert 'data-testid="rating-form"' not in html
    assert client.post(url, data).status_code == 403


def test_list_page_query_count(demo, q1_data, django_assert_max_num_queries):
    client = Client()
    client.force_login(demo["pm"])
    url = "/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1"
    client.get(url)  # creates and computes the quarter's rows
    with django_assert_max_num_queries(14) as small:
        assert client.get(url).status_code == 200
    few = len(small)
    for n in range(4):
        person = demo["user"].__class__.objects.create(
            username=f"extra{n}", name=f"工程师{n}", role="engineer")
        ContractMember.objects.create(contract=q1_data, user=person,
                                      duty=ContractMember.Duty.ENGINEER)
    client.get(url)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


# --- API ----------------------------------------------------------------------------------------
def test_api_scope(demo, q1_data):
    card = _card(demo, q1_data)
    _rate(card, demo["pm"])
    api = APIClient()
    api.force_authenticate(demo["pm"])
    response = api.get("/api/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1")
    assert response.status_code == 200
    rows = {r["engineer"]["username"]: r for r in response.json()}
    row = rows["engineer"]
    assert row["composite"] == 79.75 and row["below_standard"] is True
    assert row["objective_score"] == 69.5 and row["rating_score"] == 90.0
    assert row["contract"] == "DEMO-DESKTOP" and (row["year"], row["quarter"]) == (2026, 1)
    assert len(row["ratings"]) == 12 and row["figures"]["sub_scores"]["volume"] == 50.0
    assert api.get("/api/kpi/scorecards/?quarter=bad").status_code == 400
    assert api.get(f"/api/kpi/scorecards/{card.pk}/").status_code == 200
    api.force_authenticate(demo["engineer2"])
    listed = api.get("/api/kpi/scorecards/?contract=DEMO-DESKTOP&quarter=2026-Q1").json()
    assert {r["engineer"]["username"] for r in listed} <= {"engineer2"}
    assert api.get(f"/api/kpi/scorecards/{card.pk}/").status_code == 404
    api.force_authenticate(demo["engineer"])
    listed = api.get("/api/kpi/scorecards/").json()
    assert [r["id"] for r in listed] == [card.pk]
    for who in ("client", "desk", "user"):
        api.force_authenticate(demo[who])
        assert api.get("/api/kpi/scorecards/").status_code == 403
        assert api.get(f"/api/kpi/scorecards/{card.pk}/").status_code == 404


def test_admin_pages(demo, q1_data):
    card = _card(demo, q1_data)
    _rate(card, demo["pm"])
    client = Client()
    client.force_login(demo["admin"])
    for url in ("/admin/kpi/scorecard/", f"/admin/kpi/scorecard/{card.pk}/change/",
                f"/admin/kpi/scorecard/{card.pk}/history/", "/admin/kpi/scorecardscheme/",
                "/admin/kpi/kpitargets/", "/admin/kpi/servicereport/"):
        assert client.get(url).status_code == 200, url


@time_machine.travel(MAY_2026, tick=False)
def test_detail_and_mine_query_counts(demo, q1_data, django_assert_max_num_queries):
    card = _card(demo, q1_data)
    _rate(card, demo["pm"])
    client = Client()
    client.force_login(demo["pm"])
    client.get(f"/kpi/scorecards/{card.pk}/")
    with django_assert_max_num_queries(16):
        assert client.get(f"/kpi/scorecards/{card.pk}/").status_code == 200
    # engineer2 is on both contracts: "mine" lists both, in constant queries.
    services.quarter_open(Contract.objects.get(code="DEMO-SERVER"), Q1)
    client.force_login(demo["engineer2"])
    with django_assert_max_num_queries(8):
        html = client.get("/kpi/scorecards/mine/").content.decode()
    assert "DEMO-DESKTOP" in html and "DEMO-SERVER" in html


def test_only_the_engineers_of_the_contract_are_scored(demo, desktop):
    """Seed 000 scores the on-site engineers: the desk and the managers on the team are not."""
    from kpi.selectors.scorecards import scored_people
    from sla.models import ContractMember

    people = set(scored_people(desktop))
    duties = dict(ContractMember.objects.filter(contract=desktop)
                  .values_list("user_id", "duty"))
    assert people and all(duties[p.pk] in {"engineer", "second_line"} for p in people)
    assert demo["desk"] not in people
