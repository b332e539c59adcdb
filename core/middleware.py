"""Refusals made once for every URL: control characters in a request (400) and a database that
cannot be reached (503 with Retry-After). The answers are built in core/refusals.py."""

from __future__ import annotations

import json

from django.http import QueryDict

from core.refusals import (
    OUTAGE_ERRORS,
    has_control_characters,
    invalid_characters_response,
    json_has_control_characters,
    log_outage,
    outage_response,
)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharactersMiddleware:
    """400 when the path, a query parameter, a form field or a JSON string holds NUL or another
    C0 control character (tab, line feed and carriage return are text).

    PostgreSQL refuses NUL in text, so each place that passed one to a query answered 500; one
    refusal here covers every page and API view. GET requests cost a look at the path and the
    query string only; bodies are read for form and JSON posts (Django and DRF reuse what is
    read here). Uploaded file contents are not text and are not looked at, their names are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            return invalid_characters_response(request)
        return self.get_response(request)

    def _refused(self, request) -> bool:
        if has_control_characters(request.path_info) or _querydict_refused(request.GET):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.content_type or ""
        if content_type in FORM_TYPES:
            if request.method == "POST":
                return _querydict_refused(request.POST) or any(
                    has_control_characters(upload.name or "")
                    for _field, uploads in request.FILES.lists() for upload in uploads)
            # Django parses form bodies of POST only; a PUT/PATCH urlencoded body is read here.
            if content_type == FORM_TYPES[0]:
                return _querydict_refused(QueryDict(request.body, encoding=request.encoding))
            return False
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                return json_has_control_characters(json.loads(request.body or b"null"))
            except ValueError:
                return False  # not JSON: the view answers 400 in its own words
            except RecursionError:
                return True  # nested deeper than Python parses: no API takes it (not a 500)
        return False


def _querydict_refused(data) -> bool:
    return any(has_control_characters(key) or any(has_control_characters(v) for v in values)
               for key, values in data.lists())


class DatabaseOutageMiddleware:
    """A view that finds the database unreachable answers 503 with Retry-After, not 500.

    Errors outside views (a template rendered after the view, another middleware) reach
    handler500, core.refusals.server_error, which answers the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OUTAGE_ERRORS):
            log_outage(request, exception)
            return outage_response(request)
        return None
