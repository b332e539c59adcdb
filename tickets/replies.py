"""Placeholders in canned replies (issue 15.5): pure text work, no database access.

`{requester}` (or {报修人}), `{number}` ({工单号}), `{engineer}` ({工程师}) and `{due}` ({到期时间})
are replaced from the ticket; any other `{name}` stays as it is written, so a typo shows in the
reply instead of vanishing, and the editor lists it (`unknown_placeholders`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

PLACEHOLDER = re.compile(r"\{([^{}\s]{1,30})\}")
ALIASES = {"requester": "requester", "报修人": "requester", "number": "number",
           "工单号": "number", "engineer": "engineer", "工程师": "engineer", "due": "due",
           "到期时间": "due"}
KNOWN = ("{requester}", "{number}", "{engineer}", "{due}")


@dataclass(frozen=True)
class Rendered:
    text: str
    unknown: tuple[str, ...]


def unknown_placeholders(text: str) -> tuple[str, ...]:
    """The `{names}` in a template that are not placeholders, in order, each once."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text):
        if match.group(1) not in ALIASES:
            seen.setdefault(match.group(0), None)
    return tuple(seen)


def values_for(ticket) -> dict[str, str]:
    due = ticket.sla_due_at
    return {
        "requester": ticket.requester.display_name,
        "number": ticket.number,
        "engineer": ticket.assignee.display_name if ticket.assignee_id else "",
        "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "",
    }


def render(text: str, ticket) -> Rendered:
    """The template's text for this ticket (plain text: escaped where it is shown, as any
    reply is)."""
    values = values_for(ticket)

    def replace(match: re.Match) -> str:
        key = ALIASES.get(match.group(1))
        return values[key] if key else match.group(0)

    return Rendered(PLACEHOLDER.sub(replace, text), unknown_placeholders(text))
