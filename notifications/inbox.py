"""In-app notifications (the bell) and each person's choice of channel per kind of event.

The outbox services call in_app_add beside every e-mail they queue to a person, in the same
transaction; the pages and the API call the mark-read and preference services here.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction

from core import batch
from core.bulk_insert import insert_new
from core.clock import now
from core.errors import InvalidInput
from notifications.events import EVENT_KINDS, event_kind, is_mandatory
from notifications.models import InAppNotification, NotificationPreference

TITLE_MAX_CHARS = InAppNotification._meta.get_field("title").max_length
URL_MAX_CHARS = InAppNotification._meta.get_field("url").max_length
MARK_READ_MAX_IDS = 500


def local_path(url: str | None) -> str:
    """The deep link kept for a notification: a path in this portal or nothing. A full URL
    on SITE_URL loses its origin; another site, a scheme-relative //host or an over-long
    link is dropped, so following a notification never leaves the portal."""
    url = (url or "").strip()
    site = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if site and url.startswith(site + "/"):
        url = url[len(site):]
    if not url.startswith("/") or url.startswith("//") or "\\" in url \
            or len(url) > URL_MAX_CHARS:
        return ""
    return url


def link_in(body: str) -> str:
    """The first link into the portal in a message's text: the deep link of messages whose
    sender names none (every e-mail that points somewhere carries its SITE_URL link)."""
    site = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if not site:
        return ""
    match = re.search(re.escape(site) + r"(/[^\s<>\"'）)]*)", body or "")
    return local_path(match.group(1)) if match else ""


def channels_for(person, event: str) -> tuple[bool, bool]:
    """(by e-mail, in the app) for this person and event: both for mandatory escalations and
    when the person chose nothing; one query otherwise."""
    if is_mandatory(event):
        return True, True
    kind = event_kind(event)
    # A bulk action asks once per person and kind of event (core/batch.py).
    choice = batch.remember(("notifications.channels", person.pk, kind), lambda: (
        NotificationPreference.objects.filter(person=person, event=kind)
        .values_list("email", "in_app").first()))
    return choice or (True, True)


def _title(text: str) -> str:
    return " ".join((text or "").split())[:TITLE_MAX_CHARS]


def in_app_add(*, recipient, event: str, title: str, url: str = "",
               dedupe_key: str | None = None) -> InAppNotification | None:
    """Put a notification under the person's bell; None when one with the same key landed
    before. Preferences are the caller's (the outbox's) business."""
    fields = {"recipient": recipient, "event": event, "title": _title(title),
              "url": local_path(url), "created_at": now()}
    if dedupe_key is None:
        return InAppNotification.objects.create(**fields)
    # get_or_create takes its own savepoint around the insert (a concurrent twin loses there).
    notification, created = InAppNotification.objects.get_or_create(
        dedupe_key=f"{dedupe_key}:{recipient.pk}", defaults=fields)
    return notification if created else None


def in_app_add_many(rows: list[dict]) -> int:
    """Many at once (the SLA job's escalations), each with recipient, event, title, url and a
    dedupe_key; rows landed before are skipped. One statement (core/bulk_insert.py)."""
    moment = now()
    titles: dict[str, str] = {}  # the recipients of one message share its title and link
    paths: dict[str, str] = {}
    objects = []
    for row in rows:
        title, url = row["title"], row.get("url") or ""
        if title not in titles:
            titles[title] = _title(title)
        if url not in paths:
            paths[url] = local_path(url)
        objects.append({"recipient": row["recipient"], "event": row["event"],
                        "title": titles[title], "url": paths[url], "created_at": moment,
                        "dedupe_key": f"{row['dedupe_key']}:{row['recipient'].pk}"})
    insert_new(InAppNotification, objects, unique=("dedupe_key",), returning=())
    return len(objects)


def in_app_mark_read(*, person, ids=None, everything: bool = False) -> int:
    """Mark the person's notifications read: those ids, or all. Ids of other people's
    notifications (or none at all) are ignored, exactly like ids that do not exist, so the
    answer says nothing about them. Returns how many changed."""
    unread = InAppNotification.objects.filter(recipient=person, read_at__isnull=True)
    if not everything:
        ids = _ids(ids)
        if not ids:
            return 0
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=now())


def _ids(ids) -> list[int]:
    if not isinstance(ids, list | tuple):
        raise InvalidInput("Send a list of ids.", field="ids", code="invalid")
    if len(ids) > MARK_READ_MAX_IDS:
        raise InvalidInput(f"At most {MARK_READ_MAX_IDS} ids at once.", field="ids",
                           code="too_many")
    clean = []
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int | str) \
                or not str(value).isdigit() or len(str(value)) > 18:
            raise InvalidInput("Ids are whole numbers.", field="ids", code="invalid")
        clean.append(int(value))
    return clean


def in_app_follow(*, person, notification_id: int) -> InAppNotification | None:
    """Following a notification's link marks it read; None when it is not the person's."""
    notification = InAppNotification.objects.filter(pk=notification_id,
                                                    recipient=person).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def preferences_save(*, person, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store the person's (e-mail, in-app) choice per kind of event. Mandatory escalations
    are not stored: whatever is sent for them, both channels stay on."""
    known = {kind.event for kind in EVENT_KINDS if not kind.mandatory}
    for event, (email, in_app) in choices.items():
        if event not in known:
            continue
        NotificationPreference.objects.update_or_create(
            person=person, event=event, defaults={"email": bool(email), "in_app": bool(in_app)})
