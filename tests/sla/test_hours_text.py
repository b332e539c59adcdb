"""Weekly service hours in words (sla/hours_text.py) and on a page (the service_hours filter)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from sla.calendar import HoursError, parse_hours
from sla.hours_text import describe_hours
from sla.models import ServiceCalendar


@pytest.mark.parametrize(("spec", "chinese", "english"), [
    ("mon-sat 09:00-21:00", "周一至周六 09:00–21:00", "Mon–Sat 09:00–21:00"),
    ("mon-fri 09:00-12:00,13:00-18:00", "周一至周五 09:00–12:00、13:00–18:00",
     "Mon–Fri 09:00–12:00, 13:00–18:00"),
    ("24x7", "7×24 全天候", "24×7, round the clock"),
    ("mon-fri 09:00-18:00; sat 09:00-12:00", "周一至周五 09:00–18:00；周六 09:00–12:00",
     "Mon–Fri 09:00–18:00; Sat 09:00–12:00"),
    ("mon,wed,fri 08:00-17:00", "周一、周三、周五 08:00–17:00", "Mon, Wed, Fri 08:00–17:00"),
    ("sat,sun 10:00-16:00", "周六、周日 10:00–16:00", "Sat, Sun 10:00–16:00"),
    ("mon-sun 08:00-20:00", "每天 08:00–20:00", "Daily 08:00–20:00"),
    ("mon-fri 00:00-24:00", "周一至周五 全天", "Mon–Fri all day"),
    # Same hours on separated days share one group; the groups keep weekday order.
    ("mon-tue 09:00-18:00; wed 13:00-18:00; thu-fri 09:00-18:00",
     "周一、周二、周四、周五 09:00–18:00；周三 13:00–18:00",
     "Mon, Tue, Thu, Fri 09:00–18:00; Wed 13:00–18:00"),
    ("mon-wed,fri-sun 09:00-17:00", "周一至周三、周五至周日 09:00–17:00",
     "Mon–Wed, Fri–Sun 09:00–17:00"),
    ("mon 18:00-24:00; tue 00:00-06:00", "周一 18:00–24:00；周二 00:00–06:00",
     "Mon 18:00–24:00; Tue 00:00–06:00"),
])
def test_it_writes_weekly_hours_in_chinese_and_english(spec, chinese, english):
    assert describe_hours(spec, "zh-hans") == chinese
    assert describe_hours(parse_hours(spec), "en") == english


def test_it_has_no_text_for_hours_without_an_open_day_and_refuses_bad_hours():
    from sla.calendar import WeeklyHours

    assert describe_hours(WeeklyHours(days=((),) * 7), "zh-hans") == ""
    with pytest.raises(HoursError):
        describe_hours("mon-fri 9-18", "en")


def _render(calendar, language):
    with translation.override(language):
        return Template("{% load service_hours %}{{ calendar|service_hours }}").render(
            Context({"calendar": calendar}))


def test_a_page_adds_the_holiday_rule_and_only_a_foreign_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    six = ServiceCalendar(hours="mon-sat 09:00-21:00", holidays="CN", time_zone="Asia/Shanghai")
    assert _render(six, "zh-hans") == "周一至周六 09:00–21:00，法定节假日休息，调休上班日照常"
    assert _render(six, "en") == ("Mon–Sat 09:00–21:00; closed on statutory holidays, open on "
                                  "make-up working days")
    berlin = ServiceCalendar(hours="mon-fri 09:00-17:00", holidays="none",
                             time_zone="Europe/Berlin")
    assert _render(berlin, "zh-hans") == "周一至周五 09:00–17:00（Europe/Berlin 时间）"
    assert _render(berlin, "en") == "Mon–Fri 09:00–17:00 (Europe/Berlin time)"
    # Round the clock ignores holidays, so no holiday rule.
    always = ServiceCalendar(hours="24x7", holidays="CN", time_zone="Asia/Shanghai")
    assert _render(always, "zh-hans") == "7×24 全天候"
