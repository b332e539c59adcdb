"""Pages of problems, changes, consents and notices: lists in constant queries, the forms, the
PDF and the printable request, the banner on the portal, answers in the portal."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.clock import now
from demo.changes import CHANGE_TITLE, NOTICE_TITLE, PROBLEM_TITLE
from knowledge.models import Change, Consent, Decision, Notice, Problem
from knowledge.services.changes import change_submit
from knowledge.services.notices import notice_publish
from knowledge.services.problems import problem_create
from tests.knowledge.chg_fixtures import *  # noqa: F403 - the fixtures of problems and changes


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("url", ["/problems/", "/changes/", "/notices/", "/notices/calendar/"])
def test_lists_take_constant_queries(demo, login, make_change, desktop, url):
    """The same number of queries for two rows as for twelve."""
    client = login(demo["pm"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def more():
        for i in range(5):
            change = make_change(title=f"变更 {i}")
            problem_create(actor=demo["pm"], contract=desktop, title=f"问题 {i}")
            start = now() + timedelta(days=3, hours=i)
            notice_publish(actor=demo["pm"], contract=desktop, title=f"维护 {i}", body="-",
                           starts_at=start, ends_at=start + timedelta(hours=1), change=change)

    more()
    before = queries()
    more()
    assert queries() == before


def test_the_problem_page_shows_the_analysis_and_the_fix(demo, login):
    problem = Problem.objects.get(title=PROBLEM_TITLE)
    page = login(demo["client"]).get(f"/problems/{problem.number}/").content.decode()
    assert "进纸辊磨损" in page
    assert Change.objects.get(title=CHANGE_TITLE).number in page
    assert 'data-testid="analysis-form"' not in page  # the client reads, staff edit


def test_staff_save_the_analysis_from_the_page(demo, login):
    problem = Problem.objects.get(title=PROBLEM_TITLE)
    response = login(demo["engineer"]).post(f"/problems/{problem.number}/analyse/", {
        "root_cause": "纸张受潮", "workaround": "更换干燥的纸", "known_error": "卡纸"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.root_cause == "纸张受潮"


def test_the_fault_analysis_report_is_a_pdf(demo, login):
    problem = Problem.objects.get(title=PROBLEM_TITLE)
    response = login(demo["client"]).get(f"/problems/{problem.number}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_change_request_prints_with_its_approvals(demo, login):
    change = Change.objects.get(title=CHANGE_TITLE)
    page = login(demo["client"]).get(f"/changes/{change.number}/print/").content.decode()
    assert change.number in page and "<script>" not in page
    assert "周静" in page  # the client's approver


def test_the_client_contact_approves_in_the_portal(demo, login):
    change = Change.objects.get(title=CHANGE_TITLE)
    home = login(demo["client"]).get("/client/").content.decode()
    assert change.number in home  # "awaiting your answer"
    response = login(demo["client"]).post(f"/changes/{change.number}/approve/",
                                           {"comment": "同意"})
    assert response.status_code == 302
    assert change.approvals.get(party="client").decision == Decision.APPROVED


def test_someone_not_named_gets_403_on_the_approve_page(demo, login):
    change = Change.objects.get(title=CHANGE_TITLE)
    assert login(demo["engineer"]).post(f"/changes/{change.number}/approve/").status_code == 403


def test_request_a_change_from_the_page(demo, login):
    start = now() + timedelta(days=5)
    client = login(demo["engineer"])
    client.cookies["itsm_language"] = "en"
    response = client.post("/changes/new/", {
        "contract": "DEMO-DESKTOP", "kind": "normal", "title": "更换核心交换机电源",
        "reason": "电源告警", "risk": "medium", "window_start": _local(start),
        "window_end": _local(start - timedelta(hours=1))})
    assert response.status_code == 200
    assert "The window must end after it starts." in response.content.decode()
    response = login(demo["engineer"]).post("/changes/new/", {
        "contract": "DEMO-DESKTOP", "kind": "normal", "title": "更换核心交换机电源",
        "reason": "电源告警", "risk": "medium", "window_start": _local(start),
        "window_end": _local(start + timedelta(hours=1)), "downtime": "on"})
    change = Change.objects.get(title="更换核心交换机电源")
    assert response.url == f"/changes/{change.number}/"
    change_submit(actor=demo["engineer"], change=change)


def test_the_banner_shows_on_the_portal_and_a_notice_24_hours_away_is_refused(demo, login):
    page = login(demo["user"]).get("/portal/").content.decode()
    assert NOTICE_TITLE in page and 'data-testid="notice-banner"' in page
    start = now() + timedelta(hours=24)
    client = login(demo["pm"])
    client.cookies["itsm_language"] = "en"
    response = client.post("/notices/new/", {
        "contract": "DEMO-DESKTOP", "title": "服务器机房空调维护", "body": "空调停机",
        "starts_at": _local(start), "ends_at": _local(start + timedelta(hours=2))})
    assert response.status_code == 200
    assert "at least 48 hours" in response.content.decode()
    assert not Notice.objects.filter(title="服务器机房空调维护").exists()


def test_publish_a_notice_from_an_approved_change(demo, login, make_change):
    change = make_change(kind=Change.Kind.STANDARD)
    change_submit(actor=demo["engineer"], change=change)
    form = login(demo["pm"]).get(f"/notices/new/?change={change.number}").content.decode()
    assert change.title in form
    start = change.window_start
    response = login(demo["pm"]).post("/notices/new/", {
        "contract": "DEMO-DESKTOP", "title": "交换机维护", "body": "升级固件",
        "starts_at": _local(start), "ends_at": _local(change.window_end), "change": change.pk})
    notice = Notice.objects.get(title="交换机维护")
    assert response.url == f"/notices/{notice.pk}/"
    assert notice.change == change


def test_the_requester_answers_a_consent_in_the_portal(demo, login):
    consent = Consent.objects.get(ticket__title="三楼财务部打印机频繁卡纸")
    home = login(demo["user"]).get("/portal/").content.decode()
    assert f"/consents/{consent.pk}/" in home
    login(demo["user"]).post(f"/consents/{consent.pk}/approve/", {"comment": "可以"})
    consent.refresh_from_db()
    assert consent.decision == Decision.APPROVED
    client = login(demo["user"])
    client.cookies["itsm_language"] = "en"
    response = client.post(f"/consents/{consent.pk}/reject/", follow=True)
    assert "already answered" in response.content.decode()


def test_the_ticket_page_offers_the_engineer_to_ask_consent_and_shows_the_answer(demo, login):
    consent = Consent.objects.get(ticket__title="三楼财务部打印机频繁卡纸")
    page = login(demo["engineer"]).get(f"/tickets/{consent.ticket.number}/").content.decode()
    assert 'data-testid="ask-consent"' in page
    assert f"/consents/{consent.pk}/" in page
    page = login(demo["user"]).get(f"/tickets/{consent.ticket.number}/").content.decode()
    assert 'data-testid="consent-panel"' not in page  # she answers from her home page


def test_the_history_shows_labels_not_keys(demo, login, make_change):
    change = change_submit(actor=demo["engineer"], change=make_change())
    client = login(demo["engineer"])
    client.cookies["itsm_language"] = "en"
    page = client.get(f"/changes/{change.number}/").content.decode()
    assert "Submitted for approval" in page and "· submitted ·" not in page
