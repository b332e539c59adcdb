"""Visits (issue 16.1-16.2): planning one, the proof written at check-in, checking out.

One locked transaction per change, like the ticket transitions: the ticket row is locked first
(the same order as tickets.services), so a check-out never races a check-in of the same ticket.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability, can
from assets.models import Asset
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from fieldservice.models import LocationCheck, Visit, VisitPolicy
from tickets.models import OPEN_STATUSES, Entry, Ticket
from tickets.selectors import assignable_engineers

# A phone's position worse than this (metres) says little about where the engineer is.
INACCURATE_M = 1000
EARTH_RADIUS_M = 6_371_000
# The path of an asset label's QR URL (assets/labels.py): …/a/<tag>.
LABEL_PATH_MARK = "/a/"


# --- pure helpers ------------------------------------------------------------------------------
def distance_m(lat1, lon1, lat2, lon2) -> int:
    """Great-circle distance in metres (haversine; metres matter, not millimetres)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))))


def tag_from_scan(text: str) -> str:
    """The asset tag a QR code holds: the label's URL (…/a/<tag>, percent-encoded) or the bare
    tag; surrounding blanks and a trailing slash are not part of it."""
    text = (text or "").strip()
    if "://" in text or text.startswith("/"):
        path = urlsplit(text).path
        if LABEL_PATH_MARK in path:
            text = unquote(path.rsplit(LABEL_PATH_MARK, 1)[1]).strip("/")
    return text.strip()[:64]


def _coordinate(value, name: str, limit: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Not a number."), field=name) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise InvalidInput(_("Must be between -%(limit)d and %(limit)d.") % {"limit": limit},
                           field=name)
    return number.quantize(Decimal("0.000001"))


def policy_for(contract) -> VisitPolicy:
    """The contract's visit policy; an unsaved one with the safe defaults when it has none."""
    try:
        return contract.visit_policy
    except VisitPolicy.DoesNotExist:
        return VisitPolicy(contract=contract)


def _site_of(ticket: Ticket):
    """Where the work is: the ticket's site, else its device's."""
    if ticket.site_id:
        return ticket.site
    if ticket.asset_id and ticket.asset.site_id:
        return ticket.asset.site
    return None


# --- the proof ---------------------------------------------------------------------------------
def _locate(visit: Visit, ticket: Ticket, policy: VisitPolicy, proof: dict) -> None:
    latitude, longitude = proof.get("latitude"), proof.get("longitude")
    if latitude in (None, "") and longitude in (None, ""):
        if policy.requires_location:
            raise InvalidInput(_("This contract requires your location at check-in: allow the "
                                 "browser to use it and try again."), field="latitude")
        visit.location_check = LocationCheck.NONE
        return
    if latitude in (None, "") or longitude in (None, ""):
        missing = "longitude" if latitude not in (None, "") else "latitude"
        raise InvalidInput(_("Send both latitude and longitude."), field=missing)
    visit.latitude = _coordinate(latitude, "latitude", 90)
    visit.longitude = _coordinate(longitude, "longitude", 180)
    accuracy = proof.get("accuracy")
    if accuracy not in (None, ""):
        try:
            accuracy = float(accuracy)
        except (TypeError, ValueError):
            raise InvalidInput(_("Not a number."), field="accuracy") from None
        if not math.isfinite(accuracy) or accuracy < 0:
            raise InvalidInput(_("The accuracy is a distance in metres, 0 or more."),
                               field="accuracy")
        visit.accuracy_m = min(round(accuracy), 2**31 - 1)
    site = _site_of(ticket)
    if site is not None and site.latitude is not None and site.longitude is not None:
        visit.distance_m = distance_m(visit.latitude, visit.longitude, site.latitude,
                                      site.longitude)
    if visit.accuracy_m is not None and visit.accuracy_m > INACCURATE_M:
        visit.location_check = LocationCheck.INACCURATE
    elif visit.distance_m is None:
        visit.location_check = LocationCheck.SITE_UNKNOWN
    elif visit.distance_m > policy.radius_m:
        visit.location_check = LocationCheck.OUT_OF_RANGE
    else:
        visit.location_check = LocationCheck.IN_RANGE


def _match_tag(visit: Visit, ticket: Ticket, policy: VisitPolicy, scanned: str) -> None:
    tag = tag_from_scan(scanned)
    if not tag:
        if policy.requires_tag_scan:
            raise InvalidInput(_("This contract requires scanning the device's asset label at "
                                 "check-in."), field="scanned_tag")
        return
    asset = Asset.objects.filter(tag=tag).only("pk", "contract_id", "site_id").first()
    if asset is None:
        raise InvalidInput(_("No device has the asset tag %(tag)s.") % {"tag": tag},
                           field="scanned_tag")
    if asset.contract_id != ticket.contract_id:
        raise InvalidInput(_("The label %(tag)s is on a device of another contract, not this "
                             "ticket's.") % {"tag": tag}, field="scanned_tag")
    visit.scanned_tag = tag
    visit.tag_matches = (asset.pk == ticket.asset_id
                         or (ticket.site_id is not None and asset.site_id == ticket.site_id))
    if not visit.tag_matches and policy.requires_tag_scan:
        raise InvalidInput(_("The label %(tag)s is neither this ticket's device nor a device at "
                             "its site.") % {"tag": tag}, field="scanned_tag")


def record_check_in(*, actor: User, ticket: Ticket, moment, proof: dict) -> Visit:
    """tickets.hooks.check_in_recorded: inside the check-in's transaction, complete the
    engineer's next planned visit (or start one) with the proof; refusing raises, which rolls
    the check-in back."""
    policy = policy_for(ticket.contract)
    visit = (Visit.objects.select_for_update()
             .filter(ticket=ticket, engineer=actor, checked_in_at__isnull=True)
             .order_by("planned_at", "pk").first()) or Visit(ticket=ticket, engineer=actor)
    visit.checked_in_at = moment
    _locate(visit, ticket, policy, proof)
    _match_tag(visit, ticket, policy, proof.get("scanned_tag") or "")
    visit.photo = proof.get("photo")
    if visit.photo is None and policy.requires_photo:
        raise InvalidInput(_("This contract requires a photo taken on site at check-in."),
                           field="photo")
    if proof.get("note"):
        visit.note = proof["note"]
    visit.save()
    return visit


# --- planning and checking out -----------------------------------------------------------------
def may_plan_visits(user, ticket: Ticket) -> bool:
    """The dispatcher, or the ticket's own engineer planning their trip."""
    return (can(user, Capability.DISPATCH)
            or (ticket.assignee_id is not None and ticket.assignee_id == user.pk))


@transaction.atomic
def visit_plan(*, actor: User, ticket: Ticket, engineer: User, planned_at) -> Visit:
    """Plan a visit: who goes and when (shown on their phone home for that day)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not may_plan_visits(actor, ticket):
        raise PermissionRefused(_("Only the dispatcher or the ticket's engineer plans visits."))
    if ticket.status not in OPEN_STATUSES:
        raise ActionRefused(_("A visit is planned only for an open ticket."))
    if planned_at is None:
        raise InvalidInput(_("Say when the visit is."), field="planned_at")
    if not assignable_engineers(contract=ticket.contract).filter(pk=engineer.pk).exists():
        raise InvalidInput(_("%(name)s is not on the team of contract %(code)s.")
                           % {"name": engineer.display_name, "code": ticket.contract.code},
                           field="engineer")
    visit = Visit.objects.create(ticket=ticket, engineer=engineer, planned_at=planned_at,
                                 planned_by=actor)
    when = timezone.localtime(planned_at).strftime("%Y-%m-%d %H:%M")
    Entry.objects.create(ticket=ticket, kind=Entry.Kind.EVENT, author=actor,
                         action="visit_plan", detail=f"{when} {engineer.display_name}"[:200],
                         internal=False, created_at=now())
    return visit


@transaction.atomic
def visit_check_out(*, actor: User, ticket: Ticket, note: str = "") -> Visit:
    """The engineer leaves the site: the end of their open visit and the time spent there."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    visit = (Visit.objects.select_for_update()
             .filter(ticket=ticket, engineer=actor, checked_in_at__isnull=False,
                     checked_out_at__isnull=True)
             .order_by("-checked_in_at", "-pk").first())
    if visit is None:
        raise ActionRefused(_("You are not checked in on this ticket."))
    moment = now()
    visit.checked_out_at = max(moment, visit.checked_in_at)
    if note.strip():
        visit.note = f"{visit.note}\n{note.strip()}".strip()
    visit.save(update_fields=["checked_out_at", "note"])
    Entry.objects.create(
        ticket=ticket, kind=Entry.Kind.EVENT, author=actor, action="check_out",
        from_status=ticket.status, to_status=ticket.status, body=note.strip(),
        detail=str(visit.minutes_on_site),
        internal=False, created_at=moment)
    return visit
