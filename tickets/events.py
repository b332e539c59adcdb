"""Timeline events worded in the reader's language at display time."""

from django.utils.translation import gettext as _

from tickets.choices import EscalationTarget, PendingReason, ResolutionCode


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def describe(entry) -> str:
    detail = entry.detail
    texts = {
        # The author is shown beside the event, so the text does not name them again.
        "create": lambda: (_("Ticket filed on behalf of %(name)s") % {"name": detail}
                           if detail else _("Ticket filed")),
        "accept": lambda: (_("Took on the ticket") if entry.from_status == "dispatched"
                           else _("Accepted")),
        "claim": lambda: _("Took on the ticket"),
        "dispatch": lambda: _("Dispatched to %(name)s") % {"name": detail},
        "check_in": lambda: _("Engineer on site"),
        # Written by fieldservice (issue 16, visits): detail is the minutes / "when, who".
        "check_out": lambda: _("Left the site after %(minutes)s min") % {"minutes": detail},
        "visit_plan": lambda: _("Visit planned: %(detail)s") % {"detail": detail},
        "pend": lambda: _("Pending: %(reason)s") % {"reason": _label(PendingReason, detail)},
        "resume": lambda: _("Work resumed"),
        "resolve": lambda: _("Resolved: %(code)s") % {"code": _label(ResolutionCode, detail)},
        "escalate": lambda: _("Escalated to %(target)s") % {
            "target": _label(EscalationTarget, detail.split(":", 1)[0])
            + (f" {detail.split(':', 1)[1]}" if ":" in detail else "")},
        "confirm": lambda: _("Fix confirmed, ticket closed"),
        "reopen": lambda: _("Not fixed: reopened"),
        "cancel": lambda: _("Cancelled"),
        "auto_close": lambda: _("Closed: no objection within %(days)s days of the fix")
        % {"days": detail},
        "merged_into": lambda: _("Merged into %(number)s") % {"number": detail},
        "merged_from": lambda: _("%(number)s merged into this ticket") % {"number": detail},
        "update": lambda: _("Details changed: %(fields)s") % {"fields": detail},
    }
    return texts[entry.action]() if entry.action in texts else entry.action
