"""Answers given before or instead of a view: characters no field may hold (400) and a database
that cannot be reached (503).

Both pages are small standalone templates (no base.html): the navigation and the holiday banner
read the database, which is either down or not to be trusted with this request. The API gets the
one error body of core/api.py.
"""

from __future__ import annotations

import logging
import re
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

from core.api import error_body

logger = logging.getLogger(__name__)

# C0 control characters but tab, line feed and carriage return. PostgreSQL refuses NUL in text
# (a 500 before this); the others have no business in a form field, a query or a path and break
# exports (XML 1.0 forbids them in spreadsheets). DEL (0x7f) is left alone: PostgreSQL, XML and
# openpyxl take it, so it can do no harm beyond being odd text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Seconds a client should wait before trying again while the database is unreachable: long
# enough for a PostgreSQL restart or a failover, short enough for people to retry by hand.
OUTAGE_RETRY_AFTER = 30
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def json_has_control_characters(value) -> bool:
    """Any key or string anywhere in a parsed JSON document."""
    if isinstance(value, str):
        return has_control_characters(value)
    if isinstance(value, dict):
        return any(has_control_characters(key) or json_has_control_characters(item)
                   for key, item in value.items())
    if isinstance(value, list):
        return any(json_has_control_characters(item) for item in value)
    return False


def invalid_characters_response(request) -> HttpResponse:
    message = _("The request holds control characters (such as NUL) that no field may contain.")
    if is_api(request):
        return JsonResponse(error_body(message, "invalid_characters"), status=400)
    return HttpResponse(loader.render_to_string("400_characters.html", {"message": message}),
                        status=400)


def outage_response(request) -> HttpResponse:
    message = _("The service is briefly unavailable. Please try again in a minute.")
    if is_api(request):
        response = JsonResponse(error_body(message, "service_unavailable"), status=503)
    else:
        response = HttpResponse(loader.render_to_string("503.html", {"message": message}),
                                status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response


def log_outage(request, exception: BaseException) -> None:
    logger.error("Database unreachable answering %s %s: %s", request.method, request.path,
                 exception, exc_info=exception)


def server_error(request, template_name: str = "500.html"):
    """handler500: a database outage that escaped every view (a template rendered late, a
    middleware) is still a 503 with Retry-After; any other error is the plain 500 page."""
    exception = sys.exception()
    if isinstance(exception, OUTAGE_ERRORS):
        return outage_response(request)
    return django_server_error(request, template_name)
