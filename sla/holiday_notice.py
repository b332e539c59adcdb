"""Reading a year's official holidays from the State Council's notice (国务院办公厅关于…年部分节假日
安排的通知), pasted as published, or from a small table of date ranges.

Pure Python (no ORM): ``parse_notice`` turns text into a ``Notice`` (festivals with their closed
days and make-up working days); ``sla.holidays.holiday_year_enter`` saves it. Messages are
translated because the admin page shows them.

How the text is read (the page's help and the README say the same):

* **Festival lines.** After optional list numbering (``一、``, ``1.``, ``（一）``) a line starts
  with a festival name, a colon (``：`` or ``:``) and text holding at least one date (``1月1日``).
  A known name (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节 and their short forms) may be
  followed by a space instead. Names joined by ``、`` or ``和`` are one combined holiday
  (``国庆节、中秋节：…``) and count for each festival. Full-width and ASCII punctuation are the
  same (NFKC).
* **The text of a festival** is read sentence by sentence (``。`` ``；``) and clause by clause
  (``，``). Dates joined by ``至`` (also 到, -, ~) are a range, dates joined by ``、`` or ``和``
  are single days. A clause with ``上班`` lists make-up working days; one with ``放假`` or
  ``休`` (放假调休, 补休, 公休) lists closed days; dates without either take the word of the next
  clause of the sentence. ``与周末连休`` closes the Saturday and Sunday next to the days.
  ``共N天`` is checked against the days read. Month and year carry over from the date before
  (``1月1日至3日``, ``9月29日至10月6日``, ``2022年12月31日至2023年1月2日``). A
  parenthesised note is dropped after any weekday in it (``（周日）``,
  ``（农历除夕、星期二）``) is checked against the date, so a notice pasted under the wrong year
  is caught.
* **Wrapped paragraphs.** A line without a festival name (nor list numbering) that holds a
  date and 放假/上班 continues the festival line before it, and so does a line after a
  festival text that has not ended its sentence (no ``。``) when the line holds no date or the
  text stopped at 至/、/，; a line with a date and 放假/上班 but no festival before it is an
  error. A blank line ends a festival.
* **Everything else** (title, addressees, the preamble, the closing paragraph, the signature and
  its date) is ignored and listed, so the preview shows what was skipped. A title or preamble
  naming another year (``关于2026年部分节假日安排``) is an error.
* **Table rows**: ``start, end, kind, name`` separated by tabs or commas, dates as
  ``2027-01-01``, an empty end for a single day, kind ``holiday``/``放假`` or ``makeup``/``上班``.
  A row whose first field is not a date (a heading) is ignored. Rows of one name are one festival.

Checks: every day lies in the year, except that New Year's Day (元旦) may reach back into the
previous December (``2022年12月31日至2023年1月2日``, or a Monday 1 January "与周末连休");
make-up days are Saturdays or Sundays; no day is named twice (two festivals, or closed and
worked); each festival closes at least one day; one festival per notice line.
"""

from __future__ import annotations

import calendar as _calendar
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

__all__ = ["STATUTORY_FESTIVALS", "DayCell", "Festival", "Notice", "NoticeError", "festival_of",
           "festivals_named", "missing_festivals", "month_grids", "parse_notice",
           "weekday_name"]

# The seven statutory festivals (全国年节及纪念日放假办法): a year is complete with all seven.
STATUTORY_FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
# Other spellings, and chinesecalendar's English names, of the same festivals.
_ALIASES = {
    "元旦节": "元旦", "新年": "元旦", "New Year's Day": "元旦",
    "春节假期": "春节", "Spring Festival": "春节",
    "清明": "清明节", "Tomb-sweeping Day": "清明节",
    "五一": "劳动节", "五一劳动节": "劳动节", "国际劳动节": "劳动节", "Labour Day": "劳动节",
    "端午": "端午节", "Dragon Boat Festival": "端午节",
    "中秋": "中秋节", "Mid-autumn Festival": "中秋节",
    "国庆": "国庆节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
MAX_NAME_LENGTH = 60  # HolidayDay.name
_MAX_RANGE_DAYS = 31

_WEEKDAY_CHARS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_CN_DIGITS = "[一二三四五六七八九十]+"
_NUMBERING = re.compile(rf"^\s*(?:\(?{_CN_DIGITS}\)|\(\d+\)|{_CN_DIGITS}\s*[、.]"
                        r"|\d+\s*[、.)](?!\d))\s*")
_DATE = re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*日"
                   r"(?:\s*\((?P<note>[^()]*)\))?")
_ASIDE = re.compile(r"(?<![日\s])\s*\([^()]*\)")
_NOTE_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_KEYWORD = re.compile(r"放假|上班|补班|补休|调休|公休|休息")
_MAKEUP_WORDS = re.compile(r"上班|补班")
_CLOSED_WORDS = re.compile(r"放假|休")
_JOIN_WEEKEND = re.compile(r"与周末连休|与周六、?周日连休|连同周末")
_COUNT = re.compile(r"共\s*(\d+)\s*天")
_RANGE_JOINERS = {"至", "到", "-", "~", "—", "–"}
_LIST_JOINERS = {"", "、", "和", "及", ","}
_TABLE_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_TABLE_ROW = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*(?:[\t,]|$)")
_OTHER_YEAR = re.compile(r"(?:关于|现将)\s*(\d{4})\s*年")
_KIND_WORDS = {
    "holiday": "closed", "closed": "closed", "放假": "closed", "休": "closed", "假": "closed",
    "休息": "closed", "makeup": "makeup", "make-up": "makeup", "workday": "makeup",
    "上班": "makeup", "补班": "makeup", "调休上班": "makeup", "班": "makeup",
}
_GLUED_ITEM = re.compile(r"(?<=[。;:])\s*(?=(?:[一二三四五六七八九十]+、))")


class NoticeError(ValueError):
    """Text that cannot be read, or days that make no sense; ``line_no``/``line`` say where."""

    def __init__(self, message: str, *, line_no: int | None = None, line: str = ""):
        self.message = message
        self.line_no = line_no
        self.line = line.strip()
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line_no is None:
            return self.message
        return _("Line %(n)d: %(message)s") % {"n": self.line_no, "message": self.message} + \
            f"\n  {self.line}"


@dataclass(frozen=True)
class Festival:
    """One festival (or combined holiday) as read: closed days and make-up working days."""

    names: tuple[str, ...]
    closed: tuple[date, ...]
    makeup: tuple[date, ...]
    line_no: int
    line: str

    @property
    def name(self) -> str:
        return "、".join(self.names)

    @property
    def closed_runs(self) -> list[tuple[date, date]]:
        """The closed days as ``(first, last)`` runs of consecutive days."""
        runs: list[list[date]] = []
        for day in self.closed:
            if runs and day - runs[-1][1] == timedelta(days=1):
                runs[-1][1] = day
            else:
                runs.append([day, day])
        return [(first, last) for first, last in runs]


@dataclass(frozen=True)
class Notice:
    year: int
    festivals: tuple[Festival, ...]
    ignored: tuple[tuple[int, str], ...] = ()

    @property
    def closed(self) -> dict[date, str]:
        return dict(sorted((d, f.name) for f in self.festivals for d in f.closed))

    @property
    def makeup(self) -> dict[date, str]:
        return dict(sorted((d, f.name) for f in self.festivals for d in f.makeup))

    @property
    def missing(self) -> list[str]:
        """The statutory festivals the text does not have."""
        return missing_festivals(f.name for f in self.festivals)

    def require_complete(self) -> None:
        """A year is entered only with all seven statutory festivals: a partial text (two days
        typed in a hurry) must not make the year's deadlines final."""
        if self.missing:
            raise NoticeError(
                _("%(year)s is incomplete: %(missing)s missing. A year is entered only with all "
                  "seven statutory festivals (元旦、春节、清明节、劳动节、端午节、中秋节、国庆节); "
                  "nothing was saved.")
                % {"year": self.year, "missing": "、".join(self.missing)})


def festival_of(name: str) -> str:
    """The canonical Chinese name of a festival name (``清明`` → ``清明节``); others unchanged."""
    name = name.strip()
    return _ALIASES.get(name, name)


def festivals_named(names: Iterable[str]) -> set[str]:
    """The festivals in day names, a combined name (``国庆节、中秋节``) counting for each."""
    found = set()
    for name in names:
        for part in re.split(r"[、,，/]|和", name or ""):
            if part.strip():
                found.add(festival_of(part))
    return found


def missing_festivals(names: Iterable[str]) -> list[str]:
    found = festivals_named(names)
    return [f for f in STATUTORY_FESTIVALS if f not in found]


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


@dataclass
class _Item:
    names: tuple[str, ...]
    text: str
    line_no: int
    line: str
    table: bool = False
    closed: list[date] = field(default_factory=list)
    makeup: list[date] = field(default_factory=list)


def parse_notice(text: str, *, year: int) -> Notice:
    """Read the notice (or table) ``text`` for ``year``; raises ``NoticeError``."""
    items: list[_Item] = []
    ignored: list[tuple[int, str]] = []
    table: dict[tuple[str, ...], _Item] = {}
    current: _Item | None = None
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            current = None
            continue
        for piece in _GLUED_ITEM.split(line):
            piece = piece.strip()
            if _TABLE_ROW.match(piece):
                current = None
                _read_row(piece, line_no, raw, table, items)
                continue
            header = _header(piece)
            if header is not None:
                names, body = header
                current = _Item(names=names, text=body, line_no=line_no, line=raw)
                items.append(current)
            elif _DATE.search(piece) and _KEYWORD.search(piece):
                if current is None or _NUMBERING.match(piece):  # a new item without a name
                    raise NoticeError(_("holiday dates without a festival name: write the name "
                                        "and a colon first, e.g. 元旦：1月1日放假。"),
                                      line_no=line_no, line=raw)
                current.text += piece
            elif current is not None and _wrapped(current.text, piece):
                current.text += piece
            else:
                current = None
                ignored.append((line_no, raw.strip()))
                other = _OTHER_YEAR.search(piece)
                if other and int(other.group(1)) != year:
                    raise NoticeError(
                        _("this notice is for %(other)s, not %(year)s")
                        % {"other": other.group(1), "year": year}, line_no=line_no, line=raw)
    seen: dict[str, _Item] = {}
    for item in items:
        if not item.table:
            _read_festival(item, year)
            for name in item.names:
                if name in seen:
                    raise NoticeError(_("%(name)s is already on line %(n)d")
                                      % {"name": name, "n": seen[name].line_no},
                                      line_no=item.line_no, line=item.line)
                seen[name] = item
    festivals = tuple(Festival(names=i.names, closed=tuple(sorted(i.closed)),
                               makeup=tuple(sorted(i.makeup)), line_no=i.line_no, line=i.line)
                      for i in items)
    _check(festivals, year)
    return Notice(year=year, festivals=festivals, ignored=tuple(ignored))


def _wrapped(text: str, piece: str) -> bool:
    """Whether ``piece`` is the rest of a festival paragraph wrapped over lines: the text so far
    has not ended its sentence, and the piece holds no date or the text stops mid-range."""
    text = text.rstrip()
    return not text.endswith(("。", ";")) and (
        not _DATE.search(piece) or text.endswith(("至", "到", "-", "~", "、", ",", "(")))


def _split_names(text: str) -> tuple[str, ...] | None:
    """The names before the colon; None when they are not festival names. Several names are
    a combined holiday of known festivals (国庆节、中秋节); another name must stand alone (a
    special holiday), which keeps the addressees (各省、自治区、…：) out."""
    parts = [p.strip() for p in re.split(r"[、/]|和|及", text)]
    if any(not p or len(p) > 30 or _DATE.search(p) or re.search(r"[。;:,]", p) for p in parts):
        return None
    names = tuple(dict.fromkeys(festival_of(p) for p in parts))
    if len(names) > 1 and not all(_known(n) for n in names):
        return None
    return names if len("、".join(names)) <= MAX_NAME_LENGTH else None


def _known(name: str) -> bool:
    return festival_of(name) in STATUTORY_FESTIVALS


def _header(piece: str) -> tuple[tuple[str, ...], str] | None:
    """``(names, text)`` when ``piece`` is a festival line, else None."""
    piece = _NUMBERING.sub("", piece, count=1)
    match = re.match(r"^([^:]{1,80}?)\s*:\s*(.*)$", piece)
    if match and _DATE.search(match.group(2)):
        names = _split_names(match.group(1))
        if names is not None:
            return names, match.group(2)
    match = re.match(r"^(\S+?)\s*(?=\d)(.*)$", piece)  # a known name and a space: 春节 1月28日…
    if match and _DATE.search(match.group(2)):
        names = _split_names(match.group(1))
        if names is not None and all(_known(n) for n in names):
            return names, match.group(2)
    return None


def _split_outside_parentheses(text: str, separators: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in separators and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _read_festival(item: _Item, year: int) -> None:
    """Fill ``item.closed`` and ``item.makeup`` from its text."""
    def fail(message: str):
        raise NoticeError(message, line_no=item.line_no, line=item.line)

    context = {"year": year, "month": None}
    join_weekend = False
    counts: list[int] = []
    closed: list[date] = []
    makeup: list[date] = []
    for sentence in _split_outside_parentheses(item.text, "。;"):
        pending: list[date] = []
        for clause in _split_outside_parentheses(sentence, ","):
            days = _clause_days(clause, context, fail)
            rest = _DATE.sub(" ", clause)
            counts += [int(n) for n in _COUNT.findall(rest)]
            join_weekend = join_weekend or bool(_JOIN_WEEKEND.search(rest))
            pending += days
            if pending and _MAKEUP_WORDS.search(rest):
                makeup += pending
                pending = []
            elif pending and _CLOSED_WORDS.search(rest):
                closed += pending
                pending = []
        if pending:
            fail(_("cannot tell whether %(days)s is a holiday or a working day (放假 or 上班?)")
                 % {"days": "、".join(_md(d) for d in pending)})
    if not closed:
        fail(_("no holiday days found (expected e.g. 1月1日至3日放假)"))
    for days in (closed, makeup):
        twice = sorted({d for d in days if days.count(d) > 1})
        if twice:
            fail(_("%(day)s is listed twice") % {"day": _md(twice[0])})
    listed = len(closed)
    closed = _fill_weekends(closed, set(makeup), join=join_weekend)
    for count in counts:
        if count not in (listed, len(closed)):
            fail(_("the notice says %(count)d days, but the dates make %(n)d")
                 % {"count": count, "n": listed})
    item.closed, item.makeup = closed, makeup


def _clause_days(clause: str, context: dict, fail) -> list[date]:
    # A date in parentheses that do not follow a date is an aside, not a day off:
    # "鼓励各单位…安排职工在除夕（2月9日）休息" (2024).
    clause = _ASIDE.sub("", clause)
    tokens = list(_DATE.finditer(clause))
    days: list[date] = []
    previous: date | None = None
    for index, token in enumerate(tokens):
        if token.group("y"):
            context["year"] = int(token.group("y"))
        if token.group("m"):
            context["month"] = int(token.group("m"))
        elif context["month"] is None:
            fail(_("%(text)s has no month") % {"text": token.group(0)})
        try:
            day = date(context["year"], context["month"], int(token.group("d")))
        except ValueError:
            fail(_("%(text)s is not a date") % {"text": token.group(0)})
        note = token.group("note") or ""
        for char in _NOTE_WEEKDAY.findall(note):
            if _WEEKDAY_CHARS[char] != day.weekday():
                fail(_("%(day)s is a %(weekday)s, not 周%(char)s: is this the notice for "
                       "another year?") % {"day": _md(day), "weekday": weekday_name(day),
                                            "char": char})
        joiner = clause[tokens[index - 1].end():token.start()].strip() if index else None
        if joiner is None or joiner in _LIST_JOINERS:
            days.append(day)
        elif joiner in _RANGE_JOINERS:
            if day < previous:
                fail(_("the range %(start)s to %(end)s ends before it starts (write the years "
                       "when it crosses the new year: 2022年12月31日至2023年1月2日)")
                     % {"start": _md(previous), "end": _md(day)})
            if (day - previous).days >= _MAX_RANGE_DAYS:
                fail(_("the range %(start)s to %(end)s is too long")
                     % {"start": _md(previous), "end": _md(day)})
            days += [previous + timedelta(days=k) for k in range(1, (day - previous).days + 1)]
        else:
            fail(_("cannot read “%(text)s” between two dates") % {"text": joiner})
        previous = day
    return days


def _fill_weekends(closed: list[date], makeup: set[date], *, join: bool) -> list[date]:
    """A weekend day between two days off of one festival is part of it (2015: 端午节 6月20日
    (Sat) 放假，6月22日 (Mon) 补休 closes Sunday too), as in chinesecalendar's years; with
    "与周末连休" (``join``) the Saturday and Sunday touching the days are closed too."""
    result = set(closed)
    one = timedelta(days=1)

    def free(day: date) -> bool:
        return day.weekday() >= 5 and day not in makeup and day not in result

    for day in sorted(closed):
        gap = day + one
        while free(gap):
            gap += one
        if gap in result:
            result.update(day + k * one for k in range(1, (gap - day).days))
    if join:
        for day in sorted(result):
            for step in (-one, one):
                other = day + step
                while free(other):
                    result.add(other)
                    other += step
    return sorted(result)


def _read_row(line: str, line_no: int, raw: str, table: dict[tuple[str, ...], _Item],
              items: list[_Item]) -> None:
    def fail(message: str):
        raise NoticeError(message, line_no=line_no, line=raw)

    fields = [f.strip() for f in (line.split("\t") if "\t" in line else line.split(","))]
    if len(fields) != 4:
        fail(_("a table row has four columns: start, end, holiday or makeup, name"))
    start_text, end_text, kind_text, name_text = fields
    start = _table_date(start_text, fail)
    end = _table_date(end_text, fail) if end_text else start
    kind = _KIND_WORDS.get(kind_text.lower())
    if kind is None:
        fail(_("“%(kind)s” is neither holiday (放假) nor makeup (上班)") % {"kind": kind_text})
    names = _split_names(name_text) if name_text else None
    if names is None:
        fail(_("the name of the festival is missing or too long"))
    if end < start:
        fail(_("the range %(start)s to %(end)s ends before it starts")
             % {"start": start.isoformat(), "end": end.isoformat()})
    if (end - start).days >= _MAX_RANGE_DAYS:
        fail(_("the range %(start)s to %(end)s is too long")
             % {"start": start.isoformat(), "end": end.isoformat()})
    item = table.get(names)
    if item is None:
        item = table[names] = _Item(names=names, text="", line_no=line_no, line=raw, table=True)
        items.append(item)
    days = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    target = item.closed if kind == "closed" else item.makeup
    twice = sorted(set(days) & set(item.closed + item.makeup))
    if twice:
        fail(_("%(day)s is listed twice") % {"day": twice[0].isoformat()})
    target += days


def _table_date(text: str, fail) -> date:
    match = _TABLE_DATE.match(text)
    try:
        return date(*(int(g) for g in match.groups()))
    except (AttributeError, ValueError):
        fail(_("“%(text)s” is not a date like 2027-01-01") % {"text": text})


def _check(festivals: tuple[Festival, ...], year: int) -> None:
    closed_by: dict[date, Festival] = {}
    makeup_by: dict[date, Festival] = {}
    for festival in festivals:
        def fail(message: str, festival=festival):
            raise NoticeError(message, line_no=festival.line_no, line=festival.line)

        if not festival.closed:
            fail(_("%(name)s has no holiday days") % {"name": festival.name})
        for day in festival.closed + festival.makeup:
            if day.year == year:
                continue
            if not (day.year == year - 1 and day.month == 12 and "元旦" in festival.names):
                fail(_("%(day)s is not in %(year)s (only New Year's Day may reach back into "
                       "the December before)") % {"day": day.isoformat(), "year": year})
        for day in festival.closed:
            other = closed_by.get(day)
            if other is not None:
                fail(_("%(day)s is already a holiday of %(other)s (line %(n)d)")
                     % {"day": _md(day), "other": other.name, "n": other.line_no})
            closed_by[day] = festival
        for day in festival.makeup:
            if day.weekday() < 5:
                fail(_("%(day)s is a %(weekday)s: make-up working days are Saturdays or "
                       "Sundays") % {"day": _md(day), "weekday": weekday_name(day)})
            other = makeup_by.get(day)
            if other is not None:
                fail(_("%(day)s is already a make-up working day of %(other)s (line %(n)d)")
                     % {"day": _md(day), "other": other.name, "n": other.line_no})
            makeup_by[day] = festival
    for day, festival in makeup_by.items():
        if day in closed_by:
            raise NoticeError(
                _("%(day)s is both a holiday of %(closed)s and a make-up working day of "
                  "%(makeup)s") % {"day": _md(day), "closed": closed_by[day].name,
                                   "makeup": festival.name},
                line_no=festival.line_no, line=festival.line)


def _md(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def weekday_name(day: date) -> str:
    return "周" + "一二三四五六日"[day.weekday()]


# --------------------------------------------------------------------------------------------
# Showing a year
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCell:
    day: date
    kind: str   # "closed", "makeup", "weekend" or "workday"
    name: str


def month_grids(year: int, closed: dict[date, str],
                makeup: dict[date, str]) -> list[tuple[int, list[list[DayCell | None]]]]:
    """``[(month, weeks)]`` for the twelve months, weeks Monday first, ``None`` outside the
    month: how a year's days look for review."""
    months = []
    for month in range(1, 13):
        weeks = []
        for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row: list[DayCell | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                elif day in closed:
                    row.append(DayCell(day, "closed", closed[day]))
                elif day in makeup:
                    row.append(DayCell(day, "makeup", makeup[day]))
                else:
                    row.append(DayCell(day, "weekend" if day.weekday() >= 5 else "workday", ""))
            weeks.append(row)
        months.append((month, weeks))
    return months
