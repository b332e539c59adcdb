"""Stale edits refused: an edit names the version it was made from (the API's If-Match, the
hidden ``version`` field of an edit form), and the service compares it with the locked row.

A row's version is core.models.Versioned's counter; its ETag is ``"<version>"``. Sending no
version keeps working as before (old clients); sending an old one is HTTP 412 with code
"stale" in the API, and the form shown again with who changed the record and when.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.clock import now
from core.errors import ActionRefused


class StaleEdit(ActionRefused):
    """The record changed since the copy the edit was made from: HTTP 412, nothing changed."""

    status_code = 412
    default_code = "stale"


def etag(record) -> str:
    return f'"{record.version}"'


def version_from_if_match(header: str | None) -> int | None:
    """The version an If-Match header names; None when there is none (or ``*``). A tag that is
    not one of ours names version 0, which no row has: the edit is refused as stale."""
    if not header or header.strip() == "*":
        return None
    for tag in header.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag.isdigit():
            return int(tag)
    return 0


def check_version(record, expected: int | None) -> None:
    """Refuse the edit when ``expected`` is not the (locked) record's version."""
    if expected is None or expected == record.version:
        return
    latest = record.history.select_related("history_user").order_by("-history_date",
                                                                     "-history_id").first()
    who = str(latest.history_user) if latest and latest.history_user else _("someone")
    when = timezone.localtime(latest.history_date) if latest else None
    if when is None:
        message = _("This record was changed since you opened it; reload it and make your "
                    "change again.")
    else:
        shown = (when.strftime("%H:%M") if when.date() == timezone.localtime(now()).date()
                 else when.strftime("%Y-%m-%d %H:%M"))
        message = _("Changed by %(who)s at %(when)s since you opened it; reload it and make "
                    "your change again.") % {"who": who, "when": shown}
    raise StaleEdit(message)


def with_etag(response, record):
    """The API answer about one record, with the ETag a later If-Match sends back."""
    response["ETag"] = etag(record)
    return response


def if_match(request) -> int | None:
    return version_from_if_match(request.headers.get("If-Match"))
