"""Service reports (issue 16.3): drafts, versions, the freeze (service and database), stock
moves, signatures (blank, too large, not PNG, twice), the unsigned flow and resolving."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from assets.models import StockMovement
from assets.services import store as store_svc
from assets.services.store import balance_total
from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from fieldservice.models import ReportStatus, ServiceReport, ServiceReportPart
from fieldservice.services import reports as svc
from fieldservice.signatures import ink_pixels
from notifications.models import Notification
from tests.fieldservice.report_fixtures import DEMO_AT, png, report_data, upload
from tickets.models import Status
from tickets.services import ticket_act

pytestmark = pytest.mark.demo_at(DEMO_AT)


def draft(s, parts=None, **data):
    report, _created = svc.report_save(
        actor=s["engineer"], ticket=s["ticket"], data=report_data(**data),
        parts=[{"part": s["toner"].pk, "quantity": 2}] if parts is None else parts)
    return report


def sign_both(s, report):
    svc.report_sign(actor=s["engineer"], report=report, role="requester", signature=upload(),
                    signer_name="吴芳")
    return svc.report_sign(actor=s["engineer"], report=report, role="engineer",
                           signature=upload())


# --- drafts and versions -------------------------------------------------------------------------
def test_it_saves_a_draft_and_updates_it_in_place(site):
    report = draft(site)
    again, created = svc.report_save(actor=site["engineer"], ticket=site["ticket"],
                                     data=report_data(result="已修复"),
                                     parts=[{"part": site["mem"].pk, "quantity": 1},
                                            {"part": site["mem"].pk, "quantity": 1}])
    assert not created and again.pk == report.pk
    assert again.result == "已修复" and again.version == 1
    assert [(line.part_id, line.quantity) for line in again.parts.all()] == [
        (site["mem"].pk, 2)]
    # A draft moves no stock.
    assert not StockMovement.objects.filter(ticket=site["ticket"], kind="issue").exists()


def test_it_refuses_missing_fields_and_foreign_parts_changing_nothing(site):
    with pytest.raises(InvalidInput) as exc:
        svc.report_save(actor=site["engineer"], ticket=site["ticket"],
                        data=report_data(symptom=" ", actions=""), parts=[])
    assert set(exc.value.errors) == {"symptom", "actions"}
    server_part = StockMovement.objects.exclude(part__contract=site["ticket"].contract).first()
    foreign = server_part.part if server_part else None
    if foreign is None:
        from assets.models import Part  # noqa: PLC0415 (only when the demo has no movement)

        foreign = Part.objects.exclude(contract=site["ticket"].contract).first()
    with pytest.raises(InvalidInput) as exc:
        svc.report_save(actor=site["engineer"], ticket=site["ticket"], data=report_data(),
                        parts=[{"part": foreign.pk, "quantity": 1}])
    assert exc.value.field == "parts"
    with pytest.raises(InvalidInput):
        svc.report_save(actor=site["engineer"], ticket=site["ticket"], data=report_data(),
                        parts=[{"part": site["toner"].pk, "quantity": 0}])
    assert not ServiceReport.objects.exists()


def test_only_engineers_who_see_the_ticket_write_reports(site):
    for person in (site["requester"], site["client"], site["other_engineer"]):
        with pytest.raises(PermissionRefused):
            svc.report_save(actor=person, ticket=site["ticket"], data=report_data())


def test_a_correction_is_a_new_version_and_the_signed_one_is_kept(site):
    first = sign_both(site, draft(site))
    second, created = svc.report_save(actor=site["engineer"], ticket=site["ticket"],
                                      data=report_data(result="更正：打印正常，已试打 20 页"),
                                      parts=[{"part": site["toner"].pk, "quantity": 3}])
    assert created and second.version == 2 and second.supersedes_id == first.pk
    first.refresh_from_db()
    assert first.result == "打印正常" and first.status == ReportStatus.SIGNED
    sign_both(site, second)
    # Only the difference leaves the store: 2 for v1, one more for v2.
    assert balance_total(site["toner"]) == site["stock"] - 3
    # The old version cannot be signed or confirmed any more.
    with pytest.raises(ActionRefused):
        svc.report_without_signature(actor=site["engineer"], report=first, kind="absent",
                                     reason="x")


def test_a_correction_listing_fewer_parts_returns_the_difference(site):
    sign_both(site, draft(site, parts=[{"part": site["toner"].pk, "quantity": 3}]))
    assert balance_total(site["toner"]) == site["stock"] - 3
    second, _created = svc.report_save(actor=site["engineer"], ticket=site["ticket"],
                                       data=report_data(),
                                       parts=[{"part": site["toner"].pk, "quantity": 1}])
    sign_both(site, second)
    assert balance_total(site["toner"]) == site["stock"] - 1
    assert StockMovement.objects.filter(ticket=site["ticket"], kind="return_unused",
                                        quantity=2).exists()


# --- the freeze ----------------------------------------------------------------------------------
def test_signing_by_both_freezes_moves_stock_and_archives_the_pdf(site):
    report = sign_both(site, draft(site))
    assert report.status == ReportStatus.SIGNED and report.frozen_at is not None
    assert report.requester_name == "吴芳" and report.requester_signed_by == site["engineer"]
    movement = StockMovement.objects.get(ticket=site["ticket"], part=site["toner"])
    assert movement.kind == "issue" and movement.quantity == -2
    assert movement.actor == site["engineer"] and movement.location == site["location"]
    assert balance_total(site["toner"]) == site["stock"] - 2
    assert report.pdf.ticket_id == site["ticket"].pk
    assert report.pdf.content_type == "application/pdf" and report.pdf.size > 1000


def test_the_service_refuses_to_change_a_frozen_report(site):
    report = sign_both(site, draft(site))
    with pytest.raises(ActionRefused):
        svc.report_sign(actor=site["engineer"], report=report, role="engineer",
                        signature=upload())
    # Writing the ticket's report again is a correction, never an edit of the signed one.
    svc.report_save(actor=site["engineer"], ticket=site["ticket"], data=report_data(cause="x"))
    report.refresh_from_db()
    assert report.cause == "进纸辊老化"


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the freezing triggers are PostgreSQL's (fieldservice 0004)")
def test_the_database_refuses_to_change_a_frozen_report(site):
    report = sign_both(site, draft(site))
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceReport.objects.filter(pk=report.pk).update(result="偷偷改掉")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceReport.objects.filter(pk=report.pk).update(status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceReportPart.objects.filter(report=report).update(quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceReportPart.objects.create(report=report, part=site["mem"], quantity=1)
    # Bookkeeping is still allowed (the overdue reminder, the confirmation).
    ServiceReport.objects.filter(pk=report.pk).update(overdue_notified_at=now())
    report.refresh_from_db()
    assert report.result == "打印正常"


def test_it_refuses_more_parts_than_the_store_holds_and_keeps_the_report_open(site):
    with pytest.raises(InvalidInput) as exc:  # at once, on the draft
        draft(site, parts=[{"part": site["toner"].pk, "quantity": site["stock"] + 1}])
    assert exc.value.field == "parts"
    report = draft(site, parts=[{"part": site["toner"].pk, "quantity": site["stock"]}])
    # Someone else takes one from the store before the report is signed.
    store_svc.stock_issue(actor=site["pm"], part=site["toner"], location=site["location"],
                          quantity=1, ticket=site["ticket"])
    svc.report_sign(actor=site["engineer"], report=report, role="engineer",
                    signature=upload())
    with pytest.raises(InvalidInput) as exc:
        svc.report_sign(actor=site["engineer"], report=report, role="requester",
                        signature=upload(), signer_name="吴芳")
    assert exc.value.field == "quantity"
    report.refresh_from_db()
    assert report.requester_signed_at is None and report.frozen_at is None
    assert balance_total(site["toner"]) == site["stock"] - 1


# --- signatures ----------------------------------------------------------------------------------
def test_a_blank_or_near_blank_pad_is_refused(site):
    report = draft(site)
    for kind in ("blank", "dots", "white"):
        with pytest.raises(InvalidInput) as exc:
            svc.report_sign(actor=site["engineer"], report=report, role="engineer",
                            signature=upload(png(kind)))
        assert exc.value.field == "signature", kind
    report.refresh_from_db()
    assert report.engineer_signed_at is None


def test_ink_is_counted_on_strokes_only():
    from io import BytesIO  # noqa: PLC0415 (one test)

    from PIL import Image  # noqa: PLC0415 (one test)

    assert ink_pixels(Image.open(BytesIO(png("blank")))) == 0
    assert ink_pixels(Image.open(BytesIO(png("white")))) == 0
    assert ink_pixels(Image.open(BytesIO(png("stroke")))) > 500


def test_a_signature_over_the_limit_or_not_a_png_is_refused(site, settings):
    report = draft(site)
    big = png("stroke") + b"\0" * (1024 * 1024)
    for data in (big, b"GIF89a" + b"\0" * 100, png("stroke")[:60], b"\x89PNG\r\n\x1a\n junk"):
        with pytest.raises(InvalidInput) as exc:
            svc.report_sign(actor=site["engineer"], report=report, role="engineer",
                            signature=upload(data))
        assert exc.value.field == "signature"
    # A JPEG named .png is not a PNG either.
    from io import BytesIO  # noqa: PLC0415 (one test)

    from PIL import Image  # noqa: PLC0415 (one test)

    out = BytesIO()
    Image.new("RGB", (50, 50), (0, 0, 0)).save(out, format="JPEG")
    with pytest.raises(InvalidInput):
        svc.report_sign(actor=site["engineer"], report=report, role="engineer",
                        signature=upload(out.getvalue()))


def test_a_second_signature_for_a_role_is_refused_with_409(site):
    report = draft(site)
    svc.report_sign(actor=site["engineer"], report=report, role="engineer", signature=upload())
    with pytest.raises(ActionRefused) as exc:
        svc.report_sign(actor=site["engineer"], report=report, role="engineer",
                        signature=upload())
    assert exc.value.status_code == 409 and exc.value.code == "already_signed"


def test_who_may_sign_for_whom(site):
    report = draft(site)
    with pytest.raises(PermissionRefused):  # not the report's engineer
        svc.report_sign(actor=site["desk"], report=report, role="engineer", signature=upload())
    with pytest.raises(PermissionRefused):  # an engineer who is not the report's
        svc.report_sign(actor=site["other_engineer"], report=report, role="requester",
                        signature=upload(), signer_name="x")
    with pytest.raises(InvalidInput) as exc:  # in person: the signer's name is required
        svc.report_sign(actor=site["engineer"], report=report, role="requester",
                        signature=upload())
    assert exc.value.field == "signer_name"
    # The client contact signs in their own session: their name is recorded.
    signed = svc.report_sign(actor=site["client"], report=report, role="requester",
                             signature=upload())
    assert signed.requester_name == site["client"].display_name
    assert signed.requester_signed_by == site["client"]
    with pytest.raises(InvalidInput):
        svc.report_sign(actor=site["engineer"], report=report, role="boss", signature=upload())


def test_a_signed_draft_cannot_be_edited_in_place(site):
    report = draft(site)
    svc.report_sign(actor=site["engineer"], report=report, role="engineer", signature=upload())
    second, created = svc.report_save(actor=site["engineer"], ticket=site["ticket"],
                                      data=report_data(result="改"))
    assert created and second.supersedes_id == report.pk
    with pytest.raises(ActionRefused):  # the half-signed version is no longer current
        svc.report_sign(actor=site["client"], report=report, role="requester",
                        signature=upload())


# --- e-mail --------------------------------------------------------------------------------------
def test_both_sides_get_the_pdf_by_e_mail(site, mailoutbox, django_capture_on_commit_callbacks):
    from notifications.services import notification_deliver  # noqa: PLC0415 (one test)

    with django_capture_on_commit_callbacks(execute=False):
        report = sign_both(site, draft(site))
    rows = Notification.objects.filter(event="service_report.signed")
    assert {row.recipient for row in rows} == {site["requester"], site["engineer"]}
    for row in rows:
        assert notification_deliver(row.pk)
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        (name, content, mimetype), = message.attachments
        assert name == f"service-report-{report.ticket.number}-v1.pdf"
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    # Exactly once: the same report never queues its mail twice.
    svc._email_both(report, event="service_report.signed", subject="x", body="y", pdf=b"%PDF")
    assert rows.count() == 2


# --- refused or absent ---------------------------------------------------------------------------
def test_unsigned_report_goes_to_the_client_and_the_pm_hears_once_when_overdue(site, policy):
    report = draft(site)
    with pytest.raises(ActionRefused):  # the engineer signs first
        svc.report_without_signature(actor=site["engineer"], report=report, kind="absent",
                                     reason="客户不在")
    svc.report_sign(actor=site["engineer"], report=report, role="engineer", signature=upload())
    with pytest.raises(InvalidInput):
        svc.report_without_signature(actor=site["engineer"], report=report, kind="absent",
                                     reason=" ")
    report = svc.report_without_signature(actor=site["engineer"], report=report, kind="refused",
                                          reason="客户对结果有异议，拒绝签字")
    assert report.status == ReportStatus.AWAITING_CONFIRMATION and report.is_frozen
    assert report.confirm_due > now().date()
    assert balance_total(site["toner"]) == site["stock"] - 2
    assert Notification.objects.filter(event="service_report.confirm",
                                       recipient=site["client"]).exists()
    assert svc.reports_overdue_sweep() == 0  # not due yet
    with time_machine.travel(now() + timedelta(days=30), tick=False):
        assert svc.reports_overdue_sweep() == 1
        assert svc.reports_overdue_sweep() == 0
    assert Notification.objects.filter(event="service_report.overdue",
                                       recipient=site["pm"]).count() == 1


def test_the_client_confirms_an_unsigned_report(site):
    report = draft(site)
    svc.report_sign(actor=site["engineer"], report=report, role="engineer", signature=upload())
    svc.report_without_signature(actor=site["engineer"], report=report, kind="absent",
                                 reason="现场无人")
    with pytest.raises(PermissionRefused):
        svc.report_confirm(actor=site["engineer"], report=report)
    report = svc.report_confirm(actor=site["client"], report=report)
    assert report.status == ReportStatus.CONFIRMED and report.confirmed_by == site["client"]
    with pytest.raises(ActionRefused):
        svc.report_confirm(actor=site["client"], report=report)


# --- resolving -----------------------------------------------------------------------------------
def resolve(s):
    return ticket_act("resolve", actor=s["engineer"], ticket=s["ticket"], code="fixed",
                      notes="已更换硒鼓")


def test_resolve_needs_a_signed_report_when_the_contract_requires_it(site, policy):
    with pytest.raises(ActionRefused) as exc:
        resolve(site)
    assert exc.value.status_code == 409 and "DEMO-DESKTOP" in exc.value.message
    report = draft(site)
    with pytest.raises(ActionRefused):
        resolve(site)
    sign_both(site, report)
    assert resolve(site).status == Status.RESOLVED


def test_a_confirmed_report_also_allows_resolving(site, policy):
    report = draft(site)
    svc.report_sign(actor=site["engineer"], report=report, role="engineer", signature=upload())
    svc.report_without_signature(actor=site["engineer"], report=report, kind="absent",
                                 reason="现场无人")
    with pytest.raises(ActionRefused):
        resolve(site)
    svc.report_confirm(actor=site["requester"], report=report)
    assert resolve(site).status == Status.RESOLVED


def test_resolve_without_the_policy_or_without_a_visit_needs_no_report(site, policy):
    policy.signed_report_required = False
    policy.save()
    assert resolve(site).status == Status.RESOLVED


def test_resolve_of_a_ticket_never_on_site_needs_no_report(site, policy):
    from tickets.models import Ticket  # noqa: PLC0415 (one test)

    Ticket.objects.filter(pk=site["ticket"].pk).update(needs_on_site=False, arrived_at=None,
                                                       status=Status.ACCEPTED)
    site["ticket"].refresh_from_db()
    assert resolve(site).status == Status.RESOLVED
