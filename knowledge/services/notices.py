"""Maintenance notices (seed 001): published at least the contract's notice period (48 h by
default) before the window unless a PM records an emergency reason; shown as a banner and
e-mailed to the contract's people at the affected sites; an edit keeps the rule for the new
window and tells those already told; tickets filed during the window about the affected
service are tagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import CLIENT_ROLES, Capability, can
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from core.prepared import PreparedQuery
from knowledge.models import Change, Notice, NoticePolicy, NoticeRecipient
from knowledge.models.notices import DEFAULT_NOTICE_HOURS
from knowledge.services._common import is_contract_pm, link, sees_contract
from notifications.services import email_from_template

FIELDS = ("title", "body", "starts_at", "ends_at", "contact", "emergency_reason",
          "service_type")


def notice_hours(contract) -> int:
    policy = NoticePolicy.objects.filter(contract=contract).first()
    return policy.notice_hours if policy else DEFAULT_NOTICE_HOURS


def may_publish(user, contract) -> bool:
    """The desk and the contract's managers publish notices for contracts they see."""
    if not getattr(user, "is_authenticated", False) or user.role in CLIENT_ROLES:
        return False
    return ((can(user, Capability.DISPATCH) or is_contract_pm(user, contract))
            and sees_contract(user, contract))


def _check(*, actor, contract, title, body, starts_at, ends_at, emergency_reason, sites,
           service_type, moment) -> None:
    if not (title or "").strip():
        raise InvalidInput(_("Give the notice a title."), field="title")
    if not (body or "").strip():
        raise InvalidInput(_("Say what happens during the window."), field="body")
    if starts_at is None:
        raise InvalidInput(_("Give the start of the window."), field="starts_at")
    if ends_at is None:
        raise InvalidInput(_("Give the end of the window."), field="ends_at")
    if ends_at <= starts_at:
        raise InvalidInput(_("The window must end after it starts."), field="ends_at")
    for site in sites:
        if site.organisation_id != contract.client_id:
            raise InvalidInput(_("The site is not one of the client's sites."), field="sites")
    if service_type is not None and not service_type.active:
        raise InvalidInput(_("This service type is no longer offered."), field="service_type")
    hours = notice_hours(contract)
    if starts_at >= moment + timedelta(hours=hours):
        return
    reason = (emergency_reason or "").strip()
    errors = {"starts_at": [_("The window must start at least %(hours)s hours after the notice "
                              "goes out.") % {"hours": hours}]}
    if reason and is_contract_pm(actor, contract):
        return
    if reason:
        errors["emergency_reason"] = [_("Only the contract's project manager may publish an "
                                        "emergency notice.")]
    raise InvalidInput(errors["starts_at"][0], field="starts_at", errors=errors,
                       code="notice_period")


def _audience(notice: Notice):
    """The contract's client people at the affected sites (all sites when none is named) and
    its client contacts."""
    people = User.objects.filter(is_active=True, organisation_id=notice.contract.client_id,
                                 role__in=CLIENT_ROLES)
    site_ids = list(notice.sites.values_list("pk", flat=True))
    if site_ids:
        people = people.filter(Q(site_id__in=site_ids)
                               | Q(pk__in=notice.contract.client_contacts.values("pk")))
    return people.order_by("pk")


def _tell(notice: Notice, people, template: str) -> int:
    url = link("knowledge:notice_detail", pk=notice.pk)
    told = 0
    for person in people:
        email_from_template(recipient=person, event="notice", template=template,
                            context={"notice": notice, "url": url},
                            dedupe_key=f"notice:{notice.pk}:{notice.revision}:{person.pk}")
        NoticeRecipient.objects.update_or_create(notice=notice, person=person,
                                                 defaults={"revision": notice.revision})
        told += 1
    return told


def _tag_existing(notice: Notice) -> None:
    """A window that has begun (an emergency) tags the tickets already filed in it."""
    if notice.starts_at > now():
        return
    from_tickets = notice.contract.tickets.filter(created_at__gte=notice.starts_at,
                                                  created_at__lt=notice.ends_at)
    if notice.service_type_id:
        from_tickets = from_tickets.filter(service_type_id=notice.service_type_id)
    site_ids = list(notice.sites.values_list("pk", flat=True))
    if site_ids:
        from_tickets = from_tickets.filter(Q(site_id__in=site_ids) | Q(site__isnull=True))
    notice.tickets.add(*from_tickets[:1000])


@transaction.atomic
def notice_publish(*, actor, contract, title: str, body: str, starts_at: datetime | None,
                   ends_at: datetime | None, sites=(), service_type=None, contact: str = "",
                   emergency_reason: str = "", change: Change | None = None) -> Notice:
    """Publish a notice now: the banner shows it and its people are e-mailed."""
    if not may_publish(actor, contract):
        raise PermissionRefused(_("Only the desk and the contract's managers publish notices."))
    if change is not None and change.contract_id != contract.pk:
        raise InvalidInput(_("The change is on another contract."), field="change")
    moment = now()
    _check(actor=actor, contract=contract, title=title, body=body, starts_at=starts_at,
           ends_at=ends_at, emergency_reason=emergency_reason, sites=sites,
           service_type=service_type, moment=moment)
    notice = Notice(contract=contract, change=change, title=title.strip(), body=body.strip(),
                    starts_at=starts_at, ends_at=ends_at, service_type=service_type,
                    contact=(contact or "").strip(),
                    emergency_reason=(emergency_reason or "").strip(), published_by=actor,
                    published_at=moment, updated_at=moment)
    notice._history_user = actor
    notice.save()
    notice.sites.set(sites)
    _tell(notice, _audience(notice), "knowledge/email/notice.txt")
    _tag_existing(notice)
    return notice


def notice_from_change(change: Change) -> dict:
    """The form's starting values for the notice of an approved change with downtime."""
    return {"title": _("Maintenance: %(title)s") % {"title": change.title},
            "body": change.scope or change.reason, "starts_at": change.window_start,
            "ends_at": change.window_end, "change": change.pk}


@transaction.atomic
def notice_update(*, actor, notice: Notice, sites=None, **fields) -> Notice:
    """Edit a published notice. A moved window obeys the notice period again (counted from
    now); those already told hear of the new version, and newly affected people too."""
    notice = Notice.objects.select_for_update().select_related("contract").get(pk=notice.pk)
    if not may_publish(actor, notice.contract):
        raise PermissionRefused(_("Only the desk and the contract's managers edit notices."))
    if notice.cancelled_at is not None:
        raise ActionRefused(_("This notice was cancelled."))
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be edited: %(names)s")
                           % {"names": ", ".join(sorted(unknown))}, field=sorted(unknown)[0])
    values = {name: fields.get(name, getattr(notice, name)) for name in FIELDS}
    new_sites = list(notice.sites.all()) if sites is None else list(sites)
    moved = (values["starts_at"], values["ends_at"]) != (notice.starts_at, notice.ends_at)
    moment = now()
    if moved:
        _check(actor=actor, contract=notice.contract, sites=new_sites, moment=moment,
               **{k: values[k] for k in ("title", "body", "starts_at", "ends_at",
                                          "emergency_reason", "service_type")})
    else:
        # The window stays: the period was met when it was published; check the rest only.
        _check(actor=actor, contract=notice.contract, sites=new_sites, moment=notice.starts_at
               - timedelta(hours=notice_hours(notice.contract)),
               **{k: values[k] for k in ("title", "body", "starts_at", "ends_at",
                                          "emergency_reason", "service_type")})
    for name in FIELDS:
        value = values[name]
        setattr(notice, name, value.strip() if isinstance(value, str) else value)
    notice.revision += 1
    notice.updated_at = moment
    notice._history_user = actor
    notice._change_reason = "edited"
    notice.save()
    notice.sites.set(new_sites)
    told = User.objects.filter(pk__in=notice.recipients.values("person_id"), is_active=True)
    audience = _audience(notice)
    _tell(notice, (told | audience).distinct().order_by("pk"),
          "knowledge/email/notice_changed.txt")
    return notice


@transaction.atomic
def notice_cancel(*, actor, notice: Notice) -> Notice:
    notice = Notice.objects.select_for_update().select_related("contract").get(pk=notice.pk)
    if not may_publish(actor, notice.contract):
        raise PermissionRefused(_("Only the desk and the contract's managers cancel notices."))
    if notice.cancelled_at is not None:
        raise ActionRefused(_("This notice was cancelled."), code="cancelled")
    notice.cancelled_at = now()
    notice.revision += 1
    notice.updated_at = notice.cancelled_at
    notice._history_user = actor
    notice._change_reason = "cancelled"
    notice.save(update_fields=["cancelled_at", "revision", "updated_at"])
    told = User.objects.filter(pk__in=notice.recipients.values("person_id"), is_active=True)
    _tell(notice, told.order_by("pk"), "knowledge/email/notice_cancelled.txt")
    return notice


def _live_notices(contract, service_type, filed, filed_again, site=None):
    notices = (Notice.objects.filter(contract_id=contract, cancelled_at__isnull=True,
                                     starts_at__lte=filed, ends_at__gt=filed_again)
               .filter(Q(service_type__isnull=True) | Q(service_type_id=service_type)))
    if site is not None:
        notices = notices.filter(Q(sites__isnull=True) | Q(sites=site))
    return notices.distinct().order_by()


# Asked as every ticket is filed, and almost always finds none: compiled once per process
# (core.prepared; compiling it cost more than running it), one query for a ticket with a site
# and one for a ticket without. The filing moment is given twice (one marker per place).
_MARKERS = {"contract": -1_987_654_321, "service_type": -1_987_654_322,
            "filed": datetime(1901, 1, 1, tzinfo=UTC),
            "filed_again": datetime(1901, 1, 2, tzinfo=UTC)}
LIVE_NOTICES = PreparedQuery(_live_notices, **_MARKERS)
LIVE_NOTICES_AT_SITE = PreparedQuery(_live_notices, **_MARKERS, site=-1_987_654_323)


def notice_tag_ticket(ticket) -> int:
    """Called as a ticket is filed: the live notices whose window covers its filing, on its
    contract, about its service (or any service) and its site (or any site), tag it."""
    values = {"contract": ticket.contract_id, "service_type": ticket.service_type_id,
              "filed": ticket.created_at, "filed_again": ticket.created_at}
    if ticket.site_id:
        notices = LIVE_NOTICES_AT_SITE.models(**values, site=ticket.site_id)
    else:
        notices = LIVE_NOTICES.models(**values)
    for notice in notices:
        notice.tickets.add(ticket)
    return len(notices)
