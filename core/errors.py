"""The domain errors every service raises, and every adapter (page, API, task, command) maps
once: a refused action is HTTP 409, a forbidden one 403, bad input 400 with the fields named.

Services raise these and nothing else for "no"; views and the API never decide the status code
themselves (the API's exception handler and the form mixin read ``status_code`` and ``code``).
"""

from __future__ import annotations


class ActionRefused(Exception):
    """The action cannot happen now (wrong state, stale form, a rule): HTTP 409, nothing changed.

    ``field`` names the input the message is about, when there is one; ``errors`` carries
    several messages per field (``{"code": ["…"]}``).
    """

    status_code = 409
    default_code = "refused"

    def __init__(self, message: str, *, field: str | None = None,
                 errors: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = dict(errors or {})
        if field and field not in self.errors:
            self.errors[field] = [message]
        self.code = code or self.default_code


class PermissionRefused(ActionRefused):
    """The person may not do this to this record: HTTP 403, nothing changed."""

    status_code = 403
    default_code = "forbidden"


class InvalidInput(ActionRefused):
    """What was sent cannot be taken (a missing or bad field, a file too large): HTTP 400,
    nothing changed."""

    status_code = 400
    default_code = "invalid"
