"""Reading the State Council's holiday notice (sla/holiday_notice.py): pure, no database.

The notices of past years are compared with chinesecalendar's data for those years, so the
reading is checked against an independent source; later years use made-up notices in the
published wording (weekdays in the notes are the real ones: the parser checks them).
"""

from datetime import date

import pytest

from sla.holiday_notice import (
    STATUTORY_FESTIVALS,
    NoticeError,
    festivals_named,
    month_grids,
    parse_notice,
)
from sla.holidays import china_days

# 国办发明电〔2025〕7号, as published (preamble, seven festival paragraphs, closing, signature).
NOTICE_2026 = """\
国务院办公厅关于2026年部分节假日安排的通知
国办发明电〔2025〕7号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
　　二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
　　三、清明节：4月4日（周六）至6日（周一）放假，共3天。
　　四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
　　五、端午节：6月19日（周五）至21日（周日）放假，共3天。
　　六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
　　七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2025年11月4日
"""

# The festival paragraphs of earlier notices: 补休 (2015), a special holiday (2015), the year
# written out across New Year (2019, 2023), "与周末连休" (2019, 2024), an aside in parentheses
# (2024), combined festivals (2023, 2025).
PAST_NOTICES = {
    2015: """\
一、元旦：1月1日至3日放假调休，共3天。1月4日（星期日）上班。
二、春节：2月18日至24日放假调休，共7天。2月15日（星期日）、2月28日（星期六）上班。
三、清明节：4月5日放假，4月6日（星期一）补休。
四、劳动节：5月1日放假，与周末连休。
五、端午节：6月20日放假，6月22日（星期一）补休。
六、中秋节：9月27日放假。
七、国庆节：10月1日至7日放假调休，共7天。10月10日（星期六）上班。
八、中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日：9月3日至5日调休放假，共3天。9月6日（星期日）上班。
""",
    2019: """\
一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。
二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。
三、清明节：4月5日放假，与周末连休。
四、劳动节：5月1日至4日放假调休，共4天。4月28日（星期日）、5月5日（星期日）上班。
五、端午节：6月7日放假，与周末连休。
六、中秋节：9月13日放假，与周末连休。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
""",
    2023: """\
一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。
三、清明节：4月5日放假，共1天。
四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。
五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。
六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。
""",
    2024: """\
一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
五、端午节：6月10日放假，与周末连休。
六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
""",
    2025: """\
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
""",
}

# A later year in the same wording.
NOTICE_2031 = """\
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月22日（农历除夕、周三）至29日（农历正月初七、周三）放假调休，共8天。1月19日（周日）、2月8日（周六）上班。
三、清明节：4月5日（周六）至7日（周一）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
"""


def days(first: date, last: date) -> set[date]:
    return {date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)}


def test_it_reads_the_2026_notice_as_chinesecalendar_has_it():
    notice = parse_notice(NOTICE_2026, year=2026)
    closed, makeup = china_days(2026)
    assert notice.closed == closed
    assert notice.makeup == makeup
    assert [f.name for f in notice.festivals] == list(STATUTORY_FESTIVALS)
    assert notice.missing == []


def test_it_lists_the_lines_it_skipped():
    notice = parse_notice(NOTICE_2026, year=2026)
    skipped = [line for _n, line in notice.ignored]
    assert skipped[0] == "国务院办公厅关于2026年部分节假日安排的通知"
    assert skipped[-2:] == ["国务院办公厅", "2025年11月4日"]
    assert not any("放假调休，共" in line for line in skipped)


@pytest.mark.parametrize("year", sorted(PAST_NOTICES))
def test_it_reads_past_notices_as_chinesecalendar_has_them(year):
    """chinesecalendar files a December day of next year's New Year holiday under this year:
    take those from the next notice when there is one."""
    notice = parse_notice(PAST_NOTICES[year], year=year)
    following = (parse_notice(PAST_NOTICES[year + 1], year=year + 1)
                 if year + 1 in PAST_NOTICES else None)
    closed = {d for d in notice.closed if d.year == year}
    makeup = {d for d in notice.makeup if d.year == year}
    if following:
        closed |= {d for d in following.closed if d.year == year}
        makeup |= {d for d in following.makeup if d.year == year}
    expected_closed, expected_makeup = china_days(year)
    assert closed == set(expected_closed)
    assert makeup == set(expected_makeup)
    assert notice.missing == []


def test_it_reads_new_years_day_reaching_back_into_december():
    notice = parse_notice(PAST_NOTICES[2019], year=2019)
    assert days(date(2018, 12, 30), date(2019, 1, 1)) <= set(notice.closed)
    assert notice.makeup[date(2018, 12, 29)] == "元旦"
    joined = parse_notice(PAST_NOTICES[2024], year=2024)  # Monday 1 January, 与周末连休
    assert {date(2023, 12, 30), date(2023, 12, 31), date(2024, 1, 1)} <= set(joined.closed)


def test_it_closes_the_weekend_joined_to_a_holiday():
    notice = parse_notice(PAST_NOTICES[2024], year=2024)
    assert {d for d, n in notice.closed.items() if n == "端午节"} == days(date(2024, 6, 8),
                                                                        date(2024, 6, 10))


def test_it_does_not_close_a_day_mentioned_in_an_aside():
    notice = parse_notice(PAST_NOTICES[2024], year=2024)
    assert date(2024, 2, 9) not in notice.closed  # 除夕（2月9日）: encouraged, not official


def test_it_names_a_combined_holiday_after_both_festivals():
    notice = parse_notice(NOTICE_2031, year=2031)
    assert notice.closed[date(2031, 10, 5)] == "国庆节、中秋节"
    assert notice.makeup[date(2031, 9, 28)] == "国庆节、中秋节"
    assert notice.missing == []
    assert festivals_named(["国庆节、中秋节"]) == {"国庆节", "中秋节"}


def test_it_keeps_a_special_holidays_name():
    notice = parse_notice(PAST_NOTICES[2015], year=2015)
    assert notice.closed[date(2015, 9, 3)] == "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"


def test_it_reads_ascii_punctuation_other_numbering_and_short_names():
    text = ("1. 元旦: 1月1日(周三)放假,共1天.\n"
            "(二) 春节: 1月22日至29日放假调休,共8天。1月19日(周日)、2月8日(周六)上班。\n"
            "清明 4月5日至7日放假，共3天。\n"
            "四、五一劳动节：4月30日至5月4日放假调休，共5天。4月27日（周日）上班。\n"
            "端午节：5月31日至6月2日放假，共3天。\n"
            "中秋节和国庆节：9月29日至10月6日放假调休，共8天。9月28日（周日）、10月11日（周六）上班。\n")
    notice = parse_notice(text, year=2031)
    assert [f.name for f in notice.festivals] == ["元旦", "春节", "清明节", "劳动节", "端午节",
                                                  "中秋节、国庆节"]
    assert days(date(2031, 4, 30), date(2031, 5, 4)) <= set(notice.closed)
    assert days(date(2031, 9, 29), date(2031, 10, 6)) <= set(notice.closed)
    assert sorted(notice.makeup) == [date(2031, 1, 19), date(2031, 2, 8), date(2031, 4, 27),
                                     date(2031, 9, 28), date(2031, 10, 11)]


def test_it_reads_a_paragraph_wrapped_over_lines():
    text = ("二、春节：1月22日（农历除夕、周三）至\n"
            "29日（农历正月初七、周三）放假调休，共8天。\n"
            "1月19日（周日）、2月8日（周六）上班。\n")
    [festival] = parse_notice(text, year=2031).festivals
    assert festival.closed == tuple(sorted(days(date(2031, 1, 22), date(2031, 1, 29))))
    assert festival.makeup == (date(2031, 1, 19), date(2031, 2, 8))


def test_it_reads_festival_paragraphs_run_together_on_one_line():
    paragraphs = [line.strip() for line in NOTICE_2026.splitlines() if "日（" in line]
    notice = parse_notice("各省、自治区、直辖市人民政府：" + "".join(paragraphs), year=2026)
    assert (notice.closed, notice.makeup) == china_days(2026)


def test_it_reads_a_table_of_ranges():
    text = ("开始\t结束\t类型\t名称\n"
            "2031-01-01\t\t放假\t元旦\n"
            "2031-01-22\t2031-01-29\tholiday\t春节\n"
            "2031-01-19\t\t上班\t春节\n"
            "2031-02-08\t2031-02-08\tmakeup\t春节\n"
            "2031-04-05,2031-04-07,放假,清明\n"
            "2031/5/1,2031/5/5,放假,劳动节\n"
            "2031-04-27,,上班,劳动节\n"
            "2031-05-31,2031-06-02,holiday,Dragon Boat Festival\n"
            "2031-10-01,2031-10-08,放假,国庆节、中秋节\n"
            "2031-09-28,,上班,国庆节、中秋节\n"
            "2031-10-11,,上班,国庆节、中秋节\n")
    table = parse_notice(text, year=2031)
    notice = parse_notice(NOTICE_2031, year=2031)
    assert table.closed == notice.closed
    assert table.makeup == notice.makeup
    assert table.ignored == ((1, "开始\t结束\t类型\t名称"),)


def test_it_says_which_festivals_are_missing():
    notice = parse_notice("元旦：1月1日放假，共1天。\n春节：1月22日至23日放假，共2天。", year=2031)
    assert notice.missing == ["清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    with pytest.raises(NoticeError, match="清明节、劳动节、端午节、中秋节、国庆节"):
        notice.require_complete()


@pytest.mark.parametrize(("text", "line_no", "message"), [
    ("一、元旦：1月1日放假。\n二、春节：1月22日至29日放假调休，共7天。", 2, "8"),
    ("元旦：1月1日（周四）放假。", 1, "周三"),
    ("元旦：1月1日放假。1月6日（周一）上班。", 1, "Saturdays or Sundays|周六或周日"),
    ("元旦：1月1日至5日放假。1月4日（周六）上班。", 1, "2031年1月4日"),
    ("元旦：1月1日放假。\n春节：1月1日至3日放假。", 2, "元旦"),
    ("春节：2032年1月22日放假。", 1, "2031"),
    ("春节：2030年12月30日至2031年1月2日放假。", 1, "2031"),
    ("元旦：2月30日放假。", 1, "2月30日"),
    ("元旦：1月1日放假。\n元旦：1月2日放假。", 2, "元旦"),
    ("春节：1月22日至29日", 1, "放假"),
    ("\n\n1月22日至29日放假调休，共8天。", 3, None),
    ("春节：1月29日至22日放假。", 1, "2022年12月31日至2023年1月2日"),
    ("春节：1月22日以及29日放假。", 1, "以及"),
    ("2031-01-01,放假,元旦", 1, None),
    ("2031-01-01,,休假日,元旦", 1, "休假日"),
    ("2031-01-01,,放假,", 1, None),
    ("2031-13-01,,放假,元旦", 1, "2031-13-01"),
    ("国务院办公厅关于2030年部分节假日安排的通知\n元旦：1月1日放假。", 1, "2030"),
])
def test_it_refuses_what_it_cannot_read_and_names_the_line(text, line_no, message):
    with pytest.raises(NoticeError, match=message) as caught:
        parse_notice(text, year=2031)
    assert caught.value.line_no == line_no
    assert caught.value.line == text.splitlines()[line_no - 1].strip()


def test_it_lets_only_new_years_day_reach_into_the_december_before():
    with pytest.raises(NoticeError, match="2030-12-31"):
        parse_notice("春节：2030年12月31日至2031年1月2日放假。", year=2031)
    notice = parse_notice("元旦：2030年12月31日至2031年1月2日放假。", year=2031)
    assert date(2030, 12, 31) in notice.closed


def test_it_draws_twelve_months_monday_first():
    notice = parse_notice(NOTICE_2031, year=2031)
    grids = month_grids(2031, notice.closed, notice.makeup)
    assert [month for month, _weeks in grids] == list(range(1, 13))
    january = grids[0][1]
    assert [cell and cell.day.day for cell in january[0]] == [None, None, 1, 2, 3, 4, 5]
    cells = {cell.day: cell for week in january for cell in week if cell}
    assert (cells[date(2031, 1, 1)].kind, cells[date(2031, 1, 1)].name) == ("closed", "元旦")
    assert cells[date(2031, 1, 19)].kind == "makeup"
    assert cells[date(2031, 1, 18)].kind == "weekend"
    assert cells[date(2031, 1, 20)].kind == "workday"
