"""URL × role rows for per-ticket surveys (merged into tests/test_url_matrix.py).

/s/<token>/ works without login (the e-mailed link); logged in, only the survey's requester may
open it (the demo survey walked here belongs to a requester without a demo role login, so every
role gets 404). The callback list is for LOG_CALLS roles. POST-only: marking a callback done and
the API answer (both tested in tests/surveys/).
"""

EXPECTED = {
    "/s/{survey_token}/": (set(), 404, 200),
    "/surveys/callbacks/": ({"desk", "pm", "admin"}, 403, 302),
}

POST_ONLY = {"surveys/callbacks/<int:pk>/done/", "api/surveys/<str:token>/answer/"}


def names() -> dict:
    """A demo survey (load_demo resolves tickets, which sends their surveys)."""
    from surveys.models import TicketSurvey

    ROLE_LOGINS = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client",
                   "user", "user2"}
    survey = (TicketSurvey.objects.exclude(requester__username__in=ROLE_LOGINS)
              .order_by("pk").first())
    if survey is None:  # a demo recorded without surveys: send one for a resolved ticket
        from surveys.services.ticket_surveys import survey_send_for
        from tickets.models import Status, Ticket

        ticket = (Ticket.objects.filter(status=Status.RESOLVED, requester__role__in=[
            "end_user", "client_contact"]).exclude(requester__username__in=ROLE_LOGINS)
            .order_by("pk").first())
        survey = survey_send_for(ticket=ticket)
    return {"survey_token": survey.token}
