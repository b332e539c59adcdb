"""The API of problems, changes, consents and notices: the notice contract (POST /api/notices/
400 naming starts_at), approvals 403/409, scoping by contract, 403 before field errors."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from core.clock import now
from demo.changes import CHANGE_TITLE
from knowledge.models import Change, Notice, Problem
from knowledge.services.changes import change_submit
from tests.knowledge.chg_fixtures import *  # noqa: F403 - the fixtures of problems and changes
from tickets.models import Ticket


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _notice(hours, **extra):
    start = now() + timedelta(hours=hours)
    return {"contract": "DEMO-DESKTOP", "title": "机房断电维护", "body": "UPS 检修",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=3)).isoformat(),
            **extra}


def test_post_notices_48_hours_ahead_is_201(demo):
    response = api(demo["pm"]).post("/api/notices/", _notice(49), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["contract"] == "DEMO-DESKTOP"


def test_post_notices_24_hours_ahead_is_400_naming_starts_at(demo):
    response = api(demo["pm"]).post("/api/notices/", _notice(24), format="json")
    assert response.status_code == 400
    assert "starts_at" in response.json()["errors"]
    assert not Notice.objects.filter(title="机房断电维护").exists()


def test_post_notices_late_with_a_pms_emergency_reason_is_201(demo):
    response = api(demo["pm"]).post("/api/notices/", _notice(5, emergency_reason="UPS 告警"),
                                    format="json")
    assert response.status_code == 201


def test_post_notices_late_with_the_desks_emergency_reason_is_400(demo):
    response = api(demo["desk"]).post("/api/notices/", _notice(5, emergency_reason="UPS 告警"),
                                      format="json")
    assert response.status_code == 400
    assert "starts_at" in response.json()["errors"]


def test_post_notices_ending_before_it_starts_is_400(demo):
    body = _notice(50)
    body["ends_at"] = (now() + timedelta(hours=49)).isoformat()
    response = api(demo["pm"]).post("/api/notices/", body, format="json")
    assert response.status_code == 400
    assert "ends_at" in response.json()["errors"]


@pytest.mark.parametrize("role", ["client", "user", "engineer", "gm"])
def test_roles_that_publish_nothing_get_403_before_field_errors(demo, role):
    assert api(demo[role]).post("/api/notices/", {}, format="json").status_code == 403


def test_patching_a_notice_into_the_period_is_400(demo):
    notice_id = api(demo["pm"]).post("/api/notices/", _notice(49), format="json").json()["id"]
    soon = now() + timedelta(hours=3)
    response = api(demo["pm"]).patch(f"/api/notices/{notice_id}/", {
        "starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=1)).isoformat()},
        format="json")
    assert response.status_code == 400
    assert "starts_at" in response.json()["errors"]


def test_the_client_contact_approves_by_api_and_a_second_answer_is_409(demo, make_change):
    change = change_submit(actor=demo["engineer"], change=make_change())
    url = f"/api/changes/{change.number}/"
    assert api(demo["engineer"]).post(url + "approve/", {}, format="json").status_code == 403
    first = api(demo["client"]).post(url + "approve/", {"comment": "同意"}, format="json")
    assert first.status_code == 200
    assert {a["party"]: a["decision"] for a in first.json()["approvals"]}["client"] == "approved"
    second = api(demo["client"]).post(url + "reject/", {"comment": "改主意"}, format="json")
    assert second.status_code == 409


def test_a_change_of_another_contract_is_404_for_the_client_contact(demo, server, make_change):
    change = make_change(actor="admin", contract=server)
    assert api(demo["client"]).get(f"/api/changes/{change.number}/").status_code == 404
    assert api(demo["ht-hanmei"]).get(f"/api/changes/{change.number}/").status_code == 404


def test_changes_list_is_scoped_and_constant_in_queries(demo, make_change, server,
                                                        django_assert_max_num_queries):
    for _ in range(3):
        make_change()
    make_change(actor="admin", contract=server)
    with django_assert_max_num_queries(10):
        rows = api(demo["client"]).get("/api/changes/").json()["results"]
    assert {r["contract"] for r in rows} == {"DEMO-DESKTOP"}
    assert len(rows) >= 4


def test_create_a_change_then_submit_it(demo):
    start = now() + timedelta(days=5)
    response = api(demo["engineer"]).post("/api/changes/", {
        "contract": "DEMO-DESKTOP", "title": "调整 DHCP 地址池", "reason": "地址不足",
        "config_before": "192.168.1.0/24", "config_after": "192.168.0.0/23",
        "window_start": start.isoformat(), "window_end": (start + timedelta(hours=1)).isoformat(),
    }, format="json")
    assert response.status_code == 201, response.json()
    number = response.json()["number"]
    submitted = api(demo["engineer"]).post(f"/api/changes/{number}/submit/", {}, format="json")
    assert submitted.json()["status"] == "pending"


def test_the_client_contact_may_not_request_a_change(demo):
    assert api(demo["client"]).post("/api/changes/", {}, format="json").status_code == 403


def test_problems_api_lists_the_demo_problem_and_opens_one(demo):
    rows = api(demo["client"]).get("/api/problems/").json()["results"]
    assert all(r["contract"] == "DEMO-DESKTOP" for r in rows)
    assert any(r["title"] == "财务部打印机反复卡纸" for r in rows)
    response = api(demo["engineer"]).post("/api/problems/", {
        "contract": "DEMO-DESKTOP", "title": "邮件延迟", "tickets": ["NOPE-1"]}, format="json")
    assert response.status_code == 400
    assert "tickets" in response.json()["errors"]
    response = api(demo["engineer"]).post("/api/problems/", {
        "contract": "DEMO-DESKTOP", "title": "邮件延迟"}, format="json")
    assert response.status_code == 201
    number = response.json()["number"]
    analysed = api(demo["engineer"]).post(f"/api/problems/{number}/analyse/",
                                          {"root_cause": "DNS 配置错误"}, format="json")
    assert analysed.json()["root_cause"] == "DNS 配置错误"
    demo_change = Change.objects.get(title=CHANGE_TITLE)
    linked = api(demo["engineer"]).post(f"/api/problems/{number}/link-change/",
                                        {"change": demo_change.number}, format="json")
    assert linked.json()["fix_change"] == demo_change.number
    assert Problem.objects.get(number=number).status == Problem.Status.FIXING


def test_end_users_see_no_problems_or_changes(demo):
    assert api(demo["user"]).get("/api/problems/").json()["results"] == []
    assert api(demo["user"]).get("/api/changes/").json()["results"] == []


def test_consent_by_api(demo):
    response = api(demo["engineer"]).post("/api/consents/", {
        "ticket": "NOPE", "operation": "restart", "details": "重启"}, format="json")
    assert response.status_code == 400
    ticket = Ticket.objects.get(title="三楼财务部打印机频繁卡纸")
    response = api(demo["engineer"]).post("/api/consents/", {
        "ticket": ticket.number, "operation": "restart", "details": "重启"}, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api(demo["client"]).post(f"/api/consents/{pk}/answer/", {"approve": True},
                                    format="json").status_code == 403
    assert api(demo["user"]).post(f"/api/consents/{pk}/answer/", {"approve": True},
                                  format="json").status_code == 200
    assert api(demo["user"]).post(f"/api/consents/{pk}/answer/", {"approve": False},
                                  format="json").status_code == 409
