"""The kinds of event a person hears about, for the preferences page, and which of them a
person cannot turn off.

The domain apps name their events (``ticket.assigned``, ``sla.breach``…) when they queue a
message; this catalogue only labels those names, so it imports no domain app.

Mandatory events are the escalations a service contract requires: the SLA escalation ladder's
rungs (``sla.warning``, ``sla.breach``, written by sla/escalation.py from the contract's rules),
the project manager's P1/P2 emergency notice (``ticket.urgent``), a ticket escalated to the
project manager (``ticket.escalated``) and a complaint overdue at a level (``complaint.overdue``).
They are told apart by their event name alone: a preference for them is never stored, and
both the e-mail and the in-app notification always go.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventKind:
    event: str
    label: str | Promise
    mandatory: bool = False


EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("ticket.assigned", _("A ticket is assigned to me")),
    EventKind("ticket.accepted", _("My ticket is accepted")),
    EventKind("ticket.reply", _("A reply on a ticket")),
    EventKind("ticket.resolved", _("My ticket is resolved")),
    EventKind("ticket.reopened", _("A ticket of mine is reopened")),
    EventKind("ticket.urgent", _("A P1/P2 ticket in my contract"), mandatory=True),
    EventKind("ticket.escalated", _("A ticket is escalated to me"), mandatory=True),
    EventKind("sla.warning", _("SLA warning (escalation rule)"), mandatory=True),
    EventKind("sla.breach", _("SLA breach (escalation rule)"), mandatory=True),
    EventKind("complaint.overdue", _("A complaint is overdue"), mandatory=True),
    EventKind("complaint.limit", _("Complaints reach the contract's limit")),
    EventKind("survey", _("Satisfaction surveys")),
    EventKind("campaign_invitation", _("Survey campaign invitations")),
    EventKind("campaign_reminder", _("Survey campaign reminders")),
    EventKind("kpi.report", _("A KPI report is ready")),
    EventKind("kpi.scorecard_below_standard", _("A scorecard below standard")),
    EventKind("asset.warranty", _("Warranties ending soon")),
    EventKind("store.restock", _("Spare parts to restock")),
    # field service: vendor repairs and parts to site (f16repair)
    EventKind("repair.progress", _("Progress of a device sent for repair")),
    EventKind("repair.reminder", _("A repair progress update is due")),
    EventKind("repair.overdue", _("A repair is overdue"), mandatory=True),
    EventKind("parts.request", _("A part is requested to site")),
    # service reports (f16report)
    EventKind("service_report", _("Customer service reports to keep or confirm")),
    EventKind("service_report.overdue", _("A service report is not confirmed in time"),
              mandatory=True),
    # problems, changes and notices (issue 18, k18chg)
    EventKind("change.approval", _("A change or an operation awaits my approval")),
    EventKind("change.escalated", _("A change approval is overdue"), mandatory=True),
    EventKind("change.update", _("A change I asked for is answered")),
    EventKind("notice", _("Maintenance notices")),
    EventKind("problem", _("Problems I own or must confirm")),
)

MANDATORY_EVENTS = frozenset(kind.event for kind in EVENT_KINDS if kind.mandatory)
_PREFIXES = sorted((kind.event for kind in EVENT_KINDS), key=len, reverse=True)


def event_kind(event: str) -> str:
    """The catalogue kind an event belongs to: itself, or the longest kind it starts with
    (``survey.invitation`` → ``survey``, ``complaint.received`` → itself, unlisted)."""
    for prefix in _PREFIXES:
        if event == prefix or event.startswith(prefix + ".") or event.startswith(prefix + "_"):
            return prefix
    return event


def is_mandatory(event: str) -> bool:
    """An escalation the contract requires: preferences cannot silence it. Every ``sla.``
    event is one, whatever rungs are added later."""
    return event.startswith("sla.") or event_kind(event) in MANDATORY_EVENTS
