"""Per-ticket satisfaction surveys (V1): reads — the survey behind a link, whether it is open,
the prompt on the ticket page, the desk's open callbacks — and the callback deadline. The writes
are in surveys/services/ticket_surveys.py.

Callback deadline (documented choice): "by the end of the next working day" is 18:00 in the
contract calendar's time zone on the first China official working day after today (Monday to
Friday less statutory holidays, plus make-up working days, from the SLA holiday tables). The
contract's weekly service hours are not used: a 24x7 server contract would otherwise make every
day a "working day" for a desk that works office hours.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from core.clock import now
from sla.selectors import contracts_visible_to
from sla.working_days import working_days_of
from surveys.models import CallbackTask, TicketSurvey
from tickets import hooks

CALLBACK_CLOSING = time(18, 0)


def survey_by_token(token: str) -> TicketSurvey | None:
    """The survey behind a link, with what its page shows, or None."""
    if not token or len(token) > 64:
        return None
    return (TicketSurvey.objects.select_related("ticket", "requester", "contract")
            .filter(token=token).first())


def survey_is_open(survey: TicketSurvey, at: datetime | None = None) -> bool:
    return survey.answered_at is None and (at or now()) < survey.expires_at


def survey_visible_to(survey: TicketSurvey, user) -> bool:
    """The link works without login; logged in, only for the requester (others get 404)."""
    return not getattr(user, "is_authenticated", False) or user.pk == survey.requester_id


def survey_link(survey: TicketSurvey, *, absolute: bool = True) -> str:
    path = reverse("surveys:answer", args=[survey.token])
    return settings.SITE_URL + path if absolute else path


def survey_prompt(*, user, ticket, absolute: bool = True) -> str | None:
    """The survey URL for the ticket's requester while the survey is open, else None (the ticket
    API's absolute `survey_url`; the ticket page asks for the path, absolute=False)."""
    if not getattr(user, "is_authenticated", False) or user.pk != ticket.requester_id:
        return None
    if not hooks.panel_flags.has(ticket, "survey"):
        return None
    survey = TicketSurvey.objects.filter(ticket_id=ticket.pk).only(
        "token", "answered_at", "expires_at").first()
    if survey is None or not survey_is_open(survey):
        return None
    return survey_link(survey, absolute=absolute)


def callbacks_open_for(user):
    """Open callback tasks of the contracts the desk person serves, overdue (earliest due) first."""
    return (CallbackTask.objects.filter(done_at__isnull=True,
                                        contract__in=contracts_visible_to(user))
            .select_related("contract", "survey__ticket", "survey__requester",
                            "survey__engineer")
            .order_by("due_at", "pk"))


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


def callback_due(*, contract, moment: datetime) -> datetime:
    """18:00 local on the first official working day after `moment`'s local date."""
    calendar = contract.calendar
    zone = ZoneInfo(calendar.time_zone or settings.TIME_ZONE)
    day = working_days_of(calendar).after(moment.astimezone(zone).date())
    return datetime.combine(day, CALLBACK_CLOSING, tzinfo=zone)
