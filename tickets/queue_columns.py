"""The queue's columns (issue 15.2): which the table can show, the defaults, and reading a
choice (a saved view's, or the page's ``columns`` parameters) in the order given.

A column is a key the table template renders (templates/tickets/_table.html); saved views keep
the keys (SavedView.columns), the API validates them against COLUMN_KEYS."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise


COLUMNS = (
    Column("number", _("Number")), Column("title", _("Title")),
    Column("priority", _("Priority")), Column("status", _("Status")), Column("sla", _("SLA")),
    Column("requester", _("Requester")), Column("assignee", _("Assignee")),
    Column("contract", _("Contract")), Column("created", _("Created")),
    Column("updated", _("Last changed")), Column("service_type", _("Service type")),
    Column("site", _("Site")), Column("channel", _("Channel")),
)
BY_KEY = {column.key: column for column in COLUMNS}
COLUMN_KEYS = tuple(BY_KEY)
# The table as it always was, when a person or a view chose nothing.
DEFAULT_KEYS = ("number", "title", "priority", "status", "sla", "requester", "assignee",
                "contract", "created")
# The ticket's link: a table without it could not open a ticket.
REQUIRED_KEY = "number"


def unknown_columns(keys: Iterable[str]) -> list[str]:
    return sorted({key for key in keys if key not in BY_KEY})


def clean_columns(keys: Iterable[str]) -> list[str]:
    """The known keys in the order given, each once, the number column first if it was left
    out; [] when nothing known was chosen (the defaults apply)."""
    chosen = list(dict.fromkeys(key for key in keys if key in BY_KEY))
    if chosen and REQUIRED_KEY not in chosen:
        chosen.insert(0, REQUIRED_KEY)
    return chosen


def columns_for(keys: Iterable[str] | None) -> list[Column]:
    """The columns to render: the chosen ones, else the defaults."""
    chosen = clean_columns(keys or ())
    return [BY_KEY[key] for key in (chosen or DEFAULT_KEYS)]


def column_choices(keys: Iterable[str] | None) -> list[tuple[Column, bool]]:
    """The chooser's list: the shown columns in their order, then the hidden ones."""
    shown = [column.key for column in columns_for(keys)]
    return ([(BY_KEY[key], True) for key in shown]
            + [(column, False) for column in COLUMNS if column.key not in shown])
