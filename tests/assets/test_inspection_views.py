"""Inspection pages and API: scope, recording through the form, plans, report, query counts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from assets.models import InspectionPhoto, InspectionPlan, InspectionRecord, InspectionRound
from assets.services.inspections import inspection_record_complete, rounds_generate
from tests.demo_cache import load_demo_cached as load_demo
from tickets.models import Channel, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(db, time_machine):
    time_machine.move_to(datetime(2025, 9, 17, 10, tzinfo=SHANGHAI), tick=False)
    load_demo()
    return {u.username: u for u in User.objects.all()}


def record_of(plan_name: str, tag: str) -> InspectionRecord:
    return InspectionRecord.objects.select_related("round__plan__template", "asset").get(
        round__plan__name=plan_name, round__kind="scheduled", asset__tag=tag)


def form_data(record, *, fail=(), note="卡纸严重", skip=False) -> dict:
    data = {"notes": ""}
    items = list(record.round.plan.template.items.all())
    for index, item in enumerate(items):
        if skip and index == 0:
            continue
        data[f"result_{item.pk}"] = "fail" if index in fail else "pass"
        data[f"note_{item.pk}"] = note if index in fail else ""
    return data


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


# --- today's inspections ---------------------------------------------------------------------


def test_an_engineer_sees_only_rounds_due_for_them(people, login):
    client = login(people["engineer"])
    page = client.get("/inspections/")
    assert page.status_code == 200
    rounds = {r.plan.name for r in page.context["page"].object_list}
    assert rounds == {"桌面终端季度巡检", "打印机月度巡检"}
    client = login(people["engineer2"])
    rounds = [r.plan.name for r in client.get("/inspections/").context["page"].object_list]
    assert rounds == ["核心网络与存储每周巡检"]  # helei's server rounds are not theirs


def test_overdue_and_today_come_first(people, login, time_machine):
    time_machine.move_to(datetime(2025, 9, 18, 10, tzinfo=SHANGHAI), tick=False)
    rounds_generate()
    client = login(people["engineer2"])
    InspectionRound.objects.filter(plan__name="核心服务器每日巡检").update(assignee=None)
    listed = client.get("/inspections/").context["page"].object_list
    assert [r.due_on for r in listed] == sorted(r.due_on for r in listed)
    assert listed[0].due_on == date(2025, 9, 17)


def test_the_desk_and_pm_see_every_round_of_their_contracts(people, login):
    for username in ("desk", "pm"):
        client = login(people[username])
        page = client.get("/inspections/?view=all&contract=DEMO-SERVER")
        assert {r.contract.code for r in page.context["page"].object_list} == {"DEMO-SERVER"}
        assert len(page.context["page"].object_list) == 3


def test_end_users_and_clients_may_not_list_rounds(people, login):
    for username in ("user", "client"):
        assert login(people[username]).get("/inspections/").status_code == 403


def test_the_today_page_costs_the_same_queries_with_more_rounds(people, login):
    client = login(people["pm"])
    few = queries(client, "/inspections/?view=all")
    for day in (date(2025, 9, 18), date(2025, 9, 19), date(2025, 9, 22), date(2025, 10, 9)):
        rounds_generate(today=day)
    assert InspectionRound.objects.count() > 10
    assert queries(client, "/inspections/?view=all") == few
    engineer = login(people["engineer"])
    assert queries(engineer, "/inspections/") <= few


def test_the_round_page_lists_records_with_progress(people, login):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    inspection_record_complete(actor=people["engineer"], record=record, results={
        i.pk: ("pass", "") for i in record.round.plan.template.items.all()})
    client = login(people["engineer"])
    page = client.get(f"/inspections/rounds/{record.round_id}/")
    assert page.status_code == 200
    assert (page.context["round"].done, page.context["round"].total) == (1, 2)
    pending = client.get(f"/inspections/rounds/{record.round_id}/?show=pending")
    assert [r.asset.tag for r in pending.context["page"].object_list] == ["MY-PR-0501"]
    server_round = InspectionRound.objects.get(plan__name="核心服务器每日巡检")
    assert client.get(f"/inspections/rounds/{server_round.pk}/").status_code == 404


# --- recording -------------------------------------------------------------------------------


def test_an_engineer_records_a_failure_through_the_form(people, login):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    client = login(people["engineer"])
    page = client.get(f"/inspections/records/{record.pk}/")
    assert page.status_code == 200 and page.context["form"] is not None
    answer = client.post(f"/inspections/records/{record.pk}/", form_data(record, fail={1}))
    assert answer.status_code == 302
    ticket = Ticket.objects.get(channel=Channel.INSPECTION)
    assert ticket.asset == record.asset
    record.refresh_from_db()
    assert record.ticket == ticket and record.outcome == "failed"
    shown = client.get(f"/inspections/records/{record.pk}/")
    assert ticket.number in shown.content.decode()
    assert shown.context["form"] is None and shown.context["next_record"] is not None


def test_missing_answers_show_errors_and_save_nothing(people, login):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    client = login(people["engineer"])
    page = client.post(f"/inspections/records/{record.pk}/", form_data(record, skip=True))
    assert page.status_code == 200 and page.context["form"].errors
    no_note = client.post(f"/inspections/records/{record.pk}/",
                          form_data(record, fail={0}, note=""))
    assert "请说明问题所在。" in no_note.content.decode()  # pages speak Chinese first
    record.refresh_from_db()
    assert record.outcome == "pending" and not record.results.exists()


def test_an_engineer_off_the_contract_gets_404(people, login):
    record = record_of("核心服务器每日巡检", "HT-SV-0001")
    client = login(people["engineer"])
    assert client.get(f"/inspections/records/{record.pk}/").status_code == 404
    assert client.post(f"/inspections/records/{record.pk}/",
                       form_data(record)).status_code == 404
    record.refresh_from_db()
    assert record.outcome == "pending"


def test_the_desk_reads_but_does_not_record(people, login):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    client = login(people["desk"])
    page = client.get(f"/inspections/records/{record.pk}/")
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(f"/inspections/records/{record.pk}/",
                       form_data(record)).status_code == 403


def test_a_second_submission_is_refused_with_a_message(people, login):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    client = login(people["engineer"])
    client.post(f"/inspections/records/{record.pk}/", form_data(record))
    again = client.post(f"/inspections/records/{record.pk}/", form_data(record, fail={0}),
                        follow=True)
    assert "不能再次提交" in again.content.decode()
    assert not Ticket.objects.filter(channel=Channel.INSPECTION).exists()


def test_photos_are_served_only_within_scope(people, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = record_of("打印机月度巡检", "MY-PR-0301")
    client = login(people["engineer"])
    data = form_data(record)
    data["photos"] = [SimpleUploadedFile("现场.png", b"\x89PNG fake")]
    assert client.post(f"/inspections/records/{record.pk}/", data).status_code == 302
    photo = InspectionPhoto.objects.get()
    download = client.get(f"/inspections/photos/{photo.pk}/")
    assert download.status_code == 200
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert login(people["user"]).get(f"/inspections/photos/{photo.pk}/").status_code == 404
    assert login(people["helei"]).get(f"/inspections/photos/{photo.pk}/").status_code == 404


# --- plans -----------------------------------------------------------------------------------


def plan_post(**changes) -> dict:
    data = {"contract": "DEMO-DESKTOP", "name": "扫描仪半年巡检", "frequency": "half_yearly",
            "template": InspectionPlan.objects.get(name="打印机月度巡检").template_id,
            "assignee": User.objects.get(username="majun").pk, "asset_type": "",
            "criticality": "", "site": "", "asset_tags": "MY-SC-0301", "pre_holiday": "",
            "starts_on": "2025-07-01", "active": "on"}
    data.update(changes)
    return data


def test_a_pm_creates_a_plan_with_hand_picked_assets(people, login):
    client = login(people["pm"])
    assert client.get("/inspections/plans/new/").status_code == 200
    assert client.post("/inspections/plans/new/", plan_post()).status_code == 302
    plan = InspectionPlan.objects.get(name="扫描仪半年巡检")
    assert [a.tag for a in plan.assets.all()] == ["MY-SC-0301"]
    assert rounds_generate() == 1
    assert InspectionRound.objects.get(plan=plan).period_start == date(2025, 7, 1)


def test_a_plan_form_refuses_bad_choices(people, login):
    client = login(people["pm"])
    page = client.post("/inspections/plans/new/",
                       plan_post(assignee=people["desk"].pk, asset_tags="NO-SUCH-TAG"))
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"assignee", "asset_tags"}
    page = client.post("/inspections/plans/new/", plan_post(assignee=people["helei"].pk))
    assert "assignee" in page.context["form"].errors  # a server engineer, not on the desktops
    assert not InspectionPlan.objects.filter(name="扫描仪半年巡检").exists()


def test_engineers_read_plans_but_do_not_edit_them(people, login):
    client = login(people["engineer"])
    page = client.get("/inspections/plans/")
    assert {p.contract.code for p in page.context["page"].object_list} == {"DEMO-DESKTOP"}
    plan = InspectionPlan.objects.get(name="打印机月度巡检")
    assert client.get(f"/inspections/plans/{plan.pk}/").status_code == 403
    assert client.post("/inspections/plans/new/", plan_post()).status_code == 403


def test_a_pm_edits_a_plan(people, login):
    plan = InspectionPlan.objects.get(name="打印机月度巡检")
    client = login(people["pm"])
    data = plan_post(name="打印机月度巡检", frequency="monthly", asset_tags="",
                     asset_type=plan.asset_type_id, active="")
    assert client.post(f"/inspections/plans/{plan.pk}/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.active is False and plan.assignee.username == "majun"


# --- report ----------------------------------------------------------------------------------


def test_the_client_contact_reads_their_own_report_only(people, login):
    client = login(people["client"])
    page = client.get("/inspections/report/?contract=DEMO-DESKTOP&from=2025-09-01&to=2025-09-30")
    assert page.status_code == 200 and page.context["report"].totals["due"] == 4
    assert client.get("/inspections/report/?contract=DEMO-SERVER").status_code == 404
    assert login(people["user"]).get("/inspections/report/").status_code == 403


def test_the_report_downloads_as_excel(people, login):
    client = login(people["pm"])
    answer = client.get("/inspections/report/?contract=DEMO-SERVER&from=2025-09-01"
                        "&to=2025-09-30&format=xlsx")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert answer.content[:2] == b"PK"


def test_bad_dates_fall_back_to_this_month_with_a_message(people, login):
    client = login(people["pm"])
    page = client.get("/inspections/report/?contract=DEMO-SERVER&from=2025-09-30&to=2025-09-01")
    assert page.status_code == 200 and page.context["form"].errors
    assert page.context["date_from"] == date(2025, 9, 1)


def test_the_report_costs_the_same_queries_with_more_data(people, login):
    client = login(people["pm"])
    path = "/inspections/report/?contract=DEMO-SERVER&from=2025-09-01&to=2025-09-30"
    few = queries(client, path)
    for day in (date(2025, 9, 18), date(2025, 9, 19), date(2025, 9, 22), date(2025, 9, 23)):
        rounds_generate(today=day)
    for record in InspectionRecord.objects.filter(round__contract__code="DEMO-SERVER",
                                                  asset__tag="HT-SV-0001")[:3]:
        record = record_of_pk(record.pk)
        inspection_record_complete(actor=people["engineer2"], record=record, results={
            i.pk: ("fail", "x") for i in record.round.plan.template.items.all()})
    assert queries(client, path) == few


def record_of_pk(pk: int) -> InspectionRecord:
    return InspectionRecord.objects.select_related("round__plan__template", "asset").get(pk=pk)


# --- API -------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_lists_rounds_in_scope_with_filters(people):
    rows = api(people["engineer"]).get("/api/inspection-rounds/").json()["results"]
    assert {r["contract"] for r in rows} == {"DEMO-DESKTOP"}
    rows = api(people["pm"]).get("/api/inspection-rounds/?contract=DEMO-SERVER&status=open"
                                 "&due_before=2025-09-17").json()["results"]
    assert [r["plan_name"] for r in rows] == ["核心服务器每日巡检"]
    assert api(people["user"]).get("/api/inspection-rounds/").json()["results"] == []
    detail = api(people["pm"]).get(f"/api/inspection-rounds/{rows[0]['id']}/").json()
    assert [r["asset_tag"] for r in detail["records"]] == ["HT-SV-0001", "HT-SV-0002"]


def test_the_api_completes_a_record(people):
    record = record_of("核心服务器每日巡检", "HT-SV-0001")
    items = list(record.round.plan.template.items.all())
    body = {"results": [{"item": i.pk, "outcome": "fail" if n == 0 else "pass",
                         "note": "告警灯亮" if n == 0 else ""} for n, i in enumerate(items)],
            "notes": "已通知厂商"}
    url = f"/api/inspection-records/{record.pk}/complete/"
    assert api(people["engineer"]).post(url, body, format="json").status_code == 404
    answer = api(people["engineer2"]).post(url, body, format="json")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["outcome"] == "failed" and data["ticket"]
    assert Ticket.objects.get(number=data["ticket"]).asset == record.asset
    assert len(data["results"]) == len(items)
    again = api(people["engineer2"]).post(url, body, format="json")
    assert again.status_code == 409


def test_the_api_refuses_missing_answers(people):
    record = record_of("核心服务器每日巡检", "HT-SV-0002")
    items = list(record.round.plan.template.items.all())
    body = {"results": [{"item": items[0].pk, "outcome": "fail", "note": ""}]}
    answer = api(people["engineer2"]).post(f"/api/inspection-records/{record.pk}/complete/",
                                           body, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["errors"]["results"]) == {str(i.pk) for i in items}
    record.refresh_from_db()
    assert record.outcome == "pending"


def test_the_api_lists_plans_in_scope(people):
    rows = api(people["engineer"]).get("/api/inspection-plans/").json()["results"]
    assert {r["contract"] for r in rows} == {"DEMO-DESKTOP"}
    assert api(people["client"]).get("/api/inspection-plans/").json()["results"] == []


@pytest.mark.parametrize("query", [
    "", "contract=DEMO-SERVER", "status=open", "kind=scheduled&contract=DEMO-DESKTOP",
    "due_from=2025-09-17", "due_to=2025-09-20&status=open", "due_after=2025-09-17",
    "due_before=2025-09-30", "contract=NOPE",
])
def test_the_rounds_page_and_the_api_filter_alike(people, login, time_machine, query):
    # One FilterSet (assets.filters.RoundFilterSet) for both doors.
    time_machine.move_to(datetime(2025, 9, 18, 10, tzinfo=SHANGHAI), tick=False)
    rounds_generate()
    page = login(people["pm"]).get(f"/inspections/?view=all&{query}")
    shown = {r.pk for r in page.context["page"].object_list}
    rows = api(people["pm"]).get(f"/api/inspection-rounds/?page_size=200&{query}").json()
    assert shown == {r["id"] for r in rows["results"]}
    if query.startswith("contract=DEMO"):
        assert shown


def test_a_bad_round_filter_is_400_in_the_api_and_ignored_on_the_page(people, login):
    answer = api(people["pm"]).get("/api/inspection-rounds/?due_from=soon&status=open")
    assert answer.status_code == 400 and "due_from" in answer.json()["errors"]
    page = login(people["pm"]).get("/inspections/?view=all&due_from=soon&status=open")
    assert page.status_code == 200
    assert {r.status for r in page.context["page"].object_list} == {"open"}
