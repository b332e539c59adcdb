"""Check-in with proof through the ticket transition, planning and checking out (issue 16)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.clock import now
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from fieldservice.models import LocationCheck, Visit, VisitPolicy
from fieldservice.services.visits import (
    distance_m,
    tag_from_scan,
    visit_check_out,
    visit_plan,
)
from tests.fieldservice.conftest import FAR, NEAR, png_upload
from tickets.models import Attachment, Entry, Status, Ticket
from tickets.services import ticket_act, ticket_check_in


def _check_in(demo, ticket, **proof):
    return ticket_act("check_in", actor=demo["engineer"], ticket=ticket, **proof)


def test_distance_is_the_great_circle_in_metres():
    assert distance_m(31.230416, 121.473701, *NEAR) == 111
    assert 11_000 < distance_m(31.230416, 121.473701, *FAR) < 11_200
    assert distance_m(0, 0, 0, 0) == 0


@pytest.mark.parametrize(("text", "tag"), [
    ("https://itsm.example.com/a/HX-PC-0001", "HX-PC-0001"),
    ("http://localhost:8000/a/HX%20PC%2F1/", "HX PC/1"),
    ("/a/HX-PC-0001", "HX-PC-0001"),
    ("  HX-PC-0001 ", "HX-PC-0001"),
    ("", ""),
])
def test_the_tag_is_read_from_the_label_url_or_as_written(text, tag):
    assert tag_from_scan(text) == tag


def test_a_check_in_without_proof_records_a_visit_with_no_location(demo, dispatched):
    ticket = _check_in(demo, dispatched)
    visit = Visit.objects.get(ticket=ticket)
    assert ticket.status == Status.ON_SITE
    assert visit.engineer == demo["engineer"] and visit.checked_in_at == ticket.arrived_at
    assert visit.location_check == LocationCheck.NONE and not visit.has_proof


def test_a_position_at_the_site_is_in_range_and_counts_as_proof(demo, dispatched):
    _check_in(demo, dispatched, latitude=NEAR[0], longitude=NEAR[1], accuracy=20)
    visit = Visit.objects.get(ticket=dispatched)
    assert visit.location_check == LocationCheck.IN_RANGE
    assert visit.distance_m == 111 and visit.accuracy_m == 20
    assert visit.has_proof and not visit.location_flagged


def test_a_position_away_from_the_site_is_recorded_and_flagged_not_refused(demo, dispatched):
    ticket = _check_in(demo, dispatched, latitude=FAR[0], longitude=FAR[1], accuracy=15)
    visit = Visit.objects.get(ticket=ticket)
    assert ticket.status == Status.ON_SITE
    assert visit.location_check == LocationCheck.OUT_OF_RANGE and visit.location_flagged
    assert visit.distance_m > 11_000 and not visit.has_proof


def test_the_contracts_radius_decides_what_is_in_range(demo, dispatched, desktop):
    VisitPolicy.objects.create(contract=desktop, radius_m=100)
    _check_in(demo, dispatched, latitude=NEAR[0], longitude=NEAR[1], accuracy=5)
    assert Visit.objects.get(ticket=dispatched).location_check == LocationCheck.OUT_OF_RANGE


def test_accuracy_worse_than_a_kilometre_is_flagged(demo, dispatched):
    _check_in(demo, dispatched, latitude=NEAR[0], longitude=NEAR[1], accuracy=1500)
    visit = Visit.objects.get(ticket=dispatched)
    assert visit.location_check == LocationCheck.INACCURATE and visit.location_flagged
    assert visit.accuracy_m == 1500 and not visit.has_proof


def test_a_site_without_coordinates_is_site_unknown(demo, dispatched):
    site = dispatched.site
    site.latitude = site.longitude = None
    site.save()
    _check_in(demo, dispatched, latitude=NEAR[0], longitude=NEAR[1], accuracy=5)
    visit = Visit.objects.get(ticket=dispatched)
    assert visit.location_check == LocationCheck.SITE_UNKNOWN and visit.distance_m is None


@pytest.mark.parametrize(("proof", "field"), [
    ({"latitude": 91, "longitude": 121}, "latitude"),
    ({"latitude": -90.5, "longitude": 121}, "latitude"),
    ({"latitude": 31, "longitude": 180.01}, "longitude"),
    ({"latitude": 31}, "longitude"),
    ({"latitude": 31, "longitude": 121, "accuracy": -1}, "accuracy"),
    ({"latitude": "abc", "longitude": 121}, "latitude"),
])
def test_impossible_coordinates_are_refused_and_nothing_changes(demo, dispatched, proof, field):
    with pytest.raises(InvalidInput) as refused:
        _check_in(demo, dispatched, **proof)
    assert refused.value.field == field
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED and dispatched.arrived_at is None
    assert not Visit.objects.filter(ticket=dispatched).exists()
    assert not Entry.objects.filter(ticket=dispatched, action="check_in").exists()


def test_the_ticket_devices_label_matches(demo, dispatched, asset):
    _check_in(demo, dispatched, scanned_tag=f"https://portal.example.com/a/{asset.tag}")
    visit = Visit.objects.get(ticket=dispatched)
    assert visit.scanned_tag == asset.tag and visit.tag_matches is True and visit.has_proof


def test_a_label_of_another_device_at_the_site_matches(demo, dispatched, asset, desktop):
    other = type(asset).objects.create(
        contract=desktop, tag="FS-TEST-0002", name="同址打印机", asset_type=asset.asset_type,
        site=asset.site, created_at=now(), updated_at=now())
    _check_in(demo, dispatched, scanned_tag=other.tag)
    assert Visit.objects.get(ticket=dispatched).tag_matches is True


def test_a_label_of_the_same_contract_elsewhere_is_recorded_as_not_matching(demo, dispatched,
                                                                             asset, desktop):
    elsewhere = type(asset).objects.create(
        contract=desktop, tag="FS-TEST-0003", name="别处的电脑", asset_type=asset.asset_type,
        created_at=now(), updated_at=now())
    _check_in(demo, dispatched, scanned_tag=elsewhere.tag)
    visit = Visit.objects.get(ticket=dispatched)
    assert visit.tag_matches is False and not visit.has_proof


def test_a_label_of_another_contract_is_refused_with_the_reason(demo, dispatched,
                                                                 foreign_asset):
    with pytest.raises(InvalidInput) as refused:
        _check_in(demo, dispatched, scanned_tag=foreign_asset.tag)
    assert refused.value.field == "scanned_tag" and foreign_asset.tag in refused.value.message
    assert "其他合同" in refused.value.message  # the reason, in the reader's language
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    assert not Visit.objects.filter(ticket=dispatched).exists()


def test_an_unknown_label_is_refused(demo, dispatched):
    with pytest.raises(InvalidInput) as refused:
        _check_in(demo, dispatched, scanned_tag="NO-SUCH-TAG")
    assert refused.value.field == "scanned_tag"
    assert Ticket.objects.get(pk=dispatched.pk).status == Status.DISPATCHED


def test_a_photo_is_kept_as_a_public_attachment_of_the_check_in(demo, dispatched):
    _check_in(demo, dispatched, photo=png_upload())
    visit = Visit.objects.get(ticket=dispatched)
    attachment = Attachment.objects.get(ticket=dispatched)
    assert visit.photo == attachment and not attachment.internal
    assert attachment.entry.action == "check_in" and attachment.content_type == "image/png"
    assert visit.has_proof


def test_a_photo_that_is_not_an_image_is_refused(demo, dispatched):
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(InvalidInput) as refused:
        _check_in(demo, dispatched, photo=pdf)
    assert refused.value.field == "photo"
    assert not Attachment.objects.filter(ticket=dispatched).exists()
    assert not Visit.objects.filter(ticket=dispatched).exists()


@pytest.mark.parametrize(("requirement", "proof", "field"), [
    ("requires_location", {}, "latitude"),
    ("requires_tag_scan", {}, "scanned_tag"),
    ("requires_photo", {}, "photo"),
])
def test_what_the_contract_requires_is_refused_when_missing(demo, dispatched, desktop,
                                                             requirement, proof, field):
    VisitPolicy.objects.create(contract=desktop, **{requirement: True})
    with pytest.raises(InvalidInput) as refused:
        _check_in(demo, dispatched, **proof)
    assert refused.value.field == field
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    assert not Visit.objects.filter(ticket=dispatched).exists()
    assert not Attachment.objects.filter(ticket=dispatched).exists()


def test_a_required_tag_scan_must_match(demo, dispatched, desktop, asset):
    VisitPolicy.objects.create(contract=desktop, requires_tag_scan=True)
    elsewhere = type(asset).objects.create(
        contract=desktop, tag="FS-TEST-0004", name="别处的电脑", asset_type=asset.asset_type,
        created_at=now(), updated_at=now())
    with pytest.raises(InvalidInput):
        _check_in(demo, dispatched, scanned_tag=elsewhere.tag)
    _check_in(demo, dispatched, scanned_tag=asset.tag)
    assert Visit.objects.get(ticket=dispatched).tag_matches is True


def test_all_requirements_met_checks_in(demo, dispatched, desktop, asset):
    VisitPolicy.objects.create(contract=desktop, requires_location=True,
                               requires_tag_scan=True, requires_photo=True)
    ticket = _check_in(demo, dispatched, latitude=NEAR[0], longitude=NEAR[1], accuracy=10,
                       scanned_tag=asset.tag, photo=png_upload())
    assert ticket.status == Status.ON_SITE
    visit = Visit.objects.get(ticket=ticket)
    assert visit.location_check == LocationCheck.IN_RANGE and visit.tag_matches
    assert visit.photo is not None


def test_the_check_in_completes_the_planned_visit(demo, dispatched):
    planned = visit_plan(actor=demo["desk"], ticket=dispatched, engineer=demo["engineer"],
                         planned_at=now() + timedelta(hours=2))
    _check_in(demo, dispatched)
    assert Visit.objects.filter(ticket=dispatched).count() == 1
    planned.refresh_from_db()
    assert planned.checked_in_at is not None and planned.planned_by == demo["desk"]
    assert Entry.objects.filter(ticket=dispatched, action="visit_plan").exists()


def test_only_the_dispatcher_or_the_engineer_plans_and_only_the_team(demo, dispatched):
    with pytest.raises(PermissionRefused):
        visit_plan(actor=demo["user"], ticket=dispatched, engineer=demo["engineer"],
                   planned_at=now())
    with pytest.raises(InvalidInput) as refused:
        visit_plan(actor=demo["desk"], ticket=dispatched, engineer=demo["user"],
                   planned_at=now())
    assert refused.value.field == "engineer"
    visit = visit_plan(actor=demo["engineer"], ticket=dispatched, engineer=demo["engineer"],
                       planned_at=now())
    assert visit.planned_by == demo["engineer"]


def test_check_out_records_the_end_and_the_time_on_site(demo, dispatched):
    start = now()
    with time_machine.travel(start, tick=False):
        ticket_check_in(actor=demo["engineer"], ticket=dispatched)
    with time_machine.travel(start + timedelta(minutes=95), tick=False):
        visit = visit_check_out(actor=demo["engineer"], ticket=dispatched, note="已更换电源")
    assert visit.minutes_on_site == 95 and "已更换电源" in visit.note
    entry = Entry.objects.get(ticket=dispatched, action="check_out")
    assert entry.detail == "95" and entry.event_text == "离开现场，在场 95 分钟"
    with pytest.raises(ActionRefused):  # out already: nothing open to close
        visit_check_out(actor=demo["engineer"], ticket=dispatched)


def test_someone_not_on_site_cannot_check_out(demo, dispatched):
    ticket_check_in(actor=demo["engineer"], ticket=dispatched)
    with pytest.raises(ActionRefused):
        visit_check_out(actor=demo["desk"], ticket=dispatched)
    assert Visit.objects.get(ticket=dispatched).checked_out_at is None
