"""Vendor repairs (送修, issue 16.4): the API, the quote decided by the right person, the dates
and the reminder job on China's real calendar around a holiday."""

from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest
import time_machine
from django.utils import timezone

from core.clock import now
from core.periods import zone
from fieldservice.models import RepairReminder, RepairStatus, VendorRepair
from fieldservice.repair_reminders import repair_reminders_run
from notifications.models import Notification
from sla.holidays import china_years_covered, load_china_holidays
from tickets.models import Ticket


def _friday_before_a_holiday() -> date:
    """The first working Friday from the test clock's today whose next working week has a
    statutory holiday on a weekday, within the years chinesecalendar covers; when the clock is
    past them (or too close to their end), the last covered year's first such Friday."""
    covered = china_years_covered()
    last = date(covered[-1], 12, 31)
    today = now().date()
    for start in (today, date(covered[-1], 1, 1)):
        if not covered[0] <= start.year <= covered[-1]:
            continue
        day = start
        while day + timedelta(days=45) <= last:  # room for the whole story in covered days
            if day.weekday() == 4 and chinese_calendar.is_workday(day) and any(
                    chinese_calendar.is_holiday(day + timedelta(days=n))
                    and (day + timedelta(days=n)).weekday() < 5 for n in range(3, 8)):
                return day
            day += timedelta(days=1)
    raise AssertionError("chinesecalendar covers no holiday to test with")


def _nth_working_day_after(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), zone())


@pytest.fixture
def printer(demo):
    ticket = Ticket.objects.select_related("contract__calendar").get(
        title="三楼财务部打印机频繁卡纸")
    calendar = ticket.contract.calendar
    calendar.holidays = "CN"
    calendar.save()
    return ticket


def _create(api, user, ticket, **fields):
    body = {"vendor": "惠普", "in_warranty": True, "rma_number": "RMA-1",
            "data_backed_up": True, "storage_kept": True, **fields}
    return api(user).post(f"/api/tickets/{ticket.pk}/vendor-repairs/", body, format="json")


def test_a_repair_sent_on_a_friday_before_a_holiday(demo, api, printer):
    friday = _friday_before_a_holiday()
    load_china_holidays(years=sorted({friday.year, friday.year + 1}
                                     & set(china_years_covered())))
    with time_machine.travel(_at(friday), tick=False):
        response = _create(api, demo["desk"], printer)
    assert response.status_code == 201, response.json()
    body = response.json()
    progress = [_nth_working_day_after(friday, 3 * k) for k in range(1, 6)]
    assert body["progress_due"] == progress[0].isoformat()
    # Before the second weekend: the last working day before the Saturday 8 days on (both
    # weekends in between keep at least one rest day in every year chinesecalendar covers
    # around a weekday holiday), never on the holiday.
    saturday = friday + timedelta(days=8)
    due = date.fromisoformat(body["return_due"])
    assert friday < due < saturday
    assert chinese_calendar.is_workday(due)
    assert not any(chinese_calendar.is_workday(due + timedelta(days=n))
                   for n in range(1, (saturday - due).days))
    repair = VendorRepair.objects.get(pk=body["id"])
    # The user hears at once (the outbox, in the same transaction).
    assert Notification.objects.filter(recipient=printer.requester,
                                       event="repair.progress").exists()

    # The job runs every day (twice) until the third update was due and the return overdue.
    end = max(due + timedelta(days=2), progress[2])
    day = friday
    while day <= end:
        with time_machine.travel(_at(day), tick=False):
            repair_reminders_run()
            repair_reminders_run()
        day += timedelta(days=1)
    reminders = list(RepairReminder.objects.filter(
        repair=repair, kind=RepairReminder.Kind.PROGRESS).values_list("due_on", flat=True))
    assert reminders == progress[:3]  # the 3rd, 6th and 9th working days, once each
    desk_reminders = Notification.objects.filter(recipient=demo["desk"], event="repair.reminder",
                                                 channel=Notification.Channel.EMAIL)
    assert desk_reminders.count() == len(reminders)
    # Overdue: one escalation to the project manager, however often the job runs.
    assert RepairReminder.objects.filter(repair=repair,
                                         kind=RepairReminder.Kind.OVERDUE).count() == 1
    assert Notification.objects.filter(recipient=printer.contract.project_manager,
                                       event="repair.overdue").count() == 1


# The story happens in September 2026: the demo (and its printer ticket) is built as of then.
@pytest.mark.demo_at(datetime(2026, 9, 1, 10, tzinfo=zone()))
def test_a_progress_update_moves_the_next_due_date(demo, api, printer):
    friday = date(2026, 9, 18)
    load_china_holidays(years=[2026])
    with time_machine.travel(_at(friday), tick=False):
        repair_id = _create(api, demo["desk"], printer).json()["id"]
    with time_machine.travel(_at(date(2026, 9, 21)), tick=False):
        response = api(demo["desk"]).post(f"/api/vendor-repairs/{repair_id}/progress/",
                                          {"body": "厂商已检测，主板故障，等待备件。"},
                                          format="json")
    assert response.status_code == 200, response.json()
    # 3 working days after Monday 21 Sep: 22, 23, 24 (25 Sep is Mid-autumn).
    assert response.json()["progress_due"] == "2026-09-24"
    assert response.json()["return_due"] == "2026-09-24"
    assert Notification.objects.filter(recipient=printer.requester, event="repair.progress",
                                       body__contains="主板故障").exists()


def test_the_quote_is_decided_only_by_the_requester_or_the_client_contact(demo, api, printer):
    repair_id = _create(api, demo["desk"], printer, in_warranty=False).json()["id"]
    # Out of warranty: no return before the quote is decided.
    assert api(demo["desk"]).post(f"/api/vendor-repairs/{repair_id}/return/", {},
                                  format="json").status_code == 409
    quoted = api(demo["desk"]).post(f"/api/vendor-repairs/{repair_id}/quote/",
                                    {"amount": "480.00", "text": "更换定影组件"}, format="json")
    assert quoted.status_code == 200 and quoted.json()["status"] == "quoted"
    for someone_else in ("desk", "engineer", "pm"):
        response = api(demo[someone_else]).post(f"/api/vendor-repairs/{repair_id}/approve/")
        assert response.status_code == 403, someone_else
    # Another client's user does not even see it.
    assert api(demo["user2"]).post(f"/api/vendor-repairs/{repair_id}/approve/"
                                   ).status_code == 404
    assert VendorRepair.objects.get(pk=repair_id).status == RepairStatus.QUOTED
    approved = api(demo["client"]).post(f"/api/vendor-repairs/{repair_id}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    repair = VendorRepair.objects.get(pk=repair_id)
    assert repair.quote_decided_by == demo["client"]
    # The requester could have decided too (on another repair).
    other = _create(api, demo["desk"], printer, in_warranty=False).json()["id"]
    api(demo["desk"]).post(f"/api/vendor-repairs/{other}/quote/",
                           {"amount": "10", "text": "x"}, format="json")
    assert api(demo["user"]).post(f"/api/vendor-repairs/{other}/decline/").status_code == 200


def test_a_return_date_before_the_send_date_is_refused(demo, api, printer):
    today = timezone.localdate(now())
    response = _create(api, demo["desk"], printer, sent_on=today.isoformat(),
                       expected_back=(today - timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert "expected_back" in response.json()["errors"]
    assert not VendorRepair.objects.exists()
    repair_id = _create(api, demo["desk"], printer, sent_on=today.isoformat()).json()["id"]
    response = api(demo["desk"]).post(f"/api/vendor-repairs/{repair_id}/return/", {
        "returned_on": (today - timedelta(days=1)).isoformat()}, format="json")
    assert response.status_code == 400
    assert "returned_on" in response.json()["errors"]
    assert VendorRepair.objects.get(pk=repair_id).status == RepairStatus.SENT
    returned = api(demo["desk"]).post(f"/api/vendor-repairs/{repair_id}/return/", {
        "returned_on": today.isoformat()}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["progress_due"] is None


def test_data_must_be_backed_up_and_the_client_cannot_send(demo, api, printer):
    response = _create(api, demo["desk"], printer, data_backed_up=False)
    assert response.status_code == 400 and "data_backed_up" in response.json()["errors"]
    assert _create(api, demo["user"], printer).status_code == 403
    assert _create(api, demo["user2"], printer).status_code == 404
    assert not VendorRepair.objects.exists()


def test_a_loaner_is_lent_for_the_contracts_days(demo, api, printer):
    from assets.models import Asset, AssetStatus  # local: only this test needs the register

    spare = Asset.objects.filter(contract=printer.contract, status=AssetStatus.SPARE).first()
    assert spare is not None
    repair_id = _create(api, demo["desk"], printer).json()["id"]
    response = api(demo["desk"]).post(f"/api/vendor-repairs/{repair_id}/lend/",
                                      {"asset": spare.pk}, format="json")
    assert response.status_code == 200, response.json()
    repair = VendorRepair.objects.select_related("loan").get(pk=repair_id)
    assert repair.loan.due_back == timezone.localdate(now()) + timedelta(days=14)
    assert repair.loan.borrower == printer.requester
    again = api(demo["desk"]).post(f"/api/vendor-repairs/{repair_id}/lend/",
                                   {"asset": spare.pk}, format="json")
    assert again.status_code == 409


def test_the_list_is_scoped_and_constant_in_queries(demo, api, printer,
                                                    django_assert_max_num_queries):
    for _ in range(3):
        _create(api, demo["desk"], printer)
    with django_assert_max_num_queries(12):
        response = api(demo["desk"]).get("/api/vendor-repairs/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    assert api(demo["user2"]).get("/api/vendor-repairs/").json()["results"] == []
    assert api(demo["user"]).get(f"/api/tickets/{printer.pk}/vendor-repairs/"
                                 ).status_code == 200
