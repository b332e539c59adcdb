"""Inspections (A6): generation per frequency, pre-holiday rounds, recording, the report."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from assets.inspection_report import inspection_report, report_xlsx
from assets.models import (
    Asset,
    AssetStatus,
    InspectionPhoto,
    InspectionPlan,
    InspectionRecord,
    InspectionResult,
    InspectionRound,
)
from assets.selectors.inspections import holiday_breaks_ahead, period_of, plan_assets
from assets.services.inspections import (
    InspectionInputError,
    inspection_record_complete,
    rounds_generate,
)
from core.errors import ActionRefused, PermissionRefused
from sla.models import Contract, HolidayYear
from tests.demo_cache import load_demo_cached as load_demo
from tickets.models import Channel, Priority, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY = date(2025, 9, 17)


def freeze(time_machine, day: date, hour: int = 10) -> None:
    time_machine.move_to(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI),
                         tick=False)


@pytest.fixture
def people(db, time_machine):
    """The demo, loaded on Wednesday 2025-09-17 (both contracts in force, no holiday near)."""
    freeze(time_machine, WEDNESDAY)
    load_demo()
    return {u.username: u for u in User.objects.all()}


def plan(name: str) -> InspectionPlan:
    return InspectionPlan.objects.get(name=name)


def the_round(plan_name: str, **lookup) -> InspectionRound:
    return InspectionRound.objects.get(plan__name=plan_name, **lookup)


def answers(record, *, fail=(), note="风扇异响") -> dict:
    items = record.round.plan.template.items.all()
    return {i.pk: ("fail", note) if i.ordering in fail or i.name in fail else ("pass", "")
            for i in items}


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("frequency", "day", "expected"), [
    ("daily", date(2025, 9, 17), (date(2025, 9, 17), date(2025, 9, 17))),
    ("weekly", date(2025, 9, 17), (date(2025, 9, 15), date(2025, 9, 19))),
    ("weekly", date(2025, 9, 21), (date(2025, 9, 15), date(2025, 9, 19))),
    ("monthly", date(2024, 2, 10), (date(2024, 2, 1), date(2024, 2, 29))),
    ("monthly", date(2025, 12, 31), (date(2025, 12, 1), date(2025, 12, 31))),
    ("quarterly", date(2025, 11, 5), (date(2025, 10, 1), date(2025, 12, 31))),
    ("quarterly", date(2025, 2, 5), (date(2025, 1, 1), date(2025, 3, 31))),
    ("half_yearly", date(2025, 6, 30), (date(2025, 1, 1), date(2025, 6, 30))),
    ("half_yearly", date(2025, 7, 1), (date(2025, 7, 1), date(2025, 12, 31))),
])
def test_it_knows_each_frequencys_period(frequency, day, expected):
    assert period_of(frequency, day) == expected


# --- generation ------------------------------------------------------------------------------


def test_it_generates_the_current_round_of_every_plan(people):
    rounds = {r.plan.name: r for r in InspectionRound.objects.select_related("plan")}
    assert set(rounds) == {"核心服务器每日巡检", "非核心服务器每周巡检", "核心网络与存储每周巡检",
                           "桌面终端季度巡检", "打印机月度巡检"}
    daily = rounds["核心服务器每日巡检"]
    assert (daily.period_start, daily.due_on) == (WEDNESDAY, WEDNESDAY)
    weekly = rounds["非核心服务器每周巡检"]
    assert (weekly.period_start, weekly.due_on) == (date(2025, 9, 15), date(2025, 9, 19))
    monthly = rounds["打印机月度巡检"]
    assert (monthly.period_start, monthly.due_on) == (date(2025, 9, 1), date(2025, 9, 30))
    quarterly = rounds["桌面终端季度巡检"]
    assert (quarterly.period_start, quarterly.due_on) == (date(2025, 7, 1), date(2025, 9, 30))
    assert all(r.kind == "scheduled" and r.status == "open" for r in rounds.values())
    assert daily.assignee.username == "helei" and quarterly.assignee.username == "engineer"
    tags = {name: sorted(r.records.values_list("asset__tag", flat=True))
            for name, r in rounds.items()}
    # Filters are AND'ed: core servers only, not the core storage or switch.
    assert tags["核心服务器每日巡检"] == ["HT-SV-0001", "HT-SV-0002"]
    assert tags["非核心服务器每周巡检"] == ["HT-SV-0101"]
    assert tags["桌面终端季度巡检"] == ["MY-PC-0001", "MY-PC-0002"]
    assert tags["打印机月度巡检"] == ["MY-PR-0301", "MY-PR-0501"]


def test_running_it_twice_creates_nothing(people):
    rounds, records = InspectionRound.objects.count(), InspectionRecord.objects.count()
    assert rounds_generate() == 0
    assert rounds_generate() == 0
    assert (InspectionRound.objects.count(), InspectionRecord.objects.count()) == (rounds,
                                                                                    records)


def test_a_new_week_brings_new_daily_and_weekly_rounds_only(people, time_machine):
    freeze(time_machine, date(2025, 9, 21), hour=23)  # Sunday night: same week
    assert rounds_generate() == 1  # the daily one
    freeze(time_machine, date(2025, 9, 22), hour=0)  # Monday, just after midnight
    assert rounds_generate() == 3  # daily + two weekly
    assert rounds_generate() == 0
    weekly = the_round("非核心服务器每周巡检", period_start=date(2025, 9, 22))
    assert weekly.due_on == date(2025, 9, 26)
    assert InspectionRound.objects.filter(plan__name="打印机月度巡检").count() == 1


def test_a_new_quarter_brings_the_desktop_round(people):
    assert rounds_generate(today=date(2025, 10, 9)) > 0
    quarterly = the_round("桌面终端季度巡检", period_start=date(2025, 10, 1))
    assert quarterly.due_on == date(2025, 12, 31)


def test_nothing_is_generated_before_the_plan_starts_or_outside_the_contract(people):
    InspectionPlan.objects.update(starts_on=date(2025, 11, 1))
    assert rounds_generate(today=date(2025, 10, 20)) == 0
    # DEMO-SERVER ends on 2025-09-30: its plans make no rounds after that.
    InspectionPlan.objects.update(starts_on=date(2025, 1, 1))
    rounds_generate(today=date(2025, 10, 20))
    assert not InspectionRound.objects.filter(contract__code="DEMO-SERVER",
                                              period_start__gte=date(2025, 10, 1)).exists()


def test_a_weekly_round_generated_at_the_weekend_is_not_born_overdue(people):
    rounds_generate(today=date(2025, 9, 27))  # Saturday of the week after
    weekly = the_round("非核心服务器每周巡检", period_start=date(2025, 9, 22))
    assert weekly.due_on == date(2025, 9, 27)


def test_retired_assets_are_left_out_and_hand_picked_ones_added(people):
    printers = plan("打印机月度巡检")
    Asset.objects.filter(tag="MY-PR-0501").update(status=AssetStatus.RETIRED)
    printers.assets.set([Asset.objects.get(tag="MY-SC-0301")])
    assert [a.tag for a in plan_assets(printers)] == ["MY-PR-0301", "MY-SC-0301"]
    by_hand_only = InspectionPlan.objects.create(
        contract=printers.contract, name="只巡检扫描仪", frequency="monthly",
        template=printers.template, starts_on=date(2025, 1, 1))
    by_hand_only.assets.set([Asset.objects.get(tag="MY-SC-0301")])
    assert [a.tag for a in plan_assets(by_hand_only)] == ["MY-SC-0301"]


# --- pre-holiday rounds ----------------------------------------------------------------------


def test_a_pre_holiday_round_comes_three_working_days_before_national_day(people):
    assert rounds_generate(today=date(2025, 9, 26)) >= 0  # Fri: 4 working days before
    assert not InspectionRound.objects.filter(kind="pre_holiday").exists()
    rounds_generate(today=date(2025, 9, 28))  # Sunday, a make-up working day: 3 left
    extra = InspectionRound.objects.filter(kind="pre_holiday").select_related("plan")
    assert {r.plan.name for r in extra} == {"核心服务器每日巡检", "非核心服务器每周巡检",
                                            "核心网络与存储每周巡检", "打印机月度巡检"}
    assert {(r.period_start, r.due_on, r.holiday) for r in extra} == {
        (date(2025, 10, 1), date(2025, 9, 30), "National Day")}
    assert rounds_generate(today=date(2025, 9, 29)) == 3  # Monday: daily and weekly only
    assert InspectionRound.objects.filter(kind="pre_holiday").count() == 4


def test_new_year_and_spring_festival_get_their_rounds(people):
    rounds_generate(today=date(2025, 12, 29))  # Mon; New Year's Day 2026 is a Thursday
    new_year = the_round("打印机月度巡检", kind="pre_holiday")
    assert (new_year.period_start, new_year.due_on, new_year.holiday) == (
        date(2026, 1, 1), date(2025, 12, 31), "New Year's Day")
    breaks = holiday_breaks_ahead(date(2026, 2, 12), working_days=3)
    # Starts on Sunday 02-15; Saturday 02-14 is a make-up working day.
    assert breaks[0].name == "Spring Festival"
    assert (breaks[0].starts_on, breaks[0].due_on) == (date(2026, 2, 15), date(2026, 2, 14))


def test_no_pre_holiday_round_without_that_years_holidays(people):
    HolidayYear.objects.filter(year=2026).delete()
    rounds_generate(today=date(2025, 12, 29))
    assert not InspectionRound.objects.filter(kind="pre_holiday").exists()
    HolidayYear.objects.filter(year=2025).delete()
    rounds_generate(today=date(2025, 9, 28))
    assert not InspectionRound.objects.filter(kind="pre_holiday").exists()


def test_plans_without_pre_holiday_get_no_extra_round(people):
    rounds_generate(today=date(2025, 9, 28))
    assert not InspectionRound.objects.filter(kind="pre_holiday",
                                              plan__name="桌面终端季度巡检").exists()


# --- recording -------------------------------------------------------------------------------


def record_of(plan_name: str, tag: str) -> InspectionRecord:
    return InspectionRecord.objects.select_related("round__plan__template", "asset").get(
        round__plan__name=plan_name, round__kind="scheduled", asset__tag=tag)


def test_a_failed_item_opens_exactly_one_ticket_on_the_asset(people):
    record = record_of("核心服务器每日巡检", "HT-SV-0001")
    done = inspection_record_complete(
        actor=people["engineer2"], record=record, results=answers(record, fail={0, 20}),
        notes="机房温度偏高")
    assert done.outcome == "failed"
    ticket = Ticket.objects.get(inspection_records=done)
    assert Ticket.objects.filter(channel=Channel.INSPECTION).count() == 1
    assert ticket.asset.tag == "HT-SV-0001" and ticket.channel == Channel.INSPECTION
    assert ticket.priority == Priority.P2  # a core server
    assert ticket.service_type.code == "hardware"
    assert "HT-SV-0001" in ticket.title and "指示灯与告警状态" in ticket.title
    assert "风扇异响" in ticket.description and "机房温度偏高" in ticket.description
    assert ticket.logged_by == people["engineer2"]
    assert done.inspected_by == people["engineer2"] and done.inspected_at is not None
    assert sorted(done.results.values_list("outcome", flat=True)) == [
        "fail", "fail", "pass", "pass", "pass"]


def test_all_passed_opens_no_ticket(people):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    done = inspection_record_complete(actor=people["engineer"], record=record,
                                      results=answers(record))
    assert done.outcome == "passed" and done.ticket is None
    assert not Ticket.objects.filter(channel=Channel.INSPECTION).exists()


def test_a_non_core_network_finding_is_p3_network(people):
    record = record_of("核心网络与存储每周巡检", "HT-NW-0001")
    Asset.objects.filter(tag="HT-NW-0001").update(criticality="non_core")
    record.asset.refresh_from_db()
    done = inspection_record_complete(actor=people["engineer2"], record=record,
                                      results=answers(record, fail={0}))
    assert (done.ticket.priority, done.ticket.service_type.code) == (Priority.P3, "network")


def test_an_engineer_off_the_contract_is_refused(people):
    record = record_of("核心服务器每日巡检", "HT-SV-0001")
    with pytest.raises(PermissionRefused):
        inspection_record_complete(actor=people["engineer"], record=record,
                                   results=answers(record))
    with pytest.raises(PermissionRefused):  # the desk sees rounds but does not inspect
        inspection_record_complete(actor=people["desk"], record=record, results=answers(record))
    record.refresh_from_db()
    assert record.outcome == "pending" and not record.results.exists()


def test_missing_answers_are_refused_and_nothing_saved(people):
    record = record_of("核心服务器每日巡检", "HT-SV-0001")
    partial = answers(record, fail={0})
    partial.pop(next(iter(partial)))
    with pytest.raises(InspectionInputError) as refused:
        inspection_record_complete(actor=people["engineer2"], record=record, results=partial)
    assert len(refused.value.errors) == 1
    record.refresh_from_db()
    assert record.outcome == "pending" and not InspectionResult.objects.exists()
    assert not Ticket.objects.filter(channel=Channel.INSPECTION).exists()


def test_a_failed_item_needs_a_note(people):
    record = record_of("核心服务器每日巡检", "HT-SV-0001")
    with pytest.raises(InspectionInputError) as refused:
        inspection_record_complete(actor=people["engineer2"], record=record,
                                   results=answers(record, fail={0}, note="  "))
    assert list(refused.value.errors.values()) == ["Say what is wrong."]
    assert not InspectionResult.objects.exists()


def test_unknown_items_and_outcomes_are_refused(people):
    record = record_of("核心服务器每日巡检", "HT-SV-0001")
    bad = answers(record)
    bad[999999] = ("pass", "")
    with pytest.raises(InspectionInputError):
        inspection_record_complete(actor=people["engineer2"], record=record, results=bad)
    bad = answers(record)
    bad[next(iter(bad))] = ("maybe", "")
    with pytest.raises(InspectionInputError):
        inspection_record_complete(actor=people["engineer2"], record=record, results=bad)


def test_submitting_again_is_refused(people):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    inspection_record_complete(actor=people["engineer"], record=record, results=answers(record))
    with pytest.raises(ActionRefused, match="already recorded"):
        inspection_record_complete(actor=people["engineer"], record=record,
                                   results=answers(record, fail={0}))
    assert not Ticket.objects.filter(channel=Channel.INSPECTION).exists()


def test_the_round_is_done_when_its_last_record_is(people):
    first = record_of("打印机月度巡检", "MY-PR-0301")
    second = record_of("打印机月度巡检", "MY-PR-0501")
    inspection_record_complete(actor=people["engineer"], record=first, results=answers(first))
    round_ = first.round
    round_.refresh_from_db()
    assert round_.status == "open" and round_.completed_at is None
    inspection_record_complete(actor=people["majun"], record=second, results=answers(second))
    round_.refresh_from_db()
    assert round_.status == "done" and round_.completed_at is not None


def test_photos_are_stored_and_non_photos_refused(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = record_of("打印机月度巡检", "MY-PR-0301")
    with pytest.raises(ActionRefused):
        inspection_record_complete(actor=people["engineer"], record=record,
                                   results=answers(record),
                                   photos=[SimpleUploadedFile("report.pdf", b"%PDF-1.4")])
    assert not InspectionPhoto.objects.exists()
    inspection_record_complete(actor=people["engineer"], record=record, results=answers(record),
                               photos=[SimpleUploadedFile("卡纸.jpg", b"\xff\xd8\xff fake")])
    photo = InspectionPhoto.objects.get()
    assert photo.original_name == "卡纸.jpg" and (tmp_path / photo.storage_name).exists()


def test_a_finding_that_cannot_be_filed_saves_nothing(people):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    Contract.objects.get(code="DEMO-DESKTOP").client_contacts.clear()
    with pytest.raises(ActionRefused, match="client IT contact"):
        inspection_record_complete(actor=people["engineer"], record=record,
                                   results=answers(record, fail={0}))
    record.refresh_from_db()
    assert record.outcome == "pending" and not InspectionResult.objects.exists()


# --- the report ------------------------------------------------------------------------------


def test_report_figures_match_a_hand_count(people, time_machine):
    """The DEMO-SERVER rounds of 2025-09-15..19: daily 09-17 (2 servers), weekly non-core (1),
    weekly network (1); plus a daily round of 09-18 (2)."""
    freeze(time_machine, date(2025, 9, 18))
    rounds_generate()
    engineer = people["engineer2"]
    # 09-17 daily: one passed on the 17th... (done the next day → late)
    freeze(time_machine, date(2025, 9, 18), hour=9)
    late = record_of_round("核心服务器每日巡检", date(2025, 9, 17), "HT-SV-0001")
    inspection_record_complete(actor=engineer, record=late, results=answers(late))
    # 09-18 daily: one failed on time, one passed on time → the round is done.
    for tag, fail in (("HT-SV-0001", {0}), ("HT-SV-0002", ())):
        rec = record_of_round("核心服务器每日巡检", date(2025, 9, 18), tag)
        inspection_record_complete(actor=engineer, record=rec, results=answers(rec, fail=fail))
    # Weekly network: passed on time.
    net = record_of_round("核心网络与存储每周巡检", date(2025, 9, 15), "HT-NW-0001")
    inspection_record_complete(actor=engineer, record=net, results=answers(net))
    # Weekly non-core (HT-SV-0101) and 09-17 HT-SV-0002: never inspected.

    report = inspection_report(contract=Contract.objects.get(code="DEMO-SERVER"),
                               date_from=date(2025, 9, 15), date_to=date(2025, 9, 19))
    assert report.totals == {"rounds": 4, "due": 6, "done": 4, "failed": 1, "on_time": 3}
    assert report.completion_rate == 66.7 and report.on_time_rate == 50.0
    assert [r.asset.tag for r in report.failed] == ["HT-SV-0001"]
    assert report.failed[0].ticket.status == "submitted"
    by_type = {row["asset__asset_type__code"]: (row["due"], row["done"], row["failed"])
               for row in report.by_type}
    assert by_type == {"server": (5, 3, 1), "network": (1, 1, 0)}
    assert {(a.tag, a.missed) for a in report.not_inspected} == {("HT-SV-0002", 1),
                                                                ("HT-SV-0101", 1)}
    assert report.report_due_on == date(2025, 9, 26)

    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(report_xlsx(report)))
    assert len(book.sheetnames) == 5
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["Records due"] == 6 and summary["Completion rate"] == "66.7%"


def test_report_cells_that_look_like_formulas_are_neutralised(people):
    record = record_of("打印机月度巡检", "MY-PR-0301")
    inspection_record_complete(actor=people["engineer"], record=record,
                               results=answers(record, fail={0}), notes="=HYPERLINK(\"x\")")
    report = inspection_report(contract=Contract.objects.get(code="DEMO-DESKTOP"),
                               date_from=date(2025, 9, 1), date_to=date(2025, 9, 30))
    from io import BytesIO

    from openpyxl import load_workbook

    failed_sheet = load_workbook(BytesIO(report_xlsx(report))).worksheets[2]
    notes = [row[7] for row in failed_sheet.iter_rows(min_row=2, values_only=True)]
    assert notes == ["'=HYPERLINK(\"x\")"]


def record_of_round(plan_name: str, period_start: date, tag: str) -> InspectionRecord:
    return InspectionRecord.objects.select_related("round__plan__template", "asset").get(
        round__plan__name=plan_name, round__kind="scheduled", round__period_start=period_start,
        asset__tag=tag)


def test_an_empty_period_has_no_rates(people):
    report = inspection_report(contract=Contract.objects.get(code="DEMO-SERVER"),
                               date_from=date(2024, 1, 1),
                               date_to=date(2024, 1, 1) + timedelta(days=30))
    assert report.totals["due"] == 0
    assert report.completion_rate is None and report.on_time_rate is None
