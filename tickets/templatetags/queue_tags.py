"""The ticket table (templates/tickets/_table.html): its columns (tickets/queue_columns.py) and
its rows, from the values() rows of tickets/selectors_table.py.

The rows are built here rather than by a template loop: the queue shows 50 tickets in up to 13
columns, and a template cell re-resolved the column key, its translated label, the detail URL
and the choice labels for every cell — 5,700 variable lookups and 1,500 translations a page, half
of the page's CPU (bench/README.md, issue 19). Here each of those is worked out once per table
and a row is string formatting. The markup is the one the template produced, character for
character; change it here and in the header of _table.html together."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from accounts.models import User
from core.clock import now
from core.escaping import escape_text
from tickets.models import OPEN_STATUSES, Ticket
from tickets.queue_columns import REQUIRED_KEY, Column, columns_for
from tickets.selectors import TICKET_NUMBER
from tickets.templatetags.sla_tags import sla_badge

register = template.Library()


@register.simple_tag
def table_columns(columns=None):
    """The columns to render: a list of Column given by the view (the queue's choice), else the
    defaults (my tickets, the home pages)."""
    if columns and not isinstance(columns[0], str):
        return columns
    return columns_for(columns or None)


@register.simple_tag
def ticket_rows(tickets: Iterable[dict], columns: list[Column], selectable=False) -> SafeString:
    """The table's <tr> rows, with the bulk checkbox first when ``selectable``: ``tickets``
    are rows of tickets.selectors_table.for_table."""
    return mark_safe("".join(TicketRows(columns, bool(selectable)).render(tickets)))  # noqa: S308 - escaped cell by cell


@register.simple_tag
def workload_rows(workload: Iterable[dict]) -> SafeString:
    """The queue's "open tickets per engineer" rows (``name``, ``open``; tickets.selectors.
    engineer_workload): fifty-odd rows of two cells, built here rather than by a template
    loop resolving two variables a row (~0.7 ms of every queue page, issue 19)."""
    return mark_safe("".join(  # noqa: S308 - the name is escaped, the count is an int
        f'<tr><td>{_text(row["name"])}</td><td class="text-end">{int(row["open"])}</td></tr>'
        for row in workload))


@register.simple_tag
def column_chooser_items(column_choices: list[tuple[Column, bool]]) -> SafeString:
    """The column chooser's list items (templates/tickets/queue.html): each column with its
    checkbox, label and move buttons, the shown ones ticked. The number column is always shown
    (its box is disabled; a hidden input sends it). Built here, not in a template loop with two
    blocktranslates per column: a millisecond of every queue page (issue 19)."""
    move_up, move_down = gettext("Move %(name)s up"), gettext("Move %(name)s down")
    items = []
    for column, shown in column_choices:
        key, label = _text(column.key), _text(column.label)
        if column.key == REQUIRED_KEY:
            box = (f'<input type="hidden" name="columns" value="{key}"><input '
                   f'class="form-check-input" type="checkbox" id="id_column_{key}" checked '
                   f'disabled>')
        else:
            box = (f'<input class="form-check-input" type="checkbox" name="columns" '
                   f'value="{key}" id="id_column_{key}"{" checked" if shown else ""} '
                   f'data-testid="column-{key}">')
        items.append(
            f'\n        <li class="d-flex align-items-center gap-1 py-1" data-column-item>'
            f'\n          {box}'
            f'\n          <label class="form-check-label flex-grow-1" for="id_column_{key}">'
            f'{label}</label>'
            f'\n          <button type="button" class="btn btn-sm btn-outline-secondary py-0" '
            f'data-column-move="up" aria-label="{move_up % {"name": label}}" hidden>↑</button>'
            f'\n          <button type="button" class="btn btn-sm btn-outline-secondary py-0" '
            f'data-column-move="down" aria-label="{move_down % {"name": label}}" hidden>↓'
            f'</button>\n        </li>')
    return mark_safe("".join(items))  # noqa: S308 - escaped above


def _text(value) -> str:
    """A value as {{ value }} renders it (core.escaping.escape_text), None as an empty cell."""
    if value is None:
        return ""
    return escape_text(value)


def _day_and_time(moment) -> str:
    """{{ moment|date:"Y-m-d" }} in a no-wrap span, then {{ moment|date:"H:i" }}: the local
    time of the active time zone, as the date filter shows it."""
    if moment is None:
        return '<span class="text-nowrap"></span> '
    moment = localtime(moment)
    return (f'<span class="text-nowrap">{moment.year:04d}-{moment.month:02d}-{moment.day:02d}'
            f'</span> {moment.hour:02d}:{moment.minute:02d}')


class TicketRows:
    """Renders the rows of one table: labels, choice names and the URL pattern are looked up
    once here, in the language active for the request."""

    def __init__(self, columns: list[Column], selectable: bool):
        self.selectable = selectable
        self.select_label = gettext("Select %(number)s")
        self.moment = now()  # one "now" for the table's time left
        self.cells: list[tuple[Callable[[dict, str], str], str]] = [
            (getattr(self, f"_{column.key}"), _text(column.label)) for column in columns]
        self.choices = {name: {value: _text(str(label))
                               for value, label in Ticket._meta.get_field(name).flatchoices}
                        for name in ("priority", "status", "channel")}
        placeholder = "0000-000000"
        self.url_prefix, self.url_suffix = reverse(
            "tickets:detail", args=[placeholder]).split(placeholder)

    def render(self, tickets: Iterable[dict]) -> Iterable[str]:
        for ticket in tickets:
            yield "\n    <tr>\n      "
            if self.selectable:
                number = _text(ticket["number"])
                yield (f'<td><input class="form-check-input bulk-pick" type="checkbox" '
                       f'name="ids" value="{ticket["pk"]}" form="bulk-form" aria-label="'
                       f'{self.select_label % {"number": number}}" data-testid="bulk-pick"></td>')
            yield "\n      "
            for cell, label in self.cells:
                yield f"\n      {cell(ticket, label)}\n      "
            yield "\n    </tr>\n  "

    def _choice(self, name: str, value) -> str:
        """The choice's label (escaped once per table), or the stored value when unknown."""
        label = self.choices[name].get(value)
        return label if label is not None else _text(value)

    def _detail_url(self, number: str) -> str:
        if TICKET_NUMBER.fullmatch(number):  # digits and a dash: nothing to quote
            return f"{self.url_prefix}{number}{self.url_suffix}"
        return reverse("tickets:detail", args=[number])

    def _number(self, ticket: dict, label: str) -> str:
        number = ticket["number"]
        return (f'<td class="text-nowrap" data-label="{label}"><a href="'
                f'{_text(self._detail_url(number))}">{_text(number)}</a></td>')

    @staticmethod
    def _kind_of_work(ticket: dict) -> str:
        text = _text(ticket["service_type_label"])
        if ticket["category_id"] is not None:
            text += f" › {_text(ticket['category_label'])}"
        return text

    def _title(self, ticket: dict, label: str) -> str:
        site = f" · {_text(ticket['site_name'])}" if ticket["site_id"] is not None else ""
        return (f'<td data-label="{label}">{_text(ticket["title"])}<div class="small text-muted">'
                f'{self._kind_of_work(ticket)}{site}</div></td>')

    def _priority(self, ticket: dict, label: str) -> str:
        priority = ticket["priority"]
        return (f'<td data-label="{label}"><span class="badge priority-{_text(priority)}">'
                f'{self._choice("priority", priority)}</span></td>')

    def _status(self, ticket: dict, label: str) -> str:
        status = ticket["status"]
        return (f'<td data-label="{label}"><span class="badge status-{_text(status)}" '
                f'data-testid="status">{self._choice("status", status)}</span></td>')

    def _sla(self, ticket: dict, label: str) -> str:
        badge = sla_badge(ticket["sla_due_at"], ticket["status"] in OPEN_STATUSES, self.moment)
        return f'<td class="text-nowrap" data-label="{label}">{badge}</td>'

    @staticmethod
    def _person(ticket: dict, who: str) -> str:
        """User.display_name of the requester or assignee; "" for nobody."""
        if ticket[f"{who}_id"] is None:
            return ""
        return User.name_shown(ticket[f"{who}__name"], ticket[f"{who}__first_name"],
                               ticket[f"{who}__last_name"], ticket[f"{who}__username"])

    def _requester(self, ticket: dict, label: str) -> str:
        name = self._person(ticket, "requester")
        return f'<td class="text-nowrap" data-label="{label}">{_text(name)}</td>'

    def _assignee(self, ticket: dict, label: str) -> str:
        name = self._person(ticket, "assignee")
        return f'<td class="text-nowrap" data-label="{label}">{_text(name or "—")}</td>'

    @staticmethod
    def _contract(ticket: dict, label: str) -> str:
        return (f'<td class="text-nowrap" data-label="{label}">'
                f'{_text(ticket["contract_code"])}</td>')

    @staticmethod
    def _created(ticket: dict, label: str) -> str:
        return f'<td data-label="{label}">{_day_and_time(ticket["created_at"])}</td>'

    @staticmethod
    def _updated(ticket: dict, label: str) -> str:
        return f'<td data-label="{label}">{_day_and_time(ticket["updated_at"])}</td>'

    def _service_type(self, ticket: dict, label: str) -> str:
        return f'<td data-label="{label}">{self._kind_of_work(ticket)}</td>'

    @staticmethod
    def _site(ticket: dict, label: str) -> str:
        site = ticket["site_name"] if ticket["site_id"] is not None else ""
        location = f" · {_text(ticket['location'])}" if ticket["location"] else ""
        return f'<td data-label="{label}">{_text(site or "—")}{location}</td>'

    def _channel(self, ticket: dict, label: str) -> str:
        return (f'<td class="text-nowrap" data-label="{label}">'
                f'{self._choice("channel", ticket["channel"])}</td>')
