"""The API's one error path: every error answer has the same body, whatever raised it.

    {"detail": "a sentence for people", "code": "machine_readable", "errors": {"field": ["…"]}}

``errors`` is there when the error is about named fields (a validation failure, or a core error
raised with ``field``/``errors``); messages that belong to no field sit under
``non_field_errors``. The status comes from the error: the core errors carry theirs (400, 403,
409), DRF's own keep theirs (400 validation, 401, 403, 404, 405, 429 with Retry-After …).

Set as ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``; views let errors propagate here and never build
error responses themselves.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import ActionRefused

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY

# The optional header of a PATCH made from a copy read earlier (core/versions.py).
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The ETag of the GET the change was made from; if the record changed since, "
                "the answer is 412 with code \"stale\" and nothing is changed.")


def error_body(detail, code: str, errors: dict | None = None) -> dict:
    """The body of an API error answer."""
    body = {"detail": str(detail), "code": code}
    if errors:
        body["errors"] = errors
    return body


def _first_message(detail) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            found = _first_message(value)
            if found:
                return found
        return None
    if isinstance(detail, list | tuple):
        for value in detail:
            found = _first_message(value)
            if found:
                return found
        return None
    return str(detail) if detail else None


def _validation_body(exc: exceptions.ValidationError) -> dict:
    detail = exc.detail
    if isinstance(detail, dict):
        errors = detail
        summary = (_first_message(detail) if set(detail) == {NON_FIELD}
                   else _("Invalid input."))
    else:
        errors = {NON_FIELD: detail if isinstance(detail, list) else [detail]}
        summary = _first_message(detail)
    return error_body(summary or _("Invalid input."), "invalid", errors)


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: core errors and DRF's, one body shape."""
    if isinstance(exc, ActionRefused):
        set_rollback()
        return Response(error_body(exc.message, exc.code, exc.errors or None),
                        status=exc.status_code)
    response = drf_exception_handler(exc, context)  # maps Http404 / PermissionDenied too
    if response is None:
        return None  # a real bug: a 500, as before
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, dict | list):  # someone raised an APIException with fields
            body = _validation_body(exceptions.ValidationError(detail))
            body["code"] = exc.default_code
            response.data = body
        else:
            response.data = error_body(detail, _code_of(exc))
    else:  # Http404, django PermissionDenied: DRF turned them into its own
        mapped = (exceptions.NotFound() if response.status_code == 404
                  else exceptions.PermissionDenied())
        response.data = error_body(response.data.get("detail", mapped.detail),
                                   mapped.default_code)
    return response
